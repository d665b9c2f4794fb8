package spec

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exampleEnv is the environment the examples are validated in: the
// secrets they reference are set to valid passwords.
func exampleEnv(name string) (string, bool) {
	switch name {
	case "WEB_ADMIN_PASSWORD", "BATCH_ADMIN_PASSWORD":
		return "Xy7!kq2Lp@w", true
	}
	return "", false
}

func loadExample(t *testing.T, path string) (*Fleet, Diagnostics) {
	t.Helper()
	return Load(path, LoadOptions{LookupEnv: exampleEnv})
}

// TestExamples loads every example: each must be valid, and must carry
// no error (warnings are printed for the reader of the test log).
func TestExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.yaml")
	hcls, _ := filepath.Glob("../examples/*.hcl")
	files = append(files, hcls...)
	if len(files) < 5 {
		t.Fatalf("found %d examples, want at least 5", len(files))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, diags := loadExample(t, path)
			if diags.HasErrors() || f == nil {
				var b bytes.Buffer
				src, _ := os.ReadFile(path)
				Render(&b, diags, map[string][]byte{path: src}, false)
				t.Fatalf("example is invalid:\n%s", b.String())
			}
			for _, d := range diags {
				t.Logf("warning: %s", d.Error())
			}
			if f.Name == "" || len(f.Servers) == 0 {
				t.Errorf("example loaded without a name or servers: %+v", f)
			}
		})
	}
}

// TestYAMLAndHCLLoadTheSameModel proves the two syntaxes are one language:
// every example written both ways loads to an identical model (compared
// as JSON, which leaves out positions, the only thing allowed to differ).
func TestYAMLAndHCLLoadTheSameModel(t *testing.T) {
	hcls, _ := filepath.Glob("../examples/*.hcl")
	if len(hcls) == 0 {
		t.Fatal("no HCL example")
	}
	for _, h := range hcls {
		y := strings.TrimSuffix(h, ".hcl") + ".yaml"
		if _, err := os.Stat(y); err != nil {
			continue
		}
		t.Run(filepath.Base(h), func(t *testing.T) {
			fy, dy := loadExample(t, y)
			fh, dh := loadExample(t, h)
			if dy.HasErrors() || dh.HasErrors() {
				t.Fatalf("yaml: %v\nhcl: %v", dy, dh)
			}
			jy, _ := json.MarshalIndent(fy, "", "  ")
			jh, _ := json.MarshalIndent(fh, "", "  ")
			if !bytes.Equal(jy, jh) {
				t.Errorf("models differ\nyaml: %s\nhcl:  %s", jy, jh)
			}
			// The inherited-field bookkeeping must agree too.
			for i := range fy.Servers {
				a, b := fy.Servers[i].Inherited, fh.Servers[i].Inherited
				if len(a) != len(b) {
					t.Errorf("set %s: inherited %v vs %v", fy.Servers[i].Name, a, b)
				}
				for k := range a {
					if !b[k] {
						t.Errorf("set %s: %s inherited in YAML only", fy.Servers[i].Name, k)
					}
				}
			}
		})
	}
}
