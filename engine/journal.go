package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ecsfleet/ecsfleet/plan"
)

// The journal is how a run survives its own death. Before each mutating
// call the engine appends an intent, after it the job id, and when the op
// is over its outcome; every record is one JSON line, written and fsynced
// before the engine goes on. A run that finds records after the last "end"
// knows the previous run died, and reconciles them (Recover) before it
// plans anything. The journal never holds a secret: ops carry none, and
// records hold only ids, names, kinds, job ids and the cloud's reasons.

// Record types.
const (
	RecRun     = "run"     // a run starts: the plan it applies
	RecIntent  = "intent"  // a call is about to be made
	RecJob     = "job"     // the call answered with a job id
	RecOutcome = "outcome" // the op is over
	RecEnd     = "end"     // the run ended (or was reconciled): nothing is open
	// RecCreated carries over an object an unfinished run created, so a
	// run that resumes it and dies too still knows the object is the
	// fleet's (keypairs and groups carry no mark of their own).
	RecCreated = "created"
)

// Record is one journal line.
type Record struct {
	Time    time.Time     `json:"time"`
	Type    string        `json:"type"`
	Run     string        `json:"run,omitempty"`
	Fleet   string        `json:"fleet,omitempty"`
	Op      string        `json:"op,omitempty"`
	Kind    plan.OpKind   `json:"kind,omitempty"`
	Set     string        `json:"set,omitempty"`
	Targets []plan.Target `json:"targets,omitempty"`
	Attempt int           `json:"attempt,omitempty"`
	JobID   string        `json:"job_id,omitempty"`
	Status  Status        `json:"status,omitempty"`
	Error   string        `json:"error,omitempty"`
	Note    string        `json:"note,omitempty"`
}

// Journal is an append-only, fsynced record file, mode 0600.
type Journal struct {
	mu   sync.Mutex
	f    *os.File
	path string
	now  func() time.Time
}

// JournalPath is the journal of a fleet under dir (normally .ecsfleet).
func JournalPath(dir, fleet string) string {
	safe := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, fleet)
	return filepath.Join(dir, "journal-"+safe+".ndjson")
}

// OpenJournal opens (creating dir and file) the journal at path for
// appending.
func OpenJournal(path string) (*Journal, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return &Journal{f: f, path: path, now: time.Now}, nil
}

// Path is the journal's file.
func (j *Journal) Path() string { return j.path }

// Append writes one record and fsyncs it.
func (j *Journal) Append(r Record) error {
	if j == nil {
		return nil
	}
	if r.Time.IsZero() {
		r.Time = j.now().UTC()
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	b = append(b, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return nil
}

// Reset empties the journal: called when nothing in it is open any more,
// so it does not grow run after run.
func (j *Journal) Reset() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.f.Truncate(0); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return j.f.Sync()
}

// Close closes the file.
func (j *Journal) Close() error {
	if j == nil {
		return nil
	}
	return j.f.Close()
}

// maxJournalLine bounds one record (a create of 1,000 servers lists 1,000
// targets: well under this).
const maxJournalLine = 4 << 20

// ReadJournal reads every record of the journal at path; a missing file
// has none. A torn last line (the process died while writing it) is
// dropped: its call was not made yet, since the intent is written before
// the call. (A torn line is the start of a record, {"...: a last line that
// is anything else is corruption, not a torn write.) Any other broken line is an error naming the line, and the
// file is left as it is for the operator to look at.
func ReadJournal(path string) ([]Record, error) {
	// A device or a named pipe is refused before it is opened: opening a
	// pipe blocks, and /dev/zero never ends.
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("journal %s is not a regular file; it was left unchanged: remove it (or what it links to) so a new journal is made", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxJournal+1))
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if len(data) > maxJournal {
		return nil, fmt.Errorf("journal %s is larger than any the engine writes (%d MB); it was left unchanged: move it aside to start afresh, after checking the fleet with 'ecsfleet plan'", path, maxJournal>>20)
	}
	return parseJournal(path, data)
}

// maxJournal bounds what ReadJournal reads: the journal is emptied after
// every run that ends, so it holds one run's records.
const maxJournal = 256 << 20

func parseJournal(path string, data []byte) ([]Record, error) {
	var out []Record
	lines := bytes.Split(data, []byte("\n"))
	for n, b := range lines {
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if len(b) > maxJournalLine {
			return nil, fmt.Errorf("journal %s:%d: a record of %d bytes is longer than any the engine writes; the file was left unchanged", path, n+1, len(b))
		}
		var r Record
		err := json.Unmarshal(b, &r)
		if err == nil && r.Type == "" {
			err = errors.New("a record without a type")
		}
		if err != nil {
			if start := []byte(`{"`); n == len(lines)-1 && (bytes.HasPrefix(b, start) || bytes.HasPrefix(start, b)) {
				break // the final write was torn: its call was never made
			}
			return nil, fmt.Errorf("journal %s:%d is corrupt (%v); it was left unchanged: move it aside to start afresh, after checking the fleet with 'ecsfleet plan'", path, n+1, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// Open is what the journal says was still going on when its run stopped:
// the records after the last "end".
type Open struct {
	Run string
	// Calls are the intents without an outcome, with the job id when one
	// was recorded.
	Calls []Record
}

// Unfinished returns the open part of a journal, or nil when the last run
// ended cleanly.
func Unfinished(recs []Record) *Open {
	start := 0
	for i, r := range recs {
		if r.Type == RecEnd {
			start = i + 1
		}
	}
	recs = recs[start:]
	if len(recs) == 0 {
		return nil
	}
	o := &Open{}
	byOp := map[string]int{}
	for _, r := range recs {
		switch r.Type {
		case RecRun:
			o.Run = r.Run
		case RecIntent:
			byOp[r.Op] = len(o.Calls)
			o.Calls = append(o.Calls, r)
		case RecJob:
			if i, ok := byOp[r.Op]; ok {
				o.Calls[i].JobID = r.JobID
			}
		case RecOutcome:
			if i, ok := byOp[r.Op]; ok {
				o.Calls[i].Type = RecOutcome
			}
		}
	}
	open := o.Calls[:0]
	for _, c := range o.Calls {
		if c.Type == RecIntent {
			open = append(open, c)
		}
	}
	o.Calls = open
	return o
}

// objectCreates are the ops that create an object without a mark of its
// own, by the plan kind of the object.
var objectCreates = map[plan.OpKind]plan.Kind{
	plan.OpCreateKeypair: plan.KindKeypair, plan.OpCreateServerGroup: plan.KindServerGroup, plan.OpCreateVolume: plan.KindVolume,
}

// Created names ("kind name") the keypairs, server groups and volumes that
// the open part of a journal created or was creating when its run died
// (a create that failed does not count). Such an object is the fleet's
// even while no server uses it yet.
func Created(recs []Record) map[string]bool {
	out, byOp := map[string]bool{}, map[string]string{}
	for _, r := range recs {
		kind, ok := objectCreates[r.Kind]
		switch {
		case r.Type == RecEnd:
			clear(out)
			clear(byOp)
		case !ok || len(r.Targets) == 0:
		case r.Type == RecOutcome && r.Status == StatusFailed:
			delete(out, byOp[r.Op])
		case r.Type == RecIntent || r.Type == RecOutcome || r.Type == RecCreated:
			key := string(kind) + " " + r.Targets[0].Name
			out[key] = true
			if r.Op != "" {
				byOp[r.Op] = key
			}
		}
	}
	return out
}
