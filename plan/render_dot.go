package plan

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// RenderDOT writes the plan's op DAG in Graphviz DOT (`dot -Tsvg`): one
// node per op labelled with its kind, server set, number of targets and
// wave, the ops of a server set in one cluster, an edge from each
// dependency to its dependent. Everything is ordered by op id (numerically
// for a numeric suffix), so the same plan gives the same bytes.
func RenderDOT(w io.Writer, p *Plan) error {
	if p == nil {
		return errNilPlan
	}
	ops := append([]Op(nil), p.Ops...)
	sort.SliceStable(ops, func(i, j int) bool { return natLess(ops[i].ID, ops[j].ID) })

	var b bytes.Buffer
	b.WriteString("digraph ecsfleet {\n")
	b.WriteString("  rankdir=LR;\n")
	b.WriteString("  node [shape=box, fontname=\"Helvetica\"];\n")

	var sets []string
	bySet := map[string][]Op{}
	for _, op := range ops {
		if op.Set == "" {
			fmt.Fprintf(&b, "  %s [label=%s];\n", dotID(op.ID), dotString(opLabel(op)))
			continue
		}
		if _, ok := bySet[op.Set]; !ok {
			sets = append(sets, op.Set)
		}
		bySet[op.Set] = append(bySet[op.Set], op)
	}
	sort.Strings(sets)
	for _, set := range sets {
		fmt.Fprintf(&b, "  subgraph %s {\n", dotID("cluster_"+set))
		fmt.Fprintf(&b, "    label=%s;\n", dotString("server set "+set))
		for _, op := range bySet[set] {
			fmt.Fprintf(&b, "    %s [label=%s];\n", dotID(op.ID), dotString(opLabel(op)))
		}
		b.WriteString("  }\n")
	}
	for _, op := range ops {
		deps := append([]string(nil), op.DependsOn...)
		sort.SliceStable(deps, func(i, j int) bool { return natLess(deps[i], deps[j]) })
		for _, d := range deps {
			fmt.Fprintf(&b, "  %s -> %s;\n", dotID(d), dotID(op.ID))
		}
	}
	b.WriteString("}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// opLabel is "resize_servers\nweb (30)\nwave 1": the kind, then the set and
// the number of targets (or the object's name for an op outside a set),
// then the wave of a disruptive op.
func opLabel(op Op) string {
	n := len(op.Targets)
	if n == 0 && op.Args.Create != nil {
		n = op.Args.Create.Count
	}
	lines := []string{string(op.Kind)}
	switch {
	case op.Set != "":
		lines = append(lines, fmt.Sprintf("%s (%d)", op.Set, n))
	case opObject(op) != "":
		lines = append(lines, opObject(op))
	case n > 0:
		lines = append(lines, fmt.Sprintf("(%d)", n))
	}
	if op.Wave > 0 {
		lines = append(lines, "wave "+strconv.Itoa(op.Wave))
	}
	return strings.Join(lines, "\n")
}

// opObject names what an op outside a server set acts on.
func opObject(op Op) string {
	switch {
	case op.Args.ObjectName != "":
		return op.Args.ObjectName
	case op.Args.Name != "":
		return op.Args.Name
	case len(op.Targets) == 1:
		return op.Targets[0].Name
	}
	return ""
}

// dotID is an id as DOT takes it: bare when it is a plain identifier and
// not a keyword, quoted otherwise.
func dotID(s string) string {
	switch strings.ToLower(s) {
	case "node", "edge", "graph", "digraph", "subgraph", "strict":
		return dotString(s)
	}
	if s != "" && (s[0] < '0' || s[0] > '9') && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == "" {
		return s
	}
	return dotString(s)
}

// dotString quotes s for DOT: quotes and backslashes escaped (a backslash
// is an escape in a label), a newline written as DOT's \n line break,
// other control characters dropped.
func dotString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case unsafeRune(r) || r == '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
