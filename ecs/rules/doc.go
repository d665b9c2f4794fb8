// Package rules holds the value rules of the HCS 8.3.0 ECS API reference,
// written once.
//
// Both the fleet-language validator (package spec) and the simulator
// (package ecs/sim) call these functions, so a value the validator accepts
// is exactly a value the simulated cloud accepts, and a rule fixed here is
// fixed everywhere ("one rule, one place"). The package is a leaf: it
// imports only the standard library.
//
// Each check returns nil or an error whose message is one short English
// sentence naming the limit, so it can be shown to a person as is. No check
// ever echoes a password.
//
// Where the reference states the same rule differently in two sections,
// the stricter reading is implemented, so that a value valid here is valid
// on every path the reference documents; each such decision is recorded in
// the function's doc comment and in docs/api-notes.md.
package rules
