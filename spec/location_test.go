package spec

import (
	"testing"
)

// TestExactLocations: syntax errors point at the offending character.
// yaml.v3 marks a tab that breaks indentation on the line before it (the
// mark of the line break it scanned from) and gives no line for an
// unknown alias; a non-UTF-8 byte was reported without a line; HCL
// reports an unterminated heredoc at the end of the file instead of where
// it opens.
func TestExactLocations(t *testing.T) {
	cases := []struct {
		name, src, want string
		line, col       int
	}{
		{"tab.yaml", "name: t\nservers:\n  - name: w\n\tcount: 2\n", "tab character", 4, 1},
		{"tab-after.yaml", "name: t\nservers:\n  - name: w\n    count:\t\t2\n    \tx: 1\n", "tab character", 5, 5},
		{"tab-blank.yaml", "name: t\nkeypairs:\n- name: a\n\n\t\n  create: true\n", "tab character", 5, 1},
		{"tab-nested.yaml", "a:\n  b: 1\n\tc: 2\n", "tab character", 3, 1},
		{"tab-right.yaml", "a: 1\n\t\nb: 2\n", "tab character", 2, 1},
		{"alias.yaml", "name: t\n# *nope in a comment\nservers:\n  - name: \"*nope\"\n    flavor: *nope\n", "unknown anchor 'nope'", 5, 13},
		{"alias-flow.yaml", "name: t\nservers: [*nope]\n", "unknown anchor 'nope'", 2, 11},
		{"utf8.yaml", "name: t\nservers:\n  - name: w\xff\n", "not UTF-8", 3, 12},
		{"nul.yaml", "name: t\n  é\x00\n", "not UTF-8", 2, 4},
		{"utf8.hcl", "name = \"t\"\nx = \"é\xfe\"\n", "not UTF-8", 2, 7},
		{"heredoc.hcl", "name = \"t\"\nx = <<EOT\nabc\nmore\n", "Unterminated", 2, 5},
		{"heredoc-indented.hcl", "name = \"t\"\nserver \"a\" {\n  user_data = <<-EOT\n    abc\n  EOT2\n}\n", "Unterminated", 3, 15},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := Parse(c.name, []byte(c.src), LoadOptions{LookupEnv: func(string) (string, bool) { return "", false }})
			d := wantError(t, diags, c.want)
			if d.Pos.Line != c.line || d.Pos.Col != c.col {
				t.Errorf("%q at %d:%d, want %d:%d", d.Message, d.Pos.Line, d.Pos.Col, c.line, c.col)
			}
		})
	}
}
