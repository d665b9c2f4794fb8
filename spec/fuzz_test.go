package spec

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzEnv is a fixed environment, so fuzzing never depends on the machine.
func fuzzEnv(name string) (string, bool) {
	if name == "HOME" {
		return "/nonexistent", true
	}
	if strings.HasSuffix(name, "PW") {
		return "Xy7!kq2Lp@w", true
	}
	return "", false
}

// addSeeds adds every example and golden input with the given extension.
func addSeeds(f *testing.F, ext string) {
	for _, glob := range []string{"../examples/*" + ext, "testdata/diagnostics/*" + ext} {
		files, _ := filepath.Glob(glob)
		for _, path := range files {
			if src, err := os.ReadFile(path); err == nil {
				f.Add(src)
			}
		}
	}
}

// checkParse is the property both fuzz targets check: Parse never panics;
// it returns a fleet exactly when there is no error; every diagnostic has
// a message and a position in the file parsed; and a loaded fleet can be
// rendered as JSON (what plan output does).
func checkParse(t *testing.T, name string, src []byte) {
	opts := LoadOptions{LookupEnv: fuzzEnv, BaseDir: "/nonexistent-ecsfleet-fuzz"}
	fleet, diags := Parse(name, src, opts)
	if diags.HasErrors() != (fleet == nil) {
		t.Fatalf("fleet %v with errors %v", fleet != nil, diags.HasErrors())
	}
	Render(io.Discard, diags, map[string][]byte{name: src}, true) // masks and carets on any line
	for _, d := range diags {
		if d.Message == "" {
			t.Fatalf("diagnostic without a message at %s", d.Pos)
		}
		if d.Pos.File != name {
			t.Fatalf("diagnostic in file %q, want %q: %s", d.Pos.File, name, d.Message)
		}
	}
	if fleet != nil {
		if _, err := json.Marshal(fleet); err != nil {
			t.Fatalf("a loaded fleet does not marshal: %v", err)
		}
	}
}

func FuzzParseYAML(f *testing.F) {
	addSeeds(f, ".yaml")
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("name: x\nservers: [{<<: {name: y}, name: z}]\n"))
	f.Add([]byte("\x00\x01\x02"))
	f.Fuzz(func(t *testing.T, src []byte) {
		checkParse(t, "fuzz.yaml", src)
	})
}

func FuzzParseHCL(f *testing.F) {
	addSeeds(f, ".hcl")
	f.Add([]byte("name = \"x\"\nserver \"a\" { count = var.n }\n"))
	f.Add([]byte("server \"a\" { admin_password = { env = \"PW\" } }\n"))
	f.Add([]byte("x = [[[[[[[[[[\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		checkParse(t, "fuzz.hcl", src)
	})
}
