package spec

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// secretKind says where a secret's value comes from.
type secretKind string

const (
	secretEnv     secretKind = "env"     // an environment variable, read on demand
	secretFile    secretKind = "file"    // a file, read on demand
	secretVar     secretKind = "var"     // a --var value (given outside the file)
	secretLiteral secretKind = "literal" // written in the fleet file (refused unless allowed)
	// secretRefused marks a raw secret that was written but refused (its
	// own error says why): the field counts as written, so no check that
	// depends on it reports it missing as well. It never becomes a Secret.
	secretRefused secretKind = "refused"
)

// Secret is a reference to a secret value (today: an admin password). The
// fleet holds the reference, never the value, until Resolve is called; and
// every way of printing a Secret (String, GoString, MarshalJSON, LogValue,
// fmt verbs) shows only the reference, so a value cannot leak into a
// diagnostic, plan, log or journal by accident.
type Secret struct {
	kind  secretKind
	ref   string // env name, file path (absolute or relative to the fleet), var name
	value string // literal and var secrets only
	env   func(string) (string, bool)
	Pos   Pos
}

// EnvSecret returns a secret read from environment variable name.
func EnvSecret(name string) *Secret { return &Secret{kind: secretEnv, ref: name} }

// FileSecret returns a secret read from the file at path (trailing newline removed).
func FileSecret(path string) *Secret { return &Secret{kind: secretFile, ref: path} }

// Source is "env", "file", "var" or "literal".
func (s Secret) Source() string { return string(s.kind) }

// Ref is the environment variable name, file path or variable name ("" for a literal).
func (s Secret) Ref() string { return s.ref }

// Resolve returns the secret's value, reading the environment or file now.
// Its result must never be put in a diagnostic, log or output.
func (s Secret) Resolve() (string, error) {
	switch s.kind {
	case secretEnv:
		lookup := s.env
		if lookup == nil {
			lookup = os.LookupEnv
		}
		v, ok := lookup(s.ref)
		if !ok {
			return "", fmt.Errorf("environment variable %s is not set", s.ref)
		}
		return v, nil
	case secretFile:
		b, err := readSideFile(s.ref, 64<<10)
		if err != nil {
			return "", fmt.Errorf("cannot read secret file %s: %v", s.ref, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	default:
		return s.value, nil
	}
}

// String shows the reference only, e.g. "secret(env:ADMIN_PASSWORD)".
func (s Secret) String() string {
	switch s.kind {
	case secretEnv, secretFile, secretVar:
		return fmt.Sprintf("secret(%s:%s)", s.kind, s.ref)
	}
	return "secret(literal, redacted)"
}

// GoString keeps %#v from printing the value field.
func (s Secret) GoString() string { return s.String() }

// Format makes every fmt verb print String, so %+v and %x cannot dump the value.
func (s Secret) Format(f fmt.State, verb rune) { fmt.Fprint(f, s.String()) }

// LogValue makes slog print the reference only.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON shows the reference only: {"source":"env","ref":"NAME"}.
func (s Secret) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Source string `json:"source"`
		Ref    string `json:"ref,omitempty"`
	}{string(s.kind), s.ref})
}

// marshalJSON is json.Marshal, named so model code reads as intent.
func marshalJSON(v any) ([]byte, error) { return json.Marshal(v) }
