package plan

import (
	"sort"
	"time"
)

// FormatVersion is the version of the Plan's JSON form (the --json output
// and the body of a saved plan). It changes when a field changes meaning or
// goes away; adding a field does not change it. docs/plan-format.md.
const FormatVersion = "1"

// Plan is what ecsfleet would do to make the cloud match a fleet file: the
// changes (what differs, per object, and why), the ops that carry them out
// (each exactly one API call, with its dependencies), and the fingerprints
// of every live object it was computed from. It is a plain value: it can be
// rendered, saved, read back and applied later by the engine, which never
// decides what to change, only how.
type Plan struct {
	FormatVersion string `json:"format_version"`
	Fleet         string `json:"fleet"`
	// FleetFile is the fleet file's path as given and FleetHash the SHA-256 of
	// its bytes: a saved plan is applied only with the same file.
	FleetFile string `json:"fleet_file"`
	FleetHash string `json:"fleet_hash"`
	Project   string `json:"project"`
	CreatedAt string `json:"created_at"`

	Changes []Change `json:"changes"`
	Ops     []Op     `json:"ops"`
	// Warnings are things the operator should know that change nothing:
	// an object that would be adopted, a server left alone, a choice made.
	Warnings []string `json:"warnings,omitempty"`

	Summary  Summary  `json:"summary"`
	Estimate Estimate `json:"estimate"`

	// Fingerprints are the live objects the plan was computed from (every
	// owned server, every server it adopts, and the keypairs, groups and
	// volumes the fleet names), by id.
	// Stale compares them with a fresh snapshot before the plan is applied.
	Fingerprints []Fingerprint `json:"fingerprints"`
	// Absent are the objects the plan expects NOT to exist because it
	// creates them, as "kind name" ("server web-0004", "keypair k"): a plan
	// made stale by a concurrent create is refused too.
	Absent []string `json:"absent,omitempty"`
}

// Kind is the kind of object a change is about.
type Kind string

// Kinds of object.
const (
	KindKeypair     Kind = "keypair"
	KindServerGroup Kind = "server_group"
	KindVolume      Kind = "volume"
	KindServer      Kind = "server"
)

// Action is what a change does to its object, with the symbol operators know
// from Terraform.
type Action string

// Actions.
const (
	Create  Action = "create"  // +
	Update  Action = "update"  // ~
	Delete  Action = "delete"  // -
	Replace Action = "replace" // -/+
	Adopt   Action = "adopt"   // ?  exists without ecsfleet's mark; used only with --adopt
)

// Symbol is the plan symbol of an action.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Delete:
		return "-"
	case Replace:
		return "-/+"
	case Adopt:
		return "?"
	}
	return " "
}

// Impact classifies an update by what it does to a running server.
type Impact string

// Impacts, from least to most disruptive.
const (
	InPlace    Impact = "in-place"   // no restart: tags, metadata, name, live resize
	Disruptive Impact = "disruptive" // stop/start, offline resize, OS change: obeys max_unavailable
	Replacing  Impact = "replace"    // delete and create: the API cannot make the change in place
)

// Change is one object that differs, with every attribute that differs and
// the reason for its action. Changes of a server set are listed member by
// member; renderers group members whose changes are identical.
type Change struct {
	Kind   Kind   `json:"kind"`
	Action Action `json:"action"`
	// Name is the object's desired name (a member name for servers).
	Name string `json:"name"`
	// Set is the server set of a server change.
	Set string `json:"set,omitempty"`
	// ID is the live object's id ("" for a create).
	ID string `json:"id,omitempty"`
	// LiveName is the live name when it differs from Name (renamed out of band).
	LiveName string `json:"live_name,omitempty"`
	Impact   Impact `json:"impact,omitempty"`
	// Reason says why the action was chosen ("status ERROR", "availability_zone
	// cannot change in place", "not in the fleet file").
	Reason string     `json:"reason,omitempty"`
	Attrs  []AttrDiff `json:"attrs,omitempty"`
	// Where is the fleet file position of the object (file:line), "" for an
	// object the file no longer names.
	Where string `json:"where,omitempty"`
}

// AttrDiff is one attribute that differs. Old and New are display values;
// a sensitive attribute has neither (the renderers print "(sensitive)").
type AttrDiff struct {
	Path      string `json:"path"`
	Old       string `json:"old,omitempty"`
	New       string `json:"new,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
	Impact    Impact `json:"impact,omitempty"`
}

// Summary counts changes and API calls.
type Summary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
	Replace int `json:"replace"`
	Adopt   int `json:"adopt"`
	// Calls is the number of API calls the ops make, by class.
	Calls CallCount `json:"calls"`
}

// CallCount is a number of API calls by class.
type CallCount struct {
	Write int `json:"write"`
	// Read is the reads the planner made to build the plan (snapshot and
	// catalogue), for the record; applying re-reads what it touches.
	Read int `json:"read"`
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Ops) == 0 && len(p.Changes) == 0 }

// Estimate is a rough duration of applying the plan on the documented cloud
// model (an estimate, not a promise: the real cloud's speed is unknown).
type Estimate struct {
	Seconds int    `json:"seconds"`
	Basis   string `json:"basis"`
}

// Duration is the estimate as a time.Duration.
func (e Estimate) Duration() time.Duration { return time.Duration(e.Seconds) * time.Second }

// Fingerprint identifies the state of one live object the plan was made
// from: a few plain attributes and short hashes of the bulky ones, enough to
// say which attribute changed, never a secret.
type Fingerprint struct {
	Kind  Kind              `json:"kind"`
	ID    string            `json:"id"`
	Name  string            `json:"name"`
	Attrs map[string]string `json:"attrs"`
}

// sortChanges orders changes by kind (keypairs, groups, volumes, servers),
// then set, then name, so every rendering is stable.
func sortChanges(cs []Change) {
	rank := map[Kind]int{KindKeypair: 0, KindServerGroup: 1, KindVolume: 2, KindServer: 3}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if rank[a.Kind] != rank[b.Kind] {
			return rank[a.Kind] < rank[b.Kind]
		}
		if a.Set != b.Set {
			return a.Set < b.Set
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
}
