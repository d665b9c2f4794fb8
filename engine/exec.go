package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/plan"
	"github.com/ecsfleet/ecsfleet/spec"
)

// opRun carries out one op: its call, the wait for its job, and what to do
// when the call fails. The rule for failures: a throttled call was not
// processed and is simply made again; a call refused for a reason (4xx) is
// a failure with the cloud's reason; a call whose outcome is unknown (5xx,
// connection lost after sending) is made again only if repeating it is
// harmless, and otherwise only after re-reading the servers it touched
// shows it was not applied.
type opRun struct {
	r       *run
	op      *plan.Op
	st      *opState
	attempt int
	slot    *slot // its place among the --parallelism ops in flight
}

// slot is an op's place among the ops in flight. An op holds it while it
// calls the API and waits for a job; a start or stop, which has no job,
// gives it back while it only waits for the server to come to rest, and
// takes it again before calling once more: --parallelism bounds the work
// ecsfleet drives, not the servers the cloud is busy with (a rolling wave
// of 30 stops is 30 calls in a row, not three rounds of ten waits).
type slot struct {
	sem  *semaphore.Weighted
	held bool
}

func (s *slot) release() {
	if s != nil && s.held {
		s.sem.Release(1)
		s.held = false
	}
}

func (s *slot) acquire(ctx context.Context) error {
	if s == nil || s.held {
		return nil
	}
	if err := s.sem.Acquire(ctx, 1); err != nil {
		return err
	}
	s.held = true
	return nil
}

// failures collects per-target failures.
type failures map[string]TargetFailure

func (f failures) add(name, id, why string) { f[name] = TargetFailure{Name: name, ID: id, Reason: why} }

func sortedFailures(f map[string]TargetFailure) []TargetFailure {
	out := make([]TargetFailure, 0, len(f))
	for _, v := range f {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (x *opRun) exec(ctx context.Context) (map[string]TargetFailure, error) {
	op := x.op
	switch op.Kind {
	case plan.OpCreateServers:
		return x.createServers(ctx)
	case plan.OpDeleteServers:
		return x.serverBatch(ctx, func(ctx context.Context, ids []string) (*ecs.JobResponse, error) {
			return x.r.cloud.DeleteServers(ctx, &ecs.DeleteServersRequest{Servers: refs(ids), DeleteVolume: op.Args.DeleteVolumes})
		}, func(s *ecs.Server) bool {
			return s == nil || s.Status == ecs.StatusDeleted || strings.EqualFold(string(s.TaskState), "deleting")
		})
	case plan.OpResizeServers, plan.OpLiveResize:
		call := x.r.cloud.ResizeServers
		if op.Kind == plan.OpLiveResize {
			call = x.r.cloud.LiveResizeServers
		}
		return x.serverBatch(ctx, func(ctx context.Context, ids []string) (*ecs.JobResponse, error) {
			items := make([]ecs.BatchResizeItem, len(ids))
			for i, id := range ids {
				items[i] = ecs.BatchResizeItem{ServerID: id, FlavorRef: op.Args.Flavor}
			}
			return call(ctx, items)
		}, func(s *ecs.Server) bool {
			return s != nil && (s.Flavor.ID == op.Args.Flavor || s.Flavor.Name == op.Args.Flavor || s.Status == ecs.StatusResize || s.Status == "VERIFY_RESIZE")
		})
	case plan.OpChangeOS:
		sec, err := x.r.e.secrets(*op)
		if err != nil {
			return nil, err
		}
		return x.serverBatch(ctx, func(ctx context.Context, ids []string) (*ecs.JobResponse, error) {
			c := ecs.ChangeOS{ImageID: op.Args.Image, KeyName: op.Args.KeyName}
			if c.KeyName == "" {
				c.AdminPass = sec.password
			}
			return x.r.cloud.ChangeServerOS(ctx, ids[0], c)
		}, func(s *ecs.Server) bool { return s != nil && (s.Image.ID == op.Args.Image || s.Status == "REBUILD") })
	case plan.OpAttachShared:
		vol := x.r.object("volume", op.Args.ObjectID, op.Args.ObjectName)
		return x.serverBatch(ctx, func(ctx context.Context, ids []string) (*ecs.JobResponse, error) {
			infos := make([]ecs.ServerInfo, len(ids))
			for i, id := range ids {
				infos[i] = ecs.ServerInfo{ServerID: id}
			}
			return x.r.cloud.AttachSharedVolume(ctx, vol, infos)
		}, func(s *ecs.Server) bool { return s != nil && hasVolume(s, vol) })
	case plan.OpDetachVolume:
		vol := x.r.object("volume", op.Args.ObjectID, op.Args.ObjectName)
		return x.serverBatch(ctx, func(ctx context.Context, ids []string) (*ecs.JobResponse, error) {
			return x.r.cloud.DetachVolume(ctx, ids[0], vol, false)
		}, func(s *ecs.Server) bool { return s == nil || !hasVolume(s, vol) })
	case plan.OpAddNICs:
		return x.serverBatch(ctx, func(ctx context.Context, ids []string) (*ecs.JobResponse, error) {
			var nics []ecs.AddNIC
			for _, n := range op.Args.NICs {
				nics = append(nics, ecs.AddNIC{SubnetID: n.SubnetID, IPAddress: n.IP, SecurityGroups: refs(n.SecurityGroupIDs)})
			}
			return x.r.cloud.AddNICs(ctx, ids[0], nics)
		}, nil)
	case plan.OpDeleteNICs:
		return x.serverBatch(ctx, func(ctx context.Context, ids []string) (*ecs.JobResponse, error) {
			return x.r.cloud.DeleteNICs(ctx, ids[0], op.Args.PortIDs)
		}, nil)
	case plan.OpStart, plan.OpStop:
		return x.power(ctx)
	}
	return x.simple(ctx)
}

// simple runs the ops whose call is harmless to repeat (tags, metadata,
// names, passwords, group membership, deletes of objects) and the object
// creates, which are checked by name before they are repeated.
func (x *opRun) simple(ctx context.Context) (map[string]TargetFailure, error) {
	op, c := x.op, x.r.cloud
	var id string
	fail := failures{}
	if isServerOp(op.Kind) && len(op.Targets) > 0 {
		ids, f := x.resolve()
		for k, v := range f {
			fail[k] = v
		}
		if len(ids) == 0 {
			return fail, nil
		}
		id = ids[0]
	}
	switch op.Kind {
	case plan.OpAddTags:
		tags := make([]ecs.Tag, 0, len(op.Args.Tags))
		for _, k := range sortedKeys(op.Args.Tags) {
			tags = append(tags, ecs.Tag{Key: k, Value: op.Args.Tags[k]})
		}
		return fail, x.repeat(ctx, func(ctx context.Context) error { return c.AddTags(ctx, id, tags) })
	case plan.OpDeleteTags:
		tags := make([]ecs.Tag, len(op.Args.TagKeys))
		for i, k := range op.Args.TagKeys {
			tags[i] = ecs.Tag{Key: k}
		}
		return fail, x.repeat(ctx, func(ctx context.Context) error { return c.DeleteTags(ctx, id, tags) })
	case plan.OpUpdateMetadata:
		return fail, x.repeat(ctx, func(ctx context.Context) error {
			_, err := c.UpdateMetadata(ctx, id, op.Args.Metadata)
			return err
		})
	case plan.OpDeleteMetadata:
		return fail, x.repeat(ctx, func(ctx context.Context) error {
			return gone(c.DeleteMetadataKey(ctx, id, op.Args.MetadataKey))
		})
	case plan.OpModifyServer:
		m := ecs.ModifyServer{Description: op.Args.Description}
		if op.Args.Name != "" {
			m.Name = &op.Args.Name
		}
		return fail, x.repeat(ctx, func(ctx context.Context) error {
			_, err := c.ModifyServer(ctx, id, m)
			return err
		})
	case plan.OpRenameServers:
		ids, f := x.resolve()
		return f, x.repeat(ctx, func(ctx context.Context) error {
			_, err := c.RenameServers(ctx, &ecs.RenameServersRequest{Name: op.Args.Name, Servers: refs(ids)})
			return err
		})
	case plan.OpResetPasswords:
		ids, f := x.resolve()
		sec, err := x.r.e.secrets(*op)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return f, nil
		}
		return f, x.repeat(ctx, func(ctx context.Context) error {
			_, err := c.ResetPasswords(ctx, &ecs.ResetPasswordsRequest{NewPassword: sec.password, Servers: refs(ids)})
			return err
		})
	case plan.OpGroupAdd:
		g := x.r.object("group", op.Args.ObjectID, op.Args.ObjectName)
		return fail, x.repeat(ctx, func(ctx context.Context) error { return c.AddServerGroupMember(ctx, g, id) })
	case plan.OpGroupRemove:
		g := x.r.object("group", op.Args.ObjectID, op.Args.ObjectName)
		return fail, x.repeat(ctx, func(ctx context.Context) error { return gone(c.RemoveServerGroupMember(ctx, g, id)) })
	case plan.OpDeleteVolume:
		return nil, x.repeat(ctx, func(ctx context.Context) error { return gone(c.DeleteVolume(ctx, op.Args.ObjectID)) })
	case plan.OpDeleteKeypair:
		return nil, x.repeat(ctx, func(ctx context.Context) error { return gone(c.DeleteKeypair(ctx, op.Args.Name)) })
	case plan.OpDeleteServerGroup:
		return nil, x.repeat(ctx, func(ctx context.Context) error { return gone(c.DeleteServerGroup(ctx, op.Args.ObjectID)) })
	case plan.OpCreateKeypair:
		return nil, x.createKeypair(ctx)
	case plan.OpCreateServerGroup:
		return nil, x.createObject(ctx, "group", func(ctx context.Context) (string, error) {
			g, err := c.CreateServerGroup(ctx, op.Args.Name, []string{op.Args.Policy})
			if err != nil {
				return "", err
			}
			return g.ID, nil
		}, func(ctx context.Context) (string, error) {
			var gs []ecs.ServerGroup
			err := x.r.e.call(ctx, Reads, func() (err error) { gs, err = c.ListServerGroups(ctx); return })
			for _, g := range gs {
				if g.Name == op.Args.Name {
					return g.ID, err
				}
			}
			return "", err
		})
	case plan.OpCreateVolume:
		return nil, x.createVolume(ctx)
	}
	return nil, fmt.Errorf("op kind %q is not known to this version of ecsfleet", op.Kind)
}

// gone treats "not found" as done: the object a delete removes is gone.
func gone(err error) error {
	if ecs.IsNotFound(err) {
		return nil
	}
	return err
}

func refs(ids []string) []ecs.IDRef {
	out := make([]ecs.IDRef, len(ids))
	for i, id := range ids {
		out[i] = ecs.IDRef{ID: id}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func hasVolume(s *ecs.Server, id string) bool {
	for _, v := range s.VolumesAttached {
		if v.ID == id {
			return true
		}
	}
	return false
}

// resolve returns the server ids of the op's targets, and a failure for
// every target without one (a server its create did not make).
func (x *opRun) resolve() ([]string, failures) {
	f := failures{}
	var ids []string
	x.r.mu.Lock()
	defer x.r.mu.Unlock()
	for _, t := range x.op.Targets {
		id := t.ID
		if id == "" {
			id = x.r.ids[t.Name]
		}
		if id == "" {
			f.add(t.Name, "", "the server was not created")
			continue
		}
		ids = append(ids, id)
	}
	return ids, f
}

// nameOf maps a server id back to its target name.
func (x *opRun) nameOf(id string) string {
	x.r.mu.Lock()
	defer x.r.mu.Unlock()
	for _, t := range x.op.Targets {
		if t.ID == id || x.r.ids[t.Name] == id {
			return t.Name
		}
	}
	return id
}

// object resolves an object id: the plan's, or the one an op of this run created.
func (r *run) object(kind, id, name string) string {
	if id != "" {
		return id
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.objects[kind+":"+name]
}

// intent journals the call about to be made.
func (x *opRun) intent(ids []string) {
	x.attempt++
	rec := Record{Type: RecIntent, Op: x.op.ID, Kind: x.op.Kind, Set: x.op.Set, Attempt: x.attempt}
	byID := map[string]bool{}
	for _, id := range ids {
		byID[id] = true
	}
	for _, t := range x.op.Targets {
		id := t.ID
		if id == "" {
			x.r.mu.Lock()
			id = x.r.ids[t.Name]
			x.r.mu.Unlock()
		}
		if len(ids) == 0 || byID[id] {
			rec.Targets = append(rec.Targets, plan.Target{Name: t.Name, ID: id})
		}
	}
	if !isServerOp(x.op.Kind) {
		rec.Targets = []plan.Target{{Name: x.op.Args.Name, ID: x.op.Args.ObjectID}}
	}
	x.r.journal(rec)
}

// write makes one mutating call, journaled when it is about to be made
// (after the rate limit let it go, so an open intent is a call that was
// at least on its way).
func (x *opRun) write(ctx context.Context, ids []string, fn func(context.Context) error) error {
	if err := x.r.e.lim.wait(ctx, Writes); err != nil {
		return err
	}
	x.intent(ids)
	return x.r.e.counted(Writes, func() error { return fn(ctx) })
}

// repeat makes a call whose repetition is harmless until it succeeds, is
// refused, or the attempts run out.
func (x *opRun) repeat(ctx context.Context, fn func(context.Context) error) error {
	ids, _ := x.resolve()
	for {
		err := x.write(ctx, ids, fn)
		if err == nil || !x.again(ctx, err) {
			return err
		}
	}
}

// again reports whether a failed call may be made again, after waiting.
// A refused call (4xx) is final; so is a cancelled context or the last
// attempt.
func (x *opRun) again(ctx context.Context, err error) bool {
	return ecs.Classify(err) != ecs.Permanent && x.retry(ctx, reason(err))
}

// retry waits before the op's next attempt, if it has one left; why is
// what went wrong with the last.
func (x *opRun) retry(ctx context.Context, why string) bool {
	if ctx.Err() != nil || x.attempt >= x.r.e.o.Attempts {
		return false
	}
	d := x.r.e.backoff(x.attempt)
	ev := opEvent(Retry, x.op)
	ev.Delay, ev.Error = Duration(d), why
	x.r.emit(ev)
	return sleep(ctx, d) == nil
}

// backoff is the wait before retry n (n >= 1) of an op: full jitter over
// an exponentially growing window of real time (the cloud's throttle and
// faults do not run on its clock), capped at 30 s.
func (e *Engine) backoff(n int) time.Duration {
	base := e.o.RetryBase
	if base <= 0 {
		base = time.Second
	}
	w := min(base<<min(n-1, 16), 30*time.Second)
	return w/2 + rand.N(w/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ambiguous reports a failure after which the call may or may not have
// been applied.
func ambiguous(err error) bool {
	var ne *ecs.NetError
	return errors.As(err, &ne) || ecs.Classify(err) == ecs.Transient
}

// serverBatch runs a job-returning call on the op's servers. After an
// ambiguous failure it re-reads them (applied tells what it sees): the
// ones already done are waited for, the call is made again for the rest.
// applied nil means the effect cannot be read back: the op then fails
// with "outcome unknown", and the next run's plan re-reads the cloud.
func (x *opRun) serverBatch(ctx context.Context, call func(context.Context, []string) (*ecs.JobResponse, error), applied func(*ecs.Server) bool) (map[string]TargetFailure, error) {
	ids, fail := x.resolve()
	if len(ids) == 0 {
		return fail, nil
	}
	settled := []string{}
	for len(ids) > 0 {
		var jr *ecs.JobResponse
		err := x.write(ctx, ids, func(ctx context.Context) (err error) { jr, err = call(ctx, ids); return })
		if err == nil {
			jf, err := x.waitJob(ctx, jr, ids)
			if err != nil || len(jf) == 0 || applied == nil || x.attempt >= x.r.e.o.Attempts {
				for k, v := range jf {
					fail[k] = v
				}
				if err != nil {
					return fail, err
				}
				break
			}
			// Some servers' sub-jobs failed. What the cloud failed may
			// succeed on a second try; a server that went to ERROR will not.
			retry, why := x.failedAgain(ctx, jf, applied, fail, &settled)
			if len(retry) == 0 || !x.retry(ctx, why) {
				for _, id := range retry {
					fail[x.nameOf(id)] = jf[x.nameOf(id)]
				}
				break
			}
			ids = retry
			continue
		}
		if ecs.Classify(err) == ecs.Throttled {
			if !x.again(ctx, err) {
				return fail, err
			}
			continue
		}
		if !ambiguous(err) && !ecs.IsNotFound(err) {
			return fail, err
		}
		if applied == nil {
			return fail, fmt.Errorf("outcome unknown (%s); the next run re-reads the server and converges", reason(err))
		}
		// Re-read, then decide.
		var rest []string
		for _, id := range ids {
			s, rerr := x.getServer(ctx, id)
			if rerr != nil {
				return fail, fmt.Errorf("outcome unknown (%s), and re-reading server %s failed: %v", reason(err), id, rerr)
			}
			if applied(s) {
				if s != nil {
					settled = append(settled, id)
				}
				continue
			}
			rest = append(rest, id)
		}
		ids = rest
		if len(ids) > 0 && !x.again(ctx, err) {
			for _, id := range ids {
				fail.add(x.nameOf(id), id, reason(err))
			}
			break
		}
	}
	for k, v := range x.settle(ctx, settled) {
		fail[k] = v
	}
	return fail, nil
}

// failedAgain sorts the servers whose sub-jobs failed: the ones the call
// reached after all (settled), the broken ones (fail), and the ones to try
// again, which it returns with the first reason.
func (x *opRun) failedAgain(ctx context.Context, jf failures, applied func(*ecs.Server) bool, fail failures, settled *[]string) ([]string, string) {
	var retry []string
	why := ""
	for _, f := range sortedFailures(jf) {
		s, err := x.getServer(ctx, f.ID)
		switch {
		case f.ID == "" || err != nil:
			fail[f.Name] = f
		case applied(s):
			if s != nil {
				*settled = append(*settled, f.ID)
			}
		case s != nil && s.Status == ecs.StatusError && x.op.Kind != plan.OpDeleteServers:
			fail[f.Name] = f // broken: the next plan replaces it
		default:
			retry = append(retry, f.ID)
			if why == "" {
				why = f.Reason
			}
		}
	}
	return retry, why
}

// getServer reads one server; a server that is gone is nil.
func (x *opRun) getServer(ctx context.Context, id string) (*ecs.Server, error) {
	var s *ecs.Server
	err := x.r.e.call(ctx, Reads, func() (err error) { s, err = x.r.cloud.GetServer(ctx, id); return })
	if ecs.IsNotFound(err) {
		return nil, nil
	}
	return s, err
}

// waitJob records the job id and waits for the job; FAIL sub-jobs become
// failures of their servers (by id; ids maps the call's servers).
func (x *opRun) waitJob(ctx context.Context, jr *ecs.JobResponse, ids []string) (failures, error) {
	fail := failures{}
	if jr == nil || jr.JobID == "" {
		return fail, nil // answered without a job: done
	}
	x.st.jobID = jr.JobID
	x.r.journal(Record{Type: RecJob, Op: x.op.ID, Kind: x.op.Kind, JobID: jr.JobID})
	job, err := x.r.pollJob(ctx, x.op, jr.JobID)
	if job == nil {
		return fail, err
	}
	results := job.ServerResults()
	seen := map[string]bool{}
	for _, res := range results {
		seen[res.ServerID] = true
		if strings.EqualFold(res.Status, ecs.JobFail) {
			fail.add(x.nameOf(res.ServerID), res.ServerID, jobReason(res.ErrorCode, res.FailReason, job))
		}
	}
	if strings.EqualFold(job.Status, ecs.JobFail) {
		// A failed job without per-server results failed for all of them.
		why := jobReason(string(job.ErrorCode), string(job.FailReason), job)
		for _, id := range ids {
			if !seen[id] {
				fail.add(x.nameOf(id), id, why)
			}
		}
		if len(ids) == 0 && len(results) == 0 {
			fail.add("", "", why) // a create: its members are matched by name later
		}
	}
	return fail, nil
}

func jobReason(code, why string, job *ecs.Job) string {
	var parts []string
	if code != "" {
		parts = append(parts, code)
	}
	if why != "" {
		parts = append(parts, why)
	}
	if len(parts) == 0 {
		parts = append(parts, "the job failed")
	}
	return strings.Join(parts, ": ") + " (job " + job.JobID + ")"
}

// pollJob waits for a job of an op with the adaptive schedule, reporting
// its progress.
func (r *run) pollJob(ctx context.Context, op *plan.Op, jobID string) (*ecs.Job, error) {
	r.mu.Lock()
	r.counts.Jobs++
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.counts.Jobs--
		r.mu.Unlock()
	}()
	last := -1
	return r.e.pollJob(ctx, r.cloud, op.Kind, jobID, func(done, total int) {
		if done != last {
			last = done
			ev := opEvent(JobProgress, op)
			ev.JobID, ev.Done, ev.Total = jobID, done, total
			r.emit(ev)
		}
	})
}

// pollJob waits for a job, its first poll near the expected duration of
// its type, then at the pace its progress sets. A job that ends in FAIL is returned without an error: its
// failure is read from the job.
func (e *Engine) pollJob(ctx context.Context, c Cloud, kind plan.OpKind, jobID string, progress func(done, total int)) (*ecs.Job, error) {
	opts := e.waitOptions(kind)
	// A batch job's own progress sets the pace once it has some: a create
	// of 1,000 on 20 backend slots runs 50 minutes and is polled a few
	// dozen times, every 2 minutes at most, not every 30 s.
	opts.ByProgress = max(opts.MaxInterval, e.scaled(2*time.Minute))
	opts.OnPoll = func(j *ecs.Job) {
		done := 0
		for _, s := range j.SubJobs {
			if ecs.IsTerminal(s.Status) {
				done++
			}
		}
		if progress != nil {
			progress(done, len(j.SubJobs))
		}
	}
	get := func(ctx context.Context, id string) (*ecs.Job, error) {
		var j *ecs.Job
		err := e.call(ctx, Polls, func() (err error) { j, err = c.GetJob(ctx, id); return })
		return j, err
	}
	j, err := ecs.PollJob(ctx, get, jobID, opts.WaitOptions)
	var je *ecs.JobError
	if errors.As(err, &je) {
		return j, nil
	}
	return j, err
}

// pollSchedule is a job type's poll schedule, for the engine's own status
// waits (servers, volumes): the first wait near the expected duration,
// then growing by half up to the cap.
type pollSchedule struct{ ecs.WaitOptions }

// next is the wait after one of length d.
func (p pollSchedule) next(d time.Duration) time.Duration {
	return min(max(d*3/2, p.MinInterval), p.MaxInterval)
}

// waitOptions is the poll schedule of a job type on this cloud's clock.
func (e *Engine) waitOptions(k plan.OpKind) pollSchedule {
	d := e.o.Model.Durations[k]
	if d <= 0 {
		d = 10 * time.Second
	}
	floor := time.Millisecond
	return pollSchedule{ecs.WaitOptions{
		Expected:    max(floor, e.scaled(d)),
		MinInterval: max(floor, e.scaled(time.Second)),
		MaxInterval: max(floor, e.scaled(30*time.Second)),
	}}
}

// settle waits until the servers have left every transitional status (a
// call applied without a job the engine knows), at most a job's timeout.
func (x *opRun) settle(ctx context.Context, ids []string) failures {
	fail := failures{}
	for _, id := range ids {
		s, err := x.r.waitServer(ctx, x.op, id, func(s *ecs.Server) bool { return s == nil || !transitional(s) })
		if err != nil {
			fail.add(x.nameOf(id), id, err.Error())
		} else if s != nil && s.Status == ecs.StatusError {
			fail.add(x.nameOf(id), id, "the server went to status ERROR")
		}
	}
	return fail
}

// transitional reports a server in the middle of a change.
func transitional(s *ecs.Server) bool {
	switch s.Status {
	case ecs.StatusActive, ecs.StatusShutoff, ecs.StatusError, ecs.StatusDeleted, "VERIFY_RESIZE":
		return strings.TrimSpace(string(s.TaskState)) != ""
	}
	return true
}

// waitServer polls one server until ok says so, with the same adaptive
// schedule as a job of the op's kind.
func (r *run) waitServer(ctx context.Context, op *plan.Op, id string, ok func(*ecs.Server) bool) (*ecs.Server, error) {
	opts := r.e.waitOptions(op.Kind)
	wait := opts.Expected
	deadline := r.e.o.Now().Add(max(r.e.scaled(30*time.Minute), time.Minute))
	for {
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		var s *ecs.Server
		err := r.e.call(ctx, Polls, func() (err error) { s, err = r.cloud.GetServer(ctx, id); return })
		if ecs.IsNotFound(err) {
			s, err = nil, nil
		}
		if err == nil && ok(s) {
			return s, nil
		}
		if err != nil && ecs.Classify(err) == ecs.Permanent {
			return nil, err
		}
		if s != nil && s.Status == ecs.StatusError {
			return s, nil
		}
		if r.e.o.Now().After(deadline) {
			status := "unknown"
			if s != nil {
				status = s.Status
			}
			return s, fmt.Errorf("server %s did not reach the expected state in time (status %s)", id, status)
		}
		wait = opts.next(wait)
	}
}

// power starts or stops one server, then waits until it is ACTIVE or
// SHUTOFF: the next wave of a rolling change starts only then. The call
// answers without a job, so a failure of the cloud's own task shows only
// as a server back at rest in the old status: then the call is made again,
// within the op's attempts.
func (x *opRun) power(ctx context.Context) (map[string]TargetFailure, error) {
	ids, fail := x.resolve()
	if len(ids) == 0 {
		return fail, nil
	}
	id, name := ids[0], x.op.Targets[0].Name
	want := ecs.StatusActive
	call := func(ctx context.Context) error { return x.r.cloud.StartServer(ctx, id) }
	if x.op.Kind == plan.OpStop {
		want = ecs.StatusShutoff
		call = func(ctx context.Context) error { return x.r.cloud.StopServer(ctx, id, "") }
	}
	for {
		if err := x.slot.acquire(ctx); err != nil {
			return fail, err
		}
		err := x.repeat(ctx, call)
		var ae *ecs.Error
		if errors.As(err, &ae) && ae.StatusCode == http.StatusConflict {
			// 409: the server is not in a state to do it, perhaps because
			// it is already there (an earlier attempt went through).
			err = nil
		}
		if err != nil {
			return fail, err
		}
		x.slot.release()
		grace := x.r.e.o.Now().Add(3 * x.r.e.waitOptions(x.op.Kind).Expected)
		s, err := x.r.waitServer(ctx, x.op, id, func(s *ecs.Server) bool {
			return s == nil || !transitional(s) && (s.Status == want || x.r.e.o.Now().After(grace))
		})
		switch {
		case err != nil:
			fail.add(name, id, err.Error())
			return fail, nil
		case s == nil:
			fail.add(name, id, "the server is gone")
			return fail, nil
		case s.Status == want:
			return fail, nil
		case s.Status == ecs.StatusError:
			fail.add(name, id, "the server went to status ERROR")
			return fail, nil
		}
		why := fmt.Sprintf("the server is still %s: the cloud did not carry out the %s", s.Status, x.op.Kind)
		if !x.retry(ctx, why) {
			fail.add(name, id, why)
			return fail, nil
		}
	}
}

// createKeypair creates (or imports) a keypair; a generated private key is
// written once, mode 0600, to the file the fleet names.
func (x *opRun) createKeypair(ctx context.Context) error {
	a := x.op.Args
	for {
		var kp *ecs.Keypair
		err := x.write(ctx, nil, func(ctx context.Context) (err error) {
			kp, err = x.r.cloud.CreateKeypair(ctx, a.Name, a.PublicKey)
			return
		})
		if err == nil {
			if a.PublicKey == "" && a.PrivateKeyFile != "" {
				return writePrivateKey(x.r.e.keyPath(a.PrivateKeyFile), kp.PrivateKey)
			}
			return nil
		}
		if ambiguous(err) {
			var kps []ecs.Keypair
			if rerr := x.r.e.call(ctx, Reads, func() (err error) { kps, err = x.r.cloud.ListKeypairs(ctx); return }); rerr == nil {
				for _, k := range kps {
					if k.Name == a.Name {
						if a.PublicKey == "" {
							return fmt.Errorf("keypair %s was created but the answer carrying its private key was lost (%s): delete the keypair by hand and apply again", a.Name, reason(err))
						}
						return nil
					}
				}
			}
		}
		if !x.again(ctx, err) {
			return err
		}
	}
}

func writePrivateKey(path, key string) error {
	if key == "" {
		return fmt.Errorf("the cloud returned no private key to write to %s", path)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("writing the private key: %w", err)
	}
	if _, err := f.WriteString(key); err != nil {
		f.Close()
		return fmt.Errorf("writing the private key to %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing the private key to %s: %w", path, err)
	}
	return f.Close()
}

// createObject creates a named object whose id later ops need; after an
// ambiguous failure it looks for it by name before creating it again.
func (x *opRun) createObject(ctx context.Context, kind string, create, find func(context.Context) (string, error)) error {
	for {
		var id string
		err := x.write(ctx, nil, func(ctx context.Context) (err error) { id, err = create(ctx); return })
		if err == nil || ambiguous(err) {
			if err != nil {
				if found, ferr := find(ctx); ferr == nil && found != "" {
					id, err = found, nil
				}
			}
			if err == nil {
				x.r.mu.Lock()
				x.r.objects[kind+":"+x.op.Args.Name] = id
				x.r.mu.Unlock()
				return nil
			}
		}
		if !x.again(ctx, err) {
			return err
		}
	}
}

// createVolume creates a shared volume marked as the fleet's, and waits
// until it is available.
func (x *opRun) createVolume(ctx context.Context) error {
	a, c := x.op.Args, x.r.cloud
	if a.Volume == nil {
		return fmt.Errorf("op %s has no volume to create", x.op.ID)
	}
	err := x.createObject(ctx, "volume", func(ctx context.Context) (string, error) {
		v, err := c.CreateVolume(ctx, ecs.CreateVolume{DisplayName: a.Name, Size: a.Volume.SizeGB, VolumeType: a.Volume.Type,
			AvailabilityZone: a.Volume.AvailabilityZone, Multiattach: true,
			Metadata: map[string]string{spec.OwnerTagKey: x.r.p.Fleet}})
		if err != nil {
			return "", err
		}
		return v.ID, nil
	}, func(ctx context.Context) (string, error) {
		v, err := x.findVolume(ctx, a.Name)
		if v == nil {
			return "", err
		}
		return v.ID, err
	})
	if err != nil {
		return err
	}
	// Wait until it can be attached.
	opts := x.r.e.waitOptions(plan.OpCreateVolume)
	wait := opts.Expected
	for {
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		v, err := x.findVolume(ctx, a.Name)
		if err != nil && ecs.Classify(err) == ecs.Permanent {
			return err
		}
		if v != nil {
			switch v.Status {
			case "available", "in-use":
				return nil
			case "error":
				return fmt.Errorf("volume %s went to status error", a.Name)
			}
		}
		wait = opts.next(wait)
	}
}

func (x *opRun) findVolume(ctx context.Context, name string) (*ecs.Volume, error) {
	var vs []ecs.Volume
	err := x.r.e.call(ctx, Polls, func() (err error) { vs, err = x.r.cloud.ListVolumes(ctx, true); return })
	for i := range vs {
		v := &vs[i]
		if (v.DisplayName == name || v.DispalyName == name) && v.Metadata[spec.OwnerTagKey] == x.r.p.Fleet {
			return v, nil
		}
	}
	return nil, err
}
