package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/rules"
	"github.com/ecsfleet/ecsfleet/spec"
)

// Import writes a fleet file for servers that exist without any ecsfleet
// mark (`ecsfleet import`): it reads the project's servers and the
// catalogue the planner reads, keeps the unowned servers the filters
// select, groups them into server sets by template and names every id. The
// file names the servers as members, so its plan adopts them (adopt.go):
// `apply --adopt` gives them the fleet's tags and nothing else.
//
// What the API cannot tell, or what must not be written, is left out and
// said: admin passwords (never shown), user data (it may hold secrets),
// fixed addresses (one address per member cannot be written for a set of
// count > 1: the cloud gives new members theirs).

// ImportOptions say which servers to import, into which fleet.
type ImportOptions struct {
	// Fleet is the name of the fleet the file describes.
	Fleet string
	// NamePrefixes selects servers whose name starts with one of them.
	NamePrefixes []string
	// Tags selects servers that carry every one of these tags.
	Tags map[string]string
	// Command is how the import was run, and File where the file is
	// written, for the file's header.
	Command, File string
	// Now is the clock of the header; nil means time.Now.
	Now func() time.Time
}

// ErrNoFilter is Import without a filter: importing a whole project by
// accident is not wanted.
var ErrNoFilter = errors.New("give --name-prefix or --tag (or both) to say which servers to import; importing every server of the project is refused")

// Imported is what Import found: the file to write, and what it left out.
type Imported struct {
	Fleet string
	// Sets are the server sets, by name; Keypairs and Groups those they use.
	Sets     []ImportedSet
	Keypairs []ImportedKeypair
	Groups   []ImportedGroup
	// Skipped are the servers the filters selected that are not in the
	// file, with why.
	Skipped []SkippedServer
	// Notes are things to know about the file (user data not imported,
	// NIC order, shared volumes left out).
	Notes []string

	o ImportOptions
}

// Servers is the number of servers in the file.
func (im *Imported) Servers() int {
	n := 0
	for _, s := range im.Sets {
		n += len(s.Members)
	}
	return n
}

// SkippedServer is a selected server left out of the file, and why.
type SkippedServer struct {
	Name, ID, Reason string
}

// ImportedSet is one server set of the file.
type ImportedSet struct {
	Name    string
	Members []ImportedMember
	tmpl    *template
}

// ImportedMember is a server of a set.
type ImportedMember struct {
	Name, ID string
}

// ImportedKeypair is a keypair the imported servers use (it exists: the
// plan adopts it).
type ImportedKeypair struct {
	Name, PublicKey string
}

// ImportedGroup is a server group the imported servers are in.
type ImportedGroup struct {
	Name, Policy string
}

// template is everything a server set says about its members: servers
// with equal templates can be one set.
type template struct {
	AZ             string            `json:"az"`
	Flavor         string            `json:"flavor"`
	Image          string            `json:"image"`
	VPC            string            `json:"vpc"`
	Subnets        []string          `json:"subnets"`
	SecurityGroups []string          `json:"security_groups"`
	Keypair        string            `json:"keypair"`
	ServerGroup    string            `json:"server_group"`
	Root           Disk              `json:"root"`
	Data           []Disk            `json:"data"`
	Power          string            `json:"power"`
	Tags           map[string]string `json:"tags"`
	Metadata       map[string]string `json:"metadata"`
	Description    string            `json:"description"`
}

func (t *template) key() string {
	b, _ := json.Marshal(t)
	return string(b)
}

// importCatalogue is what Import reads besides the servers.
type importCatalogue struct {
	servers  []ecs.Server
	keypairs []ecs.Keypair
	groups   []ecs.ServerGroup
	images   []ecs.Image
	subnets  []ecs.Subnet
	volumes  []ecs.Volume
	vpcs     []ecs.VPC
	sgs      []ecs.SecurityGroup
}

// Import reads the project and groups the unowned servers o selects into
// server sets. It only reads.
func Import(ctx context.Context, r Reader, o ImportOptions) (*Imported, error) {
	if len(o.NamePrefixes) == 0 && len(o.Tags) == 0 {
		return nil, ErrNoFilter
	}
	if err := rules.TagValue(o.Fleet); err != nil || o.Fleet == "" {
		if err == nil {
			err = errors.New("it is empty")
		}
		return nil, fmt.Errorf("fleet name %q cannot be a fleet's name: %v (it becomes the value of the %q tag)", o.Fleet, err, spec.OwnerTagKey)
	}
	var c importCatalogue
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readBound)
	none := func(string) {}
	g.Go(func() error {
		var err error
		c.servers, err = readServers(gctx, r, serverFilter{}, "servers", "the project's servers", none)
		return err
	})
	read := func(what string, f func() error) {
		g.Go(func() error { return wrapRead(what, f()) })
	}
	read("keypairs", func() (err error) { c.keypairs, err = r.ListKeypairs(gctx); return })
	read("server groups", func() (err error) { c.groups, err = r.ListServerGroups(gctx); return })
	read("images", func() (err error) { c.images, err = r.ListImagesDetail(gctx); return })
	read("subnets", func() (err error) { c.subnets, err = r.ListSubnets(gctx, ""); return })
	read("volumes", func() (err error) { c.volumes, err = r.ListVolumes(gctx, true); return })
	read("VPCs", func() (err error) { c.vpcs, err = r.ListVPCs(gctx); return })
	read("security groups", func() (err error) { c.sgs, err = r.ListSecurityGroups(gctx); return })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	im := &Imported{Fleet: o.Fleet, o: o}
	im.build(&c)
	return im, nil
}

// selected reports whether the filters take a server.
func (o *ImportOptions) selected(s *ecs.Server) bool {
	if len(o.NamePrefixes) > 0 {
		ok := false
		for _, p := range o.NamePrefixes {
			ok = ok || strings.HasPrefix(s.Name, p)
		}
		if !ok {
			return false
		}
	}
	tags := s.TagMap()
	for k, v := range o.Tags {
		if have, ok := tags[k]; !ok || have != v {
			return false
		}
	}
	return true
}

// names maps ids to the names a fleet file can use: the name when no
// other object of the kind has it, else the id (the planner takes both).
type names map[string]string

func newNames[T any](xs []T, id, name func(*T) string) names {
	count := map[string]int{}
	for i := range xs {
		count[name(&xs[i])]++
	}
	n := names{}
	for i := range xs {
		x := &xs[i]
		if nm := name(x); nm != "" && count[nm] == 1 {
			n[id(x)] = nm
		} else {
			n[id(x)] = id(x)
		}
	}
	return n
}

func (im *Imported) build(c *importCatalogue) {
	subnets := newSubnetIndex(c.subnets)
	vols := volumeIndex(c.volumes)
	imageNames := newNames(c.images, func(x *ecs.Image) string { return x.ID }, func(x *ecs.Image) string { return x.Name })
	subnetNames := newNames(c.subnets, func(x *ecs.Subnet) string { return x.ID }, func(x *ecs.Subnet) string { return x.Name })
	vpcNames := newNames(c.vpcs, func(x *ecs.VPC) string { return x.ID }, func(x *ecs.VPC) string { return x.Name })
	sgNames := newNames(c.sgs, func(x *ecs.SecurityGroup) string { return x.ID }, func(x *ecs.SecurityGroup) string { return x.Name })
	subnetVPC := map[string]string{}
	for _, s := range c.subnets {
		subnetVPC[s.ID] = s.VPCID
	}
	groups := map[string]*ecs.ServerGroup{}
	groupNames := map[string]int{}
	for i := range c.groups {
		groups[c.groups[i].ID] = &c.groups[i]
		groupNames[c.groups[i].Name]++
	}
	keypairs := map[string]*ecs.Keypair{}
	for i := range c.keypairs {
		keypairs[c.keypairs[i].Name] = &c.keypairs[i]
	}
	// Unowned servers by name, over the whole project: the plan adopts a
	// member only when exactly one has its name.
	unownedByName := map[string][]string{}
	for i := range c.servers {
		s := &c.servers[i]
		if _, owned := ownerOf(s); !owned && s.Status != ecs.StatusDeleted {
			unownedByName[s.Name] = append(unownedByName[s.Name], s.ID)
		}
	}

	byKey := map[string][]*ecs.Server{}
	tmpls := map[string]*template{}
	var keys []string
	userData := map[string]bool{} // server ids
	for i := range c.servers {
		s := &c.servers[i]
		if s.Status == ecs.StatusDeleted || !im.o.selected(s) {
			continue
		}
		skip := func(format string, args ...any) {
			im.Skipped = append(im.Skipped, SkippedServer{Name: s.Name, ID: s.ID, Reason: fmt.Sprintf(format, args...)})
		}
		if owner, owned := ownerOf(s); owned {
			skip("it carries the mark of fleet %q (%s=%s): it is that fleet's", owner, spec.OwnerTagKey, owner)
			continue
		}
		if ids := unownedByName[s.Name]; len(ids) > 1 {
			sort.Strings(ids)
			skip("%d servers without a mark are named %s (%s): a plan could not tell which is the member; rename all but one and import again", len(ids), s.Name, strings.Join(ids, ", "))
			continue
		}
		t, why := im.templateOf(s, c, subnets, vols, imageNames, subnetNames, vpcNames, sgNames, subnetVPC, groups, groupNames, keypairs)
		if why != "" {
			skip("%s", why)
			continue
		}
		if s.UserData != "" {
			userData[s.ID] = true
		}
		k := t.key()
		if _, ok := tmpls[k]; !ok {
			tmpls[k] = t
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], s)
	}

	// Sets: within a template, NAME-0001..NAME-000N (N >= 2, from 1, no
	// gap) are one set NAME of count N; every other server is a set of
	// one, named by its own name.
	var sets []ImportedSet
	for _, k := range keys {
		sets = append(sets, groupSets(byKey[k], tmpls[k])...)
	}
	// Set names must be unique and valid set names.
	count := map[string]int{}
	for _, s := range sets {
		count[s.Name]++
	}
	for _, s := range sets {
		reason := ""
		switch {
		case count[s.Name] > 1 && len(s.Members) == 1:
			reason = fmt.Sprintf("its name is also the name of server set %q of other servers", s.Name)
		default:
			reason = setNameProblem(s.Name, len(s.Members))
		}
		if reason != "" {
			for _, m := range s.Members {
				im.Skipped = append(im.Skipped, SkippedServer{Name: m.Name, ID: m.ID, Reason: reason})
			}
			continue
		}
		im.Sets = append(im.Sets, s)
	}
	sort.Slice(im.Sets, func(i, j int) bool { return im.Sets[i].Name < im.Sets[j].Name })

	// What the sets use, and what to say about them.
	kps, grps := map[string]bool{}, map[string]string{}
	for _, s := range im.Sets {
		t := s.tmpl
		if t.Keypair != "" && !kps[t.Keypair] {
			kps[t.Keypair] = true
			im.Keypairs = append(im.Keypairs, ImportedKeypair{Name: t.Keypair, PublicKey: strings.TrimSpace(keypairs[t.Keypair].PublicKey)})
		}
		if t.ServerGroup != "" {
			for _, g := range c.groups {
				if g.Name == t.ServerGroup {
					grps[g.Name] = g.Policies[0]
				}
			}
		}
		ud := 0
		for _, m := range s.Members {
			if userData[m.ID] {
				ud++
			}
		}
		if ud > 0 {
			im.Notes = append(im.Notes, fmt.Sprintf("server set %q: %d of its servers have user data, which is not imported (it may hold secrets): until the set's user_data is written in the file, new members are created without it, and a change of it is not detected", s.Name, ud))
		}
		if len(t.Subnets) > 1 {
			im.Notes = append(im.Notes, fmt.Sprintf("server set %q: its servers have %d NICs; the server list does not say which one is the primary, so nics are written in address order: check that nics[0] is the subnet of the primary NIC (new members get their first NIC as the primary)", s.Name, len(t.Subnets)))
		}
	}
	sort.Slice(im.Keypairs, func(i, j int) bool { return im.Keypairs[i].Name < im.Keypairs[j].Name })
	for _, n := range sortedKeys(grps) {
		im.Groups = append(im.Groups, ImportedGroup{Name: n, Policy: grps[n]})
	}
	sort.SliceStable(im.Skipped, func(i, j int) bool { return im.Skipped[i].Name < im.Skipped[j].Name })
}

// templateOf reads a server's template, or says why it cannot be written
// in a fleet file.
func (im *Imported) templateOf(s *ecs.Server, c *importCatalogue, subnets *subnetIndex, vols map[string]*ecs.Volume,
	imageNames, subnetNames, vpcNames, sgNames names, subnetVPC map[string]string,
	groups map[string]*ecs.ServerGroup, groupNames map[string]int, keypairs map[string]*ecs.Keypair) (*template, string) {
	l := toLive(s, subnets)
	t := &template{AZ: l.AZ, Flavor: l.FlavorName, Keypair: l.KeyName, Description: l.Description}
	switch l.Status {
	case ecs.StatusActive:
		t.Power = spec.PowerOn
	case ecs.StatusShutoff:
		t.Power = spec.PowerOff
	default:
		return nil, fmt.Sprintf("status %s: only a running (ACTIVE) or stopped (SHUTOFF) server is imported; import it again when it has settled", l.Status)
	}
	var ok bool
	if t.Image, ok = imageNames[l.ImageID]; !ok {
		return nil, fmt.Sprintf("its image %s is not in the project's image list", orNone(l.ImageID))
	}
	if len(l.NICs) == 0 {
		return nil, "it has no NIC address: a server set needs at least one NIC"
	}
	vpcs := map[string]bool{}
	for _, n := range l.NICs {
		if n.SubnetID == "" {
			return nil, fmt.Sprintf("its address %s is in none of the project's subnets", n.IP)
		}
		t.Subnets = append(t.Subnets, subnetNames[n.SubnetID])
		vpcs[subnetVPC[n.SubnetID]] = true
	}
	if len(vpcs) != 1 {
		return nil, "its NICs are in several VPCs"
	}
	for id := range vpcs {
		if t.VPC = vpcNames[id]; t.VPC == "" {
			t.VPC = id
		}
	}
	seen := map[string]bool{}
	for _, g := range s.SecurityGroups {
		n := g.Name
		if g.ID != "" {
			if nm, ok := sgNames[g.ID]; ok {
				n = nm
			} else if n == "" {
				n = g.ID
			}
		}
		if n != "" && !seen[n] {
			seen[n] = true
			t.SecurityGroups = append(t.SecurityGroups, n)
		}
	}
	sort.Strings(t.SecurityGroups)
	if t.Keypair != "" {
		if keypairs[t.Keypair] == nil {
			return nil, fmt.Sprintf("its keypair %s is not in the project's keypair list", t.Keypair)
		}
		if err := rules.KeypairName(t.Keypair); err != nil {
			return nil, err.Error()
		}
	}
	switch len(l.Groups) {
	case 0:
	case 1:
		g := groups[l.Groups[0]]
		switch {
		case g == nil:
			return nil, fmt.Sprintf("its server group %s is not in the project's server group list", l.Groups[0])
		case groupNames[g.Name] > 1:
			return nil, fmt.Sprintf("its server group's name %q is shared by %d server groups", g.Name, groupNames[g.Name])
		case len(g.Policies) != 1 || rules.ServerGroupPolicy(g.Policies[0]) != nil:
			return nil, fmt.Sprintf("its server group %q has policies %v; a fleet's group has one of %s", g.Name, g.Policies, strings.Join(rules.ServerGroupPolicies, ", "))
		case rules.ServerGroupName(g.Name) != nil:
			return nil, rules.ServerGroupName(g.Name).Error()
		}
		t.ServerGroup = g.Name
	default:
		return nil, fmt.Sprintf("it is in %d server groups; a server set's members are in one", len(l.Groups))
	}
	root, data, shared, known := serverDisks(s, vols)
	switch {
	case !known:
		return nil, "one of its volumes is not in the project's volume list"
	case root == nil:
		return nil, "it has no root volume"
	}
	t.Root, t.Data = *root, data
	if len(data) > rules.MaxDataVolumes {
		return nil, fmt.Sprintf("it has %d data volumes; a server set takes at most %d", len(data), rules.MaxDataVolumes)
	}
	if len(shared) > 0 {
		im.Notes = append(im.Notes, fmt.Sprintf("%s: shared volume(s) %s are not in the file (ecsfleet leaves them attached)", s.Name, strings.Join(shared, ", ")))
	}
	// Tags and metadata: the user's, without ecsfleet's own and what
	// other systems write.
	ignore := spec.Ignore{TagPrefixes: spec.DefaultIgnorePrefixes, MetadataPrefixes: spec.DefaultIgnorePrefixes}
	f := &spec.Fleet{Ignore: ignore}
	for k, v := range l.Tags {
		if k == spec.OwnerTagKey || k == spec.SetTagKey || ignoredTag(f, k) {
			continue
		}
		if err := rules.TagKey(k); err != nil {
			return nil, "tag " + err.Error()
		}
		if err := rules.TagValue(v); err != nil {
			return nil, fmt.Sprintf("tag %q: %v", k, err)
		}
		if t.Tags == nil {
			t.Tags = map[string]string{}
		}
		t.Tags[k] = v
	}
	if len(t.Tags) > spec.MaxUserTags {
		return nil, fmt.Sprintf("it has %d tags; a server set takes at most %d (ecsfleet needs 2 of the API's %d)", len(t.Tags), spec.MaxUserTags, rules.MaxTagsPerServer)
	}
	for k, v := range l.Metadata {
		if ignoredMetadata(f, k) {
			continue
		}
		if k == "admin_pass" {
			return nil, "its metadata has admin_pass, a password a fleet file must not hold"
		}
		if err := rules.MetadataKey(k); err != nil {
			return nil, "metadata " + err.Error()
		}
		if err := rules.MetadataValue(v); err != nil {
			return nil, fmt.Sprintf("metadata %q: %v", k, err)
		}
		if t.Metadata == nil {
			t.Metadata = map[string]string{}
		}
		t.Metadata[k] = v
	}
	if err := rules.Description(t.Description); err != nil {
		return nil, err.Error()
	}
	return t, ""
}

// memberName is NAME-NNNN as the API names a member of a batch.
var memberName = regexp.MustCompile(`^(.+)-([0-9]{4})$`)

// groupSets cuts the servers of one template into sets.
func groupSets(servers []*ecs.Server, t *template) []ImportedSet {
	byPrefix := map[string]map[int]*ecs.Server{}
	for _, s := range servers {
		if m := memberName.FindStringSubmatch(s.Name); m != nil {
			n, _ := strconv.Atoi(m[2])
			if byPrefix[m[1]] == nil {
				byPrefix[m[1]] = map[int]*ecs.Server{}
			}
			byPrefix[m[1]][n] = s
		}
	}
	inSet := map[*ecs.Server]bool{}
	var out []ImportedSet
	for _, prefix := range sortedKeys(byPrefix) {
		members := byPrefix[prefix]
		n := 0
		for members[n+1] != nil {
			n++
		}
		if n < 2 || setNameProblem(prefix, n) != "" {
			continue
		}
		set := ImportedSet{Name: prefix, tmpl: t}
		for i := 1; i <= n; i++ {
			s := members[i]
			inSet[s] = true
			set.Members = append(set.Members, ImportedMember{Name: s.Name, ID: s.ID})
		}
		out = append(out, set)
	}
	for _, s := range servers {
		if !inSet[s] {
			out = append(out, ImportedSet{Name: s.Name, tmpl: t, Members: []ImportedMember{{Name: s.Name, ID: s.ID}}})
		}
	}
	return out
}

// setNameProblem says why name cannot be the name of a server set of
// count servers ("" when it can): the rules spec applies.
func setNameProblem(name string, count int) string {
	if n := utf8.RuneCountInString(name); n > rules.MaxTagValueLen {
		return fmt.Sprintf("its name %s cannot be a server set's name: %d characters, over the limit of %d (the set's name is the value of the %q tag)", name, n, rules.MaxTagValueLen, spec.SetTagKey)
	}
	if err := rules.ServerName(name, count); err != nil {
		return fmt.Sprintf("its name cannot be a server set's name: %v", err)
	}
	if err := rules.TagValue(name); err != nil {
		return fmt.Sprintf("its name cannot be a server set's name: %v", err)
	}
	return ""
}

// The fleet file's shape, as YAML writes it.
type (
	importFile struct {
		Name         string          `yaml:"name"`
		Keypairs     []importKeypair `yaml:"keypairs,omitempty"`
		ServerGroups []importGroup   `yaml:"server_groups,omitempty"`
		Servers      []importSet     `yaml:"servers"`
	}
	importKeypair struct {
		Name      string `yaml:"name"`
		PublicKey string `yaml:"public_key"`
	}
	importGroup struct {
		Name   string `yaml:"name"`
		Policy string `yaml:"policy"`
	}
	importDisk struct {
		Type string `yaml:"type"`
		Size int    `yaml:"size"`
	}
	importNIC struct {
		Subnet string `yaml:"subnet"`
	}
	importSet struct {
		Name             string            `yaml:"name"`
		Count            int               `yaml:"count,omitempty"`
		AvailabilityZone string            `yaml:"availability_zone,omitempty"`
		Flavor           string            `yaml:"flavor"`
		Image            string            `yaml:"image"`
		VPC              string            `yaml:"vpc"`
		NICs             []importNIC       `yaml:"nics,flow"`
		SecurityGroups   []string          `yaml:"security_groups,omitempty,flow"`
		RootVolume       importDisk        `yaml:"root_volume,flow"`
		DataVolumes      []importDisk      `yaml:"data_volumes,omitempty,flow"`
		Keypair          string            `yaml:"keypair,omitempty"`
		ServerGroup      string            `yaml:"server_group,omitempty"`
		PowerState       string            `yaml:"power_state,omitempty"`
		Description      string            `yaml:"description,omitempty"`
		Tags             map[string]string `yaml:"tags,omitempty"`
		Metadata         map[string]string `yaml:"metadata,omitempty"`
	}
)

// YAML is the fleet file: a header saying how it was made and what to do
// next, then the keypairs, server groups and server sets, each set with a
// comment naming its servers.
func (im *Imported) YAML() ([]byte, error) {
	f := importFile{Name: im.Fleet}
	for _, k := range im.Keypairs {
		f.Keypairs = append(f.Keypairs, importKeypair{Name: k.Name, PublicKey: k.PublicKey})
	}
	for _, g := range im.Groups {
		f.ServerGroups = append(f.ServerGroups, importGroup(g))
	}
	var comments []string
	for _, s := range im.Sets {
		t := s.tmpl
		is := importSet{Name: s.Name, AvailabilityZone: t.AZ, Flavor: t.Flavor, Image: t.Image, VPC: t.VPC,
			SecurityGroups: t.SecurityGroups, RootVolume: importDisk{t.Root.Type, t.Root.SizeGB}, Keypair: t.Keypair,
			ServerGroup: t.ServerGroup, Description: t.Description, Tags: t.Tags, Metadata: t.Metadata}
		if len(s.Members) > 1 {
			is.Count = len(s.Members)
		}
		for _, sn := range t.Subnets {
			is.NICs = append(is.NICs, importNIC{Subnet: sn})
		}
		for _, d := range t.Data {
			is.DataVolumes = append(is.DataVolumes, importDisk{d.Type, d.SizeGB})
		}
		if t.Power == spec.PowerOff {
			is.PowerState = spec.PowerOff
		}
		f.Servers = append(f.Servers, is)
		comments = append(comments, setComment(s))
	}
	var doc yaml.Node
	if err := doc.Encode(&f); err != nil {
		return nil, err
	}
	// A comment above each set: which servers it holds.
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "servers" {
			for j, item := range doc.Content[i+1].Content {
				item.HeadComment = comments[j]
			}
		}
	}
	var b bytes.Buffer
	b.WriteString(im.header())
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func setComment(s ImportedSet) string {
	names := make([]string, len(s.Members))
	for i, m := range s.Members {
		names[i] = m.Name
	}
	if len(s.Members) == 1 {
		return fmt.Sprintf("%s (%s)", s.Members[0].Name, s.Members[0].ID)
	}
	return fmt.Sprintf("%d servers: %s", len(s.Members), collapseNames(names))
}

func (im *Imported) header() string {
	now := time.Now
	if im.o.Now != nil {
		now = im.o.Now
	}
	cmd := im.o.Command
	if cmd == "" {
		cmd = "ecsfleet import --name " + im.Fleet
	}
	file := im.o.File
	if file == "" {
		file = "FILE"
	}
	lines := []string{
		fmt.Sprintf("Fleet %s, written by '%s' on %s:", im.Fleet, cmd, now().UTC().Format(time.RFC3339)),
		fmt.Sprintf("%s that carried no ecsfleet mark, in %s (servers with the same", plural(im.Servers(), "server", "servers"), plural(len(im.Sets), "server set", "server sets")),
		"template; NAME-0001..NAME-000N make a set NAME of count N, any other server a set of one).",
		"",
		"The servers are not the fleet's yet. The import recorded them in .ecsfleet/ of the",
		"directory it ran in: only there can they be taken over. Review this file, then:",
		fmt.Sprintf("  ecsfleet plan -f %s            shows them as '?', to adopt", file),
		fmt.Sprintf("  ecsfleet apply -f %s --adopt   gives them the fleet's tags, nothing else", file),
		"What can change in place and differs later (e.g. after you edit this file) is",
		"changed by the next plan, as for any member.",
		"",
		"Not imported: admin passwords (the API never shows them), user data (it may hold",
		"secrets: add user_data to a set to create new members with it), fixed IP addresses",
		"(new members get theirs from the cloud).",
	}
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			b.WriteString("#\n")
			continue
		}
		b.WriteString("# " + l + "\n")
	}
	return b.String()
}
