package ecs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The reference's tables and examples disagree about scalar types (a flavor's
// vcpus is a String in one table, a number in an example; an address version is
// "4" in v1 and 4 in v2.1; error.code is an Integer typed as "Ecs.0310"). Real
// HCS answers follow the examples (real-client-evidence C11). The flexible types
// below accept either spelling once, so no struct needs ad-hoc decoding.

// FlexString decodes a JSON string, number, boolean or null into a string
// (null is ""). It encodes as a JSON string.
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		if in, ok := plainString(b); ok { // no escapes: the bytes are the value
			*f = FlexString(in)
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("ecs: expected a string or number, got %.20s", b)
	default:
		*f = FlexString(b) // number or boolean literal, verbatim
	}
	return nil
}

// String returns the value.
func (f FlexString) String() string { return string(f) }

// FlexInt decodes a JSON number, a numeric string ("4", " 2 ", ""), or null into
// an int ("" and null are 0). It encodes as a JSON number.
type FlexInt int

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	// Fast path: a bare or quoted run of ASCII digits, which is what servers
	// send; no string is built and nothing is allocated.
	d := b
	if len(d) >= 2 && d[0] == '"' && d[len(d)-1] == '"' {
		d = d[1 : len(d)-1]
	}
	if n, ok := smallInt(d); ok {
		*f = FlexInt(n)
		return nil
	}
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
		*f = FlexInt(n)
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("ecs: expected an integer, got %.20s", b)
	}
	*f = FlexInt(v)
	return nil
}

// FlexBool decodes true/false, "true"/"false"/"True"/"1"/"0", or null (false).
type FlexBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexBool) UnmarshalJSON(b []byte) error {
	// Fast path: the three JSON literals, compared without building a string.
	switch string(b) {
	case "true":
		*f = true
		return nil
	case "false", "null":
		*f = false
		return nil
	}
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

// FlexStringList decodes an array of strings (or numbers), a single string, or
// null. os:scheduler_hints.group is a String in the create table but an array in
// the server detail (C11).
type FlexStringList []string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexStringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*f = nil
		return nil
	}
	if len(b) > 0 && b[0] == '[' {
		// Fast path: an array of plain strings (often empty, as every
		// address's network_tags is), read without a nested decode.
		if out, ok := scanStringArray(b); ok {
			*f = out
			return nil
		}
		var xs []FlexString
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
	var s FlexString
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

// FlexMap decodes a JSON object whose values may be strings, numbers, booleans
// or null into map[string]string; metadata values are strings in the examples,
// but a tolerant reader costs nothing. A non-object (e.g. "") decodes as empty.
// Nested objects and arrays are kept as their JSON text.
type FlexMap map[string]string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexMap) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		*f = nil
		return nil
	}
	// Fast path: a flat object without escapes (all metadata in practice),
	// read by a small scanner; anything else goes to encoding/json once.
	if m, ok := scanFlatObject(b); ok {
		*f = m
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(FlexMap, len(raw))
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		if len(v) > 0 && (v[0] == '{' || v[0] == '[') {
			out[k] = string(v) // nested JSON kept as text
			continue
		}
		var s FlexString
		if err := s.UnmarshalJSON(v); err != nil {
			return err
		}
		out[k] = string(s)
	}
	*f = out
	return nil
}

// Link is a community-style hyperlink.
type Link struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

// ImageRef is a server's image: an object {id, links} for image-booted servers
// and the empty string "" for volume-booted ones (5.2.4 field reference).
type ImageRef struct {
	ID    string `json:"id"`
	Links []Link `json:"links,omitempty"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (r *ImageRef) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		var s FlexString
		if err := s.UnmarshalJSON(b); err != nil {
			return err
		}
		*r = ImageRef{ID: string(s)}
		return nil
	}
	// Fast path: {"id": "...", "links": [...]} with plain strings, read
	// without a nested decode (one per server in every listing).
	sc := flatScanner{b: b}
	var fast ImageRef
	ok := sc.plainObject(func(k []byte) bool {
		switch string(k) {
		case "id":
			id, ok := sc.plainValue()
			fast.ID = id
			return ok
		case "links":
			links, ok := sc.linkArray()
			fast.Links = links
			return ok
		}
		return false
	})
	if ok && sc.atEnd() {
		*r = fast
		return nil
	}
	type plain ImageRef
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = ImageRef(p)
	return nil
}

// Links decodes a list of links, a single link object (5.2.x "links object"),
// or null.
type Links []Link

// UnmarshalJSON implements json.Unmarshaler.
func (l *Links) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*l = nil
	case b[0] == '{':
		// Fast paths here and below: plain href/rel strings, no nested decode.
		sc := flatScanner{b: b}
		if one, ok := sc.link(); ok && sc.atEnd() {
			*l = Links{one}
			return nil
		}
		var one Link
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = Links{one}
	default:
		sc := flatScanner{b: b}
		if many, ok := sc.linkArray(); ok && sc.atEnd() {
			*l = many
			return nil
		}
		var many []Link
		if err := json.Unmarshal(b, &many); err != nil {
			return err
		}
		*l = many
	}
	return nil
}

// The fast paths below read the common shapes (plain strings, digit runs,
// flat objects of scalars) straight from the bytes, because a nested
// json.Unmarshal re-validates and re-scans every value it is given and made
// tolerant decoding the client's largest cost. Each one accepts only input it
// can read exactly as encoding/json would, and reports false for anything else
// (an escape, a control character, invalid UTF-8, a nested value, malformed
// text), so the caller falls back to encoding/json, which then decodes the
// value or reports the error as before.

// plainString returns the contents of the JSON string b (quotes included) if
// it holds no escape, no control character and only valid UTF-8: then the
// bytes between the quotes are exactly the decoded value. (encoding/json
// replaces invalid UTF-8 with U+FFFD, so such strings take the slow path.)
func plainString(b []byte) ([]byte, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return nil, false
	}
	in := b[1 : len(b)-1]
	if n, ok := plainRun(in); !ok || n != len(in) {
		return nil, false
	}
	return in, true
}

// plainRun scans b up to its first '"' and returns its index, or len(b) if
// there is none; ok is false if a backslash, a control character or invalid
// UTF-8 comes before it.
func plainRun(b []byte) (n int, ok bool) {
	var high byte
	for n < len(b) {
		c := b[n]
		if c == '"' {
			break
		}
		if c == '\\' || c < 0x20 {
			return n, false
		}
		high |= c
		n++
	}
	if high >= utf8.RuneSelf && !utf8.Valid(b[:n]) {
		return n, false
	}
	return n, true
}

// smallInt parses an optional sign and 1 to 18 ASCII digits (so it cannot
// overflow), exactly what strconv.ParseInt(s, 10, 64) accepts for such input.
func smallInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// isJSONSpace reports the four whitespace bytes JSON allows between tokens.
func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// flatScanner walks one JSON object or array of scalars. Positions are byte
// offsets into b so that callers can cut every key and value out of a single
// string conversion of b (one allocation instead of one per key and value).
type flatScanner struct {
	b []byte
	i int
}

func (s *flatScanner) skipSpace() {
	for s.i < len(s.b) && isJSONSpace(s.b[s.i]) {
		s.i++
	}
}

// consume skips whitespace and then the byte c, reporting whether it was there.
func (s *flatScanner) consume(c byte) bool {
	s.skipSpace()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a plain string token and returns the offsets of its contents.
func (s *flatScanner) str() (start, end int, ok bool) {
	s.skipSpace()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return 0, 0, false
	}
	start = s.i + 1
	n, ok := plainRun(s.b[start:])
	end = start + n
	if !ok || end >= len(s.b) { // an escape, or no closing quote
		return 0, 0, false
	}
	s.i = end + 1
	return start, end, true
}

// scalar reads a value that is a plain string, a number, true, false or null
// and returns the offsets of what FlexString would hold for it: the contents
// of a string, the literal text of a number or boolean, nothing for null.
func (s *flatScanner) scalar() (start, end int, ok bool) {
	s.skipSpace()
	if s.i >= len(s.b) {
		return 0, 0, false
	}
	if s.b[s.i] == '"' {
		return s.str()
	}
	start = s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == ',' || c == '}' || c == ']' || isJSONSpace(c) {
			break
		}
		s.i++
	}
	lit := s.b[start:s.i]
	switch {
	case string(lit) == "null":
		return start, start, true
	case string(lit) == "true" || string(lit) == "false" || isJSONNumber(lit):
		return start, s.i, true
	}
	return 0, 0, false
}

// isJSONNumber reports whether b is a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(b []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// span is one key/value pair of a flat object, as offsets into its bytes.
type span struct{ ks, ke, vs, ve int }

// scanFlatObject reads b (whitespace-trimmed, starting with '{') if it is an
// object whose values are all plain strings, numbers, booleans or null, the
// shape FlexMap meets in practice. Later duplicate keys win, as in
// encoding/json. All keys and values share one string, so one kept value keeps
// the object's text alive; metadata is kept or dropped whole, so that is fine.
func scanFlatObject(b []byte) (FlexMap, bool) {
	s := flatScanner{b: b, i: 1}
	var buf [24]span // metadata rarely has more keys; more just grows the slice
	pairs := buf[:0]
	if !s.consume('}') {
		for {
			ks, ke, ok := s.str()
			if !ok || !s.consume(':') {
				return nil, false
			}
			vs, ve, ok := s.scalar()
			if !ok {
				return nil, false
			}
			pairs = append(pairs, span{ks, ke, vs, ve})
			if s.consume('}') {
				break
			}
			if !s.consume(',') {
				return nil, false
			}
		}
	}
	if s.skipSpace(); s.i != len(b) {
		return nil, false
	}
	text := string(b)
	m := make(FlexMap, len(pairs))
	for _, p := range pairs {
		m[text[p.ks:p.ke]] = text[p.vs:p.ve]
	}
	return m, true
}

// scanStringArray reads b (whitespace-trimmed, starting with '[') if it is an
// array of plain strings. An empty array gives an empty, non-nil list, as the
// general path does.
func scanStringArray(b []byte) ([]string, bool) {
	s := flatScanner{b: b, i: 1}
	var buf [8][2]int
	items := buf[:0]
	if !s.consume(']') {
		for {
			vs, ve, ok := s.str()
			if !ok {
				return nil, false
			}
			items = append(items, [2]int{vs, ve})
			if s.consume(']') {
				break
			}
			if !s.consume(',') {
				return nil, false
			}
		}
	}
	if s.skipSpace(); s.i != len(b) {
		return nil, false
	}
	out := make([]string, len(items))
	if len(items) == 0 {
		return out, true
	}
	text := string(b)
	for i, it := range items {
		out[i] = text[it[0]:it[1]]
	}
	return out, true
}

// atEnd reports whether only whitespace is left.
func (s *flatScanner) atEnd() bool {
	s.skipSpace()
	return s.i == len(s.b)
}

// plainValue reads a plain string value into a new string.
func (s *flatScanner) plainValue() (string, bool) {
	vs, ve, ok := s.str()
	if !ok {
		return "", false
	}
	return string(s.b[vs:ve]), true
}

// plainObject reads an object, calling field after each key and its colon;
// field must read the value and reports false for a key or value it does not
// handle exactly. Callers accept only keys spelled exactly as their JSON tags:
// encoding/json also matches other letter cases, which the general path keeps.
func (s *flatScanner) plainObject(field func(key []byte) bool) bool {
	if !s.consume('{') {
		return false
	}
	if s.consume('}') {
		return true
	}
	for {
		ks, ke, ok := s.str()
		if !ok || !s.consume(':') || !field(s.b[ks:ke]) {
			return false
		}
		if s.consume('}') {
			return true
		}
		if !s.consume(',') {
			return false
		}
	}
}

// link reads one {"href": "...", "rel": "..."} object of plain strings.
func (s *flatScanner) link() (Link, bool) {
	var l Link
	ok := s.plainObject(func(k []byte) bool {
		var ok bool
		switch string(k) {
		case "href":
			l.Href, ok = s.plainValue()
		case "rel":
			l.Rel, ok = s.plainValue()
		}
		return ok
	})
	return l, ok
}

// linkArray reads an array of link objects; [] gives an empty, non-nil list,
// as encoding/json does.
func (s *flatScanner) linkArray() ([]Link, bool) {
	if !s.consume('[') {
		return nil, false
	}
	out := []Link{}
	if s.consume(']') {
		return out, true
	}
	for {
		l, ok := s.link()
		if !ok {
			return nil, false
		}
		out = append(out, l)
		if s.consume(']') {
			return out, true
		}
		if !s.consume(',') {
			return nil, false
		}
	}
}
