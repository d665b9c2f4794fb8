package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/plan"
	"github.com/ecsfleet/ecsfleet/spec"
)

// The imitation baseline executes a plan the way the Terraform HCS
// provider (v2.3.x, the HCS 8.3.0 line) drives the API, resource by
// resource (docs/benchmarks.md, "The tools as run"):
//
//   - one server per create call (no count, tags in the body); one call
//     per server for a rename, a resize, a password reset, a tag or
//     metadata change; NIC and volume attachments one at a time;
//   - after each create or resize job: a fixed sleep (JobDelay), a poll of
//     that server's job every JobPoll, then SettleCreate; a delete polls
//     its job, then the server until it is gone, then SettleDelete;
//   - a resize is one call with mode withStopServer (the plan's stop and
//     start around it are skipped);
//   - every server created or changed is read back once at the end of its
//     chain (its detail, NICs, volumes, image; subnets after a create);
//   - at most Parallelism operations in flight (-parallelism=10);
//   - a 429 sleeps 1, 2, 4, 8, 16 minutes (max_retries 5); a 5xx is not
//     retried: the resource fails, and what depends on it;
//   - a refresh reads each existing server one by one before anything is
//     applied.
//
// All its sleeps are cloud time: divided by the simulator's time scale.
// It plans nothing: it executes the plan ecsfleet's planner made from the
// same fleet file and the same cloud, so only the execution differs. The
// constants were matched against the real provider's calls on the same
// simulator (terraform.go).
type ImitationPolicy struct {
	Parallelism int
	JobDelay    time.Duration
	JobPoll     time.Duration
	Backoff     []time.Duration
	// SettleCreate and SettleDelete are the provider's fixed sleeps after
	// a create or resize job and after a delete.
	SettleCreate time.Duration
	SettleDelete time.Duration
}

// DefaultImitation is the provider's behaviour as issue 10 describes it,
// checked against the real provider's calls and times on the simulator.
var DefaultImitation = ImitationPolicy{
	Parallelism:  10,
	JobDelay:     5 * time.Second,
	JobPoll:      10 * time.Second,
	Backoff:      []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute},
	SettleCreate: 10 * time.Second,
	SettleDelete: 15 * time.Second,
}

type imitation struct {
	pol   ImitationPolicy
	c     *ecs.Client
	f     *spec.Fleet
	scale float64

	mu     sync.Mutex
	ids    map[string]string // server name -> id
	objs   map[string]string // "group/NAME", "volume/NAME" -> id
	failed map[string]string // target name -> reason
}

func newImitation(pol ImitationPolicy, c *ecs.Client, f *spec.Fleet, scale float64) *imitation {
	return &imitation{pol: pol, c: c, f: f, scale: scale, ids: map[string]string{}, objs: map[string]string{}, failed: map[string]string{}}
}

func (m *imitation) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(time.Duration(float64(d) / m.scale))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// do makes one call with the provider's retry policy: a throttled call is
// made again after 1, 2, 4, 8, 16 minutes; anything else is final.
func (m *imitation) do(ctx context.Context, fn func() error) error {
	for i := 0; ; i++ {
		err := fn()
		if err == nil || ecs.Classify(err) != ecs.Throttled || i >= len(m.pol.Backoff) {
			return err
		}
		if err := m.sleep(ctx, m.pol.Backoff[i]); err != nil {
			return err
		}
	}
}

// waitJob sleeps JobDelay, then polls the job every JobPoll until it ends.
func (m *imitation) waitJob(ctx context.Context, jr *ecs.JobResponse) (*ecs.Job, error) {
	if jr == nil || jr.JobID == "" {
		return nil, nil
	}
	if err := m.sleep(ctx, m.pol.JobDelay); err != nil {
		return nil, err
	}
	for {
		var j *ecs.Job
		err := m.do(ctx, func() (err error) { j, err = m.c.GetJob(ctx, jr.JobID); return })
		if err != nil {
			return nil, err
		}
		if j.Terminal() {
			if j.Status != ecs.JobSuccess {
				return j, fmt.Errorf("job %s: %s %s", j.JobID, j.ErrorCode, j.FailReason)
			}
			return j, nil
		}
		if err := m.sleep(ctx, m.pol.JobPoll); err != nil {
			return nil, err
		}
	}
}

// waitServer sleeps delay, then reads the server every JobPoll until
// done says so (s is nil when the server is gone).
func (m *imitation) waitServer(ctx context.Context, id string, delay time.Duration, done func(s *ecs.Server) bool) error {
	if err := m.sleep(ctx, delay); err != nil {
		return err
	}
	for {
		var s *ecs.Server
		err := m.do(ctx, func() (err error) { s, err = m.c.GetServer(ctx, id); return })
		if err != nil && !ecs.IsNotFound(err) {
			return err
		}
		if ecs.IsNotFound(err) {
			s = nil
		}
		if done(s) {
			return nil
		}
		if err := m.sleep(ctx, m.pol.JobPoll); err != nil {
			return err
		}
	}
}

// readServer is the provider's read of one server: its detail, then one
// read per NIC (the provider reads each port), two per attached volume
// (the attachment and the volume) and one of its image. Where the typed
// client has no call for the provider's exact endpoint (a port, one
// block device), a read of the same server's NICs or disks stands in:
// the count is the provider's.
func (m *imitation) readServer(ctx context.Context, id string, subnets bool) error {
	var s *ecs.Server
	if err := m.do(ctx, func() (err error) { s, err = m.c.GetServer(ctx, id); return }); err != nil {
		return err
	}
	for _, as := range s.Addresses {
		for range as {
			if err := m.do(ctx, func() error { _, err := m.c.ListNICs(ctx, id); return err }); err != nil {
				return err
			}
		}
	}
	if subnets {
		for _, as := range s.Addresses {
			for range as {
				if err := m.do(ctx, func() error { _, err := m.c.GetSubnet(ctx, benchSubnets[0].ID); return err }); err != nil {
					return err
				}
			}
		}
	}
	for _, v := range s.VolumesAttached {
		if err := m.do(ctx, func() error { _, err := m.c.ListBlockDevices(ctx, id); return err }); err != nil {
			return err
		}
		if err := m.do(ctx, func() error { _, err := m.c.GetVolume(ctx, v.ID); return err }); err != nil {
			return err
		}
	}
	if s.Image.ID != "" {
		return m.do(ctx, func() error { _, err := m.c.GetImage(ctx, s.Image.ID); return err })
	}
	return nil
}

// Refresh reads each server one by one, Parallelism at once.
func (m *imitation) Refresh(ctx context.Context, ids []string) error {
	sem := make(chan struct{}, m.pol.Parallelism)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for _, id := range ids {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := m.readServer(ctx, id, false); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

// task is one resource operation: one op's part for one target (or the
// whole op when it has no server targets).
type task struct {
	op     *plan.Op
	target *plan.Target // nil: the op as a whole
	deps   int
	next   []*task
	failed string
	// readBack: the last task of a server resource reads it back, as the
	// provider's Create and Update end with its Read.
	readBack bool
	// skip: a stop or start around a resize, which the provider's single
	// resize call (mode withStopServer) does itself.
	skip bool
	// created: the target was created in this run (its read-back also
	// reads its subnets, as the provider's Create does).
	created bool
}

func (t *task) key() string {
	if t.target == nil {
		return t.op.ID
	}
	return t.op.ID + "/" + t.target.Name
}

// ImitationResult is what the imitation did.
type ImitationResult struct {
	Tasks  int
	Failed map[string]string // target (or op) -> reason
}

// Apply executes the plan resource by resource.
func (m *imitation) Apply(ctx context.Context, p *plan.Plan) *ImitationResult {
	// Tasks: a server op becomes one task per target.
	byOp := map[string][]*task{}
	var all []*task
	for i := range p.Ops {
		op := &p.Ops[i]
		if perTarget(op.Kind) && len(op.Targets) > 0 {
			for j := range op.Targets {
				t := &task{op: op, target: &op.Targets[j]}
				byOp[op.ID] = append(byOp[op.ID], t)
				all = append(all, t)
			}
			continue
		}
		t := &task{op: op}
		byOp[op.ID] = append(byOp[op.ID], t)
		all = append(all, t)
	}
	// Dependencies: a target's task waits for the same target's task of
	// the op it depends on (a resource's own chain, as Terraform runs a
	// server's create and its metadata in one resource); otherwise for
	// every task of that op.
	for _, t := range all {
		for _, d := range t.op.DependsOn {
			var from []*task
			if t.target != nil {
				for _, dt := range byOp[d] {
					if dt.target != nil && dt.target.Name == t.target.Name {
						from = append(from, dt)
					}
				}
			}
			if len(from) == 0 {
				from = byOp[d]
			}
			for _, dt := range from {
				dt.next = append(dt.next, t)
				t.deps++
			}
		}
	}
	created, lastRead := map[string]bool{}, map[string]*task{}
	for _, t := range all {
		if t.op.Kind == plan.OpCreateServers && t.target != nil {
			created[t.target.Name] = true
		}
		if t.op.Kind != plan.OpResizeServers || t.target == nil {
			continue
		}
		for _, n := range t.next {
			if n.op.Kind == plan.OpStart && n.target != nil && n.target.Name == t.target.Name {
				n.skip = true
			}
		}
	}
	for _, t := range all {
		for _, n := range t.next {
			if t.op.Kind == plan.OpStop && n.op.Kind == plan.OpResizeServers && n.target != nil && t.target != nil && n.target.Name == t.target.Name {
				t.skip = true
			}
		}
		if t.target != nil {
			t.created = created[t.target.Name]
		}
	}
	for _, t := range all {
		if t.target == nil || t.op.Kind == plan.OpDeleteServers || t.skip {
			continue
		}
		t.readBack = true
		for _, n := range t.next {
			if n.target != nil && n.target.Name == t.target.Name && !n.skip {
				t.readBack = false
			}
		}
		// One read-back per resource: the last candidate in plan order.
		if t.readBack {
			if prev := lastRead[t.target.Name]; prev != nil {
				prev.readBack = false
			}
			lastRead[t.target.Name] = t
		}
	}
	var (
		mu      sync.Mutex
		cond    = sync.NewCond(&mu)
		ready   []*task // front: a resource's follow-ups; back: the rest, in plan order
		pending = len(all)
		res     = &ImitationResult{Tasks: len(all), Failed: map[string]string{}}
	)
	for _, t := range all {
		if t.deps == 0 {
			ready = append(ready, t)
		}
	}
	var finish func(t *task, why string)
	finish = func(t *task, why string) { // with mu held
		pending--
		if why != "" {
			res.Failed[t.key()] = why
		}
		var front []*task
		for _, n := range t.next {
			if why != "" && n.failed == "" {
				n.failed = "blocked by " + t.key()
			}
			n.deps--
			if n.deps == 0 {
				if n.failed != "" {
					finish(n, n.failed)
					continue
				}
				if t.target != nil && n.target != nil && n.target.Name == t.target.Name {
					front = append(front, n)
				} else {
					ready = append(ready, n)
				}
			}
		}
		ready = append(front, ready...)
	}
	var wg sync.WaitGroup
	for range m.pol.Parallelism {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				for len(ready) == 0 && pending > 0 {
					cond.Wait()
				}
				if pending == 0 {
					mu.Unlock()
					cond.Broadcast()
					return
				}
				t := ready[0]
				ready = ready[1:]
				mu.Unlock()
				err := m.run(ctx, t)
				if err == nil && t.readBack {
					err = m.readBack(ctx, t)
				}
				mu.Lock()
				why := ""
				if err != nil {
					why = err.Error()
				}
				finish(t, why)
				mu.Unlock()
				cond.Broadcast()
			}
		}()
	}
	wg.Wait()
	return res
}

// perTarget says an op kind is one provider operation per server.
func perTarget(k plan.OpKind) bool {
	switch k {
	case plan.OpCreateKeypair, plan.OpDeleteKeypair, plan.OpCreateServerGroup, plan.OpDeleteServerGroup,
		plan.OpCreateVolume, plan.OpDeleteVolume:
		return false
	}
	return true
}

func (m *imitation) id(name string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id := m.ids[name]; id != "" {
		return id, nil
	}
	return "", fmt.Errorf("server %s has no id (its create failed)", name)
}

func (m *imitation) object(kind, id, name string) string {
	if id != "" {
		return id
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.objs[kind+"/"+name]
}

var errNoSecret = errors.New("the fleet file has no admin password for the set")

func (m *imitation) password(set string) (string, error) {
	s := m.f.ServerSet(set)
	if s == nil || s.AdminPassword == nil {
		return "", errNoSecret
	}
	return s.AdminPassword.Resolve()
}

// run makes one task's calls.
func (m *imitation) run(ctx context.Context, t *task) error {
	op, c := t.op, m.c
	if t.skip {
		return nil
	}
	var id string
	if t.target != nil && op.Kind != plan.OpCreateServers {
		id = t.target.ID
		if id == "" {
			var err error
			if id, err = m.id(t.target.Name); err != nil {
				return err
			}
		}
	}
	write := func(fn func() error) error { return m.do(ctx, fn) }
	job := func(fn func() (*ecs.JobResponse, error)) error {
		var jr *ecs.JobResponse
		if err := write(func() (err error) { jr, err = fn(); return }); err != nil {
			return err
		}
		_, err := m.waitJob(ctx, jr)
		return err
	}
	switch op.Kind {
	case plan.OpCreateKeypair:
		return write(func() error { _, err := c.CreateKeypair(ctx, op.Args.Name, op.Args.PublicKey); return err })
	case plan.OpCreateServerGroup:
		return write(func() error {
			g, err := c.CreateServerGroup(ctx, op.Args.Name, []string{op.Args.Policy})
			if err == nil {
				m.mu.Lock()
				m.objs["group/"+op.Args.Name] = g.ID
				m.mu.Unlock()
			}
			return err
		})
	case plan.OpCreateVolume:
		a := op.Args
		var v *ecs.Volume
		if err := write(func() (err error) {
			v, err = c.CreateVolume(ctx, ecs.CreateVolume{DisplayName: a.Name, Size: a.Volume.SizeGB, VolumeType: a.Volume.Type,
				AvailabilityZone: a.Volume.AvailabilityZone, Multiattach: true, Metadata: map[string]string{spec.OwnerTagKey: m.f.Name}})
			return
		}); err != nil {
			return err
		}
		m.mu.Lock()
		m.objs["volume/"+a.Name] = v.ID
		m.mu.Unlock()
		if err := m.sleep(ctx, m.pol.JobDelay); err != nil {
			return err
		}
		for {
			var got *ecs.Volume
			if err := m.do(ctx, func() (err error) { got, err = c.GetVolume(ctx, v.ID); return }); err != nil {
				return err
			}
			if got.Status == "available" || got.Status == "in-use" {
				return nil
			}
			if got.Status == "error" {
				return fmt.Errorf("volume %s: error", a.Name)
			}
			if err := m.sleep(ctx, m.pol.JobPoll); err != nil {
				return err
			}
		}
	case plan.OpDeleteVolume:
		return write(func() error { return gone(c.DeleteVolume(ctx, op.Args.ObjectID)) })
	case plan.OpDeleteKeypair:
		return write(func() error { return gone(c.DeleteKeypair(ctx, op.Args.Name)) })
	case plan.OpDeleteServerGroup:
		return write(func() error { return gone(c.DeleteServerGroup(ctx, op.Args.ObjectID)) })
	case plan.OpCreateServers:
		return m.create(ctx, t)
	case plan.OpDeleteServers:
		if err := job(func() (*ecs.JobResponse, error) {
			return c.DeleteServers(ctx, &ecs.DeleteServersRequest{Servers: []ecs.IDRef{{ID: id}}, DeleteVolume: op.Args.DeleteVolumes})
		}); err != nil {
			return err
		}
		// Then the server itself, until it is gone.
		if err := m.waitServer(ctx, id, 0, func(s *ecs.Server) bool { return s == nil || s.Status == ecs.StatusDeleted }); err != nil {
			return err
		}
		return m.sleep(ctx, m.pol.SettleDelete)
	case plan.OpRenameServers, plan.OpModifyServer:
		mod := ecs.ModifyServer{Description: op.Args.Description}
		if op.Args.Name != "" {
			name := op.Args.Name
			mod.Name = &name
		}
		return write(func() error { _, err := c.ModifyServer(ctx, id, mod); return err })
	case plan.OpResizeServers:
		// One call: the cloud stops the server, resizes it and starts it
		// (the plan's stop and start around it are skipped).
		if err := job(func() (*ecs.JobResponse, error) {
			return c.ResizeServer(ctx, id, ecs.ResizeSpec{FlavorRef: op.Args.Flavor, Mode: "withStopServer"})
		}); err != nil {
			return err
		}
		return m.sleep(ctx, m.pol.SettleCreate)
	case plan.OpLiveResize:
		if err := job(func() (*ecs.JobResponse, error) { return c.LiveResizeServer(ctx, id, op.Args.Flavor, "") }); err != nil {
			return err
		}
		return m.sleep(ctx, m.pol.SettleCreate)
	case plan.OpChangeOS:
		co := ecs.ChangeOS{ImageID: op.Args.Image, KeyName: op.Args.KeyName}
		if co.KeyName == "" {
			pw, err := m.password(op.Set)
			if err != nil {
				return err
			}
			co.AdminPass = pw
		}
		return job(func() (*ecs.JobResponse, error) { return c.ChangeServerOS(ctx, id, co) })
	case plan.OpResetPasswords:
		pw, err := m.password(op.Set)
		if err != nil {
			return err
		}
		return write(func() error { return c.ResetPassword(ctx, id, pw) })
	case plan.OpAddTags:
		keys := make([]string, 0, len(op.Args.Tags))
		for k := range op.Args.Tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		tags := make([]ecs.Tag, len(keys))
		for i, k := range keys {
			tags[i] = ecs.Tag{Key: k, Value: op.Args.Tags[k]}
		}
		return write(func() error { return c.AddTags(ctx, id, tags) })
	case plan.OpDeleteTags:
		tags := make([]ecs.Tag, len(op.Args.TagKeys))
		for i, k := range op.Args.TagKeys {
			tags[i] = ecs.Tag{Key: k}
		}
		return write(func() error { return c.DeleteTags(ctx, id, tags) })
	case plan.OpUpdateMetadata:
		return write(func() error { _, err := c.UpdateMetadata(ctx, id, op.Args.Metadata); return err })
	case plan.OpDeleteMetadata:
		return write(func() error { return gone(c.DeleteMetadataKey(ctx, id, op.Args.MetadataKey)) })
	case plan.OpAddNICs:
		for _, n := range op.Args.NICs { // one NIC at a time
			var sgs []ecs.IDRef
			for _, g := range n.SecurityGroupIDs {
				sgs = append(sgs, ecs.IDRef{ID: g})
			}
			nic := []ecs.AddNIC{{SubnetID: n.SubnetID, IPAddress: n.IP, SecurityGroups: sgs}}
			if err := job(func() (*ecs.JobResponse, error) { return c.AddNICs(ctx, id, nic) }); err != nil {
				return err
			}
		}
		return nil
	case plan.OpDeleteNICs:
		for _, port := range op.Args.PortIDs {
			if err := job(func() (*ecs.JobResponse, error) { return c.DeleteNICs(ctx, id, []string{port}) }); err != nil {
				return err
			}
		}
		return nil
	case plan.OpAttachShared:
		vol := m.object("volume", op.Args.ObjectID, op.Args.ObjectName)
		// The single attach (5.8.2) needs a free device name: the next
		// after the server's disks (one read; the provider's resource
		// takes it from the configuration).
		var s *ecs.Server
		if err := m.do(ctx, func() (err error) { s, err = c.GetServer(ctx, id); return }); err != nil {
			return err
		}
		dev := fmt.Sprintf("/dev/vd%c", 'a'+len(s.VolumesAttached))
		return job(func() (*ecs.JobResponse, error) { return c.AttachVolume(ctx, id, vol, dev) })
	case plan.OpDetachVolume:
		vol := m.object("volume", op.Args.ObjectID, op.Args.ObjectName)
		return job(func() (*ecs.JobResponse, error) { return c.DetachVolume(ctx, id, vol, false) })
	case plan.OpGroupAdd:
		g := m.object("group", op.Args.ObjectID, op.Args.ObjectName)
		return write(func() error { return c.AddServerGroupMember(ctx, g, id) })
	case plan.OpGroupRemove:
		g := m.object("group", op.Args.ObjectID, op.Args.ObjectName)
		return write(func() error { return gone(c.RemoveServerGroupMember(ctx, g, id)) })
	case plan.OpStop:
		if err := write(func() error { return c.StopServer(ctx, id, "SOFT") }); err != nil {
			return err
		}
		return m.waitServer(ctx, id, m.pol.JobDelay, func(s *ecs.Server) bool { return s == nil || (s.Status == ecs.StatusShutoff && s.TaskState == "") })
	case plan.OpStart:
		if err := write(func() error { return c.StartServer(ctx, id) }); err != nil {
			return err
		}
		return m.waitServer(ctx, id, m.pol.JobDelay, func(s *ecs.Server) bool { return s == nil || (s.Status == ecs.StatusActive && s.TaskState == "") })
	}
	return fmt.Errorf("op kind %s is not imitated", op.Kind)
}

func gone(err error) error {
	if ecs.IsNotFound(err) {
		return nil
	}
	return err
}

// create makes one server: a create call of count 1 with the member's
// name, the job waited for, the server read back.
func (m *imitation) create(ctx context.Context, t *task) error {
	a := t.op.Args.Create
	power := a.PowerOn
	cs := ecs.CreateServer{
		ImageRef: a.ImageID, FlavorRef: a.FlavorID, Name: t.target.Name, VPCID: a.VPCID, AvailabilityZone: a.AvailabilityZone,
		RootVolume: ecs.RootVolume{VolumeType: a.RootVolumeType, Size: a.RootVolumeSize}, Count: 1,
		KeyName: a.KeyName, Description: a.Description, PowerOn: &power,
	}
	if a.HasPassword {
		pw, err := m.password(t.op.Set)
		if err != nil {
			return err
		}
		cs.AdminPass = pw
	}
	if a.HasUserData {
		return fmt.Errorf("user data is not imitated")
	}
	for _, n := range a.NICs {
		cs.NICs = append(cs.NICs, ecs.CreateNIC{SubnetID: n.SubnetID, IPAddress: n.IP})
	}
	for _, g := range a.SecurityGroupIDs {
		cs.SecurityGroups = append(cs.SecurityGroups, ecs.IDRef{ID: g})
	}
	for _, v := range a.DataVolumes {
		cs.DataVolumes = append(cs.DataVolumes, ecs.DataVolume{VolumeType: v.Type, Size: v.SizeGB})
	}
	keys := make([]string, 0, len(a.Tags))
	for k := range a.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cs.ServerTags = append(cs.ServerTags, ecs.Tag{Key: k, Value: a.Tags[k]})
	}
	if g := m.object("group", a.ServerGroupID, a.ServerGroupName); g != "" {
		cs.SchedulerHints = &ecs.CreateSchedulerHints{Group: g}
	}
	var jr *ecs.JobResponse
	if err := m.do(ctx, func() (err error) {
		jr, err = m.c.CreateServers(ctx, &ecs.CreateServersRequest{Server: cs})
		return
	}); err != nil {
		return err
	}
	j, err := m.waitJob(ctx, jr)
	var sid string
	if j != nil {
		for _, sj := range j.SubJobs {
			if sj.Entities.ServerID != "" {
				sid = sj.Entities.ServerID
			}
		}
		if sid == "" {
			sid = j.Entities.ServerID
		}
	}
	if sid != "" {
		m.mu.Lock()
		m.ids[t.target.Name] = sid
		m.mu.Unlock()
	}
	if err != nil {
		return err
	}
	if sid == "" {
		return fmt.Errorf("create of %s: the job names no server", t.target.Name)
	}
	return m.sleep(ctx, m.pol.SettleCreate)
}

func (m *imitation) readBack(ctx context.Context, t *task) error {
	id := t.target.ID
	if id == "" {
		var err error
		if id, err = m.id(t.target.Name); err != nil {
			return err
		}
	}
	return m.readServer(ctx, id, t.created)
}
