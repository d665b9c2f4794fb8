package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ecsfleet/ecsfleet/plan"
)

// FuzzParseJournal: the journal reader never panics or hangs; a journal
// it refuses gives an error that names the file and the line, and says
// the file was left unchanged.
func FuzzParseJournal(f *testing.F) {
	f.Add([]byte(`{"time":"2026-01-02T03:04:05Z","type":"run","run":"r1","fleet":"shop"}
{"time":"2026-01-02T03:04:06Z","type":"intent","run":"r1","op":"op-0001","kind":"create_servers","set":"web","targets":[{"name":"web-0001"}]}
{"time":"2026-01-02T03:04:07Z","type":"job","run":"r1","op":"op-0001","job_id":"j-1"}
{"time":"2026-01-02T03:04:08Z","type":"outcome","run":"r1","op":"op-0001","status":"failed","error":"quota"}
{"time":"2026-01-02T03:04:09Z","type":"end","run":"r1"}
`))
	f.Add([]byte(`{"type":"intent","op":"o","kind":"create_keypair","targets":[{"name":"k"}]}` + "\n" + `{"type":"job","op":"o`))
	f.Add([]byte("#\n{}\n"))
	f.Add([]byte(`{"type":"run","time":"not a time"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := parseJournal("fuzz.ndjson", data)
		if err != nil {
			msg := err.Error()
			if !strings.Contains(msg, "fuzz.ndjson:") || !strings.Contains(msg, "left unchanged") {
				t.Fatalf("err %q does not name the file and line, or what became of the file", msg)
			}
			return
		}
		for _, r := range recs {
			if r.Type == "" {
				t.Fatalf("a record without a type was accepted")
			}
		}
		Unfinished(recs)
		Created(recs)
	})
}

// TestJournalCutAnywhere: a journal cut at any byte reads as the records
// before the cut (a torn last line is a write the dying run never
// finished) or is refused naming the file and the line; a journal with
// any byte changed reads or is refused the same way; reading never
// changes the file.
func TestJournalCutAnywhere(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal-shop.ndjson")
	j, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	recs := []Record{
		{Type: RecRun, Run: "r1", Fleet: "shop"},
		{Type: RecIntent, Run: "r1", Op: "op-0001", Kind: plan.OpCreateServers, Set: "web", Targets: []plan.Target{{Name: "web-0001"}}},
		{Type: RecJob, Run: "r1", Op: "op-0001", JobID: "j-1"},
		{Type: RecOutcome, Run: "r1", Op: "op-0001", Status: StatusFailed, Error: "quota"},
	}
	for _, r := range recs {
		if err := j.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "journal-bad.ndjson")
	read := func(b []byte) ([]Record, error) {
		t.Helper()
		if err := os.WriteFile(bad, b, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := ReadJournal(bad)
		if after, _ := os.ReadFile(bad); !bytes.Equal(after, b) {
			t.Fatal("reading the journal changed it")
		}
		if err != nil && (!strings.Contains(err.Error(), bad+":") || !strings.Contains(err.Error(), "left unchanged")) {
			t.Fatalf("err %q does not name the file and line and what became of it", err)
		}
		return got, err
	}
	for cut := 0; cut <= len(data); cut++ {
		got, err := read(data[:cut])
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if want := bytes.Count(data[:cut], []byte("\n")); len(got) < want || len(got) > want+1 {
			t.Fatalf("cut at %d: %d records, want %d (or %d when the cut leaves a whole record)", cut, len(got), want, want+1)
		}
	}
	for i := range data {
		b := append([]byte(nil), data...)
		b[i] ^= 0x20
		read(b)
	}
}

// TestJournalNotAFile: a journal that is /dev/zero, a directory or a
// named pipe is refused at once, never read without end or waited on.
func TestJournalNotAFile(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.ndjson")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Skip(err)
	}
	paths := []string{zero, dir}
	if fifo := filepath.Join(dir, "fifo.ndjson"); syscall.Mkfifo(fifo, 0o600) == nil {
		paths = append(paths, fifo)
	}
	for _, p := range paths {
		_, err := ReadJournal(p)
		if err == nil || !strings.Contains(err.Error(), "is not a regular file") || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v", p, err)
		}
	}
}

// TestJournalGarbageIsNotTorn: a last line without a newline is taken for
// a torn write only when it is the start of a record the engine writes
// ({"...); a journal overwritten with anything else is corrupt, and is
// kept, not emptied as a journal with nothing open would be.
func TestJournalGarbageIsNotTorn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal-shop.ndjson")
	for _, data := range []string{"\x00\x01binary junk", "hello", `{"type":"run"}` + "\n" + "PK\x03\x04"} {
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := ReadJournal(path)
		if err == nil || !strings.Contains(err.Error(), "is corrupt") {
			t.Errorf("%q: err = %v, want it called corrupt", data, err)
		}
	}
}
