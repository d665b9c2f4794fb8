package plan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/spec"
)

// memberChange is everything that differs for one member of a set, with
// what each difference needs; the compiler turns a set's memberChanges into
// batched ops and the plan's Changes are made from them.
type memberChange struct {
	set    *desiredSet
	name   string
	live   *liveServer // nil for a create
	action Action
	reason string
	attrs  []AttrDiff

	rename   bool
	resize   bool   // flavor differs
	changeOS bool   // image differs
	power    string // "on"/"off": a power change on its own

	tagsAdd map[string]string
	tagsDel []string
	metaSet map[string]string
	metaDel []string
	nicsAdd []int    // indexes into the set's NICs
	portDel []string // port ids

	groupAdd    bool     // add to the set's group
	groupRemove []string // group ids to leave

	resetPassword bool
	description   *string
}

// impact is the most disruptive impact of the change.
func (m *memberChange) impact() Impact {
	switch {
	case m.action == Replace:
		return Replacing
	case m.changeOS || (m.resize && m.set.s.ResizeMode != spec.ResizeLive):
		return Disruptive
	case m.action == Update:
		return InPlace
	}
	return ""
}

// differ compares members with their live servers.
type differ struct {
	f *spec.Fleet
}

// create is a member that does not exist.
func (d *differ) create(ds *desiredSet, name string, reason string) *memberChange {
	m := &memberChange{set: ds, name: name, action: Create, reason: reason}
	m.metaSet = ds.newMetadata()
	return m
}

// newMetadata is what a new member gets written after its create: the
// fleet's metadata and ecsfleet's bookkeeping (a replacement too: it is a
// new server).
func (ds *desiredSet) newMetadata() map[string]string {
	md := ds.bookkeeping()
	for k, v := range ds.meta {
		md[k] = v
	}
	return md
}

// compare diffs one member against its live server.
func (d *differ) compare(ds *desiredSet, sl *slot) *memberChange {
	l, s := sl.live, ds.s
	m := &memberChange{set: ds, name: sl.name, live: l, action: Update}
	if l.Status == ecs.StatusError {
		m.action, m.reason = Replace, "status ERROR: the server is broken and is replaced"
		m.metaSet = ds.newMetadata()
		return m
	}
	// Changes the API cannot make in place: replace.
	var replace []AttrDiff
	if l.AZ != "" && s.AvailabilityZone != "" && l.AZ != s.AvailabilityZone {
		replace = append(replace, AttrDiff{Path: "availability_zone", Old: l.AZ, New: s.AvailabilityZone, Impact: Replacing})
	}
	if want, ok := l.Metadata[CreateDescriptorKey]; ok && want != ds.desc {
		replace = append(replace, descriptorDiff(want, ds.desc)...)
	}
	if s.Keypair != "" && l.KeyName != "" && l.KeyName != s.Keypair {
		replace = append(replace, AttrDiff{Path: "keypair", Old: l.KeyName, New: s.Keypair, Impact: Replacing})
	}
	primary := ""
	if len(ds.subnets) > 0 {
		primary = ds.subnets[0]
	}
	if primary != "" && len(l.NICs) > 0 && !slices.ContainsFunc(l.NICs, func(n liveNIC) bool { return n.SubnetID == primary }) {
		replace = append(replace, AttrDiff{Path: "nics[0].subnet", Old: l.NICs[0].SubnetID, New: s.NICs[0].Subnet, Impact: Replacing})
	}
	if len(replace) > 0 {
		m.action, m.attrs = Replace, replace
		var paths []string
		for _, a := range replace {
			paths = append(paths, a.Path)
		}
		m.reason = strings.Join(paths, ", ") + " cannot change in place"
		m.metaSet = ds.newMetadata()
		return m
	}

	if sl.renamedFrom != "" {
		m.rename = true
		m.attrs = append(m.attrs, AttrDiff{Path: "name", Old: sl.renamedFrom, New: sl.name, Impact: InPlace})
	}
	if l.Flavor != s.Flavor && l.FlavorName != s.Flavor {
		m.resize = true
		impact := Disruptive
		if s.ResizeMode == spec.ResizeLive {
			impact = InPlace
		}
		m.attrs = append(m.attrs, AttrDiff{Path: "flavor", Old: l.FlavorName, New: s.Flavor, Impact: impact})
	}
	if ds.imageID != "" && l.ImageID != "" && l.ImageID != ds.imageID {
		m.changeOS = true
		m.attrs = append(m.attrs, AttrDiff{Path: "image", Old: l.ImageID, New: s.Image, Impact: Disruptive})
	}
	d.diffTags(m, ds, l)
	d.diffMetadata(m, ds, l)
	d.diffNICs(m, ds, l)
	d.diffGroup(m, ds, l)
	if want, have := s.PowerState, l.powerState(); want != "" && have != "" && want != have {
		m.power = want
		m.attrs = append(m.attrs, AttrDiff{Path: "power_state", Old: have, New: want, Impact: InPlace})
	}
	if s.Description != l.Description {
		desc := s.Description
		m.description = &desc
		m.attrs = append(m.attrs, AttrDiff{Path: "description", Old: l.Description, New: s.Description, Impact: InPlace})
	}
	if len(m.attrs) == 0 {
		return nil
	}
	return m
}

func (d *differ) diffTags(m *memberChange, ds *desiredSet, l *liveServer) {
	var attrs []AttrDiff
	m.tagsAdd, m.tagsDel, attrs = diffMap("tags.", ds.tags, l.Tags, func(k string) bool { return ignoredTag(d.f, k) })
	m.attrs = append(m.attrs, attrs...)
}

// diffMap compares the desired and live values of a key/value attribute
// (tags, metadata): the keys to set (new or changed), the live keys to
// delete (those the fleet does not name and does not ignore), and an
// AttrDiff for each, under prefix.
func diffMap(prefix string, want, have map[string]string, ignored func(string) bool) (set map[string]string, del []string, attrs []AttrDiff) {
	for _, k := range sortedKeys(want) {
		v, ok := have[k]
		if ok && v == want[k] {
			continue
		}
		if set == nil {
			set = map[string]string{}
		}
		set[k] = want[k]
		a := AttrDiff{Path: prefix + k, New: want[k], Impact: InPlace}
		if ok {
			a.Old = v
		}
		attrs = append(attrs, a)
	}
	for _, k := range sortedKeys(have) {
		if _, named := want[k]; named || ignored(k) {
			continue
		}
		del = append(del, k)
		attrs = append(attrs, AttrDiff{Path: prefix + k, Old: have[k], Impact: InPlace})
	}
	return set, del, attrs
}

func (d *differ) diffMetadata(m *memberChange, ds *desiredSet, l *liveServer) {
	var attrs []AttrDiff
	m.metaSet, m.metaDel, attrs = diffMap("metadata.", ds.meta, l.Metadata, func(k string) bool { return ignoredMetadata(d.f, k) })
	m.attrs = append(m.attrs, attrs...)
	set := func(k, v string) {
		if m.metaSet == nil {
			m.metaSet = map[string]string{}
		}
		m.metaSet[k] = v
	}
	// Password rotation: the live generation is below the file's.
	if ds.s.AdminPassword != nil {
		have, _ := strconv.Atoi(l.Metadata[spec.PasswordGenerationKey])
		if have < ds.s.PasswordGeneration {
			m.resetPassword = true
			set(spec.PasswordGenerationKey, strconv.Itoa(ds.s.PasswordGeneration))
			m.attrs = append(m.attrs,
				AttrDiff{Path: "admin_password", Sensitive: true, Impact: InPlace},
				AttrDiff{Path: "password_generation", Old: strconv.Itoa(have), New: strconv.Itoa(ds.s.PasswordGeneration), Impact: InPlace})
		}
	}
	// prevent_destroy travels with the server as a mark, so it holds after
	// the set leaves the file; it is lifted only by the file saying false.
	if marked := l.Metadata[spec.PreventDestroyKey] == "true"; marked != ds.s.PreventDestroy {
		old, now := strconv.FormatBool(marked), strconv.FormatBool(ds.s.PreventDestroy)
		if ds.s.PreventDestroy {
			set(spec.PreventDestroyKey, "true")
		} else {
			m.metaDel = append(m.metaDel, spec.PreventDestroyKey)
		}
		m.attrs = append(m.attrs, AttrDiff{Path: "prevent_destroy", Old: old, New: now, Impact: InPlace})
	}
	// A member without the create descriptor (created before ecsfleet
	// recorded it, or adopted) gets it, so later plans can compare.
	if _, ok := l.Metadata[CreateDescriptorKey]; !ok && len(m.attrs) > 0 {
		set(CreateDescriptorKey, ds.desc)
	}
}

func (d *differ) diffNICs(m *memberChange, ds *desiredSet, l *liveServer) {
	used := make([]bool, len(l.NICs))
	for i, n := range ds.s.NICs {
		sub := ds.subnets[i]
		if sub == "" {
			continue
		}
		found := false
		for j, ln := range l.NICs {
			if used[j] || ln.SubnetID != sub || (n.IP != "" && ln.IP != n.IP) {
				continue
			}
			used[j], found = true, true
			break
		}
		if !found {
			m.nicsAdd = append(m.nicsAdd, i)
			label := n.Subnet
			if n.IP != "" {
				label += " " + n.IP
			}
			m.attrs = append(m.attrs, AttrDiff{Path: fmt.Sprintf("nics[%d]", i), New: label, Impact: InPlace})
		}
	}
	for j, ln := range l.NICs {
		if used[j] || ln.PortID == "" {
			continue
		}
		m.portDel = append(m.portDel, ln.PortID)
		m.attrs = append(m.attrs, AttrDiff{Path: "nics", Old: ln.IP + " (port " + ln.PortID + ")", Impact: InPlace})
	}
}

func (d *differ) diffGroup(m *memberChange, ds *desiredSet, l *liveServer) {
	want := ds.s.ServerGroup
	in := false
	for _, g := range l.Groups {
		if ds.groupID != "" && g == ds.groupID {
			in = true
			continue
		}
		m.groupRemove = append(m.groupRemove, g)
	}
	if want != "" && !in {
		m.groupAdd = true
	}
	if m.groupAdd || len(m.groupRemove) > 0 {
		old := strings.Join(l.Groups, ",")
		m.attrs = append(m.attrs, AttrDiff{Path: "server_group", Old: old, New: want, Impact: InPlace})
	}
}
