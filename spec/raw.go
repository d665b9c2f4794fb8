package spec

import "reflect"

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
	Name                field[string] `fleet:"name"`
	Project             field[string] `fleet:"project"`
	AllowLiteralSecrets field[bool]   `fleet:"allow_literal_secrets"`
	_                   struct{}      `fleet:"variables,block=variable,early"`
	Defaults            *rawDefaults  `fleet:"defaults"`
	Keypairs            []rawKeypair  `fleet:"keypairs,block=keypair,item=a keypair"`
	ServerGroups        []rawGroup    `fleet:"server_groups,block=server_group,item=a server group"`
	Volumes             []rawVolume   `fleet:"volumes,block=volume,item=a volume"`
	Servers             []rawSet      `fleet:"servers,block=server,item=a server set"`
	Ignore              *rawIgnore    `fleet:"ignore"`
	Pos                 Pos
}

type rawDefaults struct {
	AvailabilityZone field[string]   `fleet:"availability_zone"`
	VPC              field[string]   `fleet:"vpc"`
	Image            field[string]   `fleet:"image"`
	Flavor           field[string]   `fleet:"flavor"`
	RootVolume       *rawRoot        `fleet:"root_volume"`
	SecurityGroups   field[[]string] `fleet:"security_groups"`
	Keypair          field[string]   `fleet:"keypair"`
	Tags             field[strMap]   `fleet:"tags"`
	Pos              Pos
}

type rawRoot struct {
	Type field[string] `fleet:"type"`
	Size field[int]    `fleet:"size"`
	Pos  Pos
}

type rawKeypair struct {
	Name           field[string] `fleet:"name,label"`
	PublicKey      field[string] `fleet:"public_key"`
	PublicKeyFile  field[string] `fleet:"public_key_file"`
	Create         field[bool]   `fleet:"create"`
	PrivateKeyFile field[string] `fleet:"private_key_file"`
	Pos            Pos
}

type rawGroup struct {
	Name   field[string] `fleet:"name,label"`
	Policy field[string] `fleet:"policy"`
	Pos    Pos
}

type rawVolume struct {
	Name     field[string]   `fleet:"name,label"`
	Size     field[int]      `fleet:"size"`
	Type     field[string]   `fleet:"type"`
	AttachTo field[[]string] `fleet:"attach_to"`
	Pos      Pos
}

type rawNIC struct {
	Subnet         field[string]   `fleet:"subnet"`
	IP             field[string]   `fleet:"ip"`
	SecurityGroups field[[]string] `fleet:"security_groups"`
	Pos            Pos
}

type rawDataVolume struct {
	Type field[string] `fleet:"type"`
	Size field[int]    `fleet:"size"`
	Pos  Pos
}

type rawUserData struct {
	Content   field[string] `fleet:"content,secretif=Sensitive"`
	File      field[string] `fleet:"file"`
	Sensitive field[bool]   `fleet:"sensitive"`
	Pos       Pos
}

// rawSecret is a secret as written: a reference (env, file), a variable,
// or a literal. Its shapes are read by each front end's secret reader;
// only the reference form's fields are declared, in rawSecretRef.
type rawSecret struct {
	Kind  secretKind
	Ref   string
	Value string
	Pos   Pos
	// FromDefault is set for a var secret whose value is the variable's
	// default written in the fleet file: a literal password by another name.
	FromDefault bool
}

// rawSecretRef is the mapping form of a secret: {env: NAME} or {file: PATH}.
type rawSecretRef struct {
	Env  field[string] `fleet:"env"`
	File field[string] `fleet:"file"`
}

// secret turns the mapping form into a reference at p, or reports why it
// is not one; needs says how to write one in the syntax at hand.
func (ref *rawSecretRef) secret(p Pos, sink *diagSink, needs string) *rawSecret {
	r := &rawSecret{Pos: p}
	switch {
	case ref.Env.Set && ref.File.Set:
		sink.errorf(p, "admin_password has both env and file").hint("choose one")
		return nil
	case ref.Env.Set:
		r.Kind, r.Ref = secretEnv, ref.Env.V
	case ref.File.Set:
		r.Kind, r.Ref = secretFile, ref.File.V
	case ref.Env.Seen || ref.File.Seen:
		return nil // written but refused: its own error says why
	default:
		sink.errorf(p, "admin_password needs %s", needs)
		return nil
	}
	return r
}

// rawUpdatePolicy is embedded in rawSet: the language nests it
// (update_policy: {max_unavailable: ...}) but the build step reads the
// field as r.MaxUnavailable.
type rawUpdatePolicy struct {
	MaxUnavailable field[string] `fleet:"max_unavailable"`
}

type rawSet struct {
	Name               field[string]          `fleet:"name,label"`
	Count              field[int]             `fleet:"count"`
	Flavor             field[string]          `fleet:"flavor"`
	Image              field[string]          `fleet:"image"`
	AvailabilityZone   field[string]          `fleet:"availability_zone"`
	VPC                field[string]          `fleet:"vpc"`
	SecurityGroups     field[[]string]        `fleet:"security_groups"`
	NICs               field[[]rawNIC]        `fleet:"nics,block=nic,item=a NIC"`
	RootVolume         *rawRoot               `fleet:"root_volume"`
	DataVolumes        field[[]rawDataVolume] `fleet:"data_volumes,block=data_volume,item=a data volume"`
	Keypair            field[string]          `fleet:"keypair"`
	ServerGroup        field[string]          `fleet:"server_group"`
	Tags               field[strMap]          `fleet:"tags"`
	Metadata           field[strMap]          `fleet:"metadata"`
	UserData           *rawUserData           `fleet:"user_data,short=content"`
	AdminPassword      *rawSecret             `fleet:"admin_password"`
	PasswordGeneration field[int]             `fleet:"password_generation"`
	PowerState         field[string]          `fleet:"power_state"`
	ResizeMode         field[string]          `fleet:"resize_mode"`
	rawUpdatePolicy    `fleet:"update_policy"`
	PreventDestroy     field[bool]   `fleet:"prevent_destroy"`
	Description        field[string] `fleet:"description"`
	Pos                Pos
}

type rawIgnore struct {
	TagPrefixes      field[[]string] `fleet:"tag_prefixes"`
	MetadataPrefixes field[[]string] `fleet:"metadata_prefixes"`
	Pos              Pos
}

// The field tables of the objects the front ends start from, and the
// fleet's variables field, which they read before the walk.
var (
	fleetObject     = objectOf(reflect.TypeFor[rawFleet]())
	secretRefObject = objectOf(reflect.TypeFor[rawSecretRef]())
	variablesField  = fleetObject.byName["variables"]
)
