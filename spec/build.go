package spec

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// Identity marks the planner writes on every server it creates. Both are tags given at create (5.2.1 server_tags): create's
// metadata takes no user data, and a tag survives an out-of-band rename.
// A member's identity within its set is the API's own member name. The
// marks are reserved (a fleet file may not set them) and take two of the
// API's 10 tags per server.
const (
	// OwnerTagKey is the tag whose value is the fleet name.
	OwnerTagKey = "ecsfleet"
	// SetTagKey is the tag whose value is the name of the server set the
	// server belongs to, so a member renamed out of band is still
	// recognised as one.
	SetTagKey = "ecsfleet-set"
	// MaxUserTags is the tags a fleet may set per server: the API's 10
	// minus the two identity tags.
	MaxUserTags = rules.MaxTagsPerServer - 2
)

// ecsfleet's own metadata. Fleet metadata is not sent at create (5.2.1
// create metadata takes no user data); the planner writes it, and its
// own keys, after create through 5.9. Keys with MetadataPrefix are
// reserved for ecsfleet's bookkeeping: a fleet file may not set them.
const (
	// MetadataPrefix starts every metadata key ecsfleet keeps for itself.
	MetadataPrefix = "ecsfleet:"
	// PasswordGenerationKey holds the password_generation whose admin
	// password a server has; a lower value than the file's means the
	// password is due to be (re)set by a batch reset.
	PasswordGenerationKey = MetadataPrefix + "password_generation"
	// PreventDestroyKey marks a server whose set has prevent_destroy, so
	// the protection holds even after the set leaves the fleet file.
	PreventDestroyKey = MetadataPrefix + "prevent_destroy"
)

// Defaults applied when neither the set nor the fleet's defaults say.
const (
	DefaultPowerState     = PowerOn
	DefaultResizeMode     = ResizeOffline
	DefaultMaxUnavailable = "1"
)

// builder turns the raw description into the Fleet model: it merges
// defaults, reads referenced files, and checks every rule (validate.go).
type builder struct {
	sink *diagSink
	opts *LoadOptions
	file string
}

// path resolves a path written in the fleet against the base directory.
func (b *builder) path(p string) string {
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[2:])
		}
	}
	if filepath.IsAbs(p) || b.opts.BaseDir == "" {
		return p
	}
	return filepath.Join(b.opts.BaseDir, p)
}

// projectRe is a project id or name. The project goes into every API
// path, so nothing path-shaped passes: no /, \, ?, #, %, space or "..".
var projectRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

func (b *builder) build(r *rawFleet) *Fleet {
	f := &Fleet{File: b.file, Pos: r.Pos, Name: r.Name.V, Project: r.Project.V}
	switch {
	case !r.Name.Set && r.Name.Seen:
		// written but refused (a list, an unknown variable): its own error says why
	case !r.Name.Set:
		b.sink.errorf(r.Pos, "the fleet has no name").hint("add name: my-fleet; it becomes the ownership tag on every server")
	default:
		if err := fleetName(f.Name); err != nil {
			b.sink.errorf(r.Name.Pos, "fleet %s", err.Error()).hint("the fleet name is the value of the %q tag on every server", OwnerTagKey)
		}
	}
	if r.Project.Set && !projectRe.MatchString(f.Project) || strings.Contains(f.Project, "..") {
		b.sink.errorf(r.Project.Pos, "project %q is not a project id or name: it takes 1-64 characters of A-Z a-z 0-9 _ - ., starting with a letter or digit, and no \"..\"", f.Project).
			hint("the project is a path segment of every API call (/v2.1/{project_id}/...); write its id (32 hex digits) or its name, e.g. cn-north-4_shop")
	}
	if r.Defaults != nil {
		f.Defaults = b.defaults(r.Defaults)
	}
	for i := range r.Keypairs {
		f.Keypairs = append(f.Keypairs, b.keypair(&r.Keypairs[i]))
	}
	for _, g := range r.ServerGroups {
		f.ServerGroups = append(f.ServerGroups, ServerGroup{Name: g.Name.V, Policy: g.Policy.V, Pos: g.Pos})
	}
	for _, v := range r.Volumes {
		f.Volumes = append(f.Volumes, Volume{Name: v.Name.V, SizeGB: v.Size.V, Type: v.Type.V, AttachTo: v.AttachTo.V, Pos: v.Pos})
	}
	allowLiteral := b.opts.AllowLiteralSecrets || (r.AllowLiteralSecrets.Set && r.AllowLiteralSecrets.V)
	for i := range r.Servers {
		f.Servers = append(f.Servers, b.set(&r.Servers[i], r.Defaults, allowLiteral))
	}
	f.Ignore = Ignore{TagPrefixes: slices.Clone(DefaultIgnorePrefixes), MetadataPrefixes: slices.Clone(DefaultIgnorePrefixes)}
	if ig := r.Ignore; ig != nil {
		if ig.TagPrefixes.Set {
			f.Ignore.TagPrefixes = ig.TagPrefixes.V
		}
		if ig.MetadataPrefixes.Set {
			f.Ignore.MetadataPrefixes = ig.MetadataPrefixes.V
		}
	}
	v := &validator{sink: b.sink, f: f, raw: r}
	v.validate()
	return f
}

// fleetName checks a fleet name: it is written as a tag value, so the tag
// value rule applies, and it must not be empty.
func fleetName(name string) error {
	if name == "" {
		return errEmptyName
	}
	return rules.TagValue(name)
}

type simpleErr string

func (e simpleErr) Error() string { return string(e) }

const errEmptyName = simpleErr("name is empty")

func (b *builder) defaults(r *rawDefaults) Defaults {
	d := Defaults{
		AvailabilityZone: r.AvailabilityZone.V,
		VPC:              r.VPC.V,
		Image:            r.Image.V,
		Flavor:           r.Flavor.V,
		SecurityGroups:   r.SecurityGroups.V,
		Keypair:          r.Keypair.V,
		Tags:             r.Tags.V.V,
		Pos:              r.Pos,
	}
	if r.RootVolume != nil {
		d.RootVolume = &RootVolume{Type: r.RootVolume.Type.V, SizeGB: r.RootVolume.Size.V}
	}
	return d
}

func (b *builder) keypair(r *rawKeypair) Keypair {
	k := Keypair{Name: r.Name.V, PublicKey: r.PublicKey.V, Create: r.Create.V, Pos: r.Pos}
	if r.PublicKeyFile.Set {
		k.PublicKeyFile = b.path(r.PublicKeyFile.V)
		if data, err := readSideFile(k.PublicKeyFile, 64<<10); err != nil {
			b.sink.errorf(r.PublicKeyFile.Pos, "cannot read public_key_file %q: %v", r.PublicKeyFile.V, err)
		} else {
			k.PublicKey = strings.TrimSpace(string(data))
		}
	}
	if r.PrivateKeyFile.Set {
		k.PrivateKeyFile = b.path(r.PrivateKeyFile.V)
	}
	return k
}

// set builds one server set, merging the fleet's defaults into it.
func (b *builder) set(r *rawSet, defs *rawDefaults, allowLiteral bool) ServerSet {
	s := ServerSet{
		Name:           r.Name.V,
		Count:          1,
		ServerGroup:    r.ServerGroup.V,
		Metadata:       r.Metadata.V.V,
		PowerState:     DefaultPowerState,
		ResizeMode:     DefaultResizeMode,
		UpdatePolicy:   UpdatePolicy{MaxUnavailable: DefaultMaxUnavailable},
		PreventDestroy: r.PreventDestroy.V,
		Description:    r.Description.V,
		Inherited:      map[string]bool{},
		FieldPos:       map[string]Pos{},
		Pos:            r.Pos,
	}
	if defs == nil {
		defs = &rawDefaults{}
	}
	note := func(name string, f Pos, set bool) {
		if set {
			s.FieldPos[name] = f
		}
	}
	note("name", r.Name.Pos, r.Name.Set)
	if r.Count.Set {
		s.Count = r.Count.V
		note("count", r.Count.Pos, true)
	}
	// inherit picks the set's own value, else the default's, recording which.
	inherit := func(name string, own, def field[string]) string {
		if own.Set {
			s.FieldPos[name] = own.Pos
			return own.V
		}
		if def.Set {
			s.FieldPos[name] = def.Pos
			s.Inherited[name] = true
			return def.V
		}
		return ""
	}
	s.Flavor = inherit("flavor", r.Flavor, defs.Flavor)
	s.Image = inherit("image", r.Image, defs.Image)
	s.AvailabilityZone = inherit("availability_zone", r.AvailabilityZone, defs.AvailabilityZone)
	s.VPC = inherit("vpc", r.VPC, defs.VPC)
	s.Keypair = inherit("keypair", r.Keypair, defs.Keypair)
	switch {
	case r.SecurityGroups.Set:
		s.SecurityGroups = r.SecurityGroups.V
		note("security_groups", r.SecurityGroups.Pos, true)
	case defs.SecurityGroups.Set:
		s.SecurityGroups = defs.SecurityGroups.V
		s.FieldPos["security_groups"] = defs.SecurityGroups.Pos
		s.Inherited["security_groups"] = true
	}
	note("server_group", r.ServerGroup.Pos, r.ServerGroup.Set)
	note("metadata", r.Metadata.Pos, r.Metadata.Set)
	note("description", r.Description.Pos, r.Description.Set)
	for _, n := range r.NICs.V {
		s.NICs = append(s.NICs, NIC{Subnet: n.Subnet.V, IP: n.IP.V, SecurityGroups: n.SecurityGroups.V, Pos: n.Pos})
	}
	note("nics", r.NICs.Pos, r.NICs.Set)
	for _, d := range r.DataVolumes.V {
		s.DataVolumes = append(s.DataVolumes, DataVolume{Type: d.Type.V, SizeGB: d.Size.V, Pos: d.Pos})
	}
	note("data_volumes", r.DataVolumes.Pos, r.DataVolumes.Set)

	// Root volume: field by field, so a set may change only the size.
	var own, def rawRoot
	if r.RootVolume != nil {
		own = *r.RootVolume
		note("root_volume", own.Pos, true)
	}
	if defs.RootVolume != nil {
		def = *defs.RootVolume
		if r.RootVolume == nil {
			s.FieldPos["root_volume"] = def.Pos
			s.Inherited["root_volume"] = true
		}
	}
	s.RootVolume.Type = inherit("root_volume.type", own.Type, def.Type)
	if own.Size.Set {
		s.RootVolume.SizeGB = own.Size.V
		s.FieldPos["root_volume.size"] = own.Size.Pos
	} else if def.Size.Set {
		s.RootVolume.SizeGB = def.Size.V
		s.FieldPos["root_volume.size"] = def.Size.Pos
		s.Inherited["root_volume.size"] = true
	}

	// Tags: the defaults' tags, then the set's (a set's key wins).
	if defs.Tags.Set || r.Tags.Set {
		s.Tags = map[string]string{}
		for _, k := range defs.Tags.V.Keys {
			s.Tags[k] = defs.Tags.V.V[k]
		}
		for _, k := range r.Tags.V.Keys {
			s.Tags[k] = r.Tags.V.V[k]
		}
		if r.Tags.Set {
			note("tags", r.Tags.Pos, true)
		} else {
			s.FieldPos["tags"] = defs.Tags.Pos
			s.Inherited["tags"] = true
		}
	}

	if p := r.PowerState; p.Set {
		s.PowerState = p.V
		note("power_state", p.Pos, true)
	}
	if m := r.ResizeMode; m.Set {
		s.ResizeMode = m.V
		note("resize_mode", m.Pos, true)
	}
	if m := r.MaxUnavailable; m.Set {
		s.UpdatePolicy.MaxUnavailable = strings.TrimSpace(m.V)
		note("update_policy", m.Pos, true)
	}
	if u := r.UserData; u != nil {
		s.UserData = b.userData(u)
		note("user_data", u.Pos, true)
	}
	if p := r.AdminPassword; p != nil && p.Kind != secretRefused {
		s.AdminPassword = b.secret(p, s.Name, allowLiteral)
		note("admin_password", p.Pos, true)
	}
	if g := r.PasswordGeneration; g.Set {
		s.PasswordGeneration = g.V
		note("password_generation", g.Pos, true)
	}
	return s
}

func (b *builder) userData(r *rawUserData) *UserData {
	u := &UserData{Content: r.Content.V, Sensitive: r.Sensitive.V}
	switch {
	case r.Content.Set && r.File.Set:
		b.sink.errorf(r.Pos, "user_data has both content and file").hint("choose one")
	case r.File.Set:
		u.File = b.path(r.File.V)
		st, err := os.Stat(u.File)
		if err == nil && st.Mode().IsRegular() && st.Size() > rules.MaxUserDataBytes {
			b.sink.errorf(r.File.Pos, "user_data file %q is %d bytes; the API allows %d bytes (32 KB) before base64", r.File.V, st.Size(), rules.MaxUserDataBytes)
			break
		}
		data, err := readSideFile(u.File, maxSideFile)
		if err != nil {
			b.sink.errorf(r.File.Pos, "cannot read user_data file %q: %v", r.File.V, err)
			break
		}
		u.Content = string(data)
	case !r.Content.Seen && !r.File.Seen:
		b.sink.errorf(r.Pos, "user_data needs content or file")
	}
	if u.Sensitive {
		b.sink.red.value(u.Content) // never quoted in a diagnostic, wherever it came from
	}
	if err := rules.UserData([]byte(u.Content)); err != nil && !r.File.Set {
		b.sink.errorf(r.Pos, "%s", err.Error())
	}
	return u
}

// secret builds a Secret and checks the password's complexity when its
// value is available now. An unset environment variable or missing file is
// a warning, not an error: validation often runs (in CI, in review)
// without the secrets that plan and apply will have.
func (b *builder) secret(r *rawSecret, set string, allowLiteral bool) *Secret {
	s := &Secret{kind: r.Kind, ref: r.Ref, value: r.Value, env: b.opts.lookupEnv(), Pos: r.Pos}
	b.sink.red.value(r.Value)
	switch r.Kind {
	case secretLiteral:
		if !allowLiteral {
			b.sink.errorf(r.Pos, "admin_password of server set %q is written in the file; passwords must come from a secret reference", set).
				hint("write admin_password: ${env.NAME} or {file: PATH}, or set allow_literal_secrets: true")
			return s
		}
	case secretVar:
		if r.FromDefault && !allowLiteral {
			b.sink.errorf(r.Pos, "admin_password of server set %q comes from the default of variable %s, written in the file; passwords must come from a secret reference", set, r.Ref).
				hint("remove the default and give the value with --var %s=... or --var-file, or write admin_password: ${env.NAME} or {file: PATH}", r.Ref)
			return s
		}
	case secretFile:
		s.ref = b.path(r.Ref)
	case secretEnv:
		if !identRe.MatchString(r.Ref) {
			// Not quoted, and masked: a "name" that is not one is likely a pasted password.
			b.sink.red.value(r.Ref)
			b.sink.errorf(r.Pos, "admin_password env is not a valid environment variable name").hint("env takes the NAME of a variable that holds the password")
			return s
		}
	}
	v, err := s.Resolve()
	if err != nil {
		b.sink.warnf(r.Pos, "admin_password of server set %q cannot be checked now: %s", set, err.Error()).hint("%s", missingSecretHint(s))
		return s
	}
	b.sink.red.value(v)
	if err := rules.Password(v); err != nil {
		b.sink.errorf(r.Pos, "admin_password of server set %q (%s): %s", set, s.String(), err.Error())
	}
	return s
}

// missingSecretHint tells a newcomer who has not got the secret (an
// example's password, a CI job without secrets) that the warning is
// expected, and how to give the value when plan and apply need it.
func missingSecretHint(s *Secret) string {
	if s.kind == secretFile {
		return "expected until the file exists (plan and apply need it): write the password in it, on one line, readable by you only"
	}
	return "expected until " + s.ref + " is set (plan and apply need it): export " + s.ref + "='<password>', " +
		strconv.Itoa(rules.MinPasswordLen) + " to " + strconv.Itoa(rules.MaxPasswordLen) +
		" characters mixing 3 of upper case, lower case, digits and specials"
}

// parseMaxUnavailable reads "N" or "N%".
func parseMaxUnavailable(s string) (n int, pct, ok bool) {
	s = strings.TrimSpace(s)
	if t, found := strings.CutSuffix(s, "%"); found {
		s, pct = strings.TrimSpace(t), true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, pct, false
	}
	return n, pct, true
}

// validIPv4 reports whether s is a dotted IPv4 address (5.2.1 nic.ip_address is IPv4).
func validIPv4(s string) bool {
	ip := net.ParseIP(s)
	return ip != nil && ip.To4() != nil && strings.Count(s, ".") == 3
}
