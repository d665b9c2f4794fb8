package spec

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// The fleet language's fields are declared once, as `fleet` tags on the raw
// structs in raw.go. Both front ends walk the same table (built here by
// reflection, once per type) to decide which keys, attributes and blocks an
// object takes, how each value is read (by the field's Go type), and which
// names the "unknown field ... did you mean" hints offer. A field added to
// a raw struct is therefore known to YAML, HCL and the hints at once.
//
// Tag grammar: `fleet:"NAME[,OPTION]..."`, NAME being the YAML key and the
// HCL attribute or block name. Options:
//
//	block=B  HCL writes the field as block B (repeated for lists: nics ->
//	         nic). Struct-valued fields are blocks named NAME by default.
//	item=W   for lists of objects: how a message names one item ("a NIC").
//	label    HCL takes this field from the block's label (server "web").
//	short=F  the object may also be written as one value, filling field F
//	         (user_data: "text"); in HCL it is then also an attribute.
//	early    the front end reads this field before all others (variables,
//	         which every other value may refer to); the walk skips it.
//	secretif=F  the value is a secret when bool field F of the same object
//	         is true (user_data content with sensitive: true): diagnostics
//	         then mask its source lines (redact.go).

// fieldKind is how a field's value is read, chosen by its Go type.
type fieldKind int

const (
	kindString   fieldKind = iota // field[string]
	kindInt                       // field[int]
	kindBool                      // field[bool]
	kindList                      // field[[]string]
	kindMap                       // field[strMap]
	kindSecret                    // *rawSecret
	kindPtr                       // *struct: an optional object
	kindStruct                    // struct: an object whose fields the parent reads through
	kindItems                     // []struct: named objects, a broken item is dropped
	kindItemList                  // field[[]struct]: counted objects, every item kept
	kindEarly                     // read by the front end first
)

// fieldInfo is one field of an object.
type fieldInfo struct {
	name     string // YAML key, HCL attribute or block name
	block    string // HCL block name; "" when an attribute
	attr     bool   // HCL accepts it as an attribute
	item     string // for lists of objects: the name of one item
	label    bool   // HCL: the block label
	short    int    // index of the field a single value fills; -1 if none
	secretIf int    // index of the bool field that makes the value secret; -1 if none
	kind     fieldKind
	index    int          // position in the Go struct
	elem     *objectInfo  // for object-valued fields
	typ      reflect.Type // the struct type of elem (for allocation)
}

// objectInfo is one object of the language: its fields in declaration
// order and the name lists derived from them.
type objectInfo struct {
	fields []fieldInfo
	byName map[string]*fieldInfo // by YAML key
	byHCL  map[string]*fieldInfo // by HCL attribute or block name
	pos    int                   // index of the Pos field, -1 if none
	label  int                   // index in fields of the label field, -1 if none

	yamlNames []string // YAML keys, in order (the hint's "the fields are")
	hclAttrs  []string // HCL attributes, in order
	hclBlocks []string // HCL blocks, in order
}

var (
	objectsMu sync.Mutex
	objects   = map[reflect.Type]*objectInfo{}
	posType   = reflect.TypeFor[Pos]()
)

// objectOf returns the field table of raw struct type t, building it on
// first use. A malformed tag is a programming error and panics (the tests
// load every object, so it cannot ship).
func objectOf(t reflect.Type) *objectInfo {
	objectsMu.Lock()
	defer objectsMu.Unlock()
	return buildObject(t)
}

func buildObject(t reflect.Type) *objectInfo {
	if o, ok := objects[t]; ok {
		return o
	}
	o := &objectInfo{byName: map[string]*fieldInfo{}, byHCL: map[string]*fieldInfo{}, pos: -1, label: -1}
	objects[t] = o // before recursing, for self-reference
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Type == posType && sf.Name == "Pos" {
			o.pos = i
			continue
		}
		tag, ok := sf.Tag.Lookup("fleet")
		if !ok {
			continue
		}
		f := fieldInfo{index: i, short: -1, secretIf: -1}
		parts := strings.Split(tag, ",")
		f.name = parts[0]
		var short string
		for _, opt := range parts[1:] {
			k, v, _ := strings.Cut(opt, "=")
			switch k {
			case "block":
				f.block = v
			case "item":
				f.item = v
			case "label":
				f.label = true
			case "short":
				short = v
			case "early":
				f.kind = kindEarly
			case "secretif":
				flag, ok := t.FieldByName(v)
				if !ok || flag.Type != reflect.TypeFor[field[bool]]() || len(flag.Index) != 1 {
					panic(fmt.Sprintf("spec: %s.%s: secretif=%s is not a bool field", t.Name(), sf.Name, v))
				}
				f.secretIf = flag.Index[0]
			default:
				panic(fmt.Sprintf("spec: %s.%s: unknown fleet tag option %q", t.Name(), sf.Name, opt))
			}
		}
		if f.kind != kindEarly {
			f.kind, f.typ = kindOf(t, sf)
		}
		if f.typ != nil {
			f.elem = buildObject(f.typ)
			if f.block == "" {
				f.block = f.name
			}
		}
		if short != "" {
			sub, ok := f.elem.byName[short]
			if !ok {
				panic(fmt.Sprintf("spec: %s.%s: short=%s is not a field", t.Name(), sf.Name, short))
			}
			f.short, f.attr = sub.index, true
		}
		if f.block == "" && !f.label {
			f.attr = true
		}
		o.fields = append(o.fields, f)
	}
	for i := range o.fields {
		f := &o.fields[i]
		o.byName[f.name] = f
		o.yamlNames = append(o.yamlNames, f.name)
		if f.label {
			o.label = i
		}
		if f.attr {
			o.byHCL[f.name] = f
			o.hclAttrs = append(o.hclAttrs, f.name)
		}
	}
	for i := range o.fields {
		if f := &o.fields[i]; f.block != "" {
			o.byHCL[f.block] = f
			o.hclBlocks = append(o.hclBlocks, f.block)
		}
	}
	return o
}

// kindOf classifies a struct field by its Go type; for object-valued
// fields it also returns the object's struct type.
func kindOf(parent reflect.Type, sf reflect.StructField) (fieldKind, reflect.Type) {
	switch t := sf.Type; {
	case t == reflect.TypeFor[field[string]]():
		return kindString, nil
	case t == reflect.TypeFor[field[int]]():
		return kindInt, nil
	case t == reflect.TypeFor[field[bool]]():
		return kindBool, nil
	case t == reflect.TypeFor[field[[]string]]():
		return kindList, nil
	case t == reflect.TypeFor[field[strMap]]():
		return kindMap, nil
	case t == reflect.TypeFor[*rawSecret]():
		return kindSecret, nil
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
		return kindPtr, t.Elem()
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return kindItems, t.Elem()
	case t.Kind() == reflect.Struct && t.NumField() > 0 && t.Field(0).Name == "V" && t.Field(0).Type.Kind() == reflect.Slice:
		return kindItemList, t.Field(0).Type.Elem()
	case t.Kind() == reflect.Struct:
		return kindStruct, t
	}
	panic(fmt.Sprintf("spec: %s.%s: no decoder for type %s", parent.Name(), sf.Name, sf.Type))
}

// labels reports how many labels an HCL block of this object takes.
func (o *objectInfo) labels() int {
	if o.label >= 0 {
		return 1
	}
	return 0
}

// setPos records where an object was written.
func (o *objectInfo) setPos(v reflect.Value, p Pos) {
	if o.pos >= 0 {
		*v.Field(o.pos).Addr().Interface().(*Pos) = p // no boxing of p
	}
}

// The fields of a field[T], by index, for setting one through reflection.
const (
	fieldV = iota
	fieldPos
	fieldSet
	fieldSeen
)

// markSeen marks every value field of object v seen, for an object that
// was written but refused as a whole (root_volume: SSD): its error says
// what is wrong, so validation must not also call each field missing.
func (o *objectInfo) markSeen(v reflect.Value) {
	for _, f := range o.fields {
		switch f.kind {
		case kindString, kindInt, kindBool, kindList, kindMap, kindItemList:
			v.Field(f.index).Field(fieldSeen).SetBool(true)
		}
	}
}

// markWritten marks field f of object v seen without a value, for a field
// the file meant to write but did not in a usable form (misplaced or
// misspelt): the error about that is the one to read, not "missing".
func (o *objectInfo) markWritten(v reflect.Value, f *fieldInfo) {
	fv := v.Field(f.index)
	switch f.kind {
	case kindString, kindInt, kindBool, kindList, kindMap, kindItemList:
		fv.Field(fieldSeen).SetBool(true)
	case kindPtr:
		if fv.IsNil() {
			p := reflect.New(f.typ)
			f.elem.markSeen(p.Elem())
			fv.Set(p)
		}
	case kindSecret:
		if fv.IsNil() {
			fv.Set(reflect.ValueOf(&rawSecret{Kind: secretRefused}))
		}
	}
}

// setSecret stores in field fv the secret read from a value written at
// p; one the reader refused (nil, its error already reported) is stored
// as written but refused, so that it is not also missing.
func setSecret(fv reflect.Value, s *rawSecret, p Pos) {
	if s == nil {
		s = &rawSecret{Kind: secretRefused, Pos: p}
	}
	fv.Set(reflect.ValueOf(s))
}

// markSet marks a field[T] (reached through reflection) set at p.
func markSet(fv reflect.Value, p Pos) {
	*fv.Field(fieldPos).Addr().Interface().(*Pos) = p
	fv.Field(fieldSet).SetBool(true)
	fv.Field(fieldSeen).SetBool(true)
}

// appendZero appends a zero element to the slice list and returns its
// index, so an object is decoded in place rather than copied in.
func appendZero(list reflect.Value) int {
	n := list.Len()
	list.Grow(1) // unlike reflect.Append, no new slice header to allocate
	list.SetLen(n + 1)
	list.Index(n).SetZero() // the spare capacity may hold a dropped item
	return n
}
