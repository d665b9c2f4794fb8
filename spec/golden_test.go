package spec

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// -update rewrites testdata/diagnostics/*.golden from the current output.
var update = flag.Bool("update", false, "rewrite golden files")

// goldenEnv is the environment the golden files are rendered in.
func goldenEnv(name string) (string, bool) {
	switch name {
	case "SET_NAME":
		return "web", true
	case "WEAK_PASSWORD":
		return "password123", true
	case "ADMIN_PASSWORD":
		return "Xy7!kq2Lp@w", true
	}
	return "", false
}

// TestGoldenDiagnostics loads each broken fleet in testdata/diagnostics
// (one broken thing per file, a few with several) and compares the
// rendered, plain-text diagnostics with the .golden file next to it.
func TestGoldenDiagnostics(t *testing.T) {
	files, _ := filepath.Glob("testdata/diagnostics/*.yaml")
	hcls, _ := filepath.Glob("testdata/diagnostics/*.hcl")
	files = append(files, hcls...)
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, diags := Load(path, LoadOptions{LookupEnv: goldenEnv})
			if !diags.HasErrors() {
				t.Fatalf("a broken fleet loaded without errors (fleet %v, diagnostics %v)", f != nil, diags)
			}
			if f != nil {
				t.Error("Load returned a fleet together with errors")
			}
			src, _ := os.ReadFile(path)
			var got bytes.Buffer
			Render(&got, diags, map[string][]byte{path: src}, false)
			golden := strings.TrimSuffix(path, filepath.Ext(path)) + filepath.Ext(path) + ".golden"
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./spec -update to create it)", err)
			}
			if got.String() != string(want) {
				t.Errorf("diagnostics differ from %s (run go test ./spec -update if the change is intended)\n--- got\n%s--- want\n%s", golden, got.String(), want)
			}
		})
	}
}
