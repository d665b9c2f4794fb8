package spec

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a fleet file; Line and Col count from 1 (Col in
// characters). The zero Pos means "no position" (for example a value that
// came from a command-line variable).
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// String renders file:line:col, dropping the parts that are unknown.
func (p Pos) String() string {
	switch {
	case p.File == "" && p.Line == 0:
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// IsValid reports whether the position points into a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// before orders positions by file, line, column.
func (p Pos) before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Severity says whether a diagnostic stops the fleet from being used.
type Severity int

const (
	// Error makes the file invalid.
	Error Severity = iota
	// Warning is worth reading but does not make the file invalid.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in a fleet file. Message is a sentence a
// person understands; Hint, when set, says what to do about it. Neither
// ever contains a resolved secret.
type Diagnostic struct {
	Severity Severity
	Pos      Pos
	Message  string
	Hint     string
	// Masks are the columns of the source line at Pos that hold a secret
	// (a literal password, sensitive user data, a variable file's value):
	// Render prints them as '*'. The loaders fill it in; see redact.go.
	Masks []Span
}

// Error renders the diagnostic on one line (plus the hint).
func (d Diagnostic) Error() string {
	s := fmt.Sprintf("%s: %s: %s", d.Pos, d.Severity, d.Message)
	if d.Hint != "" {
		s += " (" + d.Hint + ")"
	}
	return s
}

// Diagnostics is every problem found in a load. Loaders return all of them
// at once, so an operator fixes a file in one pass instead of one error at
// a time.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an Error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Error renders all diagnostics, one per line, so Diagnostics can be used
// where an error is expected.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns the diagnostics as an error if any is an Error, else nil.
func (ds Diagnostics) Err() error {
	if ds.HasErrors() {
		return ds
	}
	return nil
}

// Sort orders diagnostics by position (file, line, column); diagnostics
// without a position come first, and ties keep their order of discovery.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Pos.before(ds[j].Pos) })
}

// maxDiags caps the diagnostics of one load: past it, more messages help
// nobody (a broken file repeats one mistake), and hostile input could
// otherwise produce millions.
const maxDiags = 100

// diagSink collects diagnostics during a load.
type diagSink struct {
	diags  Diagnostics
	capped bool
	spare  Diagnostic
	red    redactor // what the load knows to be secret
}

func (s *diagSink) add(sev Severity, p Pos, format string, args []any) *Diagnostic {
	if len(s.diags) >= maxDiags {
		if !s.capped {
			s.capped = true
			s.diags = append(s.diags, Diagnostic{Severity: Error, Pos: Pos{File: p.File},
				Message: fmt.Sprintf("more than %d problems; stopped reporting", maxDiags), Hint: "fix these and run again"})
		}
		s.spare = Diagnostic{}
		return &s.spare
	}
	s.diags = append(s.diags, Diagnostic{Severity: sev, Pos: p, Message: fmt.Sprintf(format, args...)})
	return &s.diags[len(s.diags)-1]
}

func (s *diagSink) errorf(p Pos, format string, args ...any) *Diagnostic {
	return s.add(Error, p, format, args)
}

func (s *diagSink) warnf(p Pos, format string, args ...any) *Diagnostic {
	return s.add(Warning, p, format, args)
}

// hint attaches a hint to the diagnostic just added.
func (d *Diagnostic) hint(format string, args ...any) {
	d.Hint = fmt.Sprintf(format, args...)
}

// hintName hints at the field meant by an unknown name: the closest one,
// or the whole list when none is close.
func (d *Diagnostic) hintName(name string, names []string) {
	if s := Suggest(name, names); s != "" {
		d.hint("did you mean %q?", s)
	} else {
		d.hint("the fields are: %s", strings.Join(names, ", "))
	}
}

// Suggest returns the candidate closest to s (edit distance at most a
// third of its length, at least 1), or "" if none is close: the source of
// "did you mean" hints.
func Suggest(s string, candidates []string) string {
	limit := max(2, len(s)/3)
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := levenshtein(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// levenshtein is the edit distance between a and b (in runes).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
