package spec

// The raw description is what a front end (YAML or HCL) read, before
// defaults are merged and rules checked. Every field remembers whether it
// was written and where, so the shared build step can tell "unset, inherit
// the default" from "set to the zero value", and can point at the line.

// field is one scalar or list value as written in the file.
type field[T any] struct {
	V   T
	Pos Pos
	Set bool
	// Seen is true when the field was written, even if its value was
	// refused; validation then skips "missing" errors that would only
	// repeat the first one.
	Seen bool
}

func (f *field[T]) set(v T, p Pos) { f.V, f.Pos, f.Set, f.Seen = v, p, true, true }

// strMap is a string map that remembers each key's position and the order
// keys were written in (for diagnostics in file order).
type strMap struct {
	V      map[string]string
	Keys   []string
	KeyPos map[string]Pos
}

func (m *strMap) put(k, v string, p Pos) {
	if m.V == nil {
		m.V, m.KeyPos = map[string]string{}, map[string]Pos{}
	}
	if _, dup := m.V[k]; !dup {
		m.Keys = append(m.Keys, k)
	}
	m.V[k], m.KeyPos[k] = v, p
}

type rawFleet struct {
	Name, Project       field[string]
	AllowLiteralSecrets field[bool]
	Defaults            *rawDefaults
	Keypairs            []rawKeypair
	ServerGroups        []rawGroup
	Volumes             []rawVolume
	Servers             []rawSet
	Ignore              *rawIgnore
	Pos                 Pos
}

type rawDefaults struct {
	AvailabilityZone, VPC, Image, Flavor, Keypair field[string]
	SecurityGroups                                field[[]string]
	Tags                                          field[strMap]
	RootVolume                                    *rawRoot
	Pos                                           Pos
}

type rawRoot struct {
	Type field[string]
	Size field[int]
	Pos  Pos
}

type rawKeypair struct {
	Name, PublicKey, PublicKeyFile, PrivateKeyFile field[string]
	Create                                         field[bool]
	Pos                                            Pos
}

type rawGroup struct {
	Name, Policy field[string]
	Pos          Pos
}

type rawVolume struct {
	Name, Type field[string]
	Size       field[int]
	AttachTo   field[[]string]
	Pos        Pos
}

type rawNIC struct {
	Subnet, IP     field[string]
	SecurityGroups field[[]string]
	Pos            Pos
}

type rawDataVolume struct {
	Type field[string]
	Size field[int]
	Pos  Pos
}

type rawUserData struct {
	Content, File field[string]
	Sensitive     field[bool]
	Pos           Pos
}

// rawSecret is a secret as written: a reference (env, file), a variable,
// or a literal.
type rawSecret struct {
	Kind  secretKind
	Ref   string
	Value string
	Pos   Pos
}

type rawSet struct {
	Name, Flavor, Image, AvailabilityZone, VPC field[string]
	Keypair, ServerGroup, PowerState           field[string]
	ResizeMode, Description                    field[string]
	Count                                      field[int]
	SecurityGroups                             field[[]string]
	NICs                                       field[[]rawNIC]
	DataVolumes                                field[[]rawDataVolume]
	Tags, Metadata                             field[strMap]
	PreventDestroy                             field[bool]
	MaxUnavailable                             field[string]
	RootVolume                                 *rawRoot
	UserData                                   *rawUserData
	AdminPassword                              *rawSecret
	Pos                                        Pos
}

type rawIgnore struct {
	TagPrefixes, MetadataPrefixes field[[]string]
	Pos                           Pos
}

// Field names, shared by both syntaxes: the YAML key and the HCL attribute
// or block are the same word (HCL blocks use the singular of a YAML list:
// servers -> server, nics -> nic). Unknown-field hints are drawn from these.
var (
	fleetFields    = []string{"name", "project", "allow_literal_secrets", "variables", "defaults", "keypairs", "server_groups", "volumes", "servers", "ignore"}
	defaultsFields = []string{"availability_zone", "vpc", "image", "flavor", "root_volume", "security_groups", "keypair", "tags"}
	keypairFields  = []string{"name", "public_key", "public_key_file", "create", "private_key_file"}
	groupFields    = []string{"name", "policy"}
	volumeFields   = []string{"name", "size", "type", "attach_to"}
	setFields      = []string{"name", "count", "flavor", "image", "availability_zone", "vpc", "security_groups", "nics",
		"root_volume", "data_volumes", "keypair", "server_group", "tags", "metadata", "user_data", "admin_password",
		"power_state", "resize_mode", "update_policy", "prevent_destroy", "description"}
	nicFields          = []string{"subnet", "ip", "security_groups"}
	rootFields         = []string{"type", "size"}
	dataVolumeFields   = []string{"type", "size"}
	userDataFields     = []string{"content", "file", "sensitive"}
	secretFields       = []string{"env", "file"}
	updatePolicyFields = []string{"max_unavailable"}
	ignoreFields       = []string{"tag_prefixes", "metadata_prefixes"}
)
