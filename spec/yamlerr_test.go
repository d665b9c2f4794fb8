package spec

import "testing"

// TestYAMLSyntaxErrorColumn: for the syntax errors whose token can be
// found again, the diagnostic points at it rather than at column 1.
func TestYAMLSyntaxErrorColumn(t *testing.T) {
	for _, c := range []struct {
		src       string
		line, col int
	}{
		{"a: b: c\n", 1, 5},
		{"name: t\nservers:\n  - name: web\n    flavor: c6: large\n", 4, 15},
		{"name: t\n  project: p\n", 2, 10},
		{"name: t\nproject: @p\n", 2, 10},
		{"name: t\nproject: 'a: b' x: y\n", 2, 18},
		{"name: t\nservers:\n\t- name: web\n", 3, 1},
		{"name: t\nx y z\nproject: p\n", 2, 1},
		{"name: \"é\": x\n", 1, 10},
		// Parser errors keep yaml.v3's line (near where the unclosed
		// construct began, not the token) and column 1.
		{"name: t\nservers: [a, b\nproject: p\n", 1, 1},
	} {
		_, diags := Parse("t.yaml", []byte(c.src), LoadOptions{LookupEnv: func(string) (string, bool) { return "", false }})
		d := wantError(t, diags, "invalid YAML")
		if d.Pos.Line != c.line || d.Pos.Col != c.col {
			t.Errorf("%q: %s at %d:%d, want %d:%d", c.src, d.Message, d.Pos.Line, d.Pos.Col, c.line, c.col)
		}
	}
}
