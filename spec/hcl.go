package spec

import (
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// hclDecoder turns an HCL body into the raw description. It walks the
// hclsyntax tree itself (rather than gohcl) so that both syntaxes report
// the same messages and hints, and so that ${env.X} given as a password
// stays a reference instead of being evaluated into the model.
type hclDecoder struct {
	file    string
	src     []byte // the file's text, for diagnostics HCL places badly
	sink    *diagSink
	ip      *interp
	varDefs map[string]hcl.Range // where each variable's default is written
}

func parseHCL(file string, src []byte, opts *LoadOptions, sink *diagSink) *rawFleet {
	if p, tooMany, ok := hclNesting(src, file); !ok {
		sink.red.unparsed(file)
		nestingError(sink, file, p, tooMany)
		return nil
	}
	d := &hclDecoder{file: file, sink: sink, src: src}
	f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	if diags.HasErrors() {
		sink.red.unparsed(file)
		d.hclDiags(diags)
		return nil
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	if !plainExprs(body, src, file, sink) {
		return nil
	}
	vars := map[string]string{}
	d.ip = &interp{vars: vars, env: opts.lookupEnv(), sink: sink}
	for _, b := range body.Blocks {
		if b.Type == variablesField.block {
			d.variable(b, vars)
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
	r := &rawFleet{Pos: Pos{File: file, Line: 1, Col: 1}}
	d.fields(body, "the fleet", fleetObject, reflect.ValueOf(r).Elem())
	return r
}

func (d *hclDecoder) pos(p hcl.Pos) Pos               { return Pos{File: d.file, Line: p.Line, Col: p.Column} }
func (d *hclDecoder) rng(r hcl.Range) Pos             { return d.pos(r.Start) }
func (d *hclDecoder) blockPos(b *hclsyntax.Block) Pos { return d.rng(b.TypeRange) }

// hclDiags copies HCL's own diagnostics (syntax and evaluation errors).
func (d *hclDecoder) hclDiags(diags hcl.Diagnostics) {
	for _, hd := range diags {
		p := Pos{File: d.file, Line: 1, Col: 1}
		if hd.Subject != nil {
			p = d.rng(*hd.Subject)
		}
		msg := hd.Summary
		if hd.Detail != "" {
			msg += ": " + hd.Detail
		}
		if hd.Summary == "Unterminated template string" {
			// HCL places it at the end of the file; the reader needs where it opened.
			if open, marker, ok := unclosedHeredoc(d.src, d.file); ok {
				d.sink.errorf(d.pos(open), "%s", msg).hint("the heredoc that starts here needs a line holding only %s to end it", marker)
				continue
			}
		}
		if hd.Severity == hcl.DiagWarning {
			d.sink.warnf(p, "%s", msg)
		} else {
			d.sink.errorf(p, "%s", msg)
		}
	}
}

// unclosedHeredoc finds the heredoc (<<EOT) that is still open at the
// end of src, by HCL's own tokens, and its end marker.
func unclosedHeredoc(src []byte, file string) (hcl.Pos, string, bool) {
	toks, _ := hclsyntax.LexConfig(src, file, hcl.InitialPos)
	var open []hclsyntax.Token
	for _, t := range toks {
		switch t.Type {
		case hclsyntax.TokenOHeredoc:
			open = append(open, t)
		case hclsyntax.TokenCHeredoc:
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
	if len(open) == 0 {
		return hcl.Pos{}, "", false
	}
	t := open[len(open)-1]
	marker := strings.TrimSpace(strings.TrimLeft(string(t.Bytes), "<-"))
	return t.Range.Start, marker, true
}

// body walks a body's attributes and blocks in source order, reporting
// unknown names with a "did you mean" hint.
func (d *hclDecoder) body(b *hclsyntax.Body, what string, attrs, blocks []string, onAttr func(*hclsyntax.Attribute), onBlock func(*hclsyntax.Block)) {
	list := make([]*hclsyntax.Attribute, 0, len(b.Attributes))
	for _, a := range b.Attributes {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].SrcRange.Start.Byte < list[j].SrcRange.Start.Byte })
	all := append(append([]string{}, attrs...), blocks...)
	for _, a := range list {
		if !contains(attrs, a.Name) {
			diag := d.sink.errorf(d.rng(a.NameRange), "unknown field %q in %s", a.Name, what)
			if contains(blocks, a.Name) {
				diag.hint("%s is a block here: %s { ... }", a.Name, a.Name)
			} else {
				diag.hintName(a.Name, all)
			}
			continue
		}
		onAttr(a)
	}
	for _, blk := range b.Blocks {
		if !contains(blocks, blk.Type) {
			diag := d.sink.errorf(d.blockPos(blk), "unknown block %q in %s", blk.Type, what)
			if contains(attrs, blk.Type) {
				diag.hint("%s is an attribute here: %s = ...", blk.Type, blk.Type)
			} else {
				diag.hintName(blk.Type, all)
			}
			continue
		}
		onBlock(blk)
	}
}

// labels checks a block has n labels (the name, for named objects).
func (d *hclDecoder) labels(b *hclsyntax.Block, n int) bool {
	if len(b.Labels) == n {
		return true
	}
	if n == 0 {
		d.sink.errorf(d.blockPos(b), "a %s block takes no label", b.Type)
	} else {
		d.sink.errorf(d.blockPos(b), "a %s block needs its name as a label: %s \"NAME\" { ... }", b.Type, b.Type)
	}
	return false
}

func (d *hclDecoder) name(b *hclsyntax.Block, f *field[string]) {
	f.set(b.Labels[0], d.rng(b.LabelRanges[0]))
}

// eval evaluates an expression after checking every reference in it, so
// an unknown variable gets the same message as in YAML.
func (d *hclDecoder) eval(expr hclsyntax.Expression) (cty.Value, bool) {
	envVals := map[string]cty.Value{}
	ok := true
	for _, t := range expr.Variables() {
		p := d.rng(t.SourceRange())
		root := t.RootName()
		var name string
		if len(t) >= 2 {
			if a, isAttr := t[1].(hcl.TraverseAttr); isAttr {
				name = a.Name
			}
		}
		switch {
		case (root == "var" || root == "env") && name == "":
			d.sink.errorf(p, "write %s.NAME to refer to a %s", root, map[string]string{"var": "variable", "env": "environment variable"}[root])
			ok = false
		case root == "var":
			if _, good := d.ip.lookupVar(name, p); !good {
				ok = false
			}
		case root == "env":
			v, good := d.ip.lookupEnv(name, p)
			if !good {
				ok = false
			}
			envVals[name] = cty.StringVal(v)
		default:
			diag := d.sink.errorf(p, "unknown reference %q: only var. and env. can be referenced", root)
			if s := Suggest(root, []string{"var", "env"}); s != "" {
				diag.hint("did you mean %s.%s?", s, name)
			}
			ok = false
		}
	}
	if !ok {
		return cty.NilVal, false
	}
	varVals := map[string]cty.Value{}
	for k, v := range d.ip.vars {
		varVals[k] = cty.StringVal(v)
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(varVals),
		"env": cty.ObjectVal(envVals),
	}}
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		d.hclDiags(diags)
		return cty.NilVal, false
	}
	if !v.IsWhollyKnown() {
		d.sink.errorf(d.rng(expr.Range()), "this value cannot be known before apply")
		return cty.NilVal, false
	}
	return v, true
}

// as converts a value to type t, reporting a type error at p.
func (d *hclDecoder) as(v cty.Value, t cty.Type, p Pos, what string) (cty.Value, bool) {
	if v.IsNull() {
		d.sink.errorf(p, "%s is null", what)
		return cty.NilVal, false
	}
	c, err := convert.Convert(v, t)
	if err != nil {
		d.sink.errorf(p, "%s must be %s, not %s", what, typeName(t), v.Type().FriendlyName())
		return cty.NilVal, false
	}
	if c.IsNull() {
		d.sink.errorf(p, "%s is null", what)
		return cty.NilVal, false
	}
	return c, true
}

func typeName(t cty.Type) string {
	switch {
	case t == cty.String:
		return "a string"
	case t == cty.Number:
		return "a number"
	case t == cty.Bool:
		return "true or false"
	case t.IsListType():
		return "a list of strings"
	case t.IsMapType():
		return "a map of strings"
	}
	return t.FriendlyName()
}

func (d *hclDecoder) str(a *hclsyntax.Attribute, f *field[string]) {
	f.Seen = true
	p := d.rng(a.Expr.Range())
	if v, ok := d.eval(a.Expr); ok {
		if s, ok := d.as(v, cty.String, p, a.Name); ok {
			f.set(s.AsString(), p)
		}
	}
}

func (d *hclDecoder) integer(a *hclsyntax.Attribute, f *field[int]) {
	f.Seen = true
	p := d.rng(a.Expr.Range())
	v, ok := d.eval(a.Expr)
	if !ok {
		return
	}
	n, ok := d.as(v, cty.Number, p, a.Name)
	if !ok {
		return
	}
	bf := n.AsBigFloat()
	i, acc := bf.Int64()
	if acc != big.Exact || i > 1<<31 || i < -(1<<31) {
		d.sink.errorf(p, "%s must be a whole number, not %s", a.Name, bf.Text('g', 10))
		return
	}
	f.set(int(i), p)
}

func (d *hclDecoder) boolean(a *hclsyntax.Attribute, f *field[bool]) {
	f.Seen = true
	p := d.rng(a.Expr.Range())
	if v, ok := d.eval(a.Expr); ok {
		if b, ok := d.as(v, cty.Bool, p, a.Name); ok {
			f.set(b.True(), p)
		}
	}
}

func (d *hclDecoder) list(a *hclsyntax.Attribute, f *field[[]string]) {
	f.Seen = true
	p := d.rng(a.Expr.Range())
	v, ok := d.eval(a.Expr)
	if !ok {
		return
	}
	l, ok := d.as(v, cty.List(cty.String), p, a.Name)
	if !ok {
		return
	}
	out := []string{}
	for it := l.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			d.sink.errorf(p, "%s has a null item", a.Name)
			return
		}
		out = append(out, e.AsString())
	}
	f.set(out, p)
}

// strMap reads a map attribute; an object literal keeps each key's position.
func (d *hclDecoder) strMap(a *hclsyntax.Attribute, f *field[strMap]) {
	f.Seen = true
	p := d.rng(a.Expr.Range())
	obj, isObj := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !isObj {
		v, ok := d.eval(a.Expr)
		if !ok {
			return
		}
		m, ok := d.as(v, cty.Map(cty.String), p, a.Name)
		if !ok {
			return
		}
		var out strMap
		keys := []string{}
		for it := m.ElementIterator(); it.Next(); {
			k, _ := it.Element()
			keys = append(keys, k.AsString())
		}
		sort.Strings(keys)
		for _, k := range keys {
			out.put(k, m.Index(cty.StringVal(k)).AsString(), p)
		}
		f.set(out, p)
		return
	}
	var out strMap
	for _, item := range obj.Items {
		kp := d.rng(item.KeyExpr.Range())
		kv, diags := item.KeyExpr.Value(nil)
		if diags.HasErrors() {
			d.sink.errorf(kp, "a key in %s must be a plain name or a quoted string", a.Name)
			continue
		}
		k, ok := d.as(kv, cty.String, kp, "a key in "+a.Name)
		if !ok {
			continue
		}
		if _, dup := out.V[k.AsString()]; dup {
			d.sink.errorf(kp, "key %q is set twice in %s", k.AsString(), a.Name)
			continue
		}
		vv, ok := d.eval(item.ValueExpr)
		if !ok {
			continue
		}
		s, ok := d.as(vv, cty.String, d.rng(item.ValueExpr.Range()), fmt.Sprintf("the value of %q", k.AsString()))
		if !ok {
			continue
		}
		out.put(k.AsString(), s.AsString(), kp)
	}
	f.set(out, p)
}

// variable reads variable "NAME" { default = "..." }.
func (d *hclDecoder) variable(b *hclsyntax.Block, vars map[string]string) {
	if len(b.Labels) != 1 {
		d.sink.errorf(d.blockPos(b), "a variable block needs its name as a label: variable \"NAME\" { default = ... }")
		return
	}
	name := b.Labels[0]
	if !identRe.MatchString(name) {
		d.sink.errorf(d.rng(b.LabelRanges[0]), "variable names are letters, digits, _ and -, starting with a letter or _")
		return
	}
	d.body(b.Body, "a variable", []string{"default", "description"}, nil, func(a *hclsyntax.Attribute) {
		if a.Name != "default" {
			return
		}
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			d.sink.errorf(d.rng(a.Expr.Range()), "a variable default must be a constant value")
			return
		}
		if s, ok := d.as(v, cty.String, d.rng(a.Expr.Range()), "default"); ok {
			vars[name] = s.AsString()
			if d.varDefs == nil {
				d.varDefs = map[string]hcl.Range{}
			}
			d.varDefs[name] = a.Expr.Range()
		}
	}, nil)
}

// object reads a block into the raw struct v: where it starts, its
// label (the object's name) if it takes one, then its body.
func (d *hclDecoder) object(b *hclsyntax.Block, what string, o *objectInfo, v reflect.Value) {
	o.setPos(v, d.blockPos(b))
	if o.label >= 0 {
		d.name(b, v.Field(o.fields[o.label].index).Addr().Interface().(*field[string]))
	}
	d.fields(b.Body, what, o, v)
}

// markMisplaced marks seen a known field written in the wrong form (an
// attribute where the language takes a block, or the reverse) or under a
// misspelt name that suggests it (flavour): body has reported it, and
// validation must not also call the field missing.
func markMisplaced(body *hclsyntax.Body, o *objectInfo, v reflect.Value) {
	all := append(slices.Clone(o.hclAttrs), o.hclBlocks...)
	meant := func(name string, known []string) {
		f := o.byHCL[name]
		if f == nil {
			f = o.byName[name] // the YAML spelling: nics = [...] for nic { }
		}
		if f == nil {
			if s := Suggest(name, all); s != "" {
				f = o.byHCL[s]
			}
		} else if contains(known, name) {
			return // written in the right form: read normally
		}
		if f != nil {
			o.markWritten(v, f)
		}
	}
	for name := range body.Attributes {
		meant(name, o.hclAttrs)
	}
	for _, blk := range body.Blocks {
		meant(blk.Type, o.hclBlocks)
	}
}

// fields reads a body's attributes and blocks into v, each by its kind.
// An object field may be given once (as a block, or for a short form as
// an attribute); a list of objects is one block per item.
func (d *hclDecoder) fields(body *hclsyntax.Body, what string, o *objectInfo, v reflect.Value) {
	var seen []string // object fields given once already
	var listPos []Pos // where each list of objects (by field index) began
	d.body(body, what, o.hclAttrs, o.hclBlocks, func(a *hclsyntax.Attribute) {
		f := o.byHCL[a.Name]
		fv := v.Field(f.index)
		switch f.kind {
		case kindString:
			d.str(a, fv.Addr().Interface().(*field[string]))
		case kindInt:
			d.integer(a, fv.Addr().Interface().(*field[int]))
		case kindBool:
			d.boolean(a, fv.Addr().Interface().(*field[bool]))
		case kindList:
			d.list(a, fv.Addr().Interface().(*field[[]string]))
		case kindMap:
			d.strMap(a, fv.Addr().Interface().(*field[strMap]))
		case kindSecret:
			setSecret(fv, d.secret(a), d.rng(a.Expr.Range()))
		case kindPtr: // the short form: user_data = "text"
			if d.onceAttr(a.NameRange, contains(seen, f.name), f.name) {
				seen = append(seen, f.name)
				p := reflect.New(f.typ)
				f.elem.setPos(p.Elem(), d.rng(a.Expr.Range()))
				d.str(a, p.Elem().Field(f.short).Addr().Interface().(*field[string]))
				fv.Set(p)
			}
		}
	}, func(blk *hclsyntax.Block) {
		f := o.byHCL[blk.Type]
		if f.kind == kindEarly || !d.labels(blk, f.elem.labels()) {
			return
		}
		fv := v.Field(f.index)
		switch f.kind {
		case kindPtr, kindStruct:
			if !d.once(blk, contains(seen, f.name)) {
				return
			}
			seen = append(seen, f.name)
			if f.kind == kindStruct {
				d.object(blk, f.name, f.elem, fv)
				return
			}
			p := reflect.New(f.typ)
			d.object(blk, f.name, f.elem, p.Elem())
			fv.Set(p)
		case kindItems:
			d.object(blk, f.item, f.elem, fv.Index(appendZero(fv)))
		case kindItemList:
			if listPos == nil {
				listPos = make([]Pos, v.NumField())
			}
			list := fv.Field(fieldV)
			if list.Len() == 0 {
				listPos[f.index] = d.blockPos(blk)
			}
			d.object(blk, f.item, f.elem, list.Index(appendZero(list)))
		}
	})
	markMisplaced(body, o, v)
	for _, f := range o.fields {
		if f.kind == kindItemList && listPos != nil && v.Field(f.index).Field(fieldV).Len() > 0 {
			markSet(v.Field(f.index), listPos[f.index])
		}
		if f.secretIf >= 0 && v.Field(f.secretIf).Interface().(field[bool]).V {
			if a, ok := body.Attributes[f.name]; ok {
				d.secretExpr(a.Expr)
			}
		}
	}
}

// secretExpr records that expression e holds a secret: its source text,
// and what every reference in it stands for.
func (d *hclDecoder) secretExpr(e hclsyntax.Expression) {
	r := e.Range()
	d.sink.red.span(d.file, r.Start.Line, r.Start.Column, r.End.Line, r.End.Column)
	for _, t := range e.Variables() {
		if len(t) < 2 {
			continue
		}
		a, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		switch t.RootName() {
		case "var":
			d.secretVar(a.Name)
		case "env":
			if v, ok := d.ip.env(a.Name); ok {
				d.sink.red.value(v)
			}
		}
	}
}

// secretVar marks variable name as a secret: its value, and its default
// in the file, are never shown.
func (d *hclDecoder) secretVar(name string) {
	if v, ok := d.ip.vars[name]; ok {
		d.sink.red.value(v)
	}
	if r, ok := d.varDefs[name]; ok {
		d.sink.red.span(d.file, r.Start.Line, r.Start.Column, r.End.Line, r.End.Column)
	}
}

// once reports a block that may appear only once and already did.
func (d *hclDecoder) once(b *hclsyntax.Block, seen bool) bool {
	if seen {
		d.sink.errorf(d.blockPos(b), "%s is set twice", b.Type)
		return false
	}
	return true
}

// onceAttr is once for an attribute.
func (d *hclDecoder) onceAttr(rng hcl.Range, seen bool, what string) bool {
	if seen {
		d.sink.errorf(d.rng(rng), "%s is set twice", what)
		return false
	}
	return true
}

// secret reads admin_password: env.NAME or "${env.NAME}" and var.NAME stay
// references; { env = "NAME" } and { file = "PATH" } are references; any
// other string is a literal.
func (d *hclDecoder) secret(a *hclsyntax.Attribute) *rawSecret {
	p := d.rng(a.Expr.Range())
	r := &rawSecret{Pos: p}
	expr := a.Expr
	if w, ok := expr.(*hclsyntax.TemplateWrapExpr); ok {
		expr = w.Wrapped
	}
	if t, ok := expr.(*hclsyntax.ScopeTraversalExpr); ok && len(t.Traversal) == 2 {
		if attr, ok := t.Traversal[1].(hcl.TraverseAttr); ok {
			switch t.Traversal.RootName() {
			case "env":
				r.Kind, r.Ref = secretEnv, attr.Name
				return r
			case "var":
				v, ok := d.ip.lookupVar(attr.Name, p)
				if !ok {
					return nil
				}
				d.secretVar(attr.Name)
				r.Kind, r.Ref, r.Value, r.FromDefault = secretVar, attr.Name, v, d.ip.defaults[attr.Name]
				return r
			}
		}
	}
	if obj, ok := expr.(*hclsyntax.ObjectConsExpr); ok {
		var ref rawSecretRef
		rv := reflect.ValueOf(&ref).Elem()
		for _, item := range obj.Items {
			kp := d.rng(item.KeyExpr.Range())
			kv, diags := item.KeyExpr.Value(nil)
			if diags.HasErrors() || kv.Type() != cty.String {
				d.sink.errorf(kp, "admin_password takes env or file")
				return nil
			}
			key := kv.AsString()
			f := secretRefObject.byName[key]
			if f == nil {
				diag := d.sink.errorf(kp, "unknown field %q in admin_password", key)
				if s := Suggest(key, secretRefObject.yamlNames); s != "" {
					diag.hint("did you mean %q?", s)
				}
				return nil
			}
			d.str(&hclsyntax.Attribute{Name: key, Expr: item.ValueExpr}, rv.Field(f.index).Addr().Interface().(*field[string]))
		}
		return ref.secret(p, d.sink, "env or file")
	}
	d.secretExpr(a.Expr)
	var lit field[string]
	d.str(a, &lit)
	if !lit.Set {
		return nil
	}
	r.Kind, r.Value = secretLiteral, lit.V
	return r
}

// hclVarFile reads a --var-file in HCL syntax: NAME = "value" lines.
func hclVarFile(path string, src []byte, vars map[string]string, sink *diagSink) bool {
	if p, tooMany, ok := hclNesting(src, path); !ok {
		nestingError(sink, path, p, tooMany)
		return false
	}
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	d := &hclDecoder{file: path, sink: sink, src: src}
	if diags.HasErrors() {
		d.hclDiags(diags)
		return false
	}
	if body, isSyntax := f.Body.(*hclsyntax.Body); isSyntax && !plainExprs(body, src, path, sink) {
		return false
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		d.hclDiags(diags)
		return false
	}
	ok := true
	for name, a := range attrs {
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			d.hclDiags(diags)
			ok = false
			continue
		}
		s, good := d.as(v, cty.String, d.rng(a.Expr.Range()), name)
		if !good {
			ok = false
			continue
		}
		vars[name] = s.AsString()
	}
	return ok
}
