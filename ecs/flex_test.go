package ecs

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestFlexTypes(t *testing.T) {
	var v struct {
		S  FlexString     `json:"s"`
		I  FlexInt        `json:"i"`
		B  FlexBool       `json:"b"`
		L  FlexStringList `json:"l"`
		M  FlexMap        `json:"m"`
		Im ImageRef       `json:"im"`
		Ln Links          `json:"ln"`
	}
	cases := []struct {
		in    string
		check func() bool
	}{
		{`{"s":"Ecs.0310"}`, func() bool { return v.S == "Ecs.0310" }},
		{`{"s":400}`, func() bool { return v.S == "400" }},
		{`{"s":null}`, func() bool { return v.S == "" }},
		{`{"i":"4"}`, func() bool { return v.I == 4 }},
		{`{"i":4}`, func() bool { return v.I == 4 }},
		{`{"i":""}`, func() bool { return v.I == 0 }},
		{`{"i":null}`, func() bool { return v.I == 0 }},
		{`{"i":"None"}`, func() bool { return v.I == 0 }},
		{`{"i":1.0}`, func() bool { return v.I == 1 }},
		{`{"b":"True"}`, func() bool { return bool(v.B) }},
		{`{"b":false}`, func() bool { return !bool(v.B) }},
		{`{"b":"0"}`, func() bool { return !bool(v.B) }},
		{`{"l":["g1","g2"]}`, func() bool { return len(v.L) == 2 && v.L[1] == "g2" }},
		{`{"l":"g1"}`, func() bool { return len(v.L) == 1 && v.L[0] == "g1" }},
		{`{"l":null}`, func() bool { return v.L == nil }},
		{`{"m":{"a":"x","n":1,"b":true,"z":null,"o":{"k":1}}}`, func() bool {
			return v.M["a"] == "x" && v.M["n"] == "1" && v.M["b"] == "true" && v.M["z"] == "" && v.M["o"] == `{"k":1}`
		}},
		{`{"m":""}`, func() bool { return len(v.M) == 0 }},
		{`{"im":""}`, func() bool { return v.Im.ID == "" }},
		{`{"im":{"id":"img-1","links":[{"href":"h","rel":"self"}]}}`, func() bool { return v.Im.ID == "img-1" && len(v.Im.Links) == 1 }},
		{`{"ln":{"href":"h","rel":"self"}}`, func() bool { return len(v.Ln) == 1 && v.Ln[0].Rel == "self" }},
		{`{"ln":[{"href":"h","rel":"self"},{"href":"b","rel":"bookmark"}]}`, func() bool { return len(v.Ln) == 2 }},
	}
	for _, c := range cases {
		v.S, v.I, v.B, v.L, v.M, v.Im, v.Ln = "", 0, false, nil, nil, ImageRef{}, nil
		if err := json.Unmarshal([]byte(c.in), &v); err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if !c.check() {
			t.Errorf("%s decoded to %+v", c.in, v)
		}
	}
	for _, bad := range []string{`{"i":"four"}`, `{"b":"maybe"}`, `{"s":{"x":1}}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// The flex types' fast paths must decode every input exactly as the plain
// encoding/json implementation they replaced did. The legacy* types below are
// that implementation, kept verbatim as the oracle; TestFlexFastPathsMatchLegacy
// and FuzzFlexFastPathsMatchLegacy feed both the same bytes, directly and
// inside a JSON document, and require the same value (nil and empty apart) and
// the same success or failure.

type legacyFlexString string

func (f *legacyFlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = legacyFlexString(s)
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("ecs: expected a string or number, got %.20s", b)
	default:
		*f = legacyFlexString(b)
	}
	return nil
}

type legacyFlexInt int

func (f *legacyFlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	s := string(b)
	if s == "null" {
		*f = 0
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" || strings.EqualFold(s, "null") || strings.EqualFold(s, "none") {
			*f = 0
			return nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*f = legacyFlexInt(n)
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("ecs: expected an integer, got %.20s", b)
	}
	*f = legacyFlexInt(v)
	return nil
}

type legacyFlexBool bool

func (f *legacyFlexBool) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	switch strings.ToLower(s) {
	case "true", "1", "yes":
		*f = true
	case "false", "0", "no", "", "null", "none":
		*f = false
	default:
		return fmt.Errorf("ecs: expected a boolean, got %.20s", b)
	}
	return nil
}

type legacyFlexStringList []string

func (f *legacyFlexStringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*f = nil
		return nil
	}
	if len(b) > 0 && b[0] == '[' {
		var xs []legacyFlexString
		if err := json.Unmarshal(b, &xs); err != nil {
			return err
		}
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = string(x)
		}
		*f = out
		return nil
	}
	var s legacyFlexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	if s == "" {
		*f = nil
	} else {
		*f = []string{string(s)}
	}
	return nil
}

type legacyFlexMap map[string]string

func (f *legacyFlexMap) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		*f = nil
		return nil
	}
	var plain map[string]string
	if json.Unmarshal(b, &plain) == nil {
		*f = plain
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(legacyFlexMap, len(raw))
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		if len(v) > 0 && (v[0] == '{' || v[0] == '[') {
			out[k] = string(v)
			continue
		}
		var s legacyFlexString
		if err := s.UnmarshalJSON(v); err != nil {
			return err
		}
		out[k] = string(s)
	}
	*f = out
	return nil
}

type legacyImageRef ImageRef

func (r *legacyImageRef) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		var s legacyFlexString
		if err := s.UnmarshalJSON(b); err != nil {
			return err
		}
		*r = legacyImageRef{ID: string(s)}
		return nil
	}
	type plain ImageRef
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = legacyImageRef(p)
	return nil
}

type legacyLinks []Link

func (l *legacyLinks) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*l = nil
	case b[0] == '{':
		var one Link
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = legacyLinks{one}
	default:
		var many []Link
		if err := json.Unmarshal(b, &many); err != nil {
			return err
		}
		*l = many
	}
	return nil
}

// flexPair is one flex type and its legacy oracle, each decoding into a fresh
// value and returning it as a plain Go value for comparison.
type flexPair struct {
	name        string
	now, legacy func(direct bool, in []byte) (any, error)
}

// decodeWith decodes in either by calling UnmarshalJSON directly (direct) or
// through json.Unmarshal of {"v": in}, which is how the client meets it.
func decodeWith[T any, P interface {
	*T
	json.Unmarshaler
}](direct bool, in []byte, plain func(T) any) (any, error) {
	if direct {
		var v T
		err := P(&v).UnmarshalJSON(in)
		return plain(v), err
	}
	var w struct {
		V T `json:"v"`
	}
	doc := append(append([]byte(`{"v":`), in...), '}')
	err := json.Unmarshal(doc, &w)
	return plain(w.V), err
}

var flexPairs = []flexPair{
	{"FlexString",
		func(d bool, in []byte) (any, error) {
			return decodeWith[FlexString](d, in, func(v FlexString) any { return string(v) })
		},
		func(d bool, in []byte) (any, error) {
			return decodeWith[legacyFlexString](d, in, func(v legacyFlexString) any { return string(v) })
		}},
	{"FlexInt",
		func(d bool, in []byte) (any, error) {
			return decodeWith[FlexInt](d, in, func(v FlexInt) any { return int(v) })
		},
		func(d bool, in []byte) (any, error) {
			return decodeWith[legacyFlexInt](d, in, func(v legacyFlexInt) any { return int(v) })
		}},
	{"FlexBool",
		func(d bool, in []byte) (any, error) {
			return decodeWith[FlexBool](d, in, func(v FlexBool) any { return bool(v) })
		},
		func(d bool, in []byte) (any, error) {
			return decodeWith[legacyFlexBool](d, in, func(v legacyFlexBool) any { return bool(v) })
		}},
	{"FlexStringList",
		func(d bool, in []byte) (any, error) {
			return decodeWith[FlexStringList](d, in, func(v FlexStringList) any { return []string(v) })
		},
		func(d bool, in []byte) (any, error) {
			return decodeWith[legacyFlexStringList](d, in, func(v legacyFlexStringList) any { return []string(v) })
		}},
	{"FlexMap",
		func(d bool, in []byte) (any, error) {
			return decodeWith[FlexMap](d, in, func(v FlexMap) any { return map[string]string(v) })
		},
		func(d bool, in []byte) (any, error) {
			return decodeWith[legacyFlexMap](d, in, func(v legacyFlexMap) any { return map[string]string(v) })
		}},
	{"ImageRef",
		func(d bool, in []byte) (any, error) {
			return decodeWith[ImageRef](d, in, func(v ImageRef) any { return v })
		},
		func(d bool, in []byte) (any, error) {
			return decodeWith[legacyImageRef](d, in, func(v legacyImageRef) any { return ImageRef(v) })
		}},
	{"Links",
		func(d bool, in []byte) (any, error) {
			return decodeWith[Links](d, in, func(v Links) any { return []Link(v) })
		},
		func(d bool, in []byte) (any, error) {
			return decodeWith[legacyLinks](d, in, func(v legacyLinks) any { return []Link(v) })
		}},
}

// checkFlexSame reports every flex type whose decode of in differs from its
// legacy oracle's, in value, in nil-ness, or in whether it failed.
func checkFlexSame(t *testing.T, in []byte) {
	t.Helper()
	for _, direct := range []bool{true, false} {
		for _, p := range flexPairs {
			got, gerr := p.now(direct, in)
			want, werr := p.legacy(direct, in)
			if (gerr == nil) != (werr == nil) {
				t.Errorf("%s(%q) direct=%v: err %v, legacy err %v", p.name, in, direct, gerr, werr)
				continue
			}
			if gerr == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("%s(%q) direct=%v: %#v, legacy %#v", p.name, in, direct, got, want)
			}
		}
	}
}

// flexCorpus holds the shapes each fast path takes or must refuse: plain and
// escaped strings, unicode, invalid UTF-8, control characters, numbers as
// strings and literals, nulls, flat and nested objects, arrays, whitespace,
// duplicate keys and malformed text.
var flexCorpus = []string{
	``, ` `, `null`, ` null `, `"null"`, `"None"`, `"none"`, `""`, `" "`, `"`, `"a`, `a"`, `"a"b"`,
	`"plain"`, ` "padded" `, `"esc\"aped"`, `"tab\tx"`, `"\u00e9t\u00e9"`, `"\ud83d\ude00"`, `"\ud800"`,
	`"été 漢字 😀"`, "\"bad\xffutf8\"", "\"raw\ttab\"", "\"raw\nnl\"", "\"del\x7f\"", `"\/"`, `"a\\"`,
	"\"\xef\xbf\xbd\"", "\"\xed\xa0\x80\"", "\"trunc\xe6\xbc\"",
	`0`, `4`, `-7`, `+4`, `007`, `1.0`, `1.5`, `-0`, `1e3`, `1E+2`, `01`, `1.`, `.5`, `-`, `--1`, `1e`, `0x10`,
	`"4"`, `" 2 "`, `"+4"`, `"-7"`, `"007"`, `"1e3"`, `"4.9"`, `"four"`, `"\u0034"`, "\"\u00a04\"",
	`123456789012345678`, `1234567890123456789`, `12345678901234567890`, `"-123456789012345678"`,
	`"9223372036854775807"`, `"9223372036854775808"`,
	`true`, `false`, `"true"`, `"True"`, `"FALSE"`, `"1"`, `"0"`, `"yes"`, `"no"`, `"maybe"`, `tru`, `True`,
	`[]`, ` [ ] `, `["g1","g2"]`, `[ "g1" , "g2" ]`, `["a",1]`, `["a",null]`, `["a\n"]`, `["a"`, `["a",]`,
	`[,]`, `["a" "b"]`, `[["x"]]`, `[{"k":"v"}]`, "[\"bad\xff\"]", `["é"]`, `["a"]x`,
	`{}`, ` { } `, `{"a":"x"}`, `{ "a" : "x" , "b" : "y" }`, `{"a":"x","n":1,"b":true,"z":null,"o":{"k":1}}`,
	`{"a":"x","a":"y"}`, `{"a":1,"a":"y"}`, `{"a":"x","l":[1,2]}`, `{"e":"a\"b"}`, `{"k\u00e9":"v"}`,
	"{\"k\xff\":\"v\"}", "{\"k\":\"v\xff\"}", `{"é":"漢"}`, `{"n":-1.5e3}`, `{"n":01}`, `{"n":1.}`, `{"n":-}`,
	`{"n":tru}`, `{"n":nul}`, `{"n":falsey}`, `{"a":"x",}`, `{"a":"x"`, `{"a" "x"}`, `{"a":}`, `{a:"x"}`,
	`{"a":"x"}}`, `{"a":"x"} junk`, `{,}`, `{"a":"x"`, `{"":""}`, `{"a":"}"}`, `{"a":","}`,
	`{"id":"img-1"}`, `{ "id" : "img-1" }`, `{"id":"img-1","links":[{"href":"h","rel":"self"}]}`, `{"id":null}`,
	`{"ID":"img-1"}`, `{"Id":"x","id":"y"}`, `{"id":"a","id":"b"}`, `{"id":1}`, `{"id":"a\u0062"}`, `{"links":[]}`,
	`{"links":null}`, `{"links":[null]}`, `{"id":"x","other":"y"}`, `{"id":"x","links":[{"href":"h","rel":"self"},]}`,
	`{"href":"h","rel":"self"}`, `{"href":"h","rel":"self","type":"x"}`, `{"HREF":"h"}`, `{"href":null}`,
	`[{"href":"h","rel":"self"},{"href":"b","rel":"bookmark"}]`, `[{"href":"h"} , {"rel":"r"}]`, `[{}]`,
	`[{"href":"h\/x"}]`, "[{\"href\":\"h\xff\"}]", `[{"href":"h"}`, `[{"href":"h"},]`, `[{"href":"h"}]]`,
	`{"_ha_policy_type":"remote_rebuild","os_bit":"64","cascaded.instance_extrainfo":"max_mem:4194304,org_cpu:1"}`,
}

func TestFlexFastPathsMatchLegacy(t *testing.T) {
	for _, in := range flexCorpus {
		checkFlexSame(t, []byte(in))
	}
}

// FuzzFlexFastPathsMatchLegacy runs the corpus as seeds in every go test;
// `go test -fuzz FuzzFlexFastPathsMatchLegacy ./ecs` searches further.
func FuzzFlexFastPathsMatchLegacy(f *testing.F) {
	for _, in := range flexCorpus {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkFlexSame(t, in) })
}

func TestConfigTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"availabilityZoneInfo":[{"zoneName":"az1","zoneState":{"available":true}}]}`)
	}))
	defer srv.Close()
	base := Config{Endpoint: srv.URL, ProjectID: "p", AccessKey: "a", SecretKey: "s", Retry: testRetry}
	ctx := context.Background()

	// Verification is on by default: the test server's self-signed certificate
	// is refused, permanently (retrying cannot fix a certificate).
	c, err := New(base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAvailabilityZones(ctx); err == nil || Classify(err) != Permanent {
		t.Fatalf("untrusted certificate: err=%v class=%v", err, Classify(err))
	}

	// Trusting its CA through CAFile makes it work.
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	withCA := base
	withCA.CAFile = caFile
	if c, err = New(withCA); err != nil {
		t.Fatal(err)
	}
	if zones, err := c.ListAvailabilityZones(ctx); err != nil || len(zones) != 1 {
		t.Fatalf("with CA file: %v %v", zones, err)
	}

	// Skipping verification must be explicit.
	insecure := base
	insecure.InsecureSkipVerify = true
	if c, err = New(insecure); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAvailabilityZones(ctx); err != nil {
		t.Fatalf("insecure: %v", err)
	}

	// A CA file that is missing or holds no certificate is a configuration error.
	bad := base
	bad.CAFile = filepath.Join(dir, "missing.pem")
	if _, err := New(bad); err == nil {
		t.Error("missing CA file accepted")
	}
	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o600)
	bad.CAFile = junk
	if _, err := New(bad); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("junk CA file: %v", err)
	}
}

func TestServerTagMap(t *testing.T) {
	// Split at the first "=" only: a key may hold "." (5.13.2) and ":";
	// an entry without "=" is a key (5.13.10's example shows "1.1" so).
	s := Server{Tags: []string{"fleet=web", "env.prod", "ver=1.2.3", "app.tier=web", "env:prod=", "x=a=b", "26cb77c2-b76c-47bb-81cd-1eb28a8b6c40"}}
	m := s.TagMap()
	want := map[string]string{"fleet": "web", "env.prod": "", "ver": "1.2.3", "app.tier": "web", "env:prod": "", "x": "a=b", "26cb77c2-b76c-47bb-81cd-1eb28a8b6c40": ""}
	if len(m) != len(want) {
		t.Fatalf("TagMap = %v", m)
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("TagMap[%q] = %q, want %q", k, m[k], v)
		}
	}
}
