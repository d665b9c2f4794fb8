package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/plan"
)

// A journal whose last line was torn by a dying process reads without that
// line (its call was never made: intents come before calls); a line broken
// anywhere else is an error that names the line, and the file is kept.
func TestJournalTornAndCorrupt(t *testing.T) {
	dir := t.TempDir()
	path := JournalPath(dir, "shop/../x")
	if filepath.Dir(path) != dir || strings.Contains(filepath.Base(path), "/") {
		t.Fatalf("journal path %s escapes %s", path, dir)
	}
	j, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Record{{Type: RecRun, Run: "r1"}, {Type: RecIntent, Run: "r1", Op: "op-0001", Kind: plan.OpCreateServers}} {
		if err := j.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("journal mode %v, want 0600", st.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	torn := append(append([]byte{}, data...), []byte(`{"type":"job","op":"op-00`)...)
	if err := os.WriteFile(path, torn, 0o600); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadJournal(path)
	if err != nil || len(recs) != 2 {
		t.Fatalf("torn journal: %d records, %v", len(recs), err)
	}
	open := Unfinished(recs)
	if open == nil || len(open.Calls) != 1 || open.Calls[0].Op != "op-0001" {
		t.Fatalf("open calls %+v", open)
	}
	corrupt := []byte(string(data[:10]) + "#" + string(data[11:]))
	if err := os.WriteFile(path, corrupt, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadJournal(path); err == nil || !strings.Contains(err.Error(), ":1 is corrupt") {
		t.Fatalf("corrupt journal: err = %v, want one naming line 1", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(corrupt) {
		t.Fatal("the corrupt journal was changed")
	}
}

// Created names what an unfinished run created, not what failed, and
// nothing once the run ended.
func TestJournalCreated(t *testing.T) {
	kp := func(typ, op string, st Status) Record {
		return Record{Type: typ, Op: op, Kind: plan.OpCreateKeypair, Status: st, Targets: []plan.Target{{Name: "k-" + op}}}
	}
	recs := []Record{
		{Type: RecRun}, kp(RecIntent, "a", ""), kp(RecOutcome, "a", StatusDone), {Type: RecEnd},
		{Type: RecRun}, kp(RecIntent, "b", ""), kp(RecIntent, "c", ""), kp(RecOutcome, "c", StatusFailed),
		{Type: RecCreated, Kind: plan.OpCreateServerGroup, Targets: []plan.Target{{Name: "g"}}},
	}
	got := Created(recs)
	if len(got) != 2 || !got["keypair k-b"] || !got["server_group g"] {
		t.Fatalf("Created = %v, want keypair k-b and server_group g", got)
	}
}
