package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// validator checks the built fleet against the API's rules (through
// ecs/rules) and the fleet's own consistency (references, duplicates,
// member-name collisions). It only reports; it never changes the fleet.
type validator struct {
	sink *diagSink
	f    *Fleet
	raw  *rawFleet

	keypairs, groups, sets map[string]bool
}

func (v *validator) validate() {
	v.keypairs = v.uniqueNames("keypair", len(v.f.Keypairs), func(i int) field[string] {
		return v.raw.Keypairs[i].Name
	}, func(i int) Pos { return v.raw.Keypairs[i].Pos })
	v.groups = v.uniqueNames("server group", len(v.f.ServerGroups), func(i int) field[string] {
		return v.raw.ServerGroups[i].Name
	}, func(i int) Pos { return v.raw.ServerGroups[i].Pos })
	v.sets = v.uniqueNames("server set", len(v.f.Servers), func(i int) field[string] {
		return v.raw.Servers[i].Name
	}, func(i int) Pos { return v.raw.Servers[i].Pos })
	v.uniqueNames("volume", len(v.f.Volumes), func(i int) field[string] {
		return v.raw.Volumes[i].Name
	}, func(i int) Pos { return v.raw.Volumes[i].Pos })

	v.defaults()
	for i := range v.f.Keypairs {
		v.keypair(&v.f.Keypairs[i], &v.raw.Keypairs[i])
	}
	for i := range v.f.ServerGroups {
		g := &v.raw.ServerGroups[i]
		if g.Name.Set {
			if err := rules.ServerGroupName(g.Name.V); err != nil {
				v.sink.errorf(g.Name.Pos, "%s", err)
			}
		}
		if !g.Policy.Seen {
			v.sink.errorf(g.Pos, "server group %q has no policy", g.Name.V).hint("policy is one of %s", strings.Join(rules.ServerGroupPolicies, ", "))
		} else if !g.Policy.Set {
			// written but refused: its own error is enough
		} else if err := rules.ServerGroupPolicy(g.Policy.V); err != nil {
			d := v.sink.errorf(g.Policy.Pos, "%s", err)
			if s := Suggest(g.Policy.V, rules.ServerGroupPolicies); s != "" {
				d.hint("did you mean %q?", s)
			}
		}
	}
	sharedPerSet := map[string]int{}
	for i := range v.f.Volumes {
		v.volume(&v.f.Volumes[i], &v.raw.Volumes[i], sharedPerSet)
	}
	for i := range v.f.Servers {
		v.set(&v.f.Servers[i], &v.raw.Servers[i], sharedPerSet[v.f.Servers[i].Name])
	}
	v.memberCollisions()
	v.fixedIPs()
	for _, prefixes := range [][]string{v.f.Ignore.TagPrefixes, v.f.Ignore.MetadataPrefixes} {
		for _, p := range prefixes {
			if p == "" {
				v.sink.errorf(v.ignorePos(), "an empty ignore prefix would ignore every key")
			}
		}
	}
}

func (v *validator) ignorePos() Pos {
	if v.raw.Ignore != nil {
		return v.raw.Ignore.Pos
	}
	return v.raw.Pos
}

// uniqueNames reports missing and duplicate names of one kind of object
// and returns the set of names defined.
func (v *validator) uniqueNames(kind string, n int, name func(int) field[string], pos func(int) Pos) map[string]bool {
	seen := map[string]Pos{}
	for i := 0; i < n; i++ {
		f := name(i)
		if !f.Set {
			if !f.Seen { // a name written but refused has its own error
				v.sink.errorf(pos(i), "this %s has no name", kind)
			}
			continue
		}
		s, p := f.V, f.Pos
		if first, dup := seen[s]; dup {
			v.sink.errorf(p, "%s %q is defined twice", kind, s).hint("the first is at line %d", first.Line)
			continue
		}
		seen[s] = p
	}
	out := make(map[string]bool, len(seen))
	for s := range seen {
		out[s] = true
	}
	return out
}

func (v *validator) defaults() {
	d := v.raw.Defaults
	if d == nil {
		return
	}
	if d.Keypair.Set && !v.keypairs[d.Keypair.V] {
		v.undefined(d.Keypair.Pos, "keypair", d.Keypair.V, v.keypairs)
	}
	v.tagsAt(d.Tags, "defaults")
	if d.RootVolume != nil && d.RootVolume.Size.Set {
		if err := rules.VolumeSize(d.RootVolume.Size.V); err != nil {
			v.sink.errorf(d.RootVolume.Size.Pos, "root_volume %s", err)
		}
	}
}

// undefined reports a reference to an object the fleet does not define.
func (v *validator) undefined(p Pos, kind, name string, defined map[string]bool) {
	d := v.sink.errorf(p, "%s %q is not defined in this fleet", kind, name)
	names := make([]string, 0, len(defined))
	for k := range defined {
		names = append(names, k)
	}
	sort.Strings(names)
	switch {
	case Suggest(name, names) != "":
		d.hint("did you mean %q?", Suggest(name, names))
	case len(names) == 0:
		d.hint("define it under %ss", strings.ReplaceAll(kind, " ", "_"))
	default:
		d.hint("defined: %s", strings.Join(names, ", "))
	}
}

func (v *validator) keypair(k *Keypair, r *rawKeypair) {
	if r.Name.Set {
		if err := rules.KeypairName(k.Name); err != nil {
			v.sink.errorf(r.Name.Pos, "%s", err)
		}
	}
	sources := 0
	// A source written but refused (create: maybe) still counts as one:
	// it has its own error, and "needs a source" would only repeat it.
	for _, set := range []bool{r.PublicKey.Seen, r.PublicKeyFile.Seen, r.Create.Seen && (r.Create.V || !r.Create.Set)} {
		if set {
			sources++
		}
	}
	switch {
	case sources == 0:
		v.sink.errorf(r.Pos, "keypair %q needs public_key, public_key_file, or create: true", k.Name)
	case sources > 1:
		v.sink.errorf(r.Pos, "keypair %q has more than one of public_key, public_key_file and create", k.Name).hint("a keypair is either imported or created by the cloud")
	}
	if k.Create && !r.PrivateKeyFile.Seen {
		v.sink.errorf(r.Pos, "keypair %q is created by the cloud but has no private_key_file", k.Name).hint("the private key is returned once (5.30.2); say where to write it")
	}
	if !k.Create && r.PrivateKeyFile.Set {
		v.sink.errorf(r.PrivateKeyFile.Pos, "private_key_file is only used with create: true")
	}
	if k.PublicKey != "" {
		p := r.PublicKey.Pos
		if !r.PublicKey.Set {
			p = r.PublicKeyFile.Pos
		}
		if !strings.HasPrefix(k.PublicKey, "ssh-") && !strings.HasPrefix(k.PublicKey, "ecdsa-") {
			v.sink.errorf(p, "keypair %q: the public key does not look like an OpenSSH public key", k.Name).hint("it should start with ssh-rsa, ssh-ed25519 or ecdsa-")
		} else if len(k.PublicKey) > 1024 {
			v.sink.warnf(p, "keypair %q: the public key is %d bytes; 5.30.2 says keys over 1024 bytes fail to inject into servers", k.Name, len(k.PublicKey))
		}
	}
}

func (v *validator) volume(vol *Volume, r *rawVolume, sharedPerSet map[string]int) {
	if r.Name.Set {
		if err := rules.RenameName(vol.Name); err != nil {
			v.sink.errorf(r.Name.Pos, "volume %s", err)
		}
	}
	if !r.Size.Seen {
		v.sink.errorf(r.Pos, "volume %q has no size", vol.Name).hint("size in GB, %d to %d", rules.MinVolumeSizeGB, rules.MaxVolumeSizeGB)
	} else if r.Size.Set {
		if err := rules.VolumeSize(vol.SizeGB); err != nil {
			v.sink.errorf(r.Size.Pos, "%s", err)
		}
	}
	if missingValue(r.Type) {
		v.sink.errorf(r.Pos, "volume %q has no type", vol.Name).hint("for example SATA, SAS or SSD")
	}
	if !r.AttachTo.Set {
		if !r.AttachTo.Seen {
			v.sink.errorf(r.Pos, "volume %q is attached to no server set", vol.Name).hint("attach_to lists the server sets that share it")
		}
		return
	}
	if len(vol.AttachTo) == 0 {
		v.sink.errorf(r.Pos, "volume %q is attached to no server set", vol.Name).hint("attach_to lists the server sets that share it")
		return
	}
	servers, seen := 0, map[string]bool{}
	for _, name := range vol.AttachTo {
		if seen[name] {
			v.sink.errorf(r.AttachTo.Pos, "volume %q lists server set %q twice in attach_to", vol.Name, name)
			continue
		}
		seen[name] = true
		s := v.f.ServerSet(name)
		if s == nil {
			v.undefined(r.AttachTo.Pos, "server set", name, v.sets)
			continue
		}
		servers += s.Count
		sharedPerSet[name]++
	}
	if err := rules.SharedVolumeServers(servers); err != nil {
		v.sink.errorf(r.AttachTo.Pos, "volume %q: %s (the sum of the counts of %s)", vol.Name, err, strings.Join(vol.AttachTo, ", "))
	}
}

func (v *validator) set(s *ServerSet, r *rawSet, shared int) {
	name := s.Name
	if r.Name.Set {
		v.setName(s, r.Name.Pos)
	}
	// Count: one create call's worth, 1..1000 (5.2.1), so a set is always
	// created by exactly one call. 0 and >1000 are refused with what to do
	// instead; members are numbered from 0001, so postfix + count <= 9999
	// (5.2.1) holds for every count that passes, and is still checked so
	// the two limits cannot drift apart silently.
	if r.Count.Set {
		v.count(s, r)
	}
	// Required fields (own or inherited), reported together; a field that
	// was written but refused has its own error already.
	// A value written in defaults but refused counts as written for every
	// set: its own error is the one to read.
	d := v.raw.Defaults
	if d == nil {
		d = &rawDefaults{}
	}
	// The hint shows each missing field, and only those, in the file's syntax.
	hcl := strings.HasSuffix(v.f.File, ".hcl")
	var missing, examples []string
	for _, req := range []struct {
		field, val    string
		seen          bool
		yaml, hclForm string
	}{
		{"flavor", s.Flavor, r.Flavor.Seen || d.Flavor.Seen, "flavor: c6.large.2", `flavor = "c6.large.2"`},
		{"image", s.Image, r.Image.Seen || d.Image.Seen, "image: CentOS 8.2 64bit", `image = "CentOS 8.2 64bit"`},
		{"vpc", s.VPC, r.VPC.Seen || d.VPC.Seen, "vpc: vpc-default", `vpc = "vpc-default"`},
		{"root_volume type", s.RootVolume.Type, rootTypeSeen(r.RootVolume) || rootTypeSeen(d.RootVolume), "root_volume: {type: SSD}", `root_volume { type = "SSD" }`},
	} {
		if req.val == "" && !req.seen {
			missing = append(missing, req.field)
			if hcl {
				examples = append(examples, req.hclForm)
			} else {
				examples = append(examples, req.yaml)
			}
		}
	}
	if len(missing) > 0 {
		it := "it"
		if len(missing) > 1 {
			it = "them"
		}
		v.sink.errorf(s.Pos, "server set %q has no %s", name, joinAnd(missing)).
			hint("set %s here or under defaults, for example %s", it, strings.Join(examples, "; "))
	}
	if r.RootVolume != nil && r.RootVolume.Size.Set {
		if err := rules.VolumeSize(s.RootVolume.SizeGB); err != nil {
			v.sink.errorf(r.RootVolume.Size.Pos, "root_volume %s", err)
		}
	}
	if s.Keypair != "" && !v.keypairs[s.Keypair] && r.Keypair.Set {
		v.undefined(r.Keypair.Pos, "keypair", s.Keypair, v.keypairs)
	}
	if s.ServerGroup != "" && !v.groups[s.ServerGroup] {
		v.undefined(r.ServerGroup.Pos, "server group", s.ServerGroup, v.groups)
	}
	// NICs.
	if err := rules.NICCount(len(s.NICs)); err != nil && (r.NICs.Set || !r.NICs.Seen) {
		p := s.Pos
		if r.NICs.Set {
			p = r.NICs.Pos
		}
		d := v.sink.errorf(p, "server set %q has %s", name, err)
		if len(s.NICs) == 0 {
			d.hint("add nics: [{subnet: subnet-web}]")
		}
	}
	for i, n := range r.NICs.V {
		if missingValue(n.Subnet) {
			v.sink.errorf(n.Pos, "NIC %d of server set %q has no subnet", i+1, name)
		}
		if n.IP.Set && n.IP.V != "" {
			if !validIPv4(n.IP.V) {
				v.sink.errorf(n.IP.Pos, "%q is not an IPv4 address", n.IP.V)
			} else if s.Count > 1 {
				v.sink.errorf(n.IP.Pos, "a fixed ip on a set of %d servers would give every member the same address", s.Count).hint("fixed IPs need count: 1; one set per address")
			}
		}
	}
	// Data volumes (and shared volumes, which take disk slots too).
	if err := rules.DataVolumeCount(len(s.DataVolumes) + shared); err != nil {
		p := s.posOf("data_volumes")
		if shared > 0 {
			v.sink.errorf(p, "server set %q has %d data volumes and %d shared volumes: %s", name, len(s.DataVolumes), shared, err)
		} else {
			v.sink.errorf(p, "server set %q has %s", name, err)
		}
	}
	for i, dv := range r.DataVolumes.V {
		if missingValue(dv.Type) {
			v.sink.errorf(dv.Pos, "data volume %d of server set %q has no type", i+1, name)
		}
		if !dv.Size.Seen {
			v.sink.errorf(dv.Pos, "data volume %d of server set %q has no size", i+1, name)
		} else if !dv.Size.Set {
			// written but refused: its own error is enough
		} else if err := rules.VolumeSize(dv.Size.V); err != nil {
			v.sink.errorf(dv.Size.Pos, "%s", err)
		}
	}
	// Tags, after the defaults are merged.
	if r.Tags.Set {
		v.tagsAt(r.Tags, fmt.Sprintf("server set %q", name))
	}
	if len(s.Tags) > MaxUserTags {
		v.sink.errorf(s.posOf("tags"), "server set %q has %d tags after merging defaults; with ecsfleet's %q and %q tags that is %d, over the API's limit of %d per server", name, len(s.Tags), OwnerTagKey, SetTagKey, len(s.Tags)+rules.MaxTagsPerServer-MaxUserTags, rules.MaxTagsPerServer).
			hint("at most %d tags per set, defaults included", MaxUserTags)
	}
	// Metadata.
	for _, k := range r.Metadata.V.Keys {
		p := r.Metadata.V.KeyPos[k]
		if err := rules.MetadataKey(k); err != nil {
			v.sink.errorf(p, "%s", err)
			continue
		}
		if err := rules.MetadataValue(r.Metadata.V.V[k]); err != nil {
			v.sink.errorf(p, "metadata %q: %s", k, err)
		}
		switch {
		case strings.HasPrefix(k, MetadataPrefix):
			d := v.sink.errorf(p, "metadata key %q is reserved: keys starting with %q are ecsfleet's own bookkeeping", k, MetadataPrefix)
			if k == PasswordGenerationKey {
				d.hint("to have the password reset, bump the set's password_generation; ecsfleet keeps this key itself")
			} else {
				d.hint("choose a key without the %q prefix", MetadataPrefix)
			}
		case k == "admin_pass":
			v.sink.red.value(r.Metadata.V.V[k]) // a password, in the wrong place: still never shown
			v.sink.errorf(p, "metadata admin_pass would put a password in plain metadata").hint("use admin_password with a secret reference")
		case v.f.Ignore.IgnoresMetadata(k):
			v.sink.warnf(p, "metadata key %q has an ignored prefix, so ecsfleet will never manage it", k)
		}
	}
	v.passwordGeneration(s, r, hcl)
	if r.Description.Set {
		if err := rules.Description(s.Description); err != nil {
			v.sink.errorf(r.Description.Pos, "%s", err)
		}
	}
	if p := r.PowerState; p.Set && p.V != PowerOn && p.V != PowerOff {
		v.sink.errorf(p.Pos, "power_state %q is not on or off", p.V)
	}
	if m := r.ResizeMode; m.Set && m.V != ResizeLive && m.V != ResizeOffline {
		d := v.sink.errorf(m.Pos, "resize_mode %q is not live or offline", m.V)
		if s := Suggest(m.V, []string{ResizeLive, ResizeOffline}); s != "" {
			d.hint("did you mean %q?", s)
		}
	}
	if m := r.MaxUnavailable; m.Set {
		n, pct, ok := parseMaxUnavailable(m.V)
		switch {
		case !ok:
			v.sink.errorf(m.Pos, "max_unavailable %q is neither a count nor a percentage", m.V).hint("for example 2 or 25%%")
		case pct && (n < 1 || n > 100):
			v.sink.errorf(m.Pos, "max_unavailable %s is not between 1%% and 100%%", m.V)
		case !pct && n < 1:
			v.sink.errorf(m.Pos, "max_unavailable must be at least 1")
		}
	}
}

// passwordGeneration checks password_generation: a count of password
// rotations, so 0 or more, and only meaningful with admin_password, whose
// reset it triggers. An admin_password written but refused counts as
// written: its own error is the one to read.
func (v *validator) passwordGeneration(s *ServerSet, r *rawSet, hcl bool) {
	g := r.PasswordGeneration
	if !g.Set {
		return
	}
	if g.V < 0 {
		v.sink.errorf(g.Pos, "password_generation %d is negative; generations count up from 0", g.V).
			hint("0 is the default; bump it by one each time you change the password")
	}
	if r.AdminPassword == nil {
		example := "admin_password: ${env.NAME}"
		if hcl {
			example = "admin_password = env.NAME"
		}
		v.sink.errorf(g.Pos, "server set %q has password_generation but no admin_password", s.Name).
			hint("password_generation says when ecsfleet resets admin_password; add %s, or remove password_generation", example)
	}
}

// setName checks a set's name: the API's name rule (5.2.1 name), and
// the tag value rule (5.2.1 tags), since the name is also the value of
// the SetTagKey tag on every member. The name rule's characters are a
// subset of the tag value's, so the tag value rule adds only its length
// limit, 43, which is below the name's 64 (59 with count > 1, leaving
// room for the "-0001" suffix). It is checked first, so that a long name
// is told the limit that binds rather than the API's, which met would
// only lead to this one.
func (v *validator) setName(s *ServerSet, p Pos) {
	name := s.Name
	if n := utf8.RuneCountInString(name); n > rules.MaxTagValueLen {
		v.sink.errorf(p, "server set name %q is %d characters long; the limit is %d, because the name is also the value of the %q tag on every member", name, n, rules.MaxTagValueLen, SetTagKey).
			hint("shorten it to %d characters or fewer", rules.MaxTagValueLen)
		return
	}
	if err := rules.ServerName(name, s.Count); err != nil {
		v.sink.errorf(p, "server set %s", err)
		return
	}
	if err := rules.TagValue(name); err != nil {
		v.sink.errorf(p, "server set name %q is also the value of the %q tag on every member: %s", name, SetTagKey, err)
	}
}

// count checks a server set's count against the per-call limit (5.2.1
// count: 1-1000) and postfix + count <= 9999 with members numbered from 0001.
func (v *validator) count(s *ServerSet, r *rawSet) {
	p := r.Count.Pos
	if err := rules.CreateCount(s.Count); err != nil {
		d := v.sink.errorf(p, "server set %q: %s", s.Name, err)
		switch {
		case s.Count == 0:
			d.hint("remove the server set to delete its servers")
		case s.Count > rules.MaxCreateCount:
			d.hint("split it into several server sets of at most %d (one create call each)", rules.MaxCreateCount)
		}
		return
	}
	if err := rules.Postfix(rules.FormatPostfix(1), s.Count); err != nil {
		v.sink.errorf(p, "server set %q: members are numbered 0001 upwards and %s", s.Name, err)
	}
}

// tagsAt checks the tags written at one place (defaults or a set): each
// key and value through the API's rule, and reserved or ignored keys.
func (v *validator) tagsAt(tags field[strMap], where string) {
	for _, k := range tags.V.Keys {
		p := tags.V.KeyPos[k]
		if err := rules.TagKey(k); err != nil {
			v.sink.errorf(p, "%s", err)
			continue
		}
		if err := rules.TagValue(tags.V.V[k]); err != nil {
			v.sink.errorf(p, "tag %q: %s", k, err)
		}
		switch {
		case k == OwnerTagKey:
			v.sink.errorf(p, "tag %q is reserved: ecsfleet writes the fleet name there", k)
		case k == SetTagKey:
			v.sink.errorf(p, "tag %q is reserved: ecsfleet writes the server set's name there", k)
		case v.f.Ignore.IgnoresTag(k):
			v.sink.warnf(p, "tag %q in %s has an ignored prefix, so ecsfleet will never manage it", k, where)
		}
	}
}

// memberCollisions reports two sets whose members would share a name, for
// example set "web" with count 12 and a set literally named "web-0003".
func (v *validator) memberCollisions() {
	owner := map[string]int{}
	for i := range v.f.Servers {
		s := &v.f.Servers[i]
		if s.Name == "" || s.Count < 1 || s.Count > rules.MaxPostfixPlusCount {
			continue
		}
		if s.Count == 1 {
			owner[s.Name] = i
		}
	}
	for i := range v.f.Servers {
		s := &v.f.Servers[i]
		if s.Name == "" || s.Count < 2 || s.Count > rules.MaxPostfixPlusCount {
			continue
		}
		// A count-1 set named NAME-NNNN collides with member NNNN of NAME.
		for other, j := range owner {
			idx := strings.LastIndexByte(other, '-')
			if idx < 0 || other[:idx] != s.Name {
				continue
			}
			num := other[idx+1:]
			n, err := strconv.Atoi(num)
			if err == nil && len(num) == 4 && n >= 1 && n <= s.Count {
				v.sink.errorf(v.f.Servers[j].Pos, "server set %q has the same name as member %d of server set %q", other, n, s.Name).
					hint("set %q with count %d names its members %s ... %s", s.Name, s.Count, s.MemberName(1), s.MemberName(s.Count))
			}
		}
	}
}

// fixedIPs reports one fixed IP address used twice.
func (v *validator) fixedIPs() {
	seen := map[string]Pos{}
	for i := range v.f.Servers {
		for _, n := range v.f.Servers[i].NICs {
			if n.IP == "" {
				continue
			}
			if first, dup := seen[n.IP]; dup {
				v.sink.errorf(n.Pos, "ip %s is used twice", n.IP).hint("the first is at line %d", first.Line)
				continue
			}
			seen[n.IP] = n.Pos
		}
	}
}

// joinAnd joins words as "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// missingValue reports a required string that is absent or written empty;
// one written but refused (a list, an unknown variable) has its own error
// already, so it is not also "missing".
func missingValue(f field[string]) bool {
	return !f.Seen || (f.Set && f.V == "")
}

// rootTypeSeen reports whether a root_volume's type was written, usable or not.
func rootTypeSeen(r *rawRoot) bool { return r != nil && r.Type.Seen }
