// Package spec is the fleet language: it loads a fleet file written in
// YAML or HCL into one typed model (Fleet), with defaults merged into each
// server set, variables and environment references substituted, secrets
// kept as references, and every rule the HCS ECS API would enforce checked
// before any call is made.
//
// Operators write fleets by hand and review them in pull requests, so the
// package's first duty is its diagnostics: every problem in a file is
// reported at once, with file:line:col, a sentence a person understands
// and, where it helps, a hint ("did you mean flavor?"). Value rules come
// from package ecs/rules, the same code the simulator runs, so a file this
// package accepts is one the API accepts.
//
// The two front ends (yaml.go, hcl.go) only turn syntax into the raw
// description (raw.go); merging defaults and validating (build.go,
// validate.go) are shared, which is what makes the same fleet written in
// both syntaxes load to an identical model.
package spec
