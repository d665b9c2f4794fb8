package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// ImportRecord is what `ecsfleet import` leaves in the working directory's
// .ecsfleet/ beside the journal: the servers it chose for a fleet, by id,
// with the member name each takes. It is the only thing that lets a plan
// adopt a server without the fleet's mark (Options.Imported): neither the
// fleet file nor a flag can make ecsfleet change a server it does not own.
// It names no secret.
type ImportRecord struct {
	FormatVersion int    `json:"format_version"`
	Fleet         string `json:"fleet"`
	// Servers maps a server id to the member name it takes.
	Servers map[string]string `json:"servers"`
}

// importRecordVersion is the format of ImportRecord files.
const importRecordVersion = 1

// ImportRecordPath is the record of fleet in dir (the CLI's .ecsfleet).
func ImportRecordPath(dir, fleet string) string {
	return filepath.Join(dir, "imported-"+fleet+".json")
}

// Record is what the import chose, for WriteImportRecord.
func (im *Imported) Record() ImportRecord {
	rec := ImportRecord{FormatVersion: importRecordVersion, Fleet: im.Fleet, Servers: map[string]string{}}
	for _, s := range im.Sets {
		for _, m := range s.Members {
			rec.Servers[m.ID] = m.Name
		}
	}
	return rec
}

// ReadImportRecord reads the record at path: the servers an import chose
// (id -> member name), or nil when there is no record.
func ReadImportRecord(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rec ImportRecord
	if err := json.Unmarshal(data, &rec); err != nil || rec.FormatVersion != importRecordVersion || rec.Servers == nil {
		return nil, fmt.Errorf("%s is not a record of 'ecsfleet import' (format_version %d); run the import again to rewrite it", path, importRecordVersion)
	}
	return rec.Servers, nil
}

// WriteImportRecord adds rec's servers to the record at path (an earlier
// import of the same fleet keeps its own), written whole through a temp
// file, mode 0600.
func WriteImportRecord(path string, rec ImportRecord) error {
	old, err := ReadImportRecord(path)
	if err != nil {
		return err
	}
	merged := ImportRecord{FormatVersion: importRecordVersion, Fleet: rec.Fleet, Servers: map[string]string{}}
	for id, name := range old {
		merged.Servers[id] = name
	}
	ids := make([]string, 0, len(rec.Servers))
	for id := range rec.Servers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		merged.Servers[id] = rec.Servers[id]
	}
	data, err := json.MarshalIndent(merged, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".imported-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
