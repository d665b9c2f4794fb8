package spec

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// loadFile writes src to a file named name in a fresh directory and runs
// the real loader on it.
func loadFile(t *testing.T, name, src string, opts LoadOptions) Diagnostics {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if opts.LookupEnv == nil {
		opts.LookupEnv = func(string) (string, bool) { return "", false }
	}
	_, diags := Load(path, opts)
	return diags
}

// TestResourceBombs: files built to exhaust the parser's stack, time or
// memory are refused with an error that says what the limit is, before
// the recursive parse runs. Before the guard, the unary and bracket bombs
// killed the process with a fatal stack overflow, the template bomb took
// 19 s and the conditional chain 987 MB (docs/reliability.md).
func TestResourceBombs(t *testing.T) {
	cases := map[string]struct{ name, src, want string }{
		"unary operators": {"x.hcl", "x = " + strings.Repeat("!", 300_000) + "true\n", "nested more than 64 levels"},
		"brace in a string then brackets": {"x.hcl",
			"x = \"" + strings.Repeat("}", 100_000) + "\"\ny = " + strings.Repeat("[", 100_000) + "\n", "nested more than 64 levels"},
		"braces in a comment then brackets": {"x.hcl",
			"# " + strings.Repeat("}", 100_000) + "\ny = " + strings.Repeat("(", 100_000) + "\n", "nested more than 64 levels"},
		"unclosed template ifs":         {"x.hcl", "x = \"" + strings.Repeat("%{if true}", 50_000) + "\"\n", "nested more than 64 levels"},
		"unclosed heredoc ifs":          {"x.hcl", "x = <<EOT\n" + strings.Repeat("%{if true}\n", 50_000) + "EOT\n", "nested more than 64 levels"},
		"conditional chain":             {"x.hcl", "x = " + strings.Repeat("true ? 1 : ", 50_000) + "1\n", "nested more than 64 levels"},
		"conditional chain over lines":  {"x.hcl", "x = (" + strings.Repeat("true ?\n1 :\n", 50_000) + "1)\n", "nested more than 64 levels"},
		"binary chain":                  {"x.hcl", "x = " + strings.Repeat("1 + ", 100_000) + "1\n", "nested more than 64 levels"},
		"interpolations":                {"x.hcl", "x = " + strings.Repeat("\"${", 10_000) + "\n", "nested more than 64 levels"},
		"function calls":                {"x.hcl", "x = " + strings.Repeat("f(", 10_000) + "\n", "nested more than 64 levels"},
		"blocks":                        {"x.hcl", strings.Repeat("a {\n", 10_000), "nested more than 64 levels"},
		"big conditional chain":         {"x.hcl", "x = " + strings.Repeat("true ? 1 : ", 330_000) + "1\n", "fleet files are limited to 1048576 bytes (1 MiB)"},
		"mismatched closers":            {"x.hcl", "x = " + strings.Repeat("[)", 100) + "\n", "nested more than 64 levels"},
		"many tokens":                   {"x.hcl", "name = \"t\"\nx = [" + strings.Repeat("1,", 150_000) + "1]\n", "the file has more than 200000 tokens"},
		"big yaml":                      {"x.yaml", "name: t\n" + strings.Repeat("# padding\n", 110_000), "fleet files are limited to 1048576 bytes (1 MiB)"},
		"deep yaml flow":                {"x.yaml", "name: t\nservers: " + strings.Repeat("[", 100_000) + "\n", "exceeded max depth of 10000"},
		"deep yaml flow maps":           {"x.yaml", "name: t\nservers: " + strings.Repeat("{a: ", 100_000) + "\n", "exceeded max depth of 10000"},
		"deep yaml blocks":              {"x.yaml", "name: t\nservers:\n  " + strings.Repeat("- ", 20_000) + "x\n", "exceeded max depth of 10000"},
		"deep yaml, under yaml's limit": {"x.yaml", "name: t\nservers: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", "must be a mapping"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			diags := loadFile(t, c.name, c.src, LoadOptions{})
			wantError(t, diags, c.want)
		})
	}
}

// TestNestingLimitKeepsRealFiles: the guard counts what a real fleet
// writes far below the limit (a reference in a template in an object in a
// block in a block, a negative number).
func TestNestingLimitKeepsRealFiles(t *testing.T) {
	src := "name = \"t\"\nvariable \"n\" { default = \"2\" }\n" + strings.Repeat("# } ] ) \" \n", 100) +
		"server \"w\" {\n  count = var.n\n  tags = { \"a-b\" = \"x-${var.n}\", c = -1 }\n  description = \"}}} ]]] )))\"\n  nic { subnet = \"s\" }\n  vpc = \"v\"\n  image = \"i\"\n  flavor = \"f\"\n  root_volume { type = \"SSD\" }\n}\n"
	diags := loadFile(t, "x.hcl", src, LoadOptions{})
	if diags.HasErrors() {
		t.Fatalf("a plain fleet is refused:\n%+v", []Diagnostic(diags))
	}
}

// TestDevZero: a fleet file or a --var-file that is a symlink to
// /dev/zero (or any file that is not a regular file) is refused at once,
// as the side-file reader refuses one; it used to be read until memory
// ran out.
func TestDevZero(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := t.TempDir()
	zero := filepath.Join(dir, "fleet.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	_, diags := Load(zero, LoadOptions{})
	wantError(t, diags, "cannot read the fleet file: not a regular file")
	if _, err := ReadSource(zero); err == nil {
		t.Fatal("ReadSource reads /dev/zero")
	}
	// A named pipe would block the open; a directory is no fleet either.
	fifo := filepath.Join(dir, "pipe.yaml")
	if syscall.Mkfifo(fifo, 0o600) == nil {
		_, diags = Load(fifo, LoadOptions{})
		wantError(t, diags, "cannot read the fleet file: not a regular file")
	}
	_, diags = Load(dir, LoadOptions{})
	wantError(t, diags, "cannot read the fleet file: not a regular file")

	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"vars.yaml", "vars.hcl"} {
		vf := filepath.Join(dir, name)
		if err := os.Symlink("/dev/zero", vf); err != nil {
			t.Fatal(err)
		}
		_, diags = Load(good, LoadOptions{VarFiles: []string{vf}})
		wantError(t, diags, "cannot read the variable file: not a regular file")
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("a: "+strings.Repeat("x", MaxFileSize)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, diags = Load(good, LoadOptions{VarFiles: []string{big}})
	wantError(t, diags, "cannot read the variable file: the file is 1048580 bytes; the limit is 1048576")
}

// TestHCLVarFileDepth: an HCL --var-file goes through the same guard.
func TestHCLVarFileDepth(t *testing.T) {
	dir := t.TempDir()
	vf := filepath.Join(dir, "v.hcl")
	if err := os.WriteFile(vf, []byte("x = "+strings.Repeat("!", 100_000)+"true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	_, diags := Load(good, LoadOptions{VarFiles: []string{vf}})
	d := wantError(t, diags, "nested more than 64 levels")
	if d.Pos.File != vf || d.Pos.Line != 1 {
		t.Fatalf("error at %v, want %s:1", d.Pos, vf)
	}
}

// TestRenderedLineIsInert: the source line under a message is shown with
// control characters and bytes that are not UTF-8 replaced, one for one,
// so a hostile file cannot send escape sequences to the terminal of
// whoever validates it.
func TestRenderedLineIsInert(t *testing.T) {
	for name, src := range map[string]string{
		"esc.yaml": "name: t\nservers: \"\x1b]0;owned\x07\x1b[31m\"\n",
		"bad.yaml": "name: t\nservers:\n  - name: w\xff\x1b[2J\n",
		"c1.hcl":   "name = \"t\"\nx = \"\u009b31m\u202e\"\n",
		"tab.yaml": "name: t\nservers:\n\t\x1b[2J- a\n",
	} {
		_, diags := Parse(name, []byte(src), LoadOptions{LookupEnv: func(string) (string, bool) { return "", false }})
		var b strings.Builder
		Render(&b, diags, map[string][]byte{name: []byte(src)}, false)
		out := b.String()
		if !diags.HasErrors() || strings.ContainsAny(out, "\x1b\x07\u009b\u202e") || strings.Contains(out, "\xff") || !strings.Contains(out, "|") {
			t.Errorf("%s renders as %q", name, out)
		}
	}
}
