package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// The files a run writes are readable by their owner only: the journal
// (it names servers, jobs and the fleet), the simulator's state file and
// its lock, and a generated private key, which is also never overwritten.
func TestFilesAreOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "sim-state.json")
	cl := newCloud(t, func(c *sim.Config) { c.StateFile = state })
	j, err := OpenJournal(JournalPath(dir, "app"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	cl.eng.SetJournal(j)
	f := loadFleet(t, `
name: app
defaults: {availability_zone: az1.dc1, vpc: vpc-default, image: Ubuntu 22.04 server 64bit, flavor: s6.small.1, root_volume: {type: SSD}, security_groups: [default]}
keypairs:
  - {name: app-key, create: true, private_key_file: `+filepath.Join(dir, "app-key.pem")+`}
servers:
  - {name: app, count: 1, keypair: app-key, nics: [{subnet: subnet-web}]}
`)
	cl.mustConverge(t, f, cl.apply(t, f))
	for _, p := range []string{JournalPath(dir, "app"), state, state + ".lock", filepath.Join(dir, "app-key.pem")} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := st.Mode().Perm(); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", filepath.Base(p), m)
		}
	}
	// A second keypair run with the same key file is refused before any
	// call: the key on disk is never overwritten.
	before, _ := os.ReadFile(filepath.Join(dir, "app-key.pem"))
	g := loadFleet(t, `
name: app2
keypairs:
  - {name: app2-key, create: true, private_key_file: `+filepath.Join(dir, "app-key.pem")+`}
`)
	p := cl.plan(t, g)
	cl.eng.o.Fleet = g
	if res, err := cl.eng.Apply(t.Context(), cl.c, p); err == nil && res.OK() {
		t.Fatal("a keypair whose private key file exists was created")
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "app-key.pem")); string(after) != string(before) {
		t.Fatal("the private key file was overwritten")
	}
}
