package spec

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Secrets must never reach a diagnostic, yet a diagnostic renders the
// source line it points at, and a line can hold a secret: a literal
// admin_password, a line of sensitive user_data, the default of a variable
// used as a password, a line of a --var-file. The loaders know where those
// values lie, so they record them here as they read; when the load ends,
// every diagnostic is given the columns of its own line that Render must
// print as '*' (Diagnostic.Masks), and every message and hint is scrubbed
// of the secret values the load saw (a second line of defence: messages
// are written never to quote a secret in the first place).
//
// Diagnostics carry column numbers only, never the values, so printing a
// Diagnostic with %#v cannot leak what it hides.

// Span is a range of columns of a diagnostic's source line that holds a
// secret. Columns count characters from 1; To is exclusive, and 0 means
// "to the end of the line".
type Span struct {
	From int `json:"from"`
	To   int `json:"to,omitempty"`
}

// secretSpan is where a secret lies in a file: from (line, col) to
// (endLine, endCol), endCol exclusive and 0 meaning the end of endLine.
// Lines after the first are masked from their first non-blank character.
type secretSpan struct {
	file            string
	line, col       int
	endLine, endCol int
}

// minScrubLen is the shortest secret value searched for in messages and
// source lines: shorter strings occur by chance everywhere (and no valid
// password is that short: rules.MinPasswordLen is 8).
const minScrubLen = 4

// redactor collects what a load knows to be secret.
type redactor struct {
	spans    []secretSpan
	values   map[string]bool
	srcs     map[string][]byte // every file read, for lines holding a secret value
	varFiles map[string]bool   // --var-file paths: every value in them may be a secret
	broken   map[string]bool   // files that did not parse: spans are guessed from the text
	envs     map[string]string // value of an environment variable the load read -> its name
}

// env records that the load read environment variable name, whose value
// is v: a message that quotes the value shows ${env.NAME} instead, so a
// value taken from a CI secret never reaches a log through a message
// about the field it was put in.
func (r *redactor) env(name, v string) {
	if v == "" {
		return
	}
	if r.envs == nil {
		r.envs = map[string]string{}
	}
	r.envs[v] = name
}

// unexpand replaces, in s, each environment value the load read by the
// reference it came from: whole, quoted as %q quotes it, and cut as
// truncate cuts a long value. A value shorter than minScrubLen is
// replaced only where quoted whole ("on"), never inside other text.
func (r *redactor) unexpand(s string) string {
	vals := make([]string, 0, len(r.envs))
	for v := range r.envs {
		vals = append(vals, v)
	}
	sort.Slice(vals, func(i, j int) bool {
		if len(vals[i]) != len(vals[j]) {
			return len(vals[i]) > len(vals[j])
		}
		return vals[i] < vals[j]
	})
	for _, v := range vals {
		ref := "${env." + r.envs[v] + "}"
		whole := []string{v}
		if utf8.RuneCountInString(v) > 40 {
			whole = append(whole, truncate(v, 40))
		}
		for _, f := range whole {
			s = strings.ReplaceAll(s, strconv.Quote(f), strconv.Quote(ref))
		}
		if utf8.RuneCountInString(v) < minScrubLen {
			continue
		}
		for _, f := range whole {
			q := strconv.Quote(f)
			s = strings.ReplaceAll(s, q[1:len(q)-1], ref)
			s = strings.ReplaceAll(s, f, ref)
		}
	}
	return s
}

// span records that [line:col, endLine:endCol) of file holds a secret.
func (r *redactor) span(file string, line, col, endLine, endCol int) {
	if line < 1 {
		return
	}
	if endLine < line {
		endLine, endCol = line, 0
	}
	r.spans = append(r.spans, secretSpan{file, line, col, endLine, endCol})
}

// value records a secret value (each line of it, for multi-line values),
// so that it is scrubbed wherever it shows up.
func (r *redactor) value(v string) {
	if r.values == nil {
		r.values = map[string]bool{}
	}
	for _, line := range strings.Split(v, "\n") {
		if line = strings.TrimSpace(line); utf8.RuneCountInString(line) >= minScrubLen {
			r.values[line] = true
		}
	}
}

// source remembers a file's text for the final pass.
func (r *redactor) source(file string, src []byte) {
	if r.srcs == nil {
		r.srcs = map[string][]byte{}
	}
	r.srcs[file] = src
}

func (r *redactor) varFile(file string, src []byte) {
	if r.varFiles == nil {
		r.varFiles = map[string]bool{}
	}
	r.varFiles[file] = true
	r.source(file, src)
}

// unparsed marks a file whose syntax was broken: the loaders never saw
// its values, so the lines that look like they hold a secret are masked.
func (r *redactor) unparsed(file string) {
	if r.broken == nil {
		r.broken = map[string]bool{}
	}
	r.broken[file] = true
}

// secretLineRe finds, in a file that did not parse, the lines whose key
// usually holds a secret: admin_password, and user_data's content.
var secretLineRe = regexp.MustCompile(`^(\s*(?:-\s+)?)"?(admin_password|content|user_data)"?\s*[:=]\s*`)

// apply scrubs and masks every diagnostic.
func (r *redactor) apply(ds Diagnostics) {
	for f := range r.broken {
		r.guessSpans(f)
	}
	vals := r.sortedValues()
	for i := range ds {
		d := &ds[i]
		d.Message = r.unexpand(scrub(d.Message, vals))
		d.Hint = r.unexpand(scrub(d.Hint, vals))
		d.Masks = r.masks(d.Pos)
	}
}

// sortedValues lists the secret values longest first, so a value that
// contains another is replaced whole.
func (r *redactor) sortedValues() []string {
	vals := make([]string, 0, len(r.values))
	for v := range r.values {
		vals = append(vals, v)
	}
	sort.Slice(vals, func(i, j int) bool {
		if len(vals[i]) != len(vals[j]) {
			return len(vals[i]) > len(vals[j])
		}
		return vals[i] < vals[j]
	})
	return vals
}

// scrub replaces each secret value in s by "***". (Not a
// strings.Replacer: building one for a single long value, such as 32 KB of
// user data, is quadratic.)
func scrub(s string, vals []string) string {
	for _, v := range vals {
		if len(v) <= len(s) {
			s = strings.ReplaceAll(s, v, "***")
		}
	}
	return s
}

// masks returns the secret columns of the line p points at.
func (r *redactor) masks(p Pos) []Span {
	if !p.IsValid() {
		return nil
	}
	var out []Span
	line, haveLine := fullLine(r.srcs[p.File], p.Line)
	for _, s := range r.spans {
		if s.file != p.File || p.Line < s.line || p.Line > s.endLine {
			continue
		}
		from := s.col
		if p.Line > s.line {
			from = firstNonBlank(line)
		}
		to := 0
		if p.Line == s.endLine {
			to = s.endCol
		}
		out = append(out, Span{From: max(from, 1), To: to})
	}
	if r.varFiles[p.File] && haveLine {
		if i := strings.IndexAny(line, ":="); i >= 0 {
			out = append(out, Span{From: utf8.RuneCountInString(line[:i+1]) + 1})
		}
	}
	if haveLine {
		for v := range r.values {
			for off := 0; ; {
				i := strings.Index(line[off:], v)
				if i < 0 {
					break
				}
				start := utf8.RuneCountInString(line[:off+i]) + 1
				out = append(out, Span{From: start, To: start + utf8.RuneCountInString(v)})
				off += i + len(v)
			}
		}
	}
	return out
}

// guessSpans masks, in a file that did not parse, each line that looks
// like it holds a secret, and the lines indented under it (a YAML block
// scalar).
func (r *redactor) guessSpans(file string) {
	lines := strings.Split(string(r.srcs[file]), "\n")
	for i := 0; i < len(lines); i++ {
		m := secretLineRe.FindStringSubmatchIndex(lines[i])
		if m == nil {
			continue
		}
		indent := m[3] - m[2]
		end := blockEnd(lines, i, indent)
		r.span(file, i+1, utf8.RuneCountInString(lines[i][:m[1]])+1, end+1, 0)
	}
}

// blockEnd is the index of the last line of a YAML value that starts on
// line i under a key indented by indent: the following lines that are
// blank or indented deeper belong to it.
func blockEnd(lines []string, i, indent int) int {
	end := i
	for j := i + 1; j < len(lines); j++ {
		l := strings.TrimRight(lines[j], "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(l)-len(strings.TrimLeft(l, " \t")) <= indent {
			break
		}
		end = j
	}
	return end
}

// firstNonBlank is the column of line's first character that is not a
// space or tab (1 if there is none).
func firstNonBlank(line string) int {
	n := 1
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return n
		}
		n++
	}
	return 1
}

// maskLine replaces the characters of line in masks by '*', keeping the
// width of each (a wide character becomes "**", a tab stays a tab) so the
// caret under the line still points at the right column.
func maskLine(line string, masks []Span) string {
	if len(masks) == 0 {
		return line
	}
	var b strings.Builder
	col := 1
	for _, c := range line {
		if c != '\t' && masked(col, masks) {
			b.WriteString(strings.Repeat("*", runeCells(c)))
		} else {
			b.WriteRune(c)
		}
		col++
	}
	return b.String()
}

func masked(col int, masks []Span) bool {
	for _, m := range masks {
		if col >= m.From && (m.To == 0 || col < m.To) {
			return true
		}
	}
	return false
}
