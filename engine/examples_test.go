package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ecsfleet/ecsfleet/spec"
)

// Every example fleet, YAML and HCL, comes up on the simulator in one
// apply, and a second apply makes no mutating call at all. The examples
// are copied to a temporary directory: their private key files and
// secrets files live beside them.
func TestEveryExampleAppliesAndConverges(t *testing.T) {
	names, err := filepath.Glob(filepath.Join("..", "examples", "*"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, src := range names {
		ext := filepath.Ext(src)
		if ext != ".yaml" && ext != ".hcl" {
			continue
		}
		t.Run(filepath.Base(src), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, filepath.Base(src))
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			// The secrets the examples name, as an operator would provide them.
			if err := os.MkdirAll(filepath.Join(dir, "secrets"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "secrets", "db-admin-password"), []byte("Db-Pair-Passw0rd!\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			f, diags := spec.Load(path, spec.LoadOptions{LookupEnv: testLookup})
			if diags.HasErrors() {
				t.Fatalf("%v", diags)
			}
			cl := newCloud(t)
			res := cl.apply(t, f)
			cl.mustConverge(t, f, res)
			before := cl.writes()
			res = cl.apply(t, f)
			if res.Counts.Total != 0 {
				t.Fatalf("the second apply has %d ops", res.Counts.Total)
			}
			if n := cl.writes() - before; n != 0 {
				t.Fatalf("the second apply made %d mutating calls, want 0", n)
			}
		})
	}
}
