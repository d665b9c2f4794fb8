package plan

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/spec"
)

// Options tune a plan.
type Options struct {
	// FleetHash is the SHA-256 of the fleet file's bytes (recorded in the plan).
	FleetHash string
	// Project is the project the plan is for (recorded in the plan).
	Project string
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time
	// Model is the cloud model of the estimate; zero means DefaultModel.
	Model CloudModel
	// Destroy says f is ForDestroy's fleet: the reasons say "destroy"
	// rather than "not in the fleet file".
	Destroy bool
	// Imported are the servers `ecsfleet import` listed for this fleet
	// (server id -> member name; ImportRecord). Only they may be adopted:
	// ecsfleet changes no server without its mark unless an import chose
	// it, whatever the file or the flags say. Nil: none.
	Imported map[string]string
}

// Make reads the live cloud and computes the plan that makes it match f.
// It only reads. A fleet the live catalogue refutes (an unknown image,
// a root volume below min_disk, a quota the plan would exceed, ...) gives
// Problems; an API failure gives a *ReadError.
func Make(ctx context.Context, r Reader, f *spec.Fleet, o Options) (*Plan, error) {
	snap, err := ReadSnapshot(ctx, r, f)
	if err != nil {
		return nil, err
	}
	return makeFrom(ctx, r, f, snap, o)
}

// planner holds one planning run.
type planner struct {
	f        *spec.Fleet
	destroy  bool
	imported map[string]string // Options.Imported
	snap     *Snapshot
	// servers are the snapshot's owned servers, converted once, in the
	// snapshot's order (by id); live finds them by id.
	servers []*liveServer
	live    map[string]*liveServer
	cat     *Catalogue
	probs   problems
	sets    map[string]*desiredSet
	// per set, in file order
	members map[string][]*memberChange
	extras  []extra
	changes []Change
	objects objectChanges
	warns   []string
}

func makeFrom(ctx context.Context, r Reader, f *spec.Fleet, snap *Snapshot, o Options) (*Plan, error) {
	pl := &planner{f: f, destroy: o.Destroy, imported: o.Imported, snap: snap, sets: map[string]*desiredSet{}, members: map[string][]*memberChange{}}
	res := &resolver{f: f, snap: snap, probs: &pl.probs}
	for i := range f.Servers {
		s := &f.Servers[i]
		pl.sets[s.Name] = res.set(s)
	}
	pl.reservedKeypairs()
	if err := pl.probs.err(); err != nil {
		return nil, err
	}
	pl.diffServers()
	// A missing member may exist without the fleet's mark: adopted, not
	// created (adopt.go). Before the objects, which count its volumes.
	if err := pl.adoptMissing(ctx, r); err != nil {
		return nil, err
	}
	if err := pl.probs.err(); err != nil {
		return nil, err
	}
	pl.diffObjects()

	// Phase 2: the catalogue, only when the plan needs it.
	if from, need := pl.needsCatalogue(); need {
		cat, err := readCatalogue(ctx, r, snap, from)
		if err != nil {
			return nil, err
		}
		pl.cat = cat
		pl.validateCatalogue()
		if err := pl.probs.err(); err != nil {
			return nil, err
		}
	}

	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	p := &Plan{
		FormatVersion: FormatVersion, Fleet: f.Name, FleetFile: f.File, FleetHash: o.FleetHash,
		Project: o.Project, CreatedAt: now().UTC().Format(time.RFC3339),
	}
	c := newCompiler(pl)
	c.compile()
	p.Ops = c.ops
	p.Changes = pl.buildChanges()
	if err := pl.preventDestroy(p.Changes); err != nil {
		return nil, err
	}
	p.Warnings = pl.warns
	p.Summary = summarize(p)
	p.Summary.Calls.Read = snap.TotalReads()
	p.Fingerprints, p.Absent = fingerprints(pl)
	model := o.Model
	if model.Capacity == 0 {
		model = DefaultModel()
	}
	p.Estimate = model.Estimate(p.Ops)
	return p, nil
}

// diffServers matches every owned server to a member and diffs it.
func (pl *planner) diffServers() {
	subnets := newSubnetIndex(pl.snap.Subnets)
	pl.live = make(map[string]*liveServer, len(pl.snap.Servers))
	bySet := map[string][]*liveServer{}
	for i := range pl.snap.Servers {
		l := toLive(&pl.snap.Servers[i], subnets)
		pl.live[l.ID] = l
		pl.servers = append(pl.servers, l)
		set := l.Set
		if pl.sets[set] == nil && set == "" {
			set = setOfName(pl.f, l.Name)
		}
		if pl.sets[set] == nil {
			reason := "not in the fleet file"
			switch {
			case pl.destroy:
				reason = "destroy"
			case set != "":
				reason = fmt.Sprintf("server set %q is not in the fleet file", set)
			}
			pl.extras = append(pl.extras, extra{l, reason})
			continue
		}
		bySet[set] = append(bySet[set], l)
	}
	d := &differ{f: pl.f}
	for i := range pl.f.Servers {
		s := &pl.f.Servers[i]
		ds := pl.sets[s.Name]
		slots, extras := matchSet(s, bySet[s.Name])
		pl.extras = append(pl.extras, extras...)
		for _, sl := range slots {
			var m *memberChange
			if sl.live == nil {
				m = d.create(ds, sl.name, "")
			} else {
				m = d.compare(ds, sl)
			}
			if m != nil {
				pl.members[s.Name] = append(pl.members[s.Name], m)
			}
		}
	}
	sort.Slice(pl.extras, func(i, j int) bool { return pl.extras[i].live.Name > pl.extras[j].live.Name })
}

// needsCatalogue says whether phase 2 must run and which source flavors
// need their resize targets.
func (pl *planner) needsCatalogue() ([]string, bool) {
	need := false
	from := map[string]bool{}
	for _, ms := range pl.members {
		for _, m := range ms {
			switch {
			case m.action == Create || m.action == Replace:
				need = true
			case m.resize:
				need = true
				from[m.live.Flavor] = true
			case len(m.nicsAdd) > 0:
				need = true
			}
		}
	}
	return sortedKeys(from), need
}

// validateCatalogue checks the file against what only the live catalogue
// knows, for the sets the plan creates or changes.
func (pl *planner) validateCatalogue() {
	cat := pl.cat
	flavors := map[string]*ecs.Flavor{}
	var flavorNames []string
	for i := range cat.Flavors {
		fl := &cat.Flavors[i]
		flavors[fl.ID], flavors[fl.Name] = fl, fl
		flavorNames = append(flavorNames, fl.Name)
	}
	azs := map[string]bool{}
	var azNames []string
	for _, z := range cat.AZs {
		azs[z.ZoneName] = true
		azNames = append(azNames, z.ZoneName)
	}
	sgs := map[string]string{}
	var sgNames []string
	for _, g := range cat.SecurityGroups {
		sgs[g.ID], sgs[g.Name] = g.ID, g.ID
		sgNames = append(sgNames, g.Name)
	}
	vpcs := map[string]string{}
	for _, v := range cat.VPCs {
		vpcs[v.ID], vpcs[v.Name] = v.ID, v.ID
	}

	var addInstances, addCores, addRAM int
	for i := range pl.f.Servers {
		s := &pl.f.Servers[i]
		ds := pl.sets[s.Name]
		var creates, resizes int
		for _, m := range pl.members[s.Name] {
			if m.action == Create || m.action == Replace {
				creates++
			}
			if m.resize {
				resizes++
			}
		}
		for _, ex := range pl.extras {
			if ex.live.Set == s.Name {
				addInstances--
			}
		}
		fl := flavors[s.Flavor]
		if fl == nil && (creates > 0 || resizes > 0) {
			pl.probs.unknown(s.FieldPos["flavor"], s.Name, "flavor", s.Flavor, flavorNames)
		}
		if creates > 0 || pl.needsSGs(s.Name) {
			if s.AvailabilityZone != "" && !azs[s.AvailabilityZone] {
				pl.probs.add(s.FieldPos["availability_zone"], choices("availability zones", azNames),
					"server set %q: availability zone %q does not exist in this cloud", s.Name, s.AvailabilityZone)
			}
			if id, ok := vpcs[s.VPC]; !ok {
				pl.probs.add(s.FieldPos["vpc"], "", "server set %q: VPC %q does not exist in this cloud", s.Name, s.VPC)
			} else if ds.vpcID != "" && id != ds.vpcID {
				pl.probs.add(s.FieldPos["vpc"], "use subnets of the set's VPC, or change vpc", "server set %q: its subnets are not in VPC %q", s.Name, s.VPC)
			}
			for _, name := range allSecurityGroups(s) {
				if _, ok := sgs[name]; !ok {
					pl.probs.unknown(s.FieldPos["security_groups"], s.Name, "security group", name, sgNames)
				}
			}
		}
		if fl != nil {
			addInstances += creates
			addCores += creates * int(fl.VCPUs)
			addRAM += creates * int(fl.RAM)
		}
		if fl != nil && resizes > 0 {
			for _, m := range pl.members[s.Name] {
				if !m.resize {
					continue
				}
				targets, ok := cat.ResizeTargets[m.live.Flavor]
				if ok && !flavorIn(targets, fl) {
					pl.probs.add(s.FieldPos["flavor"], "list what it can take with GET /v1/{project_id}/cloudservers/resize_flavors?source_flavor_id="+m.live.Flavor,
						"server set %q: %s (flavor %s) cannot be resized to %s (5.6.1)", s.Name, m.name, m.live.FlavorName, s.Flavor)
					break
				}
			}
		}
	}
	pl.checkQuotas(addInstances, addCores, addRAM)
}

func flavorIn(list []ecs.Flavor, fl *ecs.Flavor) bool {
	for _, x := range list {
		if x.ID == fl.ID || x.Name == fl.Name {
			return true
		}
	}
	return false
}

// needsSGs reports whether a set's changes need security group ids.
func (pl *planner) needsSGs(set string) bool {
	for _, m := range pl.members[set] {
		if len(m.nicsAdd) > 0 {
			return true
		}
	}
	return false
}

// allSecurityGroups is every security group name a set uses.
func allSecurityGroups(s *spec.ServerSet) []string {
	seen := map[string]bool{}
	var out []string
	add := func(names []string) {
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	add(s.SecurityGroups)
	for _, n := range s.NICs {
		add(n.SecurityGroups)
	}
	return out
}

// checkQuotas refuses a plan that would exceed the project's quotas (5.10).
func (pl *planner) checkQuotas(instances, cores, ram int) {
	l := pl.cat.Limits
	if l == nil {
		return
	}
	where := pl.f.Pos
	check := func(what string, used, add, max int) {
		if max < 0 || add <= 0 {
			return
		}
		if used+add > max {
			pl.probs.add(where, "lower the counts, delete servers elsewhere in the project, or ask for a higher quota",
				"the plan needs %d more %s, but the project uses %d of its quota of %d (5.10)", add, what, used, max)
		}
	}
	check("instances", int(l.TotalInstancesUsed), instances, int(l.MaxTotalInstances))
	check("cores", int(l.TotalCoresUsed), cores, int(l.MaxTotalCores))
	check("MB of RAM", int(l.TotalRAMUsed), ram, int(l.MaxTotalRAMSize))
}

// preventDestroy refuses a plan that deletes or replaces a member of a set
// the file protects with prevent_destroy, or a server that carries the
// mark of such a set the file no longer has.
func (pl *planner) preventDestroy(changes []Change) error {
	var ps problems
	for _, c := range changes {
		if c.Kind != KindServer || (c.Action != Delete && c.Action != Replace) {
			continue
		}
		if s := pl.f.ServerSet(c.Set); s != nil && s.PreventDestroy {
			ps.add(s.Pos, "remove prevent_destroy from the set first, if destroying it is really meant",
				"server set %q has prevent_destroy, but the plan would %s %s (%s)", s.Name, c.Action, c.Name, c.Reason)
		}
	}
	for _, ex := range pl.extras {
		if ex.live.Metadata[spec.PreventDestroyKey] == "true" && pl.f.ServerSet(ex.live.Set) == nil {
			ps.add(spec.Pos{File: pl.f.File}, fmt.Sprintf("put server set %q back with prevent_destroy: false and apply, then remove it", ex.live.Set),
				"server %s (%s) was made by server set %q with prevent_destroy, and the file no longer has that set: it is not deleted", ex.live.Name, ex.live.ID, ex.live.Set)
		}
	}
	return ps.err()
}
