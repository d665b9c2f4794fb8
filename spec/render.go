package spec

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Render writes diagnostics for a person: each as "file:line:col: severity:
// message", then the source line with a caret under the column, then the
// hint. src maps file names to their contents (a file missing from it is
// rendered without the source line). color styles the output with lipgloss;
// callers pass false when the output is not a terminal or NO_COLOR is set.
func Render(w io.Writer, diags Diagnostics, src map[string][]byte, color bool) {
	st := newStyles(w, color)
	for i, d := range diags {
		if i > 0 {
			fmt.Fprintln(w)
		}
		sev := st.err.Render("error")
		if d.Severity == Warning {
			sev = st.warn.Render("warning")
		}
		fmt.Fprintf(w, "%s: %s: %s\n", st.pos.Render(d.Pos.String()), sev, st.msg.Render(d.Message))
		if line, ok := sourceLine(src[d.Pos.File], d.Pos.Line); ok {
			line = maskLine(line, d.Masks)
			gutter := fmt.Sprintf("%5d | ", d.Pos.Line)
			fmt.Fprintf(w, "%s%s\n", st.gutter.Render(gutter), line)
			col := max(d.Pos.Col, 1)
			pad := caretPad(line, col)
			fmt.Fprintf(w, "%s%s%s\n", st.gutter.Render(strings.Repeat(" ", 6)+"| "), pad, st.caret.Render("^"))
		}
		if d.Hint != "" {
			fmt.Fprintf(w, "  %s %s\n", st.hint.Render("hint:"), d.Hint)
		}
	}
}

type styles struct {
	pos, err, warn, msg, gutter, caret, hint lipgloss.Style
}

// newStyles builds the styles. With color on, the renderer is told to
// emit ANSI colors whatever it would detect: the caller has already
// decided (terminal, NO_COLOR), and the writer may not be stdout.
func newStyles(w io.Writer, color bool) styles {
	if !color {
		p := lipgloss.NewStyle()
		return styles{p, p, p, p, p, p, p}
	}
	re := lipgloss.NewRenderer(w)
	re.SetColorProfile(termenv.ANSI256)
	return styles{
		pos:    re.NewStyle().Bold(true),
		err:    re.NewStyle().Bold(true).Foreground(lipgloss.Color("9")),
		warn:   re.NewStyle().Bold(true).Foreground(lipgloss.Color("11")),
		msg:    re.NewStyle().Bold(true),
		gutter: re.NewStyle().Foreground(lipgloss.Color("8")),
		caret:  re.NewStyle().Bold(true).Foreground(lipgloss.Color("9")),
		hint:   re.NewStyle().Bold(true).Foreground(lipgloss.Color("14")),
	}
}

// sourceLine returns line n (1-based) of src with tabs kept and the line
// ending removed; very long lines are cut so a minified file does not
// flood the terminal.
func sourceLine(src []byte, n int) (string, bool) {
	line, ok := fullLine(src, n)
	line = printable(line)
	if r := []rune(line); len(r) > 200 {
		line = string(r[:200]) + "..."
	}
	return line, ok
}

// printable replaces what a terminal would act on instead of showing
// (control characters but tab, such as ESC starting a color or title
// sequence, C1 controls, bidirectional overrides) and bytes that are not
// UTF-8 by U+FFFD, one character for one, so columns are kept: a hostile
// file cannot drive the terminal of whoever validates it.
func printable(line string) string {
	return strings.Map(func(r rune) rune {
		if r != '\t' && unicode.IsControl(r) || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return utf8.RuneError
		}
		return r
	}, line)
}

// fullLine returns line n (1-based) of src without its line ending.
func fullLine(src []byte, n int) (string, bool) {
	if src == nil || n < 1 {
		return "", false
	}
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return "", false
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimRight(string(src), "\r"), true
}

// caretPad is the whitespace that puts a caret under column col, copying
// tabs so the caret lines up however the terminal renders them, and using
// two cells for wide (CJK) characters.
func caretPad(line string, col int) string {
	var b strings.Builder
	i := 1
	for _, r := range line {
		if i >= col {
			break
		}
		switch {
		case r == '\t':
			b.WriteByte('\t')
		case runeCells(r) == 2:
			b.WriteString("  ")
		default:
			b.WriteByte(' ')
		}
		i++
	}
	return b.String()
}

// runeCells is how many terminal cells r takes (2 for wide CJK characters).
func runeCells(r rune) int { return max(1, lipgloss.Width(string(r))) }
