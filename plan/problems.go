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

// unknown reports a name in server set `set` that the live cloud does not
// have, with a "did you mean" (spec.Suggest, the fleet language's own) and
// the names it does have.
func (ps *problems) unknown(pos spec.Pos, set, what, name string, known []string) {
	hint := choices(what+"s", known)
	if c := spec.Suggest(name, known); c != "" {
		hint = fmt.Sprintf("did you mean %q? %s", c, hint)
	}
	ps.add(pos, hint, "server set %q: %s %q does not exist in this cloud", set, what, name)
}

// choices formats a "known: a, b, c" hint, at most a handful of names.
func choices(what string, names []string) string {
	sort.Strings(names)
	if len(names) > 8 {
		names = append(names[:8:8], "...")
	}
	return fmt.Sprintf("known %s: %s", what, strings.Join(names, ", "))
}
