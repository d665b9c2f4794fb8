package plan

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"
)

// RenderMarkdown writes a plan as a pull-request comment: a heading, the
// summary line in bold, a table of counts, every destroy and replace by
// name, then one collapsed <details> block per server set (and per other
// kind) holding a diff block of the same grouped lines as RenderText, so
// GitHub colours the + and - lines and a long plan stays short until opened.
func RenderMarkdown(w io.Writer, p *Plan) error {
	if p == nil {
		return errNilPlan
	}
	var b bytes.Buffer
	b.WriteString("### ecsfleet plan")
	if p.Fleet != "" {
		b.WriteString(": " + mdCode(p.Fleet))
	}
	b.WriteString("\n\n")

	if p.Empty() {
		b.WriteString("**No changes.** The cloud matches the fleet file.\n")
		mdWarnings(&b, p.Warnings)
		_, err := w.Write(b.Bytes())
		return err
	}

	fmt.Fprintf(&b, "**%s**\n\n", mdText(summaryLine(p)))
	s := p.Summary
	est := shortDuration(p.Estimate.Seconds)
	if est != "" {
		est = "about " + est
	} else {
		est = "–"
	}
	b.WriteString("| Add | Change | Destroy | Replace | Adopt | API calls | Estimate |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %s |\n", s.Add, s.Change, s.Destroy, s.Replace, s.Adopt, s.Calls.Write, est)

	changes := sortedChanges(p.Changes)
	destroy, replace := destroyList(changes), replaceList(changes)
	if destroy != "" || replace != "" {
		b.WriteString("\n")
		if destroy != "" {
			fmt.Fprintf(&b, "**Will destroy:** %s\n", mdText(destroy))
		}
		if destroy != "" && replace != "" {
			b.WriteString("\n")
		}
		if replace != "" {
			fmt.Fprintf(&b, "**Will replace:** %s\n", mdText(replace))
		}
	}

	for _, g := range groupChanges(changes) {
		var body strings.Builder
		for _, l := range g.lines() {
			body.WriteString(l.plain() + "\n")
		}
		fence := mdFence(body.String())
		fmt.Fprintf(&b, "\n<details><summary>%s: %s</summary>\n\n%sdiff\n%s%s\n\n</details>\n",
			mdGroupTitle(g), html.EscapeString(g.counts()), fence, body.String(), fence)
	}

	if calls := callsLine(p.Ops); calls != "" {
		fmt.Fprintf(&b, "\n**API calls:** %s\n", mdText(calls))
	}
	mdWarnings(&b, p.Warnings)
	_, err := w.Write(b.Bytes())
	return err
}

func mdWarnings(b *bytes.Buffer, ws []string) {
	for _, m := range ws {
		fmt.Fprintf(b, "\n> **Warning:** %s\n", mdText(Clean(m)))
	}
}

// mdGroupTitle is a group's title inside <summary> (HTML, not Markdown).
func mdGroupTitle(g group) string {
	if g.kind == KindServer && g.set != "" {
		return "server set <code>" + html.EscapeString(Clean(g.set)) + "</code>"
	}
	return html.EscapeString(g.title)
}

// mdText escapes the characters Markdown or GitHub's HTML would act on, so
// a name or a reason is shown as written.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|~#&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCode is s as inline code, its delimiter longer than any run of
// backticks in it.
func mdCode(s string) string {
	d := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return d + " " + s + " " + d
	}
	return d + s + d
}

// mdFence is a code fence longer than any run of backticks in the body.
func mdFence(body string) string {
	return strings.Repeat("`", max(3, longestRun(body, '`')+1))
}

func longestRun(s string, c rune) int {
	best, n := 0, 0
	for _, r := range s {
		if r == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
