package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/spec"
)

// CreateDescriptorKey is the metadata key under which ecsfleet records, right
// after create, the attributes a server can only get at create (root and
// data volumes, user data). The list does not show them, so this is how a
// later plan knows that the file changed one and the server must be
// replaced. It never holds a secret: sensitive user data is recorded as
// "sensitive", never as content or a hash of it.
const CreateDescriptorKey = spec.MetadataPrefix + "create"

// desiredSet is a server set resolved against the live catalogue: the
// file's names turned into the ids the API takes.
type desiredSet struct {
	s        *spec.ServerSet
	imageID  string
	image    *ecs.Image
	rootSize int
	subnets  []string // subnet id per NIC, in file order
	vpcID    string   // the VPC of the set's subnets
	groupID  string   // "" when the group is created by this plan
	tags     map[string]string
	meta     map[string]string // the fleet's metadata, without bookkeeping
	desc     string            // the create descriptor
}

// bookkeeping is ecsfleet's own metadata for a member of the set.
func (d *desiredSet) bookkeeping() map[string]string {
	m := map[string]string{CreateDescriptorKey: d.desc}
	if d.s.AdminPassword != nil {
		m[spec.PasswordGenerationKey] = strconv.Itoa(d.s.PasswordGeneration)
	}
	if d.s.PreventDestroy {
		m[spec.PreventDestroyKey] = "true"
	}
	return m
}

// resolver turns file names into ids with the phase-1 snapshot and reports
// the names the cloud does not have.
type resolver struct {
	f     *spec.Fleet
	snap  *Snapshot
	probs *problems
}

func (r *resolver) image(s *spec.ServerSet) *ecs.Image {
	for i := range r.snap.Images {
		im := &r.snap.Images[i]
		if im.ID == s.Image || im.Name == s.Image {
			return im
		}
	}
	var names []string
	for _, im := range r.snap.Images {
		names = append(names, im.Name)
	}
	r.probs.unknown(s.FieldPos["image"], s.Name, "image", s.Image, names)
	return nil
}

func (r *resolver) subnet(s *spec.ServerSet, n spec.NIC) *ecs.Subnet {
	for i := range r.snap.Subnets {
		sn := &r.snap.Subnets[i]
		if sn.ID == n.Subnet || sn.Name == n.Subnet {
			return sn
		}
	}
	var names []string
	for _, sn := range r.snap.Subnets {
		names = append(names, sn.Name)
	}
	r.probs.unknown(n.Pos, s.Name, "subnet", n.Subnet, names)
	return nil
}

// group returns the live server group of that name, or nil.
func (r *resolver) group(name string) *ecs.ServerGroup {
	for i := range r.snap.Groups {
		if r.snap.Groups[i].Name == name {
			return &r.snap.Groups[i]
		}
	}
	return nil
}

func (r *resolver) set(s *spec.ServerSet) *desiredSet {
	d := &desiredSet{s: s, rootSize: s.RootVolume.SizeGB}
	if im := r.image(s); im != nil {
		d.image, d.imageID = im, im.ID
		min := int(im.MinDisk)
		if d.rootSize == 0 {
			d.rootSize = min
		} else if d.rootSize < min {
			r.probs.add(s.FieldPos["root_volume"], fmt.Sprintf("set root_volume.size to at least %d, or leave it out to get the image's minimum", min),
				"server set %q: root volume of %d GB is smaller than image %q needs (min_disk %d GB)", s.Name, d.rootSize, im.Name, min)
		}
	}
	vpcs := map[string]bool{}
	for _, n := range s.NICs {
		if sn := r.subnet(s, n); sn != nil {
			d.subnets = append(d.subnets, sn.ID)
			vpcs[sn.VPCID] = true
			d.vpcID = sn.VPCID
		} else {
			d.subnets = append(d.subnets, "")
		}
	}
	if len(vpcs) > 1 {
		r.probs.add(s.FieldPos["nics"], "a server's NICs must all be in its VPC", "server set %q: its NICs' subnets are in %d different VPCs", s.Name, len(vpcs))
	}
	if s.ServerGroup != "" {
		if g := r.group(s.ServerGroup); g != nil {
			d.groupID = g.ID
		}
	}
	d.tags = map[string]string{spec.OwnerTagKey: r.f.Name, spec.SetTagKey: s.Name}
	for k, v := range s.Tags {
		d.tags[k] = v
	}
	d.meta = map[string]string{}
	for k, v := range s.Metadata {
		d.meta[k] = v
	}
	d.desc = createDescriptor(s, d.rootSize)
	return d
}

// createDescriptor records the create-only attributes of a set:
// "root=SSD:40 data=SSD:200,SATA:100 ud=3f2a9c1b04de". User data appears
// as a short SHA-256 prefix of its content (not secret), or "sensitive".
func createDescriptor(s *spec.ServerSet, rootSize int) string {
	parts := []string{fmt.Sprintf("root=%s:%d", s.RootVolume.Type, rootSize)}
	if len(s.DataVolumes) > 0 {
		var dv []string
		for _, v := range s.DataVolumes {
			dv = append(dv, fmt.Sprintf("%s:%d", v.Type, v.SizeGB))
		}
		parts = append(parts, "data="+strings.Join(dv, ","))
	}
	if s.UserData != nil {
		if s.UserData.Sensitive {
			parts = append(parts, "ud=sensitive")
		} else {
			sum := sha256.Sum256([]byte(s.UserData.Content))
			parts = append(parts, "ud="+hex.EncodeToString(sum[:6]))
		}
	}
	return strings.Join(parts, " ")
}

// descriptorDiff compares two create descriptors part by part and returns
// the attributes that differ, for the replace reason.
func descriptorDiff(live, want string) []AttrDiff {
	lp, wp := descriptorParts(live), descriptorParts(want)
	names := map[string]string{"root": "root_volume", "data": "data_volumes", "ud": "user_data"}
	var out []AttrDiff
	keys := []string{"root", "data", "ud"}
	for _, k := range keys {
		if lp[k] == wp[k] {
			continue
		}
		a := AttrDiff{Path: names[k], Old: lp[k], New: wp[k], Impact: Replacing}
		if k == "ud" {
			a.Old, a.New = udLabel(lp[k]), udLabel(wp[k])
		}
		out = append(out, a)
	}
	return out
}

func udLabel(v string) string {
	switch v {
	case "":
		return "(none)"
	case "sensitive":
		return "(sensitive)"
	}
	return "sha256:" + v
}

func descriptorParts(s string) map[string]string {
	m := map[string]string{}
	for _, f := range strings.Fields(s) {
		if k, v, ok := strings.Cut(f, "="); ok {
			m[k] = v
		}
	}
	return m
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
