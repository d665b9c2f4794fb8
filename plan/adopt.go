package plan

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/rules"
	"github.com/ecsfleet/ecsfleet/spec"
)

// Adopting servers. A member the file names may already exist without the
// fleet's mark: made by hand, by another tool, or listed by `ecsfleet
// import`. Before a missing member is created, the project's servers are
// read without the ownership filter (only then: a plan with no missing
// member never reads them) and a server with exactly the member's name is
// looked for:
//
//   - one with no ownership tag at all, which `ecsfleet import` listed for
//     this fleet under this member's name (Options.Imported): the member
//     is adopted (Action Adopt, `?`) instead of created: one add_tags call
//     gives it the fleet's two tags, one metadata call ecsfleet's
//     bookkeeping (the create descriptor, from the file: what the server
//     got at create is taken on trust, user data included). Apply does it
//     only with --adopt.
//   - one with no ownership tag that no import listed: a Problem. ecsfleet
//     changes no server without its mark unless an import chose it, and
//     creating the member beside it would double the server.
//     What can change in place (flavor, image, tags, metadata, NICs, group,
//     power, description) is left to the next plan, which sees an owned
//     server; what cannot (AZ, primary subnet, keypair, root and data
//     volumes) must already match, or the plan has a Problem: adopting it
//     would only lead to its replacement.
//   - two or more with no ownership tag: a Problem (which one is the member?).
//   - one that carries another fleet's mark is never adopted: fleets tell
//     their servers apart by the mark, so the member is created beside it,
//     with a warning about the shared name.

// adoptMissing looks for unowned servers bearing the names of the members
// the plan would create, and adopts them instead.
func (pl *planner) adoptMissing(ctx context.Context, r Reader) error {
	missing := false
	for _, ms := range pl.members {
		for _, m := range ms {
			missing = missing || m.action == Create
		}
	}
	if !missing {
		return nil
	}
	if err := pl.snap.readOthers(ctx, r, pl.f.Name); err != nil {
		return err
	}
	byName := map[string][]*ecs.Server{}
	for i := range pl.snap.Others {
		srv := &pl.snap.Others[i]
		if srv.Status != ecs.StatusDeleted {
			byName[srv.Name] = append(byName[srv.Name], srv)
		}
	}
	subnets := newSubnetIndex(pl.snap.Subnets)
	vols := volumeIndex(pl.snap.Volumes)
	d := &differ{f: pl.f}
	for i := range pl.f.Servers {
		s := &pl.f.Servers[i]
		ds := pl.sets[s.Name]
		for _, m := range pl.members[s.Name] {
			if m.action != Create {
				continue
			}
			var unowned []*ecs.Server
			var foreign []string
			for _, srv := range byName[m.name] {
				if owner, ok := ownerOf(srv); ok {
					foreign = append(foreign, fmt.Sprintf("%s of fleet %q", srv.ID, owner))
				} else {
					unowned = append(unowned, srv)
				}
			}
			switch {
			case len(unowned) == 1 && pl.imported[unowned[0].ID] == m.name:
				pl.adopt(d, ds, m, unowned[0], subnets, vols)
			case len(unowned) == 1:
				pl.probs.add(s.Pos, fmt.Sprintf("take it over with 'ecsfleet import --name %s --name-prefix %s --out FILE' (then apply --adopt), or rename or delete it", pl.f.Name, m.name),
					"server set %q: server %s (%s) has the member's name but not the fleet's mark, and no 'ecsfleet import' chose it; ecsfleet changes no server without its mark",
					s.Name, m.name, unowned[0].ID)
			case len(unowned) > 1:
				ids := make([]string, len(unowned))
				for i, srv := range unowned {
					ids[i] = srv.ID
				}
				sort.Strings(ids)
				pl.probs.add(s.Pos, fmt.Sprintf("rename or delete all but one of them (the one left is adopted), or rename server set %q", s.Name),
					"server set %q: %d servers named %s exist without the fleet's mark (%s); ecsfleet cannot tell which one is the member",
					s.Name, len(unowned), m.name, strings.Join(ids, ", "))
			case len(foreign) > 0:
				pl.warns = append(pl.warns, fmt.Sprintf("%s is created beside server %s with the same name: fleets tell their servers apart by their mark, not by name",
					m.name, strings.Join(foreign, ", server ")))
			}
		}
	}
	return nil
}

// adopt turns the create of member m into the adoption of srv, or reports
// why srv cannot be that member.
func (pl *planner) adopt(d *differ, ds *desiredSet, m *memberChange, srv *ecs.Server, subnets *subnetIndex, vols map[string]*ecs.Volume) {
	s := ds.s
	l := toLive(srv, subnets)
	type mismatch struct{ field, what string }
	var bad []mismatch
	differs := func(field, live, want string) {
		bad = append(bad, mismatch{field, fmt.Sprintf("%s %s (the set: %s)", field, orNone(live), orNone(want))})
	}
	if s.AvailabilityZone != "" && l.AZ != "" && l.AZ != s.AvailabilityZone {
		differs("availability_zone", l.AZ, s.AvailabilityZone)
	}
	if l.KeyName != s.Keypair {
		differs("keypair", l.KeyName, s.Keypair)
	}
	if len(ds.subnets) > 0 && ds.subnets[0] != "" && len(l.NICs) > 0 &&
		!slices.ContainsFunc(l.NICs, func(n liveNIC) bool { return n.SubnetID == ds.subnets[0] }) {
		bad = append(bad, mismatch{"nics", fmt.Sprintf("nics[0].subnet: no NIC of the server is in %s", s.NICs[0].Subnet)})
	}
	if root, data, _, ok := serverDisks(srv, vols); ok {
		want := Disk{Type: s.RootVolume.Type, SizeGB: ds.rootSize}
		if root != nil && *root != want {
			differs("root_volume", root.String(), want.String())
		}
		var wantData []Disk
		for _, v := range s.DataVolumes {
			wantData = append(wantData, Disk{Type: v.Type, SizeGB: v.SizeGB})
		}
		if a, b := diskList(data), diskList(wantData); a != b {
			differs("data_volumes", a, b)
		}
	}
	add := 0
	for _, k := range []string{spec.OwnerTagKey, spec.SetTagKey} {
		if _, ok := l.Tags[k]; !ok {
			add++
		}
	}
	if n := len(l.Tags) + add; n > rules.MaxTagsPerServer {
		bad = append(bad, mismatch{"tags", fmt.Sprintf("it has %d tags, and with the fleet's %q and %q it would have %d, over the API's limit of %d (remove %d of them first)",
			len(l.Tags), spec.OwnerTagKey, spec.SetTagKey, n, rules.MaxTagsPerServer, n-rules.MaxTagsPerServer)})
	}
	if len(bad) > 0 {
		pos := s.Pos
		if len(bad) == 1 {
			if p, ok := s.FieldPos[bad[0].field]; ok && p.IsValid() {
				pos = p
			}
		}
		whats := make([]string, len(bad))
		for i, b := range bad {
			whats[i] = b.what
		}
		pl.probs.add(pos, "change the set to match the server, or rename or delete the server; a server is adopted only when what the API cannot change in place matches the set",
			"server set %q: server %s (%s) exists without the fleet's mark but cannot be adopted into this set: %s", s.Name, srv.Name, srv.ID, strings.Join(whats, "; "))
		return
	}
	m.action, m.live = Adopt, l
	m.tagsAdd = map[string]string{spec.OwnerTagKey: pl.f.Name, spec.SetTagKey: s.Name}
	m.metaSet = ds.adoptMetadata()
	m.reason = "exists without the fleet's mark; apply --adopt takes it over"
	if later := d.afterAdoption(ds, m); later != "" {
		m.reason += "; the next plan then " + later
	}
}

// adoptMetadata is what an adopted member gets written: ecsfleet's
// bookkeeping as for a created member, but no password generation (its
// password is not the set's: bumping password_generation resets it) and
// none of the fleet's metadata (a change in place, for the next plan).
func (ds *desiredSet) adoptMetadata() map[string]string {
	md := ds.bookkeeping()
	delete(md, spec.PasswordGenerationKey)
	return md
}

// afterAdoption says what the first plan after the adoption of m will do
// to it ("changes flavor, tags.role"), "" for nothing: the diff of the
// server once it carries the fleet's mark and the bookkeeping.
func (d *differ) afterAdoption(ds *desiredSet, m *memberChange) string {
	l := *m.live
	l.Tags = map[string]string{}
	for k, v := range m.live.Tags {
		l.Tags[k] = v
	}
	for k, v := range m.tagsAdd {
		l.Tags[k] = v
	}
	l.Metadata = map[string]string{}
	for k, v := range m.live.Metadata {
		l.Metadata[k] = v
	}
	for k, v := range m.metaSet {
		l.Metadata[k] = v
	}
	after := d.compare(ds, &slot{name: m.name, live: &l})
	switch {
	case after == nil:
		return ""
	case after.action == Replace:
		return "replaces it (" + after.reason + ")"
	}
	var paths []string
	for _, a := range after.attrs {
		if !slices.Contains(paths, a.Path) {
			paths = append(paths, a.Path)
		}
	}
	return "changes " + strings.Join(paths, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Disk is a volume as a fleet file describes it: its type and size.
type Disk struct {
	Type   string
	SizeGB int
}

func (d Disk) String() string { return fmt.Sprintf("%s:%d", d.Type, d.SizeGB) }

// diskList is a comparable, readable form of a list of disks, in order
// of type and size ("(none)" for no disk).
func diskList(ds []Disk) string {
	if len(ds) == 0 {
		return "(none)"
	}
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// volumeIndex finds volumes by id.
func volumeIndex(vs []ecs.Volume) map[string]*ecs.Volume {
	m := make(map[string]*ecs.Volume, len(vs))
	for i := range vs {
		m[vs[i].ID] = &vs[i]
	}
	return m
}

// serverDisks reads a server's disks from the project's volumes: the root
// volume (boot index 0, else the root device, else the first attached),
// its own data volumes in device order, and the shared (multiattach)
// volumes attached to it, by name. ok is false when an attached volume
// is not in the list (then nothing can be said about the disks).
func serverDisks(srv *ecs.Server, vols map[string]*ecs.Volume) (root *Disk, data []Disk, shared []string, ok bool) {
	atts := append([]ecs.VolumeAttached(nil), srv.VolumesAttached...)
	if len(atts) == 0 {
		return nil, nil, nil, true
	}
	rootAt := -1
	for i, a := range atts {
		if strings.TrimSpace(string(a.BootIndex)) == "0" {
			rootAt = i
			break
		}
	}
	if rootAt < 0 {
		for i, a := range atts {
			if a.Device != "" && a.Device == srv.RootDeviceName {
				rootAt = i
				break
			}
		}
	}
	if rootAt < 0 {
		rootAt = 0
	}
	rv := vols[atts[rootAt].ID]
	if rv == nil {
		return nil, nil, nil, false
	}
	root = &Disk{Type: string(rv.VolumeType), SizeGB: int(rv.Size)}
	rest := append(atts[:rootAt:rootAt], atts[rootAt+1:]...)
	sort.SliceStable(rest, func(i, j int) bool { return deviceLess(rest[i].Device, rest[j].Device) })
	for _, a := range rest {
		v := vols[a.ID]
		if v == nil {
			return nil, nil, nil, false
		}
		if bool(v.Multiattach) || bool(a.Multiattach) {
			shared = append(shared, volumeName(v))
			continue
		}
		data = append(data, Disk{Type: string(v.VolumeType), SizeGB: int(v.Size)})
	}
	return root, data, shared, true
}

// deviceLess orders device names as the disks were attached: /dev/vdb
// before /dev/vdc, and /dev/vdz before /dev/vdaa.
func deviceLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
