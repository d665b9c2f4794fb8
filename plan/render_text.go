package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// TextOptions says how RenderText styles and frames a plan.
type TextOptions struct {
	// Color styles the output with ANSI escapes. The CLI decides (a
	// terminal, no NO_COLOR); the renderer never looks at the terminal, so
	// with Color false the output holds no escape code at all.
	Color bool
	// Drift frames the changes as drift (`ecsfleet drift`): missing, extra
	// and changed objects instead of what apply would add and destroy.
	Drift bool
}

var errNilPlan = errors.New("plan: nil plan")

// RenderText writes a plan for a person at a terminal: the summary line,
// every destroy and replace by name, the changes grouped by kind and server
// set (members whose changes are identical on one line, their names
// collapsed into ranges), the API calls by kind, then the warnings.
func RenderText(w io.Writer, p *Plan, o TextOptions) error {
	if p == nil {
		return errNilPlan
	}
	st := newTextStyle(w, o.Color)
	var b bytes.Buffer
	if p.Empty() {
		if o.Drift {
			b.WriteString(st.bold("No drift. The cloud matches the fleet file.") + "\n")
		} else {
			b.WriteString(st.bold("No changes. The cloud matches the fleet file.") + "\n")
		}
		writeWarnings(&b, p.Warnings, st)
		_, err := w.Write(b.Bytes())
		return err
	}

	if o.Drift {
		b.WriteString(st.bold(driftLine(p.Summary)) + "\n")
	} else {
		b.WriteString(st.bold(summaryLine(p)) + "\n")
	}

	changes := sortedChanges(p.Changes)
	destroy, replace := destroyList(changes), replaceList(changes)
	if destroy != "" || replace != "" {
		b.WriteString("\n")
		dl, rl := "Will destroy:", "Will replace:"
		if o.Drift {
			dl, rl = "Extra:", "To replace:"
		}
		if destroy != "" {
			fmt.Fprintf(&b, "%s %s\n", st.style("-", dl), destroy)
		}
		if replace != "" {
			fmt.Fprintf(&b, "%s %s\n", st.style("-/+", rl), replace)
		}
	}

	for _, g := range groupChanges(changes) {
		b.WriteString("\n" + st.bold(g.title+":") + "\n")
		for _, l := range g.lines() {
			b.WriteString(l.text(st) + "\n")
		}
	}

	if !o.Drift {
		if calls := callsLine(p.Ops); calls != "" {
			fmt.Fprintf(&b, "\n%s %s\n", st.bold("API calls:"), calls)
		}
	}
	writeWarnings(&b, p.Warnings, st)
	_, err := w.Write(b.Bytes())
	return err
}

func writeWarnings(b *bytes.Buffer, ws []string, st textStyle) {
	if len(ws) == 0 {
		return
	}
	b.WriteString("\n")
	for _, m := range ws {
		fmt.Fprintf(b, "%s %s\n", st.warn("Warning:"), Clean(m))
	}
}

// summaryLine is the plan's first line: counts, API calls and duration.
func summaryLine(p *Plan) string {
	line := "Plan: " + p.Summary.String() + " — " + plural(p.Summary.Calls.Write, "API call", "API calls")
	if d := shortDuration(p.Estimate.Seconds); d != "" {
		line += ", about " + d
	}
	return line
}

// driftLine is the first line of `ecsfleet drift`: what is missing from the
// cloud (apply would create it), extra (apply would destroy it) and
// changed (apply would update or replace it).
func driftLine(s Summary) string {
	line := fmt.Sprintf("Drift: %d changed, %d missing, %d extra", s.Change+s.Replace, s.Add, s.Destroy)
	if s.Adopt > 0 {
		line += fmt.Sprintf(", %d to adopt", s.Adopt)
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// shortDuration renders an estimate the way a person says it: "45s", "2m"
// (to the nearest minute), "1h5m"; "" for no estimate.
func shortDuration(sec int) string {
	switch {
	case sec <= 0:
		return ""
	case sec < 60:
		return fmt.Sprintf("%ds", sec)
	}
	m := (sec + 30) / 60
	if m < 60 {
		return fmt.Sprintf("%dm", m)
	}
	if m%60 == 0 {
		return fmt.Sprintf("%dh", m/60)
	}
	return fmt.Sprintf("%dh%dm", m/60, m%60)
}

// callsLine counts the ops by kind, in the order the kinds first appear:
// "create_servers ×1, resize_servers ×3 (3 waves)".
func callsLine(ops []Op) string {
	type agg struct {
		kind       OpKind
		n, maxWave int
	}
	sorted := append([]Op(nil), ops...)
	sort.SliceStable(sorted, func(i, j int) bool { return natLess(sorted[i].ID, sorted[j].ID) })
	var order []*agg
	byKind := map[OpKind]*agg{}
	for _, op := range sorted {
		a := byKind[op.Kind]
		if a == nil {
			a = &agg{kind: op.Kind}
			byKind[op.Kind] = a
			order = append(order, a)
		}
		a.n++
		a.maxWave = max(a.maxWave, op.Wave)
	}
	parts := make([]string, 0, len(order))
	for _, a := range order {
		s := fmt.Sprintf("%s ×%d", Clean(string(a.kind)), a.n)
		if a.maxWave > 1 {
			s += fmt.Sprintf(" (%d waves)", a.maxWave)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// sortedChanges is a sorted copy: a renderer never reorders the caller's plan.
func sortedChanges(cs []Change) []Change {
	out := append([]Change(nil), cs...)
	sortChanges(out)
	return out
}

// displayName is how a change is named in the destroy and replace lists:
// a server by its name, any other object with its kind in front.
func displayName(c Change) string {
	if c.Kind == KindServer {
		return c.Name
	}
	return strings.ReplaceAll(string(c.Kind), "_", " ") + " " + c.Name
}

func destroyList(cs []Change) string {
	var servers, others []string
	for _, c := range cs {
		if c.Action != Delete {
			continue
		}
		if c.Kind == KindServer {
			servers = append(servers, c.Name)
		} else {
			others = append(others, Clean(displayName(c)))
		}
	}
	var parts []string
	if len(servers) > 0 {
		parts = append(parts, collapseNames(servers))
	}
	return strings.Join(append(parts, others...), ", ")
}

// replaceList names every replaced object with its reason; objects that
// share a reason share one entry: "app-0001..app-0003 (user_data changed); db (status ERROR)".
func replaceList(cs []Change) string {
	var reasons []string
	names := map[string][]string{}
	for _, c := range cs {
		if c.Action != Replace {
			continue
		}
		if _, ok := names[c.Reason]; !ok {
			reasons = append(reasons, c.Reason)
		}
		names[c.Reason] = append(names[c.Reason], displayName(c))
	}
	parts := make([]string, 0, len(reasons))
	for _, r := range reasons {
		s := collapseNames(names[r])
		if r != "" {
			s += " (" + Clean(r) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// group is the changes of one kind, or of one server set, in display form.
type group struct {
	title string // `server set "web"`, `keypairs`
	kind  Kind
	set   string
	rows  []row
}

// row is one line of changes: every object whose change is identical.
type row struct {
	names []string
	c     Change // the first of them: action, impact, reason and attrs are shared
}

// groupChanges groups sorted changes by kind and server set, and the
// members of a set whose changes are identical into one row. Rows keep the
// order of their first member.
func groupChanges(cs []Change) []group {
	var out []group
	for i := 0; i < len(cs); {
		j := i
		for j < len(cs) && cs[j].Kind == cs[i].Kind && (cs[i].Kind != KindServer || cs[j].Set == cs[i].Set) {
			j++
		}
		g := group{title: groupTitle(cs[i]), kind: cs[i].Kind, set: cs[i].Set}
		index := map[string]int{}
		for _, c := range cs[i:j] {
			k := changeKey(c)
			if c.Kind != KindServer {
				k = "" // only the members of a set are grouped
			}
			if n, ok := index[k]; ok && k != "" {
				g.rows[n].names = append(g.rows[n].names, c.Name)
				continue
			}
			index[k] = len(g.rows)
			g.rows = append(g.rows, row{names: []string{c.Name}, c: c})
		}
		out = append(out, g)
		i = j
	}
	return out
}

func groupTitle(c Change) string {
	switch c.Kind {
	case KindKeypair:
		return "keypairs"
	case KindServerGroup:
		return "server groups"
	case KindVolume:
		return "volumes"
	case KindServer:
		if c.Set == "" {
			return "servers"
		}
		return "server set " + strconv.Quote(c.Set)
	}
	return Clean(string(c.Kind))
}

// changeKey is equal for two changes a reader cannot tell apart once the
// member name is set aside: same action, impact, reason, live name and
// attributes with the same values (a sensitive attribute's values are never
// shown, so they do not split a row).
func changeKey(c Change) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q %q %q %q", c.Action, c.Impact, c.Reason, c.LiveName)
	for _, a := range c.Attrs {
		if a.Sensitive {
			fmt.Fprintf(&b, "|%q sensitive %q", a.Path, a.Impact)
			continue
		}
		fmt.Fprintf(&b, "|%q %q %q %q", a.Path, a.Old, a.New, a.Impact)
	}
	return b.String()
}

// counts is "40 to change, 2 to destroy" for the changes of a group.
func (g group) counts() string {
	n := map[Action]int{}
	for _, r := range g.rows {
		n[r.c.Action] += len(r.names)
	}
	var parts []string
	for _, a := range []struct {
		act  Action
		verb string
	}{{Create, "add"}, {Update, "change"}, {Delete, "destroy"}, {Replace, "replace"}, {Adopt, "adopt"}} {
		if n[a.act] > 0 {
			parts = append(parts, fmt.Sprintf("%d to %s", n[a.act], a.verb))
		}
	}
	return strings.Join(parts, ", ")
}

// dline is one line of a group's details. The text form indents it under
// the group's title with the mark in front of the text; the Markdown form
// moves the mark to column 0 so a diff block colours it.
type dline struct {
	depth int    // 0 the objects, 2 their attributes, 4 a line diff
	mark  string // an action symbol, "+" or "-", or ""
	body  string
	whole bool // style the whole line, not only the mark (a line diff)
}

func (l dline) field() string {
	if l.mark == "" {
		return "  "
	}
	return l.mark + " "
}

// text is the line as RenderText prints it.
func (l dline) text(st textStyle) string {
	ind := "  " + strings.Repeat("  ", l.depth)
	if l.whole && l.mark != "" {
		return ind + st.style(l.mark, l.field()+l.body)
	}
	return ind + st.style(l.mark, l.field()) + l.body
}

// plain is the line as the Markdown diff block holds it.
func (l dline) plain() string {
	return strings.TrimRight(l.field()+strings.Repeat("  ", l.depth)+l.body, " ")
}

func (g group) lines() []dline {
	var out []dline
	for _, r := range g.rows {
		out = append(out, r.lines()...)
	}
	return out
}

func (r row) lines() []dline {
	c := r.c
	head := collapseNames(r.names)
	var notes []string
	switch {
	case c.Action == Update && (c.Impact == Disruptive || c.Impact == Replacing):
		// Only an update's impact says more than its symbol: a delete
		// or a replace takes the server down whatever its impact.
		n := string(c.Impact)
		if c.Reason != "" {
			n += ": " + c.Reason
		}
		notes = append(notes, n)
	case c.Reason != "":
		notes = append(notes, c.Reason)
	}
	if c.LiveName != "" {
		notes = append(notes, "live name "+strconv.Quote(c.LiveName))
	}
	if len(notes) > 0 {
		head += "  (" + Clean(strings.Join(notes, "; ")) + ")"
	}
	out := []dline{{mark: c.Action.Symbol(), body: head}}
	for _, a := range c.Attrs {
		out = append(out, attrLines(a)...)
	}
	return out
}

// attrLines renders one attribute: "flavor: a → b", `tags.role: "web" → "api"`,
// `+ tags.env = "prod"` (no old value), "- metadata.old" (no new value),
// "admin_password: (sensitive)", or a line diff of multi-line user data.
// Values of tags and metadata keys are quoted, others are not unless they
// would not print on one line.
func attrLines(a AttrDiff) []dline {
	path := Clean(a.Path)
	note := ""
	switch a.Impact {
	case Replacing:
		note = "  (forces replacement)"
	case Disruptive:
		note = "  (disruptive)"
	}
	if a.Sensitive {
		return []dline{{depth: 2, body: path + ": (sensitive)" + note}}
	}
	if a.Path == "user_data" && multiline(a.Old) && multiline(a.New) {
		return append([]dline{{depth: 2, body: path + ":" + note}}, lineDiff(a.Old, a.New, 3)...)
	}
	value := scalar
	if keyed(a.Path) {
		value = strconv.Quote
	}
	switch {
	case a.Old == "" && a.New != "":
		return []dline{{depth: 2, mark: "+", body: path + " = " + value(a.New) + note}}
	case a.New == "" && a.Old != "":
		return []dline{{depth: 2, mark: "-", body: path + note}}
	}
	return []dline{{depth: 2, body: path + ": " + value(a.Old) + " → " + value(a.New) + note}}
}

// keyed reports whether an attribute is one key of a map (tags, metadata),
// whose values are quoted and whose adds and removals are marked.
func keyed(path string) bool {
	return strings.HasPrefix(path, "tags.") || strings.HasPrefix(path, "metadata.")
}

func multiline(s string) bool { return strings.Contains(strings.TrimRight(s, "\n"), "\n") }

// scalar is a plain attribute value: as is, "(none)" when empty (a
// change from or to nothing is a + or - line instead), and quoted when it
// would not stay on one line or holds control characters.
func scalar(s string) string {
	if s == "" {
		return "(none)"
	}
	if strings.ContainsFunc(s, unsafeRune) {
		return strconv.Quote(s)
	}
	return s
}

// unsafeRune is a character that must not reach a terminal as is: a control
// character other than tab.
func unsafeRune(r rune) bool { return unicode.IsControl(r) && r != '\t' }

// Clean makes text from the plan or the cloud safe to print: a control
// character (an escape sequence in a name, a reason or a warning) is shown
// escaped, never sent to the terminal.
func Clean(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafeRune(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lineDiff is a line diff of two texts (go-diff's line mode), unchanged
// lines kept only within context lines of a change.
func lineDiff(old, new string, context int) []dline {
	if !strings.HasSuffix(old, "\n") {
		old += "\n"
	}
	if !strings.HasSuffix(new, "\n") {
		new += "\n"
	}
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(old, new)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var all []dline
	for _, d := range diffs {
		mark := ""
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			mark = "+"
		case diffmatchpatch.DiffDelete:
			mark = "-"
		}
		for _, s := range strings.SplitAfter(d.Text, "\n") {
			if s == "" {
				continue
			}
			all = append(all, dline{depth: 4, mark: mark, body: Clean(strings.TrimSuffix(s, "\n")), whole: true})
		}
	}
	keep := make([]bool, len(all))
	changed := false
	for i, l := range all {
		if l.mark == "" {
			continue
		}
		changed = true
		for j := max(0, i-context); j <= min(len(all)-1, i+context); j++ {
			keep[j] = true
		}
	}
	if !changed {
		return []dline{{depth: 4, body: "(only the final newline differs)"}}
	}
	var out []dline
	for i := 0; i < len(all); {
		if keep[i] {
			out = append(out, all[i])
			i++
			continue
		}
		j := i
		for j < len(all) && !keep[j] {
			j++
		}
		out = append(out, dline{depth: 4, body: fmt.Sprintf("(%s)", plural(j-i, "unchanged line", "unchanged lines"))})
		i = j
	}
	return out
}

// member splits a member name PREFIX-NNNN into its prefix, number and
// number width; ok is false for any other name.
func member(name string) (prefix string, n, width int, ok bool) {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || i == len(name)-1 || len(name)-i-1 > 18 {
		return "", 0, 0, false
	}
	digits := name[i+1:]
	for _, r := range digits {
		if r < '0' || r > '9' {
			return "", 0, 0, false
		}
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return "", 0, 0, false
	}
	return name[:i], n, len(digits), true
}

// natLess orders names with a numeric suffix by prefix, then number
// (web-9 before web-10, op-9999 before op-10000), others as strings.
func natLess(a, b string) bool {
	pa, na, _, oka := member(a)
	pb, nb, _, okb := member(b)
	if oka && okb && pa == pb && na != nb {
		return na < nb
	}
	return a < b
}

// collapseNames is NameRanges joined with commas.
func collapseNames(names []string) string { return strings.Join(NameRanges(names), ", ") }

// NameRanges lists names sorted and without repeats, runs of three or more
// consecutive members of one prefix collapsed into a range:
// ["web-0001..web-0040", "web-0042", "web-0043", "db"]. Two numbers are
// consecutive when they are written alike: the same width (web-0009,
// web-0010) or both without leading zeros (web-9, web-10). Every name is
// Clean.
func NameRanges(names []string) []string {
	sorted := append([]string(nil), names...)
	sort.SliceStable(sorted, func(i, j int) bool { return natLess(sorted[i], sorted[j]) })
	sorted = slices.Compact(sorted)
	var parts []string
	for i := 0; i < len(sorted); {
		j := i + 1 // the run is sorted[i:j]
		p, n, w, ok := member(sorted[i])
		for ok && j < len(sorted) {
			q, m, v, ok2 := member(sorted[j])
			if !ok2 || q != p || m != n+1 || (v != w && (padded(n, w) || padded(m, v))) {
				break
			}
			n, w = m, v
			j++
		}
		if j-i >= 3 {
			parts = append(parts, Clean(sorted[i])+".."+Clean(sorted[j-1]))
		} else {
			for _, s := range sorted[i:j] {
				parts = append(parts, Clean(s))
			}
		}
		i = j
	}
	return parts
}

// padded reports whether n written in width digits has leading zeros.
func padded(n, width int) bool { return len(strconv.Itoa(n)) < width }

// textStyle colours marks and headings; with color off every function
// returns its text unchanged (lipgloss is not involved at all, so not even
// a reset code can slip out).
type textStyle struct {
	color                               bool
	add, change, remove, replace, adopt lipgloss.Style
	bolds, warns                        lipgloss.Style
}

func newTextStyle(w io.Writer, color bool) textStyle {
	if !color {
		return textStyle{}
	}
	re := lipgloss.NewRenderer(w)
	re.SetColorProfile(termenv.ANSI256)
	s := func() lipgloss.Style { return re.NewStyle().TabWidth(lipgloss.NoTabConversion) }
	return textStyle{
		color:   true,
		add:     s().Foreground(lipgloss.Color("10")),
		change:  s().Foreground(lipgloss.Color("11")),
		remove:  s().Foreground(lipgloss.Color("9")),
		replace: s().Foreground(lipgloss.Color("13")),
		adopt:   s().Foreground(lipgloss.Color("14")),
		bolds:   s().Bold(true),
		warns:   s().Bold(true).Foreground(lipgloss.Color("11")),
	}
}

// style colours text as the mark says: + green, ~ yellow, - red, -/+
// magenta, ? cyan.
func (st textStyle) style(mark, text string) string {
	if !st.color {
		return text
	}
	switch mark {
	case "+":
		return st.add.Render(text)
	case "~":
		return st.change.Render(text)
	case "-":
		return st.remove.Render(text)
	case "-/+":
		return st.replace.Render(text)
	case "?":
		return st.adopt.Render(text)
	}
	return text
}

func (st textStyle) bold(text string) string {
	if !st.color {
		return text
	}
	return st.bolds.Render(text)
}

func (st textStyle) warn(text string) string {
	if !st.color {
		return text
	}
	return st.warns.Render(text)
}
