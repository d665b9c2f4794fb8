package main

// overrides are the hand-checked judgements a program cannot make: request
// examples that break the reference's own rules (valid=false, so the simulator
// need not accept them) and notes on examples the document contradicts.
// Keyed by the example's file stem, e.g. "5.2.1/request-3".
var overrides = map[string]struct {
	invalid bool
	note    string
}{
	"5.2.1/request-2":  {note: `adminPass is "" while key_name is set: read "" as absent (the keypair is the login)`},
	"5.2.1/request-3":  {invalid: true, note: `metadata.admin_pass "password" breaks the 5.2.1 password rules (no upper case, no digit, no special character)`},
	"5.8.1/response-1": {note: `contradiction: this "response example" is in the request shape (serverinfo list); the 5.8.1 response table says {"job_id"}, which the client and simulator follow`},
	"5.14.1/request-1": {invalid: true, note: `new_password "password" breaks the 5.14.1 password rules (8-26 characters from at least three classes)`},
	"5.14.2/request-1": {invalid: true, note: `new_password "password" breaks the 5.14.2 password rules (at least three character classes)`},
}

func applyOverrides(entries []Entry) {
	for i := range entries {
		e := &entries[i]
		stem := e.File
		if k := len(stem) - len(".json"); k > 0 {
			stem = stem[:k]
		}
		if o, ok := overrides[stem]; ok {
			if o.invalid {
				e.Valid = false
			}
			if e.Note != "" {
				e.Note += "; "
			}
			e.Note += o.note
		}
	}
}
