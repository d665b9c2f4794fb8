package plan

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sergi/go-diff/diffmatchpatch"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with the golden file testdata/<name> (name is
// slash-separated, e.g. "render/text.golden"). With -update it writes the
// file instead (creating its directory), so `go test ./plan -run X -update`
// regenerates the files of the tests X selects; review them with git diff.
// A mismatch fails the test with a line diff (- golden, + got).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(name))
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run '%s' -update to create it)", err, t.Name())
	}
	if bytes.Equal(got, want) {
		return
	}
	t.Errorf("%s differs from the golden file (- golden, + got; run with -update if the change is right):\n%s", path, goldenDiff(string(want), string(got)))
}

// goldenDiff is a line diff of want and got, unchanged lines kept within 3
// lines of a change, each line numbered as in the golden file or in got.
// Invisible differences (trailing spaces, a missing final newline, a
// carriage return) show as quoted lines.
func goldenDiff(want, got string) string {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(want, got)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	type line struct {
		op   diffmatchpatch.Operation
		n    int
		text string
	}
	var all []line
	nw, ng := 0, 0
	for _, d := range diffs {
		for _, s := range strings.SplitAfter(d.Text, "\n") {
			if s == "" {
				continue
			}
			l := line{op: d.Type, text: s}
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				nw++
				ng++
				l.n = nw
			case diffmatchpatch.DiffDelete:
				nw++
				l.n = nw
			case diffmatchpatch.DiffInsert:
				ng++
				l.n = ng
			}
			all = append(all, l)
		}
	}
	keep := make([]bool, len(all))
	for i, l := range all {
		if l.op != diffmatchpatch.DiffEqual {
			for j := max(0, i-3); j <= min(len(all)-1, i+3); j++ {
				keep[j] = true
			}
		}
	}
	var out strings.Builder
	skipped := false
	for i, l := range all {
		if !keep[i] {
			skipped = true
			continue
		}
		if skipped {
			out.WriteString("     ...\n")
			skipped = false
		}
		mark := " "
		switch l.op {
		case diffmatchpatch.DiffDelete:
			mark = "-"
		case diffmatchpatch.DiffInsert:
			mark = "+"
		}
		text := strings.TrimSuffix(l.text, "\n")
		if !strings.HasSuffix(l.text, "\n") || strings.TrimRight(text, " \t\r") != text {
			text = fmt.Sprintf("%q", l.text)
		}
		fmt.Fprintf(&out, "%s%4d %s\n", mark, l.n, text)
	}
	return out.String()
}
