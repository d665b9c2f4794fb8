package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/rules"
	"github.com/ecsfleet/ecsfleet/spec"
)

// The batch compiler turns the diff into ops, each one API call, using the
// reference's batch endpoints and their limits: one create per run of
// consecutive missing members (count ≤ 1000, extendparam.postfix), batch
// delete, batch resize ≤ 30 in waves that respect max_unavailable, one
// password reset per secret, one tag call per server for additions and one
// for removals, one metadata call per server (plus one per removed key, the
// only way 5.9 deletes), one NIC call per server and direction, one shared
// volume attach per ≤ 16 servers. Dependencies: keypairs, groups and
// volumes before the servers that use them; a server's create before
// anything done to it; detaches before deletes.

type compiler struct {
	pl  *planner
	ops []Op
	// op ids that create an object, by name
	keypairOp, groupOp, volumeOp map[string]string
	// createOp is the op that creates a member, by member name
	createOp map[string]string
	// deleteOps are the server deletes, for the volume deletes after them
	deleteOps []string
	// detachOps are the detach ops of a server, by server id
	detachOps map[string][]string
	sgIDs     map[string]string
}

func newCompiler(pl *planner) *compiler {
	c := &compiler{pl: pl, keypairOp: map[string]string{}, groupOp: map[string]string{}, volumeOp: map[string]string{},
		createOp: map[string]string{}, detachOps: map[string][]string{}, sgIDs: map[string]string{}}
	if pl.cat != nil {
		for _, g := range pl.cat.SecurityGroups {
			c.sgIDs[g.ID], c.sgIDs[g.Name] = g.ID, g.ID
		}
	}
	return c
}

func (c *compiler) add(op Op) string {
	op.ID = fmt.Sprintf("op-%04d", len(c.ops)+1)
	sort.Strings(op.DependsOn)
	op.DependsOn = dedupe(op.DependsOn)
	c.ops = append(c.ops, op)
	return op.ID
}

func dedupe(xs []string) []string {
	out := xs[:0]
	for i, x := range xs {
		if x != "" && (i == 0 || x != xs[i-1]) {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (c *compiler) compile() {
	c.objects()
	c.detaches()
	for i := range c.pl.f.Servers {
		c.set(&c.pl.f.Servers[i])
	}
	c.extras()
	c.sharedVolumes()
	c.passwordResets()
	c.fixedIPsFirst()
}

// fixedIPsFirst makes every create that lets the cloud pick addresses
// wait for the creates that ask for fixed addresses on the same subnet:
// otherwise the cloud may hand a fixed address to a server of the other
// batch first and refuse the fixed one.
func (c *compiler) fixedIPsFirst() {
	fixed := map[string][]string{} // subnet id -> create ops with a fixed IP there
	for _, op := range c.ops {
		if op.Kind != OpCreateServers {
			continue
		}
		for _, n := range op.Args.Create.NICs {
			if n.IP != "" {
				fixed[n.SubnetID] = append(fixed[n.SubnetID], op.ID)
			}
		}
	}
	if len(fixed) == 0 {
		return
	}
	for i := range c.ops {
		op := &c.ops[i]
		if op.Kind != OpCreateServers {
			continue
		}
		for _, n := range op.Args.Create.NICs {
			if n.IP != "" {
				continue
			}
			for _, dep := range fixed[n.SubnetID] {
				if dep != op.ID {
					op.DependsOn = append(op.DependsOn, dep)
				}
			}
		}
		sort.Strings(op.DependsOn)
		op.DependsOn = dedupe(op.DependsOn)
	}
}

func (c *compiler) objects() {
	oc := &c.pl.objects
	for _, k := range oc.keypairs {
		if k.action != Create {
			continue
		}
		op := Op{Kind: OpCreateKeypair, Args: OpArgs{Name: k.name, PublicKey: k.kp.PublicKey, PrivateKeyFile: k.kp.PrivateKeyFile},
			Why: "create keypair " + k.name}
		if k.kp.Create {
			op.Why += " (the cloud generates it; the private key is written to " + k.kp.PrivateKeyFile + ")"
		}
		c.keypairOp[k.name] = c.add(op)
	}
	for _, g := range oc.groups {
		if g.action != Create {
			continue
		}
		c.groupOp[g.name] = c.add(Op{Kind: OpCreateServerGroup, Args: OpArgs{Name: g.name, Policy: g.group.Policy},
			Why: fmt.Sprintf("create server group %s (%s)", g.name, g.group.Policy)})
	}
	for _, v := range oc.volumes {
		if v.action != Create {
			continue
		}
		az := ""
		if len(v.volume.AttachTo) > 0 {
			if s := c.pl.f.ServerSet(v.volume.AttachTo[0]); s != nil {
				az = s.AvailabilityZone
			}
		}
		c.volumeOp[v.name] = c.add(Op{Kind: OpCreateVolume,
			Args: OpArgs{Name: v.name, Volume: &VolumeArgs{Type: v.volume.Type, SizeGB: v.volume.SizeGB, AvailabilityZone: az, Shared: true}},
			Why:  fmt.Sprintf("create shared volume %s (%s, %d GB)", v.name, v.volume.Type, v.volume.SizeGB)})
	}
}

// detaches detaches shared volumes from servers that leave them. They
// depend on nothing and come before the server sets, so a server's delete
// can wait for its detaches (deleteServersAfter).
func (c *compiler) detaches() {
	for _, d := range c.pl.objects.detach {
		id := c.add(Op{Kind: OpDetachVolume, Set: d.server.Set, Targets: []Target{{Name: d.server.Name, ID: d.server.ID}},
			Args: OpArgs{ObjectID: d.volumeID, ObjectName: d.volume}, Why: fmt.Sprintf("detach %s from %s (%s)", d.volume, d.server.Name, d.reason)})
		c.detachOps[d.server.ID] = append(c.detachOps[d.server.ID], id)
	}
}

// set compiles the ops of one server set.
func (c *compiler) set(s *spec.ServerSet) {
	ms := c.pl.members[s.Name]
	if len(ms) == 0 {
		return
	}
	ds := c.pl.sets[s.Name]
	var creates []*memberChange
	var brokenDeletes []Target // ERROR servers: replaced at once
	var replaces []*memberChange
	var resizes, changeOS []*memberChange
	for _, m := range ms {
		switch {
		case m.action == Create:
			creates = append(creates, m)
		case m.action == Adopt:
			c.adopt(ds, m)
		case m.action == Replace && m.live.Status == ecs.StatusError:
			brokenDeletes = append(brokenDeletes, Target{Name: m.live.Name, ID: m.live.ID})
			creates = append(creates, m)
		case m.action == Replace:
			replaces = append(replaces, m)
		default:
			c.inPlace(ds, m)
			if m.resize {
				resizes = append(resizes, m)
			}
			if m.changeOS {
				changeOS = append(changeOS, m)
			}
		}
	}
	var after []string
	if len(brokenDeletes) > 0 {
		after = append(after, c.deleteServers(s.Name, brokenDeletes, "replace servers in status ERROR"))
	}
	c.creates(ds, creates, after)
	if s.ResizeMode == spec.ResizeLive {
		c.liveResizes(ds, resizes)
		resizes = nil
	}
	c.waves(ds, resizes, changeOS, replaces)
}

// creates makes one create op per run of consecutive missing members.
func (c *compiler) creates(ds *desiredSet, ms []*memberChange, after []string) {
	s := ds.s
	sort.Slice(ms, func(i, j int) bool { return ms[i].name < ms[j].name })
	for _, run := range runs(s, ms) {
		deps := append([]string(nil), after...)
		if id := c.keypairOp[s.Keypair]; id != "" {
			deps = append(deps, id)
		}
		if id := c.groupOp[s.ServerGroup]; id != "" {
			deps = append(deps, id)
		}
		args := c.createArgs(ds, run)
		var targets []Target
		for _, m := range run {
			targets = append(targets, Target{Name: m.name})
		}
		why := fmt.Sprintf("create %d server(s) of set %s", len(run), s.Name)
		id := c.add(Op{Kind: OpCreateServers, Set: s.Name, Targets: targets, DependsOn: deps, Args: OpArgs{Create: args}, Why: why})
		for _, m := range run {
			c.createOp[m.name] = id
			c.metadata(ds, m, []string{id})
		}
	}
}

// runs cuts members into runs of consecutive member numbers (one create
// call each: the API names a batch from postfix upwards).
func runs(s *spec.ServerSet, ms []*memberChange) [][]*memberChange {
	var out [][]*memberChange
	prev := -2
	for _, m := range ms {
		n := memberRank(s.Name, m.name)
		if s.Count == 1 || len(out) == 0 || n != prev+1 || len(out[len(out)-1]) == MaxCreateCount {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], m)
		prev = n
	}
	return out
}

func (c *compiler) createArgs(ds *desiredSet, run []*memberChange) *CreateArgs {
	s := ds.s
	a := &CreateArgs{
		Name: s.Name, Count: len(run), ImageID: ds.imageID, FlavorID: s.Flavor, VPCID: ds.vpcID,
		AvailabilityZone: s.AvailabilityZone, RootVolumeType: s.RootVolume.Type, RootVolumeSize: ds.rootSize,
		KeyName: s.Keypair, ServerGroupID: ds.groupID, ServerGroupName: s.ServerGroup, Tags: ds.tags,
		PowerOn: s.PowerState != spec.PowerOff, Description: s.Description,
		HasUserData: s.UserData != nil, HasPassword: s.AdminPassword != nil,
	}
	if s.Count > 1 {
		a.Postfix = rules.FormatPostfix(memberRank(s.Name, run[0].name))
	}
	for i, n := range s.NICs {
		a.NICs = append(a.NICs, NICArgs{SubnetID: ds.subnets[i], IP: n.IP, SecurityGroupIDs: c.sgs(nicSGs(s, n))})
	}
	a.SecurityGroupIDs = c.sgs(s.SecurityGroups)
	for _, v := range s.DataVolumes {
		a.DataVolumes = append(a.DataVolumes, VolumeArgs{Type: v.Type, SizeGB: v.SizeGB})
	}
	return a
}

func nicSGs(s *spec.ServerSet, n spec.NIC) []string {
	if len(n.SecurityGroups) > 0 {
		return n.SecurityGroups
	}
	return s.SecurityGroups
}

func (c *compiler) sgs(names []string) []string {
	var out []string
	for _, n := range names {
		if id := c.sgIDs[n]; id != "" {
			out = append(out, id)
		} else {
			out = append(out, n)
		}
	}
	return out
}

// metadata writes a member's metadata (one call) and removes keys (one
// call each), after deps.
func (c *compiler) metadata(ds *desiredSet, m *memberChange, deps []string) {
	t := c.target(m)
	if len(m.metaSet) > 0 {
		c.add(Op{Kind: OpUpdateMetadata, Set: ds.s.Name, Targets: []Target{t}, DependsOn: deps,
			Args: OpArgs{Metadata: m.metaSet}, Why: fmt.Sprintf("set %d metadata key(s) of %s", len(m.metaSet), m.name)})
	}
	for _, k := range m.metaDel {
		c.add(Op{Kind: OpDeleteMetadata, Set: ds.s.Name, Targets: []Target{t}, DependsOn: deps,
			Args: OpArgs{MetadataKey: k}, Why: fmt.Sprintf("delete metadata %s of %s", k, m.name)})
	}
}

// adopt gives an unowned server the fleet's mark (one tag call) and then
// ecsfleet's bookkeeping (one metadata call): from then on it is a member.
func (c *compiler) adopt(ds *desiredSet, m *memberChange) {
	t := c.target(m)
	tags := c.add(Op{Kind: OpAddTags, Set: ds.s.Name, Targets: []Target{t}, Args: OpArgs{Tags: m.tagsAdd},
		Why: fmt.Sprintf("adopt %s (%s) into set %s: give it the fleet's mark", m.name, m.live.ID, ds.s.Name)})
	c.metadata(ds, m, []string{tags})
}

// target is the op target of a member: its live id, or its name alone when
// this plan creates it (the engine learns the id from the create job).
func (c *compiler) target(m *memberChange) Target {
	if m.live != nil && (m.action == Update || m.action == Adopt) {
		return Target{Name: m.name, ID: m.live.ID}
	}
	return Target{Name: m.name}
}

// inPlace compiles the non-disruptive changes of an existing member.
func (c *compiler) inPlace(ds *desiredSet, m *memberChange) {
	s, t := ds.s, c.target(m)
	// One modify (5.2.6) takes the name and the description together.
	if m.rename || m.description != nil {
		op := Op{Kind: OpModifyServer, Set: s.Name, Targets: []Target{t}, Args: OpArgs{Description: m.description}}
		var why []string
		if m.rename {
			op.Args.Name = m.name
			why = append(why, fmt.Sprintf("rename %s back to %s", m.live.Name, m.name))
		}
		if m.description != nil {
			why = append(why, "set the description of "+m.name)
		}
		op.Why = strings.Join(why, "; ")
		c.add(op)
	}
	if len(m.tagsAdd) > 0 {
		c.add(Op{Kind: OpAddTags, Set: s.Name, Targets: []Target{t}, Args: OpArgs{Tags: m.tagsAdd},
			Why: fmt.Sprintf("set %d tag(s) of %s", len(m.tagsAdd), m.name)})
	}
	if len(m.tagsDel) > 0 {
		c.add(Op{Kind: OpDeleteTags, Set: s.Name, Targets: []Target{t}, Args: OpArgs{TagKeys: m.tagsDel},
			Why: fmt.Sprintf("remove %d tag(s) of %s", len(m.tagsDel), m.name)})
	}
	if !m.resetPassword {
		c.metadata(ds, m, nil)
	}
	if len(m.nicsAdd) > 0 {
		var nics []NICArgs
		for _, i := range m.nicsAdd {
			n := s.NICs[i]
			nics = append(nics, NICArgs{SubnetID: ds.subnets[i], IP: n.IP, SecurityGroupIDs: c.sgs(nicSGs(s, n))})
		}
		c.add(Op{Kind: OpAddNICs, Set: s.Name, Targets: []Target{t}, Args: OpArgs{NICs: nics},
			Why: fmt.Sprintf("add %d NIC(s) to %s", len(nics), m.name)})
	}
	if len(m.portDel) > 0 {
		c.add(Op{Kind: OpDeleteNICs, Set: s.Name, Targets: []Target{t}, Args: OpArgs{PortIDs: m.portDel},
			Why: fmt.Sprintf("remove %d NIC(s) from %s", len(m.portDel), m.name)})
	}
	var leave []string
	for _, g := range m.groupRemove {
		leave = append(leave, c.add(Op{Kind: OpGroupRemove, Set: s.Name, Targets: []Target{t}, Args: OpArgs{ObjectID: g},
			Why: fmt.Sprintf("remove %s from server group %s", m.name, g)}))
	}
	if m.groupAdd {
		deps := append(leave, c.groupOp[s.ServerGroup])
		c.add(Op{Kind: OpGroupAdd, Set: s.Name, Targets: []Target{t}, DependsOn: deps,
			Args: OpArgs{ObjectID: ds.groupID, ObjectName: s.ServerGroup}, Why: fmt.Sprintf("add %s to server group %s", m.name, s.ServerGroup)})
	}
	// A power change on its own; with an offline resize or OS change the
	// wave stops and starts the server.
	if m.power != "" && !(m.changeOS || (m.resize && s.ResizeMode != spec.ResizeLive)) {
		kind, verb := OpStart, "start "
		if m.power == spec.PowerOff {
			kind, verb = OpStop, "stop "
		}
		c.add(Op{Kind: kind, Set: s.Name, Targets: []Target{t}, Why: verb + m.name})
	}
}

// liveResizes resizes running servers without stopping them, 30 per call.
func (c *compiler) liveResizes(ds *desiredSet, ms []*memberChange) {
	for _, chunk := range chunks(ms, MaxResizeBatch) {
		c.add(Op{Kind: OpLiveResize, Set: ds.s.Name, Targets: targets(c, chunk), Args: OpArgs{Flavor: ds.s.Flavor},
			Why: fmt.Sprintf("live-resize %d server(s) to %s", len(chunk), ds.s.Flavor)})
	}
}

func targets(c *compiler, ms []*memberChange) []Target {
	out := make([]Target, len(ms))
	for i, m := range ms {
		out[i] = c.target(m)
	}
	return out
}

func chunks[T any](xs []T, n int) [][]T {
	var out [][]T
	for len(xs) > 0 {
		k := min(n, len(xs))
		out = append(out, xs[:k])
		xs = xs[k:]
	}
	return out
}

// waves compiles the disruptive changes of a set (offline resizes, OS
// changes, replacements) in waves of at most max_unavailable members: a
// wave starts only when the one before it has finished (its last ops are
// the next wave's dependencies).
func (c *compiler) waves(ds *desiredSet, resizes, changeOS, replaces []*memberChange) {
	s := ds.s
	k := s.UpdatePolicy.MaxUnavailableCount(s.Count)
	var prev []string
	wave := 0
	// Offline resizes and OS changes share the stop/start cycle.
	type unit struct {
		m      *memberChange
		resize bool
		os     bool
	}
	var units []unit
	seen := map[*memberChange]int{}
	for _, m := range resizes {
		seen[m] = len(units)
		units = append(units, unit{m: m, resize: true})
	}
	for _, m := range changeOS {
		if i, ok := seen[m]; ok {
			units[i].os = true
			continue
		}
		units = append(units, unit{m: m, os: true})
	}
	size := min(k, MaxResizeBatch)
	for _, w := range chunks(units, size) {
		wave++
		var stops, mids, ends []string
		for _, u := range w {
			if u.m.live.powerState() == spec.PowerOn {
				stops = append(stops, c.add(Op{Kind: OpStop, Set: s.Name, Targets: []Target{c.target(u.m)}, DependsOn: prev, Wave: wave,
					Why: "stop " + u.m.name + " for its offline change"}))
			}
		}
		after := append(append([]string(nil), prev...), stops...)
		var rs []*memberChange
		for _, u := range w {
			if u.resize {
				rs = append(rs, u.m)
			}
		}
		var resizeOp string
		if len(rs) > 0 {
			resizeOp = c.add(Op{Kind: OpResizeServers, Set: s.Name, Targets: targets(c, rs), DependsOn: after, Wave: wave,
				Args: OpArgs{Flavor: s.Flavor}, Why: fmt.Sprintf("resize %d server(s) to %s (offline, wave %d)", len(rs), s.Flavor, wave)})
			mids = append(mids, resizeOp)
		}
		for _, u := range w {
			if !u.os {
				continue
			}
			deps := append([]string(nil), after...)
			if u.resize {
				deps = append(deps, resizeOp)
			}
			mids = append(mids, c.add(Op{Kind: OpChangeOS, Set: s.Name, Targets: []Target{c.target(u.m)}, DependsOn: deps, Wave: wave,
				Args: OpArgs{Image: ds.imageID, KeyName: s.Keypair}, Why: fmt.Sprintf("change the OS of %s to %s (wave %d)", u.m.name, s.Image, wave)}))
		}
		for _, u := range w {
			if s.PowerState == spec.PowerOff {
				continue
			}
			ends = append(ends, c.add(Op{Kind: OpStart, Set: s.Name, Targets: []Target{c.target(u.m)}, DependsOn: mids, Wave: wave,
				Why: "start " + u.m.name + " after its offline change"}))
		}
		if len(ends) == 0 {
			ends = mids
		}
		prev = ends
	}
	// Replacements: delete a wave, create it again, then the next wave.
	sort.Slice(replaces, func(i, j int) bool { return replaces[i].name < replaces[j].name })
	for _, w := range chunks(replaces, k) {
		wave++
		var ts []Target
		for _, m := range w {
			ts = append(ts, Target{Name: m.live.Name, ID: m.live.ID})
		}
		del := c.deleteServersAfter(s.Name, ts, prev, wave, fmt.Sprintf("replace %d server(s) of set %s (wave %d)", len(w), s.Name, wave))
		before := len(c.ops)
		c.creates(ds, w, []string{del})
		prev = nil
		for i := before; i < len(c.ops); i++ {
			c.ops[i].Wave = wave
			prev = append(prev, c.ops[i].ID)
		}
	}
}

func (c *compiler) deleteServers(set string, ts []Target, why string) string {
	return c.deleteServersAfter(set, ts, nil, 0, why)
}

func (c *compiler) deleteServersAfter(set string, ts []Target, deps []string, wave int, why string) string {
	var last string
	for _, chunk := range chunks(ts, MaxDeleteBatch) {
		d := append([]string(nil), deps...)
		for _, t := range chunk {
			d = append(d, c.detachOps[t.ID]...)
		}
		last = c.add(Op{Kind: OpDeleteServers, Set: set, Targets: chunk, DependsOn: d, Wave: wave,
			Args: OpArgs{DeleteVolumes: true}, Why: why})
		c.deleteOps = append(c.deleteOps, last)
	}
	return last
}

// extras deletes the owned servers the file has no member for, highest
// member first, one batch per set.
func (c *compiler) extras() {
	bySet := map[string][]Target{}
	var order []string
	for _, ex := range c.pl.extras {
		set := ex.live.Set
		if _, ok := bySet[set]; !ok {
			order = append(order, set)
		}
		bySet[set] = append(bySet[set], Target{Name: ex.live.Name, ID: ex.live.ID})
	}
	sort.Strings(order)
	for _, set := range order {
		why := fmt.Sprintf("delete %d server(s) the fleet file no longer names", len(bySet[set]))
		if c.pl.destroy {
			why = fmt.Sprintf("delete %d server(s) of set %s (destroy)", len(bySet[set]), set)
		}
		c.deleteServers(set, bySet[set], why)
	}
}

// sharedVolumes attaches shared volumes (≤ 16 servers per call) after the
// volume and the servers exist, and deletes the fleet's volumes the file
// dropped after their detaches.
func (c *compiler) sharedVolumes() {
	oc := &c.pl.objects
	for _, name := range sortedKeys(oc.attach) {
		as := oc.attach[name]
		var volID string
		for _, v := range oc.volumes {
			if v.name == name {
				volID = v.id
			}
		}
		if volID == "" {
			for i := range c.pl.snap.Volumes {
				if volumeName(&c.pl.snap.Volumes[i]) == name {
					volID = c.pl.snap.Volumes[i].ID
				}
			}
		}
		for _, chunk := range chunks(as, MaxSharedAttach) {
			deps := []string{c.volumeOp[name]}
			var ts []Target
			for _, a := range chunk {
				deps = append(deps, c.createOp[a.member])
				ts = append(ts, Target{Name: a.member, ID: a.id})
			}
			c.add(Op{Kind: OpAttachShared, Targets: ts, DependsOn: deps, Args: OpArgs{ObjectID: volID, ObjectName: name},
				Why: fmt.Sprintf("attach shared volume %s to %d server(s)", name, len(ts))})
		}
	}
	for _, v := range oc.volumes {
		if v.action != Delete {
			continue
		}
		var deps []string
		for _, d := range oc.detach {
			if d.volumeID == v.id {
				deps = append(deps, c.detachOps[d.server.ID]...)
			}
		}
		c.add(Op{Kind: OpDeleteVolume, Targets: []Target{{Name: v.name, ID: v.id}}, DependsOn: deps,
			Args: OpArgs{ObjectID: v.id, ObjectName: v.name}, Why: "delete shared volume " + v.name + " (" + v.reason + ")"})
	}
}

// passwordResets makes one batch reset per secret reference (the same
// reference is the same password), then records the new generation.
func (c *compiler) passwordResets() {
	type group struct {
		sets    []string
		members []*memberChange
	}
	groups := map[string]*group{}
	var keys []string
	for i := range c.pl.f.Servers {
		s := &c.pl.f.Servers[i]
		for _, m := range c.pl.members[s.Name] {
			if !m.resetPassword || m.action != Update {
				continue
			}
			key := s.AdminPassword.String()
			g := groups[key]
			if g == nil {
				g = &group{}
				groups[key] = g
				keys = append(keys, key)
			}
			if len(g.sets) == 0 || g.sets[len(g.sets)-1] != s.Name {
				g.sets = append(g.sets, s.Name)
			}
			g.members = append(g.members, m)
		}
	}
	for _, key := range keys {
		g := groups[key]
		for _, chunk := range chunks(g.members, MaxPasswordBatch) {
			id := c.add(Op{Kind: OpResetPasswords, Set: g.sets[0], Targets: targets(c, chunk),
				Why: fmt.Sprintf("reset the admin password of %d server(s) (effective after their next reboot)", len(chunk))})
			for _, m := range chunk {
				c.metadata(m.set, m, []string{id})
			}
		}
	}
}
