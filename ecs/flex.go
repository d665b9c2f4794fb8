package ecs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
type FlexMap map[string]string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexMap) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		*f = nil
		return nil
	}
	// Fast path: metadata values are strings in practice.
	var plain map[string]string
	if json.Unmarshal(b, &plain) == nil {
		*f = plain
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
		var one Link
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = Links{one}
	default:
		var many []Link
		if err := json.Unmarshal(b, &many); err != nil {
			return err
		}
		*l = many
	}
	return nil
}
