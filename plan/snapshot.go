package plan

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/spec"
)

// Reader is the part of the API the planner reads. *ecs.Client implements
// it; the planner never holds anything that can write.
type Reader interface {
	ListServersDetail(ctx context.Context, opts ecs.ListServersOptions) (*ecs.ListServersResponse, error)
	ListKeypairs(ctx context.Context) ([]ecs.Keypair, error)
	ListServerGroups(ctx context.Context) ([]ecs.ServerGroup, error)
	ListImagesDetail(ctx context.Context) ([]ecs.Image, error)
	ListSubnets(ctx context.Context, vpcID string) ([]ecs.Subnet, error)
	ListVolumes(ctx context.Context, detail bool) ([]ecs.Volume, error)
	ListVPCs(ctx context.Context) ([]ecs.VPC, error)
	ListSecurityGroups(ctx context.Context) ([]ecs.SecurityGroup, error)
	ListFlavors(ctx context.Context, availabilityZone string) ([]ecs.Flavor, error)
	ListAvailabilityZones(ctx context.Context) ([]ecs.AvailabilityZone, error)
	GetLimits(ctx context.Context) (*ecs.AbsoluteLimits, error)
	ListResizeFlavors(ctx context.Context, o ecs.ResizeFlavorsOptions) ([]ecs.Flavor, error)
}

// ExpectFields is what the server list is asked to include (5.2.5): exactly
// what the diff compares.
const ExpectFields = "metadata,volume,addresses,flavor,scheduler_hints"

// readBound is how many reads run at once: enough to hide latency, small
// enough not to trip an API gateway's throttle on its own.
const readBound = 4

// maxListAttempts bounds the re-reads of a server list that moved while it
// was paged.
const maxListAttempts = 3

// Snapshot is the live state a plan is computed from: the fleet's owned
// servers (found by the ownership tag) and the objects the fleet names.
type Snapshot struct {
	Servers  []ecs.Server
	Keypairs []ecs.Keypair
	Groups   []ecs.ServerGroup
	Images   []ecs.Image
	Subnets  []ecs.Subnet
	// Volumes are every volume of the project (the fleet's are marked).
	Volumes []ecs.Volume
	// Others are the project's servers that do not carry the fleet's mark
	// (unowned ones and other fleets'), read only when the plan has
	// missing members: a member may exist without the mark (adopt.go).
	// OthersRead says they were read.
	Others     []ecs.Server
	OthersRead bool
	// Reads is the number of read calls made, by endpoint label.
	Reads map[string]int
	mu    sync.Mutex
}

func (s *Snapshot) count(label string) {
	s.mu.Lock()
	s.Reads[label]++
	s.mu.Unlock()
}

// TotalReads is the number of read calls the snapshot took.
func (s *Snapshot) TotalReads() int {
	n := 0
	for _, c := range s.Reads {
		n += c
	}
	return n
}

// OwnerFilter is the 5.2.5 `tags` filter value that selects a fleet's servers.
func OwnerFilter(fleet string) string { return spec.OwnerTagKey + "=" + fleet }

// ReadSnapshot reads the fleet's live state in bulk: the owned servers (one
// list call per 1,000), keypairs, server groups, images and subnets, and the
// volumes when the fleet has shared ones — concurrently under a small bound.
// Nothing per server.
func ReadSnapshot(ctx context.Context, r Reader, f *spec.Fleet) (*Snapshot, error) {
	s := &Snapshot{Reads: map[string]int{}}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(readBound)
	g.Go(func() error {
		servers, err := readServers(ctx, r, serverFilter{tags: OwnerFilter(f.Name)}, "servers", "the fleet's servers", s.count)
		s.Servers = servers
		return err
	})
	g.Go(readInto(ctx, s, "keypairs", "keypairs", &s.Keypairs, r.ListKeypairs))
	g.Go(readInto(ctx, s, "server_groups", "server groups", &s.Groups, r.ListServerGroups))
	g.Go(readInto(ctx, s, "images", "images", &s.Images, r.ListImagesDetail))
	g.Go(readInto(ctx, s, "subnets", "subnets", &s.Subnets, func(ctx context.Context) ([]ecs.Subnet, error) {
		return r.ListSubnets(ctx, "")
	}))
	// Volumes are read even when the file names none: a volume the fleet
	// marked and the file dropped must be detached and deleted in the plan,
	// not taken away unannounced by the delete of its last server.
	g.Go(readInto(ctx, s, "volumes", "volumes", &s.Volumes, func(ctx context.Context) ([]ecs.Volume, error) {
		return r.ListVolumes(ctx, true)
	}))
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return s, nil
}

// readInto is one counted read of the snapshot into dst, as a function for
// an errgroup; label counts it in Snapshot.Reads, what names it in errors.
func readInto[T any](ctx context.Context, s *Snapshot, label, what string, dst *T, read func(context.Context) (T, error)) func() error {
	return func() error {
		s.count(label)
		v, err := read(ctx)
		*dst = v
		return wrapRead(what, err)
	}
}

// ReadError is a read that failed; the plan cannot be made without it.
type ReadError struct {
	What string
	Err  error
}

func (e *ReadError) Error() string { return fmt.Sprintf("cannot read %s: %v", e.What, e.Err) }
func (e *ReadError) Unwrap() error { return e.Err }

func wrapRead(what string, err error) error {
	if err == nil {
		return nil
	}
	return &ReadError{What: what, Err: err}
}

// ReadSnapshotFor is the fresh snapshot a saved plan is checked against
// (Stale): ReadSnapshot, plus the servers without the fleet's mark when the
// plan adopts some, so that a server that changed or was taken by another
// fleet since the plan was made is noticed before it is adopted.
func ReadSnapshotFor(ctx context.Context, r Reader, f *spec.Fleet, saved *Plan) (*Snapshot, error) {
	s, err := ReadSnapshot(ctx, r, f)
	if err != nil {
		return nil, err
	}
	for _, c := range saved.Changes {
		if c.Kind == KindServer && c.Action == Adopt {
			return s, s.readOthers(ctx, r, f.Name)
		}
	}
	return s, nil
}

// readOthers reads the project's servers that do not carry the fleet's
// mark (5.2.5's not-tags; one list call per 1,000 of them, so a project
// that holds only the fleet costs one call however big the fleet).
// Once per snapshot.
func (s *Snapshot) readOthers(ctx context.Context, r Reader, fleet string) error {
	if s.OthersRead {
		return nil
	}
	// Only the servers that are not the fleet's: the fleet's were read
	// already. A cloud that ignored not-tags would send them too, and the
	// owner check below drops them (the cost is the pages).
	all, err := readServers(ctx, r, serverFilter{notTags: OwnerFilter(fleet)}, "project_servers", "the project's servers", s.count)
	if err != nil {
		return err
	}
	s.Others = s.Others[:0]
	for i := range all {
		if owner, ok := ownerOf(&all[i]); !ok || owner != fleet {
			s.Others = append(s.Others, all[i])
		}
	}
	s.OthersRead = true
	return nil
}

// ownerOf is the value of a server's ownership tag, and whether it has one.
func ownerOf(srv *ecs.Server) (string, bool) {
	v, ok := srv.TagMap()[spec.OwnerTagKey]
	return v, ok
}

// serverFilter is 5.2.5's tag filters of a listing: tags (every item
// present) and not-tags (none present); "" for none.
type serverFilter struct{ tags, notTags string }

// readServers pages through 5.2.5 with filter; label counts the calls in
// Snapshot.Reads, what names the list in errors. The API pages
// by page number and defines no order, so a set that changes while it is
// paged can skip or repeat a server: pages are deduplicated by id, and when
// a page reports a different total than the first one, or the servers seen
// do not add up to the total, the whole list is read again (up to
// maxListAttempts), so the snapshot is a consistent one.
func readServers(ctx context.Context, r Reader, filter serverFilter, label, what string, count func(string)) ([]ecs.Server, error) {
	var lastErr error
	for attempt := 1; attempt <= maxListAttempts; attempt++ {
		servers, consistent, err := readServersOnce(ctx, r, filter, label, count)
		if err != nil {
			return nil, wrapRead("servers", err)
		}
		if consistent {
			return servers, nil
		}
		lastErr = fmt.Errorf("the server list changed while it was read (%d attempts); another tool is creating or deleting %s: try again when it is done", attempt, what)
	}
	return nil, wrapRead("servers", lastErr)
}

func readServersOnce(ctx context.Context, r Reader, filter serverFilter, label string, count func(string)) ([]ecs.Server, bool, error) {
	opts := ecs.ListServersOptions{Offset: 1, Limit: ecs.MaxPageSize, Tags: filter.tags, NotTags: filter.notTags, ExpectFields: ExpectFields}
	count(label)
	first, err := r.ListServersDetail(ctx, opts)
	if err != nil {
		return nil, false, err
	}
	total := first.Count
	pages := (total + ecs.MaxPageSize - 1) / ecs.MaxPageSize
	results := make([]*ecs.ListServersResponse, max(pages, 1))
	results[0] = first
	if pages > 1 {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(readBound)
		for p := 2; p <= pages; p++ {
			g.Go(func() error {
				o := opts
				o.Offset = p
				count(label)
				resp, err := r.ListServersDetail(gctx, o)
				results[p-1] = resp
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, false, err
		}
	}
	seen := make(map[string]bool, total)
	out := make([]ecs.Server, 0, total)
	consistent := true
	for _, page := range results {
		if page.Count != total {
			consistent = false
		}
		for _, srv := range page.Servers {
			if seen[srv.ID] {
				consistent = false
				continue
			}
			seen[srv.ID] = true
			out = append(out, srv)
		}
	}
	if len(out) != total {
		consistent = false
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, consistent, nil
}

// Catalogue is what only the live cloud knows and the second phase of
// planning reads when the plan creates, resizes or adds NICs: flavors,
// quotas, security groups, AZs and VPCs (resolving names and validating the
// file against them).
type Catalogue struct {
	Flavors        []ecs.Flavor
	Limits         *ecs.AbsoluteLimits
	SecurityGroups []ecs.SecurityGroup
	AZs            []ecs.AvailabilityZone
	VPCs           []ecs.VPC
	// ResizeTargets are the flavors each source flavor can be resized to
	// (5.6.1), by source flavor id; read only for resizes.
	ResizeTargets map[string][]ecs.Flavor
}

// readCatalogue reads the second-phase catalogue, concurrently.
func readCatalogue(ctx context.Context, r Reader, s *Snapshot, resizeFrom []string) (*Catalogue, error) {
	c := &Catalogue{ResizeTargets: map[string][]ecs.Flavor{}}
	var mu sync.Mutex
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(readBound)
	g.Go(readInto(ctx, s, "flavors", "flavors", &c.Flavors, func(ctx context.Context) ([]ecs.Flavor, error) {
		return r.ListFlavors(ctx, "")
	}))
	g.Go(readInto(ctx, s, "limits", "quotas (limits)", &c.Limits, r.GetLimits))
	g.Go(readInto(ctx, s, "security_groups", "security groups", &c.SecurityGroups, r.ListSecurityGroups))
	g.Go(readInto(ctx, s, "availability_zones", "availability zones", &c.AZs, r.ListAvailabilityZones))
	g.Go(readInto(ctx, s, "vpcs", "VPCs", &c.VPCs, r.ListVPCs))
	for _, from := range resizeFrom {
		g.Go(func() error {
			s.count("resize_flavors")
			fl, err := r.ListResizeFlavors(ctx, ecs.ResizeFlavorsOptions{SourceFlavorID: from})
			mu.Lock()
			c.ResizeTargets[from] = fl
			mu.Unlock()
			return wrapRead("resize flavors of "+from, err)
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return c, nil
}
