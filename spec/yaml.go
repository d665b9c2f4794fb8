package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits that keep hostile or broken input from exhausting memory or
// stack: a fleet file is hand-written text, so these are far above any
// real fleet.
const (
	// MaxFileSize is the largest fleet file (and --var-file) read: 1 MiB,
	// some 25,000 lines, where a large real fleet is a few hundred. It
	// bounds the parsers' memory: HCL's lexer alone keeps about 100 bytes
	// per token.
	MaxFileSize = 1 << 20
	// maxYAMLNodes bounds the nodes visited, aliases expanded (YAML alias
	// bombs expand exponentially; the budget stops them).
	maxYAMLNodes = 1_000_000
	// maxDepth bounds nesting; a fleet needs about 6 levels.
	maxDepth = 64
)

// yamlDecoder turns a yaml.v3 node tree into the raw description. It
// walks the Node API rather than unmarshalling into structs so that every
// value keeps its line and column and unknown fields are reported.
type yamlDecoder struct {
	file   string
	sink   *diagSink
	ip     *interp
	budget int
	blown  bool

	src     []byte
	lines   []string              // src split into lines, on first need
	keyCol  int                   // column of the key whose value is being read
	varDefs map[string]secretSpan // where each variable's default is written
}

// parseYAML reads a YAML fleet. vars are the command-line variables; the
// file's own `variables:` defaults are merged under them.
func parseYAML(file string, src []byte, opts *LoadOptions, sink *diagSink) *rawFleet {
	d := &yamlDecoder{file: file, sink: sink, budget: maxYAMLNodes, src: src}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			sink.errorf(Pos{File: file, Line: 1, Col: 1}, "the file is empty").hint("a fleet needs at least a name and one server set")
			return nil
		}
		d.syntaxError(err, src)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		sink.errorf(d.pos(&extra), "the file has more than one YAML document").hint("put one fleet in each file")
		return nil
	} else if !errors.Is(err, io.EOF) {
		d.syntaxError(err, src)
		return nil
	}
	if !d.checkTags(&doc) {
		return nil
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			sink.errorf(Pos{File: file, Line: 1, Col: 1}, "the file is empty")
			return nil
		}
		root = root.Content[0]
	}
	root = d.deref(root, 0)
	if root == nil {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		sink.errorf(d.pos(root), "a fleet file must be a mapping (name: ..., servers: ...), not %s", kindName(root))
		return nil
	}
	vars := map[string]string{}
	d.ip = &interp{vars: vars, env: opts.lookupEnv(), sink: sink}
	// Variables first: every other value may refer to them.
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == variablesField.name {
			d.variables(root.Content[i+1], vars)
		}
	}
	defs := make([]string, 0, len(d.varDefs))
	for k := range d.varDefs {
		defs = append(defs, k)
	}
	d.ip.fileDefaults(defs, opts.Vars)
	for k, v := range opts.Vars {
		vars[k] = v
	}
	f := &rawFleet{Pos: d.pos(root)}
	d.fields(root, 0, "the fleet", fleetObject, reflect.ValueOf(f).Elem())
	if d.blown {
		return nil
	}
	return f
}

// honouredTags are the YAML tags a fleet file may write: YAML's own
// types, which mean what the field reads anyway (!!str 123 is the text
// 123). Any other tag (!include, !env, !!binary, a custom !tag) would be
// dropped by a reader that takes the text, so it is refused.
var honouredTags = map[string]bool{
	"!": true, "!!str": true, "!!int": true, "!!bool": true, "!!float": true, "!!null": true,
	"!!map": true, "!!seq": true, "!!merge": true, "!!timestamp": true,
}

// checkTags reports every node written with a tag that is not honoured.
// It walks the tree as written, without following aliases, on its own
// stack: yaml.v3 bounds the depth, this bounds the work.
func (d *yamlDecoder) checkTags(root *yaml.Node) bool {
	return checkYAMLTags(root, d.file, d.sink)
}

func checkYAMLTags(root *yaml.Node, file string, sink *diagSink) bool {
	ok := true
	stack := []*yaml.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.Style&yaml.TaggedStyle != 0 && !honouredTags[n.Tag] {
			tag := n.Tag
			if !strings.HasPrefix(tag, "!") {
				tag = "!<" + tag + ">"
			}
			sink.errorf(Pos{File: file, Line: n.Line, Col: n.Column}, "YAML tag %s is not part of the fleet language", tag).
				hint("fleet files take plain values: write the value itself (YAML's own tags such as !!str are accepted)")
			ok = false
		}
		if n.Kind != yaml.AliasNode {
			for i := len(n.Content) - 1; i >= 0; i-- {
				stack = append(stack, n.Content[i])
			}
		}
	}
	return ok
}

// syntaxError reports a yaml.v3 parse error at the line it names, and
// at the offending token's column where that can be found again.
func (d *yamlDecoder) syntaxError(err error, src []byte) {
	d.sink.red.unparsed(d.file)
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if l, e := strconv.Atoi(n); e == nil {
				line, msg = l, after
			}
		}
	}
	if l, c, ok := syntaxPos(src, line, msg); ok {
		d.sink.errorf(Pos{File: d.file, Line: l, Col: c}, "invalid YAML: %s", msg)
		return
	}
	if line == 0 {
		line = 1
	}
	d.sink.errorf(Pos{File: d.file, Line: line, Col: syntaxColumn(src, line, msg)}, "invalid YAML: %s", msg)
}

func (d *yamlDecoder) pos(n *yaml.Node) Pos { return Pos{File: d.file, Line: n.Line, Col: n.Column} }

// deref follows aliases, charging the node budget so alias bombs stop.
func (d *yamlDecoder) deref(n *yaml.Node, depth int) *yaml.Node {
	for hops := 0; n != nil && n.Kind == yaml.AliasNode; hops++ {
		if hops > maxDepth {
			d.sink.errorf(d.pos(n), "alias chain is too long")
			return nil
		}
		n = n.Alias
	}
	if n == nil {
		return nil
	}
	if d.blown {
		return nil
	}
	d.budget--
	if d.budget < 0 {
		d.blown = true
		d.sink.errorf(d.pos(n), "the document expands to more than %d values (an alias bomb?)", maxYAMLNodes).hint("fleet files do not need aliases that repeat large structures")
		return nil
	}
	if depth > maxDepth {
		d.blown = true
		d.sink.errorf(d.pos(n), "the document is nested more than %d levels deep", maxDepth)
		return nil
	}
	return n
}

// kindName names a node's kind for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty (null)"
		}
		return fmt.Sprintf("the value %q", truncate(n.Value, 40))
	}
	return "something else"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "..."
}

// mapping walks a mapping's fields in order, reporting duplicate and
// unknown keys (with a "did you mean" hint) and expanding "<<" merge keys.
// fn is called once per known field.
func (d *yamlDecoder) mapping(n *yaml.Node, depth int, what string, allowed []string, fn func(key string, v *yaml.Node, depth int)) bool {
	n = d.deref(n, depth)
	if n == nil {
		return false
	}
	if n.Kind != yaml.MappingNode {
		d.sink.errorf(d.pos(n), "%s must be a mapping of fields, not %s", what, kindName(n))
		return false
	}
	seen := map[string]Pos{}
	var merged []*yaml.Node // key/value pairs from "<<" merges, applied after explicit keys
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := d.deref(n.Content[i], depth+1), n.Content[i+1]
		if k == nil {
			return false
		}
		if k.Kind != yaml.ScalarNode {
			d.sink.errorf(d.pos(k), "a field name in %s must be a plain word, not %s", what, kindName(k))
			continue
		}
		if k.Value == "<<" && k.Tag == "!!merge" {
			merged = append(merged, d.mergeSources(v, depth+1)...)
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.sink.errorf(d.pos(k), "field %q is set twice in %s", k.Value, what).hint("the first is at line %d", first.Line)
			continue
		}
		seen[k.Value] = d.pos(k)
		if !contains(allowed, k.Value) {
			d.sink.errorf(d.pos(k), "unknown field %q in %s", k.Value, what).hintName(k.Value, allowed)
			continue
		}
		d.keyCol = k.Column
		fn(k.Value, v, depth+1)
	}
	for i := 0; i+1 < len(merged); i += 2 {
		k, v := merged[i], merged[i+1]
		if _, dup := seen[k.Value]; dup || !contains(allowed, k.Value) {
			continue // explicit keys win; unknown merged keys were reported at the anchor's own use
		}
		seen[k.Value] = d.pos(k)
		d.keyCol = k.Column
		fn(k.Value, v, depth+1)
	}
	return true
}

// mergeSources returns the key/value pairs of a "<<" merge value (one
// mapping or a list of mappings, usually aliases).
func (d *yamlDecoder) mergeSources(v *yaml.Node, depth int) []*yaml.Node {
	v = d.deref(v, depth)
	if v == nil {
		return nil
	}
	var out []*yaml.Node
	switch v.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			if k := d.deref(v.Content[i], depth+1); k != nil && k.Kind == yaml.ScalarNode {
				out = append(out, k, v.Content[i+1])
			}
		}
	case yaml.SequenceNode:
		for _, m := range v.Content {
			out = append(out, d.mergeSources(m, depth+1)...)
		}
	default:
		d.sink.errorf(d.pos(v), "a << merge needs a mapping, not %s", kindName(v))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// seq walks a list, calling fn for each element.
func (d *yamlDecoder) seq(n *yaml.Node, depth int, what string, fn func(*yaml.Node, int)) bool {
	n = d.deref(n, depth)
	if n == nil {
		return false
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return true // "keypairs:" with nothing under it: an empty list
	}
	if n.Kind != yaml.SequenceNode {
		d.sink.errorf(d.pos(n), "%s must be a list (items starting with -), not %s", what, kindName(n))
		return false
	}
	for _, e := range n.Content {
		if d.blown {
			return false
		}
		fn(e, depth+1)
	}
	return true
}

// scalar returns a scalar's text after variable substitution.
func (d *yamlDecoder) scalar(n *yaml.Node, what string) (string, Pos, bool) {
	n = d.deref(n, 0)
	if n == nil {
		return "", Pos{}, false
	}
	p := d.pos(n)
	if n.Kind != yaml.ScalarNode {
		d.sink.errorf(p, "%s must be a single value, not %s", what, kindName(n))
		return "", p, false
	}
	if n.Tag == "!!null" {
		d.sink.errorf(p, "%s is empty", what)
		return "", p, false
	}
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	v, ok := d.ip.expand(n.Value, p, quoted)
	return v, p, ok
}

func (d *yamlDecoder) str(n *yaml.Node, f *field[string]) {
	f.Seen = true
	if v, p, ok := d.scalar(n, "this field"); ok {
		f.set(v, p)
	}
}

func (d *yamlDecoder) integer(n *yaml.Node, what string, f *field[int]) {
	f.Seen = true
	v, p, ok := d.scalar(n, what)
	if !ok {
		return
	}
	i, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		d.sink.errorf(p, "%s must be a whole number, not %q", what, truncate(v, 40))
		return
	}
	f.set(i, p)
}

func (d *yamlDecoder) boolean(n *yaml.Node, f *field[bool]) {
	f.Seen = true
	v, p, ok := d.scalar(n, "this field")
	if !ok {
		return
	}
	switch strings.TrimSpace(v) {
	case "true":
		f.set(true, p)
	case "false":
		f.set(false, p)
	default:
		d.sink.errorf(p, "expected true or false, not %q", truncate(v, 40))
	}
}

// list reads a list of strings.
func (d *yamlDecoder) list(n *yaml.Node, depth int, what string, f *field[[]string]) {
	f.Seen = true
	m := d.deref(n, depth)
	if m == nil {
		return
	}
	out := []string{}
	ok := d.seq(m, depth, what, func(e *yaml.Node, depth int) {
		if v, _, ok := d.scalar(e, "an item of "+what); ok {
			out = append(out, v)
		}
	})
	if ok {
		f.set(out, d.pos(m))
	}
}

// strMap reads a mapping of strings (tags, metadata); keys are not
// substituted, values are.
func (d *yamlDecoder) strMap(n *yaml.Node, depth int, what string, f *field[strMap]) {
	f.Seen = true
	m := d.deref(n, depth)
	if m == nil {
		return
	}
	if m.Kind == yaml.ScalarNode && m.Tag == "!!null" {
		f.set(strMap{}, d.pos(m))
		return
	}
	if m.Kind != yaml.MappingNode {
		d.sink.errorf(d.pos(m), "%s must be a mapping of key: value, not %s", what, kindName(m))
		return
	}
	var out strMap
	seen := map[string]bool{}
	var merged []*yaml.Node // key/value pairs from "<<" merges, applied after explicit keys
	put := func(k, vn *yaml.Node, fromMerge bool) bool {
		if k.Kind != yaml.ScalarNode {
			d.sink.errorf(d.pos(k), "a key in %s must be a single value, not %s", what, kindName(k))
			return true
		}
		if seen[k.Value] {
			if !fromMerge {
				d.sink.errorf(d.pos(k), "key %q is set twice in %s", k.Value, what)
			}
			return true // a merged key under an explicit one: the explicit one wins
		}
		seen[k.Value] = true
		v := d.deref(vn, depth+1)
		if v == nil {
			return false
		}
		val := ""
		if !(v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
			s, _, ok := d.scalar(v, fmt.Sprintf("the value of %q", k.Value))
			if !ok {
				return true
			}
			val = s
		}
		out.put(k.Value, val, d.pos(k))
		return true
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := d.deref(m.Content[i], depth+1)
		if k == nil {
			return
		}
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" {
			merged = append(merged, d.mergeSources(m.Content[i+1], depth+1)...)
			continue
		}
		if !put(k, m.Content[i+1], false) {
			return
		}
	}
	for i := 0; i+1 < len(merged); i += 2 {
		if !put(merged[i], merged[i+1], true) {
			return
		}
	}
	f.set(out, d.pos(m))
}

// variables reads the file's `variables:` defaults (plain strings).
func (d *yamlDecoder) variables(n *yaml.Node, vars map[string]string) {
	m := d.deref(n, 0)
	if m == nil {
		return
	}
	if m.Kind != yaml.MappingNode {
		d.sink.errorf(d.pos(m), "variables must be a mapping of NAME: default value, not %s", kindName(m))
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := d.deref(m.Content[i], 1), d.deref(m.Content[i+1], 1)
		if k == nil || v == nil {
			return
		}
		if k.Kind != yaml.ScalarNode || !identRe.MatchString(k.Value) {
			d.sink.errorf(d.pos(k), "variable names are letters, digits, _ and -, starting with a letter or _")
			continue
		}
		if v.Kind != yaml.ScalarNode {
			d.sink.errorf(d.pos(v), "the default of variable %q must be a single value, not %s", k.Value, kindName(v))
			continue
		}
		if v.Tag == "!!null" {
			continue // declared without a default: must be given with --var
		}
		vars[k.Value] = v.Value
		if d.varDefs == nil {
			d.varDefs = map[string]secretSpan{}
		}
		d.varDefs[k.Value] = d.extent(v, k.Column)
	}
}

// object reads a mapping into the raw struct v, recording where it
// starts when the struct has a Pos.
func (d *yamlDecoder) object(n *yaml.Node, depth int, what string, o *objectInfo, v reflect.Value) bool {
	if o.pos >= 0 {
		if m := d.deref(n, depth); m != nil {
			o.setPos(v, d.pos(m))
		}
	}
	return d.fields(n, depth, what, o, v)
}

// fields reads a mapping's known fields into v, each by its kind. A
// field that holds a secret when a flag of its object is set (sensitive
// user data) is recorded as secret once the whole object is read.
func (d *yamlDecoder) fields(n *yaml.Node, depth int, what string, o *objectInfo, v reflect.Value) bool {
	var maybe []secretSpan // values of the object's secretIf fields
	var maybeIdx []int
	ok := d.mapping(n, depth, what, o.yamlNames, func(key string, val *yaml.Node, depth int) {
		f := o.byName[key]
		if f.secretIf >= 0 {
			if m := d.deref(val, depth); m != nil {
				maybe, maybeIdx = append(maybe, d.extent(m, d.keyCol)), append(maybeIdx, f.secretIf)
				d.ip.quiet = true
				defer func() { d.ip.quiet = false }()
			}
		}
		d.field(f, v.Field(f.index), val, depth)
	})
	for i, s := range maybe {
		if v.Field(maybeIdx[i]).Interface().(field[bool]).V {
			d.secretSpan(s)
		}
	}
	if ok {
		d.markMisspelt(n, depth, o, v)
	}
	return ok
}

// markMisspelt marks seen each field that an unknown key suggests
// (flavour: ... means flavor): the unknown key's "did you mean" error is
// the real problem, so validation must not also call the field missing.
func (d *yamlDecoder) markMisspelt(n *yaml.Node, depth int, o *objectInfo, v reflect.Value) {
	n = d.deref(n, depth)
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode || o.byName[k.Value] != nil || k.Value == "<<" {
			continue
		}
		if s := Suggest(k.Value, o.yamlNames); s != "" {
			o.markWritten(v, o.byName[s])
		}
	}
}

// extent is where value n lies: from its first character to the last
// line indented deeper than its key (keyCol), which covers multi-line
// plain scalars and block scalars (| and >).
func (d *yamlDecoder) extent(n *yaml.Node, keyCol int) secretSpan {
	if d.lines == nil {
		d.lines = strings.Split(string(d.src), "\n")
	}
	end := n.Line - 1
	if n.Line >= 1 && n.Line <= len(d.lines) {
		if endCol, ok := scalarEnd(n, d.lines[n.Line-1]); ok {
			return secretSpan{file: d.file, line: n.Line, col: n.Column, endLine: n.Line, endCol: endCol}
		}
		end = blockEnd(d.lines, n.Line-1, keyCol-1)
	}
	return secretSpan{file: d.file, line: n.Line, col: n.Column, endLine: end + 1}
}

// scalarEnd finds where a scalar written on one line ends (the column
// after it), so that masking it leaves the rest of a flow mapping such as
// {admin_password: X, count: 2} readable. ok is false when the scalar
// does not end on its first line.
func scalarEnd(n *yaml.Node, line string) (int, bool) {
	if n.Kind != yaml.ScalarNode || n.Column < 1 {
		return 0, false
	}
	r := []rune(line)
	if n.Column > len(r) {
		return 0, false
	}
	rest := r[n.Column-1:]
	switch n.Style {
	case 0, yaml.TaggedStyle:
		v := []rune(n.Value)
		if len(v) <= len(rest) && string(rest[:len(v)]) == n.Value {
			return n.Column + len(v), true
		}
	case yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle:
		q := rest[0]
		for i := 1; i < len(rest); i++ {
			switch {
			case q == '"' && rest[i] == '\\':
				i++ // an escaped character
			case rest[i] == q && q == '\'' && i+1 < len(rest) && rest[i+1] == '\'':
				i++ // '' is a quote inside single quotes
			case rest[i] == q:
				return n.Column + i + 1, true
			}
		}
	}
	return 0, false
}

// secretSpan records that s holds a secret, and every variable referenced
// in it is a secret too.
func (d *yamlDecoder) secretSpan(s secretSpan) {
	d.sink.red.span(s.file, s.line, s.col, s.endLine, s.endCol)
	for i := s.line; i <= s.endLine && i <= len(d.lines); i++ {
		for _, ref := range refsIn(d.lines[i-1]) {
			d.secretRef(ref)
		}
	}
}

// secretRef marks what reference ref ("var.NAME" or "env.NAME") stands
// for as a secret.
func (d *yamlDecoder) secretRef(ref string) {
	kind, name, _ := strings.Cut(ref, ".")
	if kind == "var" {
		d.secretVar(name)
	} else if v, ok := d.ip.env(name); ok {
		d.sink.red.value(v)
	}
}

// secretVar marks variable name as a secret: its value, and its default
// in the file, are never shown.
func (d *yamlDecoder) secretVar(name string) {
	if v, ok := d.ip.vars[name]; ok {
		d.sink.red.value(v)
	}
	if s, ok := d.varDefs[name]; ok {
		d.sink.red.span(s.file, s.line, s.col, s.endLine, s.endCol)
	}
}

// field reads one value into fv according to the field's kind.
func (d *yamlDecoder) field(f *fieldInfo, fv reflect.Value, n *yaml.Node, depth int) {
	switch f.kind {
	case kindEarly:
		// read before the walk
	case kindString:
		d.str(n, fv.Addr().Interface().(*field[string]))
	case kindInt:
		d.integer(n, f.name, fv.Addr().Interface().(*field[int]))
	case kindBool:
		d.boolean(n, fv.Addr().Interface().(*field[bool]))
	case kindList:
		d.list(n, depth, f.name, fv.Addr().Interface().(*field[[]string]))
	case kindMap:
		d.strMap(n, depth, f.name, fv.Addr().Interface().(*field[strMap]))
	case kindSecret:
		setSecret(fv, d.secret(n, depth), d.pos(n))
	case kindPtr:
		if f.short >= 0 {
			d.shortObject(f, fv, n, depth)
			return
		}
		p := reflect.New(f.typ)
		if !d.object(n, depth, f.name, f.elem, p.Elem()) {
			f.elem.markSeen(p.Elem()) // refused as a whole: its fields are not "missing" too
		}
		fv.Set(p)
	case kindStruct:
		d.object(n, depth, f.name, f.elem, fv)
	case kindItems:
		d.seq(n, depth, f.name, func(e *yaml.Node, depth int) {
			if last := appendZero(fv); !d.object(e, depth, f.item, f.elem, fv.Index(last)) {
				fv.SetLen(last) // a broken item is dropped
				if last == 0 {
					fv.SetZero() // as if never appended: nil, not empty
				}
			}
		})
	case kindItemList:
		fv.Field(fieldSeen).SetBool(true)
		m := d.deref(n, depth)
		if m == nil {
			return
		}
		list := fv.Field(fieldV)
		if d.seq(m, depth, f.name, func(e *yaml.Node, depth int) {
			d.object(e, depth, f.item, f.elem, list.Index(appendZero(list)))
		}) {
			markSet(fv, d.pos(m))
		}
	}
}

// shortObject reads an object that may also be written as a single value
// (user_data: "text" is user_data: {content: "text"}).
func (d *yamlDecoder) shortObject(f *fieldInfo, fv reflect.Value, n *yaml.Node, depth int) {
	m := d.deref(n, depth)
	if m == nil {
		return
	}
	p := reflect.New(f.typ)
	f.elem.setPos(p.Elem(), d.pos(m))
	if m.Kind == yaml.ScalarNode {
		d.str(m, p.Elem().Field(f.short).Addr().Interface().(*field[string]))
	} else {
		d.fields(m, depth, f.name, f.elem, p.Elem())
	}
	fv.Set(p)
}

// secret reads a secret: "${env.NAME}" or "${var.NAME}" stay references;
// {env: NAME} and {file: PATH} are references; anything else is a literal.
func (d *yamlDecoder) secret(n *yaml.Node, depth int) *rawSecret {
	m := d.deref(n, depth)
	if m == nil {
		return nil
	}
	r := &rawSecret{Pos: d.pos(m)}
	if m.Kind == yaml.ScalarNode && m.Tag != "!!null" {
		if kind, name, ok := wholeRef(m.Value); ok {
			if kind == "env" {
				r.Kind, r.Ref = secretEnv, name
				return r
			}
			v, ok := d.ip.lookupVar(name, r.Pos)
			if !ok {
				return nil
			}
			d.secretVar(name)
			r.Kind, r.Ref, r.Value, r.FromDefault = secretVar, name, v, d.ip.defaults[name]
			return r
		}
		d.secretSpan(d.extent(m, d.keyCol))
		d.ip.quiet = true
		defer func() { d.ip.quiet = false }()
		v, _, ok := d.scalar(m, "admin_password")
		if !ok {
			return nil
		}
		r.Kind, r.Value = secretLiteral, v
		return r
	}
	var ref rawSecretRef
	d.fields(m, depth, "admin_password", secretRefObject, reflect.ValueOf(&ref).Elem())
	return ref.secret(r.Pos, d.sink, "env: NAME or file: PATH")
}
