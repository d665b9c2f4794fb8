package spec

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The tests here are about the field table itself: every declared field
// is read by both front ends to the same raw value, and the editor schema
// (fleet.schema.json, the one other place that lists fields) agrees with
// the table. A field added to a raw struct with a kind one front end does
// not handle, or forgotten in the schema, fails here.

// sampleYAML builds a value for every field of o, as YAML would decode it.
func sampleYAML(o *objectInfo) map[string]any {
	m := map[string]any{}
	for _, f := range o.fields {
		switch f.kind {
		case kindEarly:
		case kindString:
			m[f.name] = "v-" + f.name
		case kindInt:
			m[f.name] = 7
		case kindBool:
			m[f.name] = true
		case kindList:
			m[f.name] = []string{"a-" + f.name, "b"}
		case kindMap:
			m[f.name] = map[string]string{"k": "v-" + f.name}
		case kindSecret:
			m[f.name] = map[string]string{"env": "PW"}
		case kindPtr, kindStruct:
			m[f.name] = sampleYAML(f.elem)
		case kindItems, kindItemList:
			m[f.name] = []any{sampleYAML(f.elem)}
		default:
			panic(fmt.Sprintf("sampleYAML: field %s has kind %d", f.name, f.kind))
		}
	}
	return m
}

// sampleHCL writes the same values as sampleYAML in HCL syntax: scalars
// as attributes, objects as blocks named by the table (nics -> nic), the
// object's name as the block label.
func sampleHCL(o *objectInfo, indent string) string {
	var b strings.Builder
	for _, f := range o.fields {
		if f.label || f.kind == kindEarly {
			continue
		}
		switch f.kind {
		case kindString:
			fmt.Fprintf(&b, "%s%s = %q\n", indent, f.name, "v-"+f.name)
		case kindInt:
			fmt.Fprintf(&b, "%s%s = 7\n", indent, f.name)
		case kindBool:
			fmt.Fprintf(&b, "%s%s = true\n", indent, f.name)
		case kindList:
			fmt.Fprintf(&b, "%s%s = [%q, \"b\"]\n", indent, f.name, "a-"+f.name)
		case kindMap:
			fmt.Fprintf(&b, "%s%s = { k = %q }\n", indent, f.name, "v-"+f.name)
		case kindSecret:
			fmt.Fprintf(&b, "%s%s = { env = \"PW\" }\n", indent, f.name)
		case kindPtr, kindStruct, kindItems, kindItemList:
			label := ""
			if l := f.elem.label; l >= 0 {
				label = " " + strconv.Quote("v-"+f.elem.fields[l].name)
			}
			fmt.Fprintf(&b, "%s%s%s {\n%s%s}\n", indent, f.block, label, sampleHCL(f.elem, indent+"  "), indent)
		default:
			panic(fmt.Sprintf("sampleHCL: field %s has kind %d", f.name, f.kind))
		}
	}
	return b.String()
}

// rawShape is a raw tree as JSON values with positions left out (the two
// syntaxes put the same value on different lines).
func rawShape(t *testing.T, r *rawFleet) any {
	t.Helper()
	j, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(j, &v); err != nil {
		t.Fatal(err)
	}
	var strip func(any) any
	strip = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "Pos")
			delete(x, "KeyPos")
			for k, e := range x {
				x[k] = strip(e)
			}
		case []any:
			for i, e := range x {
				x[i] = strip(e)
			}
		}
		return v
	}
	return strip(v)
}

// unset lists the fields (by JSON path) that were declared but not read.
func unset(v any, path string, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		if set, ok := x["Set"]; ok && set != true {
			*out = append(*out, path)
		}
		for k, e := range x {
			unset(e, path+"."+k, out)
		}
	case []any:
		for i, e := range x {
			unset(e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}

func TestEveryFieldReadsTheSameInBothSyntaxes(t *testing.T) {
	env := func(string) (string, bool) { return "", false }
	y, err := yaml.Marshal(sampleYAML(fleetObject))
	if err != nil {
		t.Fatal(err)
	}
	h := sampleHCL(fleetObject, "")

	var ysink, hsink diagSink
	yr := parseYAML("all.yaml", y, &LoadOptions{LookupEnv: env}, &ysink)
	hr := parseHCL("all.hcl", []byte(h), &LoadOptions{LookupEnv: env}, &hsink)
	if len(ysink.diags) > 0 || yr == nil {
		t.Fatalf("YAML with every field:\n%s\ndiagnostics: %v", y, ysink.diags)
	}
	if len(hsink.diags) > 0 || hr == nil {
		t.Fatalf("HCL with every field:\n%s\ndiagnostics: %v", h, hsink.diags)
	}
	ys, hs := rawShape(t, yr), rawShape(t, hr)
	var missing []string
	unset(ys, "fleet", &missing)
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Errorf("declared fields not read from YAML: %v", missing)
	}
	if !reflect.DeepEqual(ys, hs) {
		yj, _ := json.MarshalIndent(ys, "", " ")
		hj, _ := json.MarshalIndent(hs, "", " ")
		t.Errorf("YAML and HCL read different raw trees\n--- YAML\n%s\n--- HCL\n%s\n--- sources\n%s\n%s", yj, hj, y, h)
	}
}

// schemaObject follows $ref, array items and oneOf/anyOf branches to the
// schema node that lists an object's properties.
func schemaObject(root, n map[string]any) map[string]any {
	for range 10 {
		if ref, ok := n["$ref"].(string); ok {
			n = root["definitions"].(map[string]any)[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any)
			continue
		}
		if _, ok := n["properties"]; ok {
			return n
		}
		if items, ok := n["items"].(map[string]any); ok {
			n = items
			continue
		}
		var next map[string]any
		for _, k := range []string{"oneOf", "anyOf"} {
			alts, _ := n[k].([]any)
			for _, a := range alts {
				if s := schemaObject(root, a.(map[string]any)); s != nil {
					next = s
				}
			}
		}
		return next
	}
	return nil
}

// TestSchemaListsTheDeclaredFields: the editor schema names exactly the
// fields the decoders accept, object by object.
func TestSchemaListsTheDeclaredFields(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(Schema(), &root); err != nil {
		t.Fatal(err)
	}
	var check func(path string, o *objectInfo, s map[string]any)
	check = func(path string, o *objectInfo, s map[string]any) {
		if s == nil {
			t.Errorf("%s: the schema has no object with properties here", path)
			return
		}
		props, _ := s["properties"].(map[string]any)
		t.Logf("checked %s", path)
		var inSchema []string
		for k := range props {
			inSchema = append(inSchema, k)
		}
		declared := slices.Clone(o.yamlNames)
		slices.Sort(inSchema)
		slices.Sort(declared)
		if !slices.Equal(inSchema, declared) {
			t.Errorf("%s: schema properties %v, declared fields %v", path, inSchema, declared)
		}
		for _, f := range o.fields {
			if f.elem != nil && props[f.name] != nil {
				check(path+"."+f.name, f.elem, schemaObject(root, props[f.name].(map[string]any)))
			}
		}
	}
	check("fleet", fleetObject, root)
}
