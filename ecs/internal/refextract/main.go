// Command refextract copies every JSON example of the HCS 8.3.0 ECS API reference
// (the Chinese original, a PDF-to-text dump) into testdata/reference, one file per
// example, plus an index.json describing each one.
//
// It exists so that the fixtures are reproducible: the client's decoding tests and
// the simulator's acceptance tests are driven by the reference's own examples, and
// anyone can regenerate (and diff) them from the document instead of trusting a
// hand copy.
//
// Usage (from the repository root):
//
//	go run ./ecs/internal/refextract -in PATH/TO/hcs-8.3.0-ecs-api-reference.zh.txt -out testdata/reference
//
// The text is the PDF's text layer, so examples carry its artefacts: string
// literals wrapped across lines, a leading space after a page break, "..."
// ellipses, comments. Each example is kept verbatim as *.txt when it is not valid
// JSON; a minimally repaired *.json is written beside it only when the repair is
// mechanical, and the index note says exactly what was repaired.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Entry is one row of testdata/reference/index.json.
type Entry struct {
	Section  string `json:"section"`
	Title    string `json:"title,omitempty"`
	Kind     string `json:"kind"` // request | response
	Method   string `json:"method,omitempty"`
	Path     string `json:"path,omitempty"`
	Status   int    `json:"status,omitempty"`
	Label    string `json:"label,omitempty"` // the scenario text the document puts before the example
	File     string `json:"file"`
	Verbatim string `json:"verbatim,omitempty"` // the *.txt kept when File is a repair (or File itself)
	Line     int    `json:"line"`               // 1-based line in the original
	Valid    bool   `json:"valid"`
	Note     string `json:"note"`
}

var (
	headingRE = regexp.MustCompile(`^ ?(\d+(?:\.\d+)+) +(\S.*)$`)
	uriRE     = regexp.MustCompile(`^ ?(GET|POST|PUT|DELETE|PATCH|HEAD) +(/\S*)\s*$`)
	statusRE  = regexp.MustCompile(`^ ?状态码[：:] *(\d{3})`)
)

func main() {
	in := flag.String("in", "", "the reference text (hcs-8.3.0-ecs-api-reference.zh.txt); required")
	out := flag.String("out", "testdata/reference", "output directory")
	flag.Parse()
	if *in == "" {
		log.Fatal("refextract: -in PATH (the HCS 8.3.0 ECS API reference text) is required")
	}
	raw, err := os.ReadFile(*in)
	if err != nil {
		log.Fatal(err)
	}
	entries, files := extract(strings.Split(string(raw), "\n"))
	// Start clean (a section that lost an example must lose its file), but
	// keep the hand-written README.
	old, _ := os.ReadDir(*out)
	for _, d := range old {
		if d.Name() != "README.md" {
			if err := os.RemoveAll(filepath.Join(*out, d.Name())); err != nil {
				log.Fatal(err)
			}
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(*out, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			log.Fatal(err)
		}
	}
	idx, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "index.json"), append(idx, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	valid, repaired, bad := 0, 0, 0
	for _, e := range entries {
		switch {
		case strings.HasSuffix(e.File, ".txt"):
			bad++
		case e.Verbatim != "":
			repaired++
		default:
			valid++
		}
	}
	fmt.Printf("%d examples: %d verbatim JSON, %d repaired, %d kept as text only\n", len(entries), valid, repaired, bad)
}

// section tracks the state of the scan inside one endpoint section.
type section struct {
	num, title   string
	method, path string
	inURI        bool
	kind         string
	status       int
	nreq, nresp  int
}

func extract(lines []string) ([]Entry, map[string][]byte) {
	var entries []Entry
	files := map[string][]byte{}
	var cur *section
	var last []int // last accepted heading number, for monotonic order outside chapter 5
	var label string
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t\r")
		if strings.HasPrefix(line, "\t") {
			continue // the closing outline repeats every heading, tab-indented
		}
		if m := headingRE.FindStringSubmatch(line); m != nil && isHeading(lines, i, m[1], last) {
			last = numOf(m[1])
			cur = &section{num: m[1], title: strings.TrimSpace(m[2])}
			label = ""
			continue
		}
		if cur == nil {
			continue
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "URI":
			cur.inURI = true
			continue
		case strings.Contains(t, "请求示例"):
			cur.kind, cur.status, label = "request", 0, ""
			continue
		case strings.Contains(t, "响应示例"):
			cur.kind, cur.status, label = "response", 0, ""
			continue
		}
		if m := uriRE.FindStringSubmatch(line); m != nil && cur.inURI && cur.path == "" {
			cur.method, cur.path, cur.inURI = m[1], m[2], false
			continue
		}
		if m := statusRE.FindStringSubmatch(line); m != nil && cur.kind == "response" {
			cur.status, _ = strconv.Atoi(m[1])
			label = ""
			continue
		}
		start, ok := jsonStart(line)
		if ok && !strings.HasPrefix(cur.num, "5.") {
			cur.kind = guessKind(lines, i, cur)
		}
		if !ok || cur.kind == "" {
			if t != "" && len(t) < 200 && cur.kind != "" {
				label = strings.TrimSpace(strings.TrimPrefix(t, "●"))
			}
			continue
		}
		text, end, complete := scanJSON(lines, i, start)
		if !looksLikeJSON(text) {
			continue
		}
		e := Entry{Section: cur.num, Title: cur.title, Kind: cur.kind, Method: cur.method, Path: cur.path,
			Label: label, Line: i + 1}
		if cur.kind == "response" {
			e.Status = cur.status
			cur.nresp++
			e.File = fmt.Sprintf("%s/response-%d", cur.num, cur.nresp)
		} else {
			cur.nreq++
			e.File = fmt.Sprintf("%s/request-%d", cur.num, cur.nreq)
		}
		classify(&e, text, complete, files)
		entries = append(entries, e)
		label = ""
		i = end
	}
	applyOverrides(entries)
	return entries, files
}

// isHeading decides whether a numbered line opens a section. Endpoint sections
// (chapter 5) are recognised by their "功能介绍" (function introduction) that
// follows within a few lines, which rejects the API overview table rows; other
// chapters must at least be in increasing order.
func isHeading(lines []string, i int, num string, last []int) bool {
	n := numOf(num)
	if n[0] > 9 || len(n) > 5 {
		return false
	}
	seen := 0
	for j := i + 1; j < len(lines) && seen < 4; j++ {
		t := strings.TrimSpace(lines[j])
		if t == "" {
			continue
		}
		seen++
		if t == "功能介绍" {
			return true
		}
	}
	if n[0] == 5 {
		return false
	}
	return less(last, n) && n[0] >= 3 && n[0] <= 6
}

var proseURIRE = regexp.MustCompile(`^ ?(GET|POST|PUT|DELETE|PATCH) +https?://[^/\s]+(/\S*)`)

// guessKind labels an example outside the endpoint sections (chapters 3 and 4,
// the how-to chapters) from the prose just before it: a "METHOD https://..." or
// header line means a request, a mention of 响应 (response) or 返回 (returned) a response.
func guessKind(lines []string, i int, cur *section) string {
	seen := 0
	for j := i - 1; j >= 0 && seen < 4; j-- {
		if m := proseURIRE.FindStringSubmatch(lines[j]); m != nil {
			cur.method, cur.path = m[1], m[2]
			return "request"
		}
		if strings.TrimSpace(lines[j]) != "" {
			seen++
		}
	}
	seen = 0
	for j := i - 1; j >= 0 && seen < 6; j-- {
		t := strings.TrimSpace(lines[j])
		if t == "" {
			continue
		}
		seen++
		if strings.Contains(t, "响应") || strings.Contains(t, "返回") {
			return "response"
		}
		if strings.Contains(t, "请求") || strings.HasPrefix(t, "Content-Type") || strings.HasPrefix(t, "X-Auth-Token") {
			return "request"
		}
	}
	return "request"
}

func numOf(s string) []int {
	var n []int
	for _, p := range strings.Split(s, ".") {
		v, _ := strconv.Atoi(p)
		n = append(n, v)
	}
	return n
}

func less(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// jsonStart reports where a JSON example starts on the line: the first
// character after optional spaces and a "●" bullet must be '{' or '['.
func jsonStart(line string) (int, bool) {
	s := strings.TrimLeft(line, " ")
	off := len(line) - len(s)
	if strings.HasPrefix(s, "●") {
		s2 := strings.TrimLeft(strings.TrimPrefix(s, "●"), " ")
		off += len(s) - len(s2)
		s = s2
	}
	if strings.HasPrefix(s, "{") {
		r := strings.TrimSpace(s[1:])
		if r == "" || r[0] == '"' || r[0] == '}' {
			return off, true
		}
		return 0, false // "{external_global_domain_name}/..." is prose, not JSON
	}
	if strings.HasPrefix(s, "[") {
		r := strings.TrimSpace(s[1:])
		if r == "" || r[0] == '{' || r[0] == '"' || r[0] == ']' || r[0] == '[' {
			return off, true
		}
	}
	return 0, false
}

// scanJSON collects the example text from lines[i][start:] until its brackets
// balance, string-aware. It gives up (complete=false) at a section or status line,
// or after 3000 lines, so a truncated example cannot swallow the document.
func scanJSON(lines []string, i, start int) (text string, end int, complete bool) {
	var b strings.Builder
	depth := 0
	inStr, esc := false, false
	for j := i; j < len(lines) && j < i+3000; j++ {
		l := strings.TrimRight(lines[j], "\r")
		if j == i {
			l = l[start:]
		} else if depth > 0 && !inStr && !isFurniture(l) && isProse(l) {
			return strings.TrimRight(b.String(), "\n"), j - 1, false
		}
		if j > i && !inStr && isFurniture(l) {
			b.WriteString(l)
			b.WriteByte('\n')
			continue
		}
		for k := 0; k < len(l); k++ {
			c := l[k]
			b.WriteByte(c)
			switch {
			case esc:
				esc = false
			case inStr && c == '\\':
				esc = true
			case c == '"':
				inStr = !inStr
			case inStr:
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
				if depth == 0 {
					return b.String(), j, true
				}
			}
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n"), i, false
}

// isFurniture reports the running page header and footer that the PDF's text
// layer inserts wherever a page ends, also in the middle of an example.
func isFurniture(l string) bool {
	t := strings.TrimSpace(l)
	return t == "弹性云服务器(ECS)" || strings.HasPrefix(t, "API 参考 ") || strings.HasPrefix(t, "文档版本 ")
}

func stripFurniture(s string) (string, int) {
	var out []string
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if isFurniture(l) {
			n++
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n"), n
}

// isProse reports a line that cannot be inside a JSON example: one that starts
// with a Chinese character or a bullet (the document's prose). A truncated
// example ("only part of it is shown") ends there.
func isProse(l string) bool {
	t := strings.TrimSpace(l)
	if headingRE.MatchString(l) {
		return true
	}
	for _, r := range t {
		return r >= 0x2E80 || r == '●'
	}
	return false
}

// looksLikeJSON rejects code samples that merely start with a brace: in JSON the
// first token after '{' is a string key or '}'.
func looksLikeJSON(text string) bool {
	t := strings.TrimLeft(text[1:], " \t\r\n")
	if text[0] == '[' {
		return true
	}
	return t == "" || t[0] == '"' || t[0] == '}'
}

// classify writes the example's files and fills File, Verbatim, Valid and Note.
func classify(e *Entry, text string, complete bool, files map[string][]byte) {
	base := e.File
	e.Valid = true
	if json.Valid([]byte(text)) {
		e.File = base + ".json"
		files[e.File] = []byte(text + "\n")
		return
	}
	e.Verbatim = base + ".txt"
	files[e.Verbatim] = []byte(text + "\n")
	if !complete {
		e.File, e.Verbatim = e.Verbatim, ""
		e.Valid = false
		e.Note = "not JSON: the example is truncated or its brackets do not balance in the document; kept verbatim only"
		return
	}
	fixed, notes := repair(text)
	if json.Valid([]byte(fixed)) {
		e.File = base + ".json"
		var buf bytes.Buffer
		if err := json.Indent(&buf, []byte(fixed), "", "  "); err == nil {
			fixed = buf.String()
		}
		files[e.File] = []byte(fixed + "\n")
		e.Note = "repaired: " + strings.Join(notes, "; ")
		return
	}
	e.File, e.Verbatim = e.Verbatim, ""
	e.Valid = false
	var err error
	var v any
	if err = json.Unmarshal([]byte(fixed), &v); err != nil {
		e.Note = "not JSON (" + err.Error() + "); kept verbatim only"
	}
	if len(notes) > 0 {
		e.Note += "; mechanical repairs tried: " + strings.Join(notes, "; ")
	}
}

// repair applies the mechanical repairs, each only where it changes something,
// and says which it applied.
func repair(s string) (string, []string) {
	steps := []struct {
		fix  func(string) (string, int)
		note string // %d is the number of places fixed
	}{
		{stripFurniture, "removed %d page header/footer line(s) the PDF text inserted at a page break"},
		{joinWrappedStrings, "rejoined %d string literal(s) that the PDF text wrapped across lines (the line break removed, nothing else)"},
		{stripComments, "removed %d comment(s)"},
		{stripEllipses, "removed %d \"...\" ellipsis line(s)"},
		{stripTrailingCommas, "removed %d trailing comma(s)"},
	}
	var notes []string
	for _, st := range steps {
		if t, n := st.fix(s); n > 0 {
			s = t
			notes = append(notes, fmt.Sprintf(st.note, n))
		}
	}
	return s, notes
}

func joinWrappedStrings(s string) (string, int) {
	var b strings.Builder
	inStr, esc, n := false, false, 0
	joined := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inStr && (c == '\n' || c == '\r') {
			if !joined {
				n++
				joined = true
			}
			continue
		}
		b.WriteByte(c)
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
			joined = false
		}
	}
	return b.String(), n
}

func stripComments(s string) (string, int) {
	var b strings.Builder
	inStr, esc, n := false, false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !inStr && c == '/' && i+1 < len(s) && s[i+1] == '/' {
			for i < len(s) && s[i] != '\n' {
				i++
			}
			n++
			if i < len(s) {
				b.WriteByte('\n')
			}
			continue
		}
		if !inStr && c == '/' && i+1 < len(s) && s[i+1] == '*' {
			if k := strings.Index(s[i+2:], "*/"); k >= 0 {
				i += k + 3
				n++
				continue
			}
		}
		b.WriteByte(c)
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		}
	}
	return b.String(), n
}

func stripEllipses(s string) (string, int) {
	var out []string
	n := 0
	for _, l := range strings.Split(s, "\n") {
		t := strings.Trim(strings.TrimSpace(l), ",")
		if t == "..." || t == "…" || t == "……" || t == "......" {
			n++
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n"), n
}

var trailingCommaRE = regexp.MustCompile(`,(\s*[}\]])`)

func stripTrailingCommas(s string) (string, int) {
	n := len(trailingCommaRE.FindAllStringIndex(s, -1))
	return trailingCommaRE.ReplaceAllString(s, "$1"), n
}
