package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// -update rewrites golden files compared with cmp in testdata/script/*.txtar.
var update = flag.Bool("update", false, "update testscript golden files")

func TestMain(m *testing.M) {
	// No in-process test may read a developer's own
	// ~/.config/ecsfleet/config.yaml (nor its cloud credentials): their
	// config home is an empty directory. (The test binary re-run as the
	// scripts' ecsfleet keeps the environment its script gives it.)
	if filepath.Base(os.Args[0]) != "ecsfleet" {
		home, err := os.MkdirTemp("", "ecsfleet-test-config")
		if err != nil {
			panic(err)
		}
		os.Setenv("XDG_CONFIG_HOME", home)
	}
	testscript.Main(m, map[string]func(){
		"ecsfleet": func() {
			os.Exit(run(os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}))
		},
	})
}

// TestScripts runs the CLI scripts in testdata/script: each drives the real
// binary entry point in a fresh work directory.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitCode, "nosecret": cmdNoSecret,
		},
	})
}

// cmdExitCode is the script command `exitcode N PROGRAM [ARGS...]`: it runs
// PROGRAM as exec does (stdout and stderr are then checked the same way)
// and fails unless PROGRAM exits with status N. `! exec` only says
// "not 0"; the CLI's statuses mean different things (1 error, 2 changes).
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("exitcode does not take '!': its N says which status is expected")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: N must be a number, got %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// cmdNoSecret is the script command `nosecret [-except FILE]... SECRET...`:
// it fails if any file under the script's work directory but the -except
// ones (the inputs that hold the secrets) holds one of the SECRETs, as it
// is or base64-encoded (the API takes user data and passwords in base64 in
// places), and names the file: outputs copied there, saved plans,
// journals, the simulator's state, private keys, metrics.
func cmdNoSecret(ts *testscript.TestScript, neg bool, args []string) {
	except := map[string]bool{}
	for len(args) >= 2 && args[0] == "-except" {
		except[ts.MkAbs(args[1])] = true
		args = args[2:]
	}
	if neg || len(args) == 0 {
		ts.Fatalf("usage: nosecret [-except FILE]... SECRET...")
	}
	var forms []string
	for _, s := range args {
		forms = append(forms, s, base64.StdEncoding.EncodeToString([]byte(s)))
	}
	files := 0
	err := filepath.WalkDir(ts.Getenv("WORK"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || except[path] {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, f := range forms {
			if bytes.Contains(data, []byte(f)) {
				ts.Fatalf("%s holds a secret (%d bytes into the file)", path, bytes.Index(data, []byte(f)))
			}
		}
		return nil
	})
	if err != nil {
		ts.Fatalf("nosecret: %v", err)
	}
	ts.Logf("nosecret: %d files checked", files)
}
