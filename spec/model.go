package spec

import (
	"fmt"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// Fleet is a loaded, validated fleet: what the operator wants the cloud to
// be. Defaults are already merged into every ServerSet, so the planner never
// looks at Defaults to know what a server should be; Defaults is kept for
// display and for diagnostics that point at the default's line.
type Fleet struct {
	// Name identifies the fleet; it becomes the ownership mark on every
	// server the fleet creates, so renaming a fleet orphans its servers.
	Name    string `json:"name"`
	Project string `json:"project,omitempty"`

	Defaults     Defaults      `json:"defaults"`
	Keypairs     []Keypair     `json:"keypairs,omitempty"`
	ServerGroups []ServerGroup `json:"server_groups,omitempty"`
	Volumes      []Volume      `json:"volumes,omitempty"`
	Servers      []ServerSet   `json:"servers,omitempty"`
	Ignore       Ignore        `json:"ignore"`

	// File is the path the fleet was loaded from.
	File string `json:"-"`
	Pos  Pos    `json:"-"`
}

// Defaults are inherited by every server set that does not set the field.
type Defaults struct {
	AvailabilityZone string            `json:"availability_zone,omitempty"`
	VPC              string            `json:"vpc,omitempty"`
	Image            string            `json:"image,omitempty"`
	Flavor           string            `json:"flavor,omitempty"`
	RootVolume       *RootVolume       `json:"root_volume,omitempty"`
	SecurityGroups   []string          `json:"security_groups,omitempty"`
	Keypair          string            `json:"keypair,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
	Pos              Pos               `json:"-"`
}

// Keypair is an SSH keypair the fleet owns. Exactly one of PublicKey,
// PublicKeyFile (import) or Create is set. With Create the cloud generates
// the pair and the private key is written once to PrivateKeyFile (mode
// 0600; an existing file is never overwritten silently).
type Keypair struct {
	Name           string `json:"name"`
	PublicKey      string `json:"public_key,omitempty"`
	PublicKeyFile  string `json:"public_key_file,omitempty"`
	Create         bool   `json:"create,omitempty"`
	PrivateKeyFile string `json:"private_key_file,omitempty"`
	Pos            Pos    `json:"-"`
}

// ServerGroup is a server group (5.16.1) with one placement policy.
type ServerGroup struct {
	Name   string `json:"name"`
	Policy string `json:"policy"`
	Pos    Pos    `json:"-"`
}

// Volume is a shared (multiattach) data volume attached to every member of
// the server sets named in AttachTo.
type Volume struct {
	Name     string   `json:"name"`
	SizeGB   int      `json:"size"`
	Type     string   `json:"type"`
	AttachTo []string `json:"attach_to"`
	Pos      Pos      `json:"-"`
}

// RootVolume is a server's system disk. SizeGB 0 means the image's
// min_disk (5.2.1 root_volume.size).
type RootVolume struct {
	Type   string `json:"type"`
	SizeGB int    `json:"size,omitempty"`
}

// DataVolume is a per-server data disk created with the server.
type DataVolume struct {
	Type   string `json:"type"`
	SizeGB int    `json:"size"`
	Pos    Pos    `json:"-"`
}

// NIC is one network interface. An empty IP means "allocate one"; fixed
// IPs only make sense for a set of count 1. SecurityGroups empty means the
// set's security groups.
type NIC struct {
	Subnet         string   `json:"subnet"`
	IP             string   `json:"ip,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"`
	Pos            Pos      `json:"-"`
}

// UserData is the user_data injected at create. Exactly one of Content or
// File was written in the fleet; Content holds the text either way after
// loading (File is kept to show where it came from). Sensitive user data is
// never shown in plans or logs.
type UserData struct {
	Content   string `json:"-"`
	File      string `json:"file,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// MarshalJSON shows user data unless it is sensitive, in which case only
// its length is shown.
func (u UserData) MarshalJSON() ([]byte, error) {
	type plain struct {
		Content   string `json:"content,omitempty"`
		Length    int    `json:"length"`
		File      string `json:"file,omitempty"`
		Sensitive bool   `json:"sensitive,omitempty"`
	}
	p := plain{Length: len(u.Content), File: u.File, Sensitive: u.Sensitive}
	if !u.Sensitive {
		p.Content = u.Content
	}
	return marshalJSON(p)
}

// String shows user data for people: sensitive content is replaced by its
// length, so a debug print of a server set cannot leak it.
func (u UserData) String() string {
	content := fmt.Sprintf("%q", u.Content)
	if u.Sensitive {
		content = fmt.Sprintf("(sensitive, %d bytes)", len(u.Content))
	}
	if u.File != "" {
		return fmt.Sprintf("user_data(file %s: %s)", u.File, content)
	}
	return fmt.Sprintf("user_data(%s)", content)
}

// GoString keeps %#v from printing sensitive content.
func (u UserData) GoString() string { return u.String() }

// Format makes every fmt verb (%v, %+v, %s, %x ...) print String.
func (u UserData) Format(f fmt.State, verb rune) { fmt.Fprint(f, u.String()) }

// Power states of a server set.
const (
	PowerOn  = "on"
	PowerOff = "off"
)

// Resize modes: live resize (5.21.2/5.21.7) or a stop-resize-start cycle
// (5.21.1/5.21.6).
const (
	ResizeLive    = "live"
	ResizeOffline = "offline"
)

// UpdatePolicy bounds disruptive changes (resize, stop/start, replace).
type UpdatePolicy struct {
	// MaxUnavailable is how many members may be disrupted at once: a count
	// ("2") or a percentage of the set ("25%"). Default "1".
	MaxUnavailable string `json:"max_unavailable"`
}

// MaxUnavailableCount resolves MaxUnavailable against a set of count
// members: a percentage rounds down but never below 1.
func (u UpdatePolicy) MaxUnavailableCount(count int) int {
	n, pct, ok := parseMaxUnavailable(u.MaxUnavailable)
	if !ok {
		return 1
	}
	if pct {
		n = count * n / 100
	}
	return max(1, min(n, max(count, 1)))
}

// ServerSet is a set of identical servers named as the API names them:
// count 1 is the bare name, count > 1 is name-0001 ... name-NNNN.
type ServerSet struct {
	Name  string `json:"name"`
	Count int    `json:"count"`

	Flavor           string            `json:"flavor"`
	Image            string            `json:"image"`
	AvailabilityZone string            `json:"availability_zone"`
	VPC              string            `json:"vpc"`
	SecurityGroups   []string          `json:"security_groups,omitempty"`
	NICs             []NIC             `json:"nics"`
	RootVolume       RootVolume        `json:"root_volume"`
	DataVolumes      []DataVolume      `json:"data_volumes,omitempty"`
	Keypair          string            `json:"keypair,omitempty"`
	ServerGroup      string            `json:"server_group,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
	Metadata         map[string]string `json:"metadata,omitempty"`
	UserData         *UserData         `json:"user_data,omitempty"`
	AdminPassword    *Secret           `json:"admin_password,omitempty"`

	// PasswordGeneration is the generation of AdminPassword. ecsfleet
	// never stores the secret or anything derived from it, so it cannot
	// see the secret change: a member whose recorded generation (metadata
	// PasswordGenerationKey) is lower than this has its password reset.
	// To rotate, change the secret and bump the generation. Always 0
	// without AdminPassword.
	PasswordGeneration int `json:"password_generation,omitempty"`

	PowerState     string       `json:"power_state"`
	ResizeMode     string       `json:"resize_mode"`
	UpdatePolicy   UpdatePolicy `json:"update_policy"`
	PreventDestroy bool         `json:"prevent_destroy,omitempty"`
	Description    string       `json:"description,omitempty"`

	// Inherited names the fields (by their fleet-file name) whose value
	// came from the fleet's defaults, for messages like "flavor (from
	// defaults)".
	Inherited map[string]bool `json:"-"`
	// FieldPos is where each field was written (by fleet-file name); an
	// inherited field points at the default.
	FieldPos map[string]Pos `json:"-"`
	Pos      Pos            `json:"-"`
}

// MemberName returns the name of member i (1-based) as the API names it.
func (s *ServerSet) MemberName(i int) string {
	if s.Count == 1 {
		return s.Name
	}
	return fmt.Sprintf("%s-%s", s.Name, rules.FormatPostfix(i))
}

// MemberNames returns the names of all members, in order.
func (s *ServerSet) MemberNames() []string {
	names := make([]string, s.Count)
	for i := range names {
		names[i] = s.MemberName(i + 1)
	}
	return names
}

// posOf returns where field was written, or the set's own position.
func (s *ServerSet) posOf(field string) Pos {
	if p, ok := s.FieldPos[field]; ok && p.IsValid() {
		return p
	}
	return s.Pos
}

// Ignore lists tag and metadata key prefixes owned by other systems; keys
// with these prefixes never cause drift and are never removed.
type Ignore struct {
	TagPrefixes      []string `json:"tag_prefixes"`
	MetadataPrefixes []string `json:"metadata_prefixes"`
}

// DefaultIgnorePrefixes are the prefixes HCS itself and its neighbours
// (CCE, the cascading layer) write on servers.
var DefaultIgnorePrefixes = []string{"_sys_", "CCE-", "cascaded."}

// IgnoresTag reports whether a tag key belongs to another system.
func (ig Ignore) IgnoresTag(key string) bool { return hasAnyPrefix(key, ig.TagPrefixes) }

// IgnoresMetadata reports whether a metadata key belongs to another system.
func (ig Ignore) IgnoresMetadata(key string) bool { return hasAnyPrefix(key, ig.MetadataPrefixes) }

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}

// TotalServers is the number of servers the fleet describes.
func (f *Fleet) TotalServers() int {
	n := 0
	for i := range f.Servers {
		n += f.Servers[i].Count
	}
	return n
}

// ServerSet returns the set with the given name, or nil.
func (f *Fleet) ServerSet(name string) *ServerSet {
	for i := range f.Servers {
		if f.Servers[i].Name == name {
			return &f.Servers[i]
		}
	}
	return nil
}
