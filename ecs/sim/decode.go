package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// decodeStrict decodes body into v, refusing unknown fields and wrong types
// anywhere in the document, trailing data, and an empty body. The reference
// answers 400 to a request that does not match its schema; the message names
// the field so a person can fix the request.
func decodeStrict(body []byte, v any) *APIError {
	if len(bytes.TrimSpace(body)) == 0 {
		return BadRequest("the request body is empty; a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return BadRequest(describeJSONError(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return BadRequest("the request body has data after the JSON object")
	}
	return nil
}

// describeJSONError turns encoding/json errors into short sentences.
func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "the body"
		}
		return fmt.Sprintf("field %q has the wrong type: got JSON %s, want %s", field, te.Value, jsonKind(te.Type.Kind().String()))
	case errors.As(err, &se):
		return fmt.Sprintf("the request body is not valid JSON (at byte %d)", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the request body is truncated JSON"
	}
	return "the request body is not valid: " + err.Error()
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "int32", "uint", "float64":
		return "number"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	}
	return k
}

// FlexString is a JSON string that also accepts a number (C5: clients send
// root_volume.size as an integer although the reference types it String).
type FlexString string

// UnmarshalJSON accepts "40" and 40.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = FlexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: typeOfString}
	}
	*f = FlexString(n.String())
	return nil
}

var typeOfString = reflect.TypeOf("")
