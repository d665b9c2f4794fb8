package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ecsfleet/ecsfleet/plan"
	"github.com/ecsfleet/ecsfleet/spec"
)

// driftMetrics is drift's --metrics-file: the result in the Prometheus
// text format, for node_exporter's textfile collector. Every run replaces
// the whole file, atomically: a run that failed leaves
// ecsfleet_drift_last_run_success 0 and no drift counts at all, so a
// monitoring rule never reads the last good run's counts as current.
type driftMetrics struct {
	path  string // "" writes nothing
	start time.Time
	now   func() time.Time
}

func newDriftMetrics(path string) driftMetrics {
	return driftMetrics{path: path, start: time.Now(), now: time.Now}
}

// check says beforehand, before the cloud is read, why the file could not
// be written: its directory is missing, or the path is a directory.
func (m driftMetrics) check() error {
	if m.path == "" {
		return nil
	}
	if st, err := os.Stat(m.path); err == nil && st.IsDir() {
		return errors.New("is a directory; give a file name")
	}
	dir := filepath.Dir(m.path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", dir, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return fmt.Errorf("cannot write in %s: it is not a directory", dir)
	}
	return nil
}

// failed writes the metrics of a run that did not get a result. The fleet
// is named when its file gives a name at all.
func (m driftMetrics) failed(ff fleetFlags) error {
	if m.path == "" {
		return nil
	}
	return m.write(fleetName(ff), nil)
}

// done writes the metrics of a run that compared the cloud with the fleet.
func (m driftMetrics) done(p *plan.Plan) error {
	if m.path == "" {
		return nil
	}
	return m.write(p.Fleet, p)
}

func (m driftMetrics) write(fleet string, p *plan.Plan) error {
	end := m.now()
	return writeFileAtomic(m.path, renderDriftMetrics(fleet, p, end, end.Sub(m.start)), 0o644)
}

// fleetName is the name the fleet file gives, read quietly (its
// diagnostics have been reported already), or "".
func fleetName(ff fleetFlags) string {
	vars, _ := spec.ParseVarArgs(ff.vars)
	f, _, _ := spec.LoadSource(ff.file, spec.LoadOptions{Vars: vars, VarFiles: ff.varFiles})
	if f == nil {
		return ""
	}
	return f.Name
}

// driftKinds are the kinds of drift, as the text's first line counts them.
var driftKinds = []struct {
	label   string
	actions []plan.Action
}{
	{"changed", []plan.Action{plan.Update, plan.Replace}},
	{"missing", []plan.Action{plan.Create}},
	{"extra", []plan.Action{plan.Delete}},
}

// renderDriftMetrics is the metrics file's text. p is nil for a run that
// failed: then only the run's own metrics are written.
func renderDriftMetrics(fleet string, p *plan.Plan, end time.Time, took time.Duration) []byte {
	var b bytes.Buffer
	labels := ""
	if fleet != "" {
		labels = `fleet="` + escapeLabel(fleet) + `"`
	}
	gauge := func(name, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
	}
	sample := func(name, extra string, v float64) {
		ls := labels
		if extra != "" {
			ls = strings.TrimPrefix(ls+","+extra, ",")
		}
		if ls != "" {
			ls = "{" + ls + "}"
		}
		fmt.Fprintf(&b, "%s%s %s\n", name, ls, strconv.FormatFloat(v, 'f', -1, 64))
	}
	success := 0.0
	if p != nil {
		success = 1
	}
	gauge("ecsfleet_drift_last_run_success", "1 if the last drift check compared the cloud with the fleet file, 0 if it failed (then no drift metrics are written).")
	sample("ecsfleet_drift_last_run_success", "", success)
	gauge("ecsfleet_drift_last_run_timestamp_seconds", "When the last drift check ended, successful or not, in seconds since the Unix epoch.")
	sample("ecsfleet_drift_last_run_timestamp_seconds", "", float64(end.UnixMilli())/1000)
	gauge("ecsfleet_drift_duration_seconds", "How long the last drift check took, in seconds.")
	sample("ecsfleet_drift_duration_seconds", "", float64(took.Round(time.Millisecond).Milliseconds())/1000)
	if p == nil {
		return b.Bytes()
	}
	detected := 0.0
	if !p.Empty() {
		detected = 1
	}
	gauge("ecsfleet_drift_detected", "1 if the cloud differs from the fleet file (drift exits 2), 0 if it matches.")
	sample("ecsfleet_drift_detected", "", detected)
	count := func(kind plan.Kind, actions []plan.Action) float64 {
		n := 0
		for _, c := range p.Changes {
			for _, a := range actions {
				if c.Action == a && (kind == "" || c.Kind == kind) {
					n++
				}
			}
		}
		return float64(n)
	}
	gauge("ecsfleet_drift_objects", "Objects (servers, keypairs, server groups, volumes) that differ: changed (apply would update or replace them), missing (apply would create them), extra (apply would delete them).")
	for _, k := range driftKinds {
		sample("ecsfleet_drift_objects", `kind="`+k.label+`"`, count("", k.actions))
	}
	gauge("ecsfleet_drift_servers", "Servers that differ: changed (apply would update or replace them), missing (apply would create them), extra (apply would delete them).")
	for _, k := range driftKinds {
		sample("ecsfleet_drift_servers", `kind="`+k.label+`"`, count(plan.KindServer, k.actions))
	}
	return b.Bytes()
}

// escapeLabel escapes a label value as the text format wants: backslash,
// double quote and line feed.
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, renamed over path: a reader (the textfile collector) sees the
// old file or the new one, never half of one. The temporary name does not
// end in .prom, so the collector never reads it.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
