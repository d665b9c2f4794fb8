package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The record of an import is merged with an earlier one of the same
// fleet, written 0600, read back as written; no record is nil; a record
// that is not one is an error naming the file and the way out.
func TestImportRecordRoundTrip(t *testing.T) {
	path := ImportRecordPath(filepath.Join(t.TempDir(), ".ecsfleet"), "legacy")
	if got, err := ReadImportRecord(path); got != nil || err != nil {
		t.Fatalf("no record: %v %v", got, err)
	}
	if err := WriteImportRecord(path, ImportRecord{Fleet: "legacy", Servers: map[string]string{"id-1": "web-0001"}}); err != nil {
		t.Fatal(err)
	}
	if err := WriteImportRecord(path, ImportRecord{Fleet: "legacy", Servers: map[string]string{"id-2": "api"}}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadImportRecord(path)
	if err != nil || len(got) != 2 || got["id-1"] != "web-0001" || got["id-2"] != "api" {
		t.Fatalf("read back %v %v", got, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode: %v %v", st.Mode(), err)
	}
	if err := os.WriteFile(path, []byte(`{"servers": 3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadImportRecord(path); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "run the import again") {
		t.Fatalf("corrupt record: %v", err)
	}
}
