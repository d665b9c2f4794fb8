package plan

import "github.com/ecsfleet/ecsfleet/spec"

// ForDestroy is the fleet emptied of everything but its identity: planned
// against the cloud, it deletes every server and shared volume that carries
// the fleet's mark, and nothing else. Keypairs and server groups carry no
// mark, so nothing proves they are the fleet's to delete: a destroy leaves
// them (objects.go), and says so.
func ForDestroy(f *spec.Fleet) *spec.Fleet {
	return &spec.Fleet{Name: f.Name, Project: f.Project, Ignore: f.Ignore, File: f.File, Pos: f.Pos}
}

// Kept are the objects a destroy of f leaves, as "kind name", for the
// operator to delete by hand if they are no longer wanted.
func Kept(f *spec.Fleet) []string {
	var out []string
	for _, k := range f.Keypairs {
		out = append(out, "keypair "+k.Name)
	}
	for _, g := range f.ServerGroups {
		out = append(out, "server group "+g.Name)
	}
	return out
}
