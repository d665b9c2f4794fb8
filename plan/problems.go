package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ecsfleet/ecsfleet/spec"
)

// Problem is something in the fleet file that only the live cloud can
// refute (a name the catalogue lacks, a root volume below the image's
// minimum, a quota the plan would exceed), found before any write. It
// points at the line that must change.
type Problem struct {
	Pos  spec.Pos
	Msg  string
	Hint string
}

// Problems are all the problems of one plan; a plan with problems is not
// made. It is an error.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("\n")
		}
		if p.Pos.IsValid() {
			fmt.Fprintf(&b, "%s: ", p.Pos)
		}
		b.WriteString(p.Msg)
		if p.Hint != "" {
			fmt.Fprintf(&b, "\n  hint: %s", p.Hint)
		}
	}
	return b.String()
}

// problems collects Problems in file order, without duplicates.
type problems struct {
	list Problems
	seen map[string]bool
}

func (ps *problems) add(pos spec.Pos, hint, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := pos.String() + "\x00" + msg
	if ps.seen == nil {
		ps.seen = map[string]bool{}
	}
	if ps.seen[key] {
		return
	}
	ps.seen[key] = true
	ps.list = append(ps.list, Problem{Pos: pos, Msg: msg, Hint: hint})
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	sort.SliceStable(ps.list, func(i, j int) bool {
		a, b := ps.list[i].Pos, ps.list[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return ps.list
}

// closest returns the candidate nearest to name (by a small edit
// distance), for "did you mean" hints; "" when none is close.
func closest(name string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(name), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(name)/3) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// choices formats a "known: a, b, c" hint, at most a handful of names.
func choices(what string, names []string) string {
	sort.Strings(names)
	if len(names) > 8 {
		names = append(names[:8:8], "...")
	}
	return fmt.Sprintf("known %s: %s", what, strings.Join(names, ", "))
}
