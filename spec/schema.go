package spec

import _ "embed"

//go:embed fleet.schema.json
var schema []byte

// Schema returns the JSON Schema (draft-07) of the YAML form of a fleet
// file, for editors: it gives completion and inline errors while typing.
// It checks shapes only; the rules that need context (references, merged
// tag counts, passwords) are Load's job.
func Schema() []byte { return append([]byte(nil), schema...) }
