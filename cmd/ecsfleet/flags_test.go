package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"apply", "apply", 0},
		{"aply", "apply", 1},
		{"valdiate", "validate", 1}, // a transposition counts 1
		{"destory", "destroy", 1},
		{"plna", "plan", 1},
		{"drfit", "drift", 1},
		{"shwo", "show", 1},
		{"grpah", "graph", 1},
		{"verison", "version", 1},
		{"apply", "plan", 4},
		{"ca", "abc", 3}, // optimal string alignment, not unrestricted
	} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	for in, want := range map[string]string{
		"valdiate": "validate",
		"aply":     "apply",
		"destory":  "destroy",
		"vers":     "version", // the prefix rule is kept
		"versoin":  "version",
		"plans":    "plan",
		"Apply":    "apply",
		"simm":     "sim",
		"deploy":   "",
		"x":        "",
		"zzz":      "",
	} {
		if got := suggest(commands, in); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestColorAllowed(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, true},
		{map[string]string{"NO_COLOR": "1"}, false},
		{map[string]string{"NO_COLOR": "0"}, false}, // any non-empty value
		{map[string]string{"NO_COLOR": ""}, true},   // no-color.org: present and not empty
		{map[string]string{"TERM": "dumb"}, false},
		{map[string]string{"TERM": "xterm-256color"}, true},
	} {
		if got := colorAllowed(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("colorAllowed(%v) = %v, want %v", c.env, got, c.want)
		}
	}
	// --no-color hides both streams from useColor, whatever they are.
	io := stdio{out: &bytes.Buffer{}, err: &bytes.Buffer{}}.withoutColor(true)
	if isTerminal(io.out) || isTerminal(io.err) {
		t.Error("withoutColor(true) left a stream that is a terminal")
	}
}

func testFlags() (*flag.FlagSet, *fleetFlags) {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(quiet)
	var ff fleetFlags
	ff.register(fs)
	fs.Bool("auto-approve", false, "do not ask")
	fs.Int("parallelism", 10, "at most `N` at once")
	fs.String("addr", "127.0.0.1:8774", "listen `address`")
	fs.Duration("latency", 0, "added to every call")
	return fs, &ff
}

func TestPrintFlags(t *testing.T) {
	fs, _ := testFlags()
	var b bytes.Buffer
	printFlags(&b, fs)
	want := `  --addr address
    	listen address (default "127.0.0.1:8774")
  --auto-approve
    	do not ask
  -f FILE
    	the fleet FILE (.yaml, .yml or .hcl); required, one per run
  --latency duration
    	added to every call
  --parallelism N
    	at most N at once (default 10)
  --var NAME=VALUE
    	set a variable: --var NAME=VALUE (repeatable); it overrides --var-file and the file's variables
  --var-file FILE
    	read variables from a YAML (NAME: value) or .hcl (NAME = "value") FILE (repeatable)
`
	if b.String() != want {
		t.Errorf("printFlags:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestFlagError(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--auto-aprove"}, "unknown flag --auto-aprove (did you mean --auto-approve?)"},
		{[]string{"-yes"}, "unknown flag --yes"},
		{[]string{"--force"}, "unknown flag --force"}, // not "-f"
		{[]string{"--parallelism"}, "--parallelism needs a value"},
		{[]string{"--parallelism", "SECRETten"}, "invalid value for --parallelism: want a whole number"},
		{[]string{"--latency", "SECRET"}, "invalid value for --latency: want a duration such as 20ms or 1m"},
		{[]string{"--auto-approve=SECRET"}, "invalid value for --auto-approve: want true or false"},
		{[]string{"-f", "a.yaml", "--var", "x=1", "-f", "b.yaml"}, "only one fleet file is taken per run, but -f is given twice (a.yaml, then b.yaml); run ecsfleet once per file"},
	} {
		fs, _ := testFlags()
		err := fs.Parse(c.args)
		if err == nil {
			t.Errorf("%q: parsed", c.args)
			continue
		}
		got := flagError(fs, err)
		if got != c.want {
			t.Errorf("%q: %q, want %q", c.args, got, c.want)
		}
		if strings.Contains(got, "SECRET") {
			t.Errorf("%q: the value is quoted back: %q", c.args, got)
		}
	}
	// One -f is taken as before.
	fs, ff := testFlags()
	if err := fs.Parse([]string{"-f", "a.yaml"}); err != nil || ff.file != "a.yaml" {
		t.Errorf("-f a.yaml: %v, file %q", err, ff.file)
	}
}

// The completion scripts name every command of the table, every sim
// subcommand and every flag, in each shell.
func TestCompletionNamesEveryCommand(t *testing.T) {
	top, sims := completionModel()
	for _, shell := range []string{"bash", "zsh", "fish"} {
		var out, errb bytes.Buffer
		if code := run([]string{"completion", shell}, stdio{out: &out, err: &errb}); code != exitOK {
			t.Fatalf("completion %s: exit %d: %s", shell, code, errb.String())
		}
		script := out.String()
		for _, c := range commands {
			if !strings.Contains(script, c.name) {
				t.Errorf("%s: command %s missing", shell, c.name)
			}
		}
		for _, c := range append(top, sims...) {
			if !strings.Contains(script, c.name) {
				t.Errorf("%s: %s missing", shell, c.key)
			}
			for _, f := range c.flags {
				if !strings.Contains(script, strings.TrimLeft(f.name, "-")) {
					t.Errorf("%s: flag %s of %s missing", shell, f.name, c.key)
				}
			}
		}
	}
	// The flags are read from the commands themselves.
	for _, c := range top {
		if c.key == "apply" {
			var names []string
			for _, f := range c.flags {
				names = append(names, f.name)
			}
			if !strings.Contains(strings.Join(names, " "), "--auto-approve") || !strings.Contains(strings.Join(names, " "), "-f") {
				t.Errorf("apply's flags: %v", names)
			}
		}
	}
	if collectFlags != nil {
		t.Error("collectFlags left set")
	}
}
