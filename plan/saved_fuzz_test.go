package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// FuzzDecodeSaved: the saved-plan reader never panics or hangs, and
// anything it refuses is a *SavedError naming the file and saying how to
// make a new plan. Each input is read twice: as a whole file, and as the
// plan inside an envelope whose checksum matches (so the fuzzer reaches
// the plan decoder, past the checksum).
func FuzzDecodeSaved(f *testing.F) {
	good, _ := json.Marshal(&Plan{FormatVersion: FormatVersion, Fleet: "shop", Ops: []Op{{ID: "op-0001", Kind: OpCreateServers, Targets: []Target{{Name: "web-0001"}}}}})
	f.Add(wrapSaved(good))
	f.Add(good)
	f.Add([]byte(`{"ecsfleet_saved_plan":"1","sha256":"","plan":{}}`))
	f.Add([]byte(`{"ecsfleet_saved_plan":"1"`))
	f.Add([]byte(`{"format_version":"1","ops":[{"id":"","kind":""}]}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, in := range [][]byte{data, wrapSaved(data)} {
			p, err := DecodeSaved("fuzz.plan", in)
			if err == nil {
				if p == nil || p.FormatVersion != FormatVersion {
					t.Fatalf("accepted a plan of format %v", p)
				}
				for _, op := range p.Ops {
					if op.ID == "" || op.Kind == "" {
						t.Fatalf("accepted an op without id or kind: %+v", op)
					}
				}
				continue
			}
			var se *SavedError
			if !errors.As(err, &se) {
				t.Fatalf("err %T %v, want a *SavedError", err, err)
			}
			if msg := err.Error(); !strings.Contains(msg, "fuzz.plan") || !strings.Contains(msg, "ecsfleet plan -f FLEET_FILE -out") {
				t.Fatalf("err %q does not name the file and the fix", msg)
			}
		}
	})
}

// wrapSaved puts body in a saved-plan envelope with a matching checksum.
func wrapSaved(body []byte) []byte {
	var c bytes.Buffer
	if json.Compact(&c, body) != nil {
		c.Reset()
		s, _ := json.Marshal(string(body)) // RawMessage must be JSON
		c.Write(s)
	}
	body = c.Bytes()
	sum := sha256.Sum256(body)
	out, _ := json.Marshal(envelope{Magic: FormatVersion, SHA256: hex.EncodeToString(sum[:]), Plan: body})
	return out
}

// TestSavedPlanCutAnywhere: a saved plan cut at any byte, or with any
// byte changed, is refused with a *SavedError that says what is wrong,
// which file, where, and what to do, and the file is left as it was.
func TestSavedPlanCutAnywhere(t *testing.T) {
	p := &Plan{FormatVersion: FormatVersion, Fleet: "shop", Ops: []Op{{ID: "op-0001", Kind: OpCreateServers, Targets: []Target{{Name: "web-0001"}}, Why: "create 1 server"}}}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.plan")
	if err := WriteSaved(good, p); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "bad.plan")
	check := func(bad []byte, what string) {
		t.Helper()
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := ReadSaved(path)
		var se *SavedError
		if !errors.As(err, &se) {
			t.Fatalf("%s: err = %v, want a *SavedError", what, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, path) || !strings.Contains(msg, "ecsfleet plan -f FLEET_FILE -out") {
			t.Fatalf("%s: %q does not name the file and the fix", what, msg)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, bad) {
			t.Fatalf("%s: the file was changed by reading it", what)
		}
	}
	for cut := 0; cut < len(data)-1; cut++ { // the last byte is the newline: without it the plan is whole
		check(data[:cut], fmt.Sprintf("cut at %d", cut))
	}
	for i := 0; i < len(data)-1; i += 3 {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x01
		if _, err := DecodeSaved(path, bad); err == nil {
			continue // a change JSON does not see (a space, a digit of no consequence) may decode
		}
		check(bad, fmt.Sprintf("byte %d changed", i))
	}
}

// TestSavedPlanSaysWhere: a saved plan that is not JSON or is cut says at
// which byte.
func TestSavedPlanSaysWhere(t *testing.T) {
	for data, want := range map[string]string{
		`{"ecsfleet_saved_plan":"1","sha`: "(unexpected EOF): it ends at byte 31, in the middle of its JSON",
		`{"ecsfleet_saved_plan":"1",}`:    "at byte 28",
		"":                                "(EOF): it is empty",
	} {
		_, err := DecodeSaved("x.plan", []byte(data))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want it to say %q", data, err, want)
		}
	}
}

// TestSavedPlanNotAFile: a saved plan that is /dev/zero or a named pipe is
// refused at once, never read without end or waited on.
func TestSavedPlanNotAFile(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.plan")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Skip(err)
	}
	fifo := filepath.Join(dir, "fifo.plan")
	paths := []string{zero, dir}
	if syscall.Mkfifo(fifo, 0o600) == nil {
		paths = append(paths, fifo)
	}
	for _, p := range paths {
		if _, err := ReadSaved(p); err == nil || !strings.Contains(err.Error(), "it is not a regular file") {
			t.Errorf("%s: err = %v", p, err)
		}
	}
}
