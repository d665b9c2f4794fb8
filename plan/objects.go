package plan

import (
	"fmt"
	"slices"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/spec"
)

// Keypairs and server groups carry no tags or metadata, so ecsfleet cannot
// mark them. One that an owned server uses is the fleet's; one that exists
// with the fleet's name but that no owned server uses may be somebody
// else's: the plan says it would adopt it, and apply uses it only with an
// explicit --adopt. Neither is ever deleted by a plan (nothing proves it is
// the fleet's to delete). Shared volumes do carry metadata: ecsfleet marks
// the ones it creates with ecsfleet=<fleet> and deletes only those.

// objectChanges are the plan's keypair, server group and volume changes.
type objectChanges struct {
	keypairs []objectChange
	groups   []objectChange
	volumes  []objectChange
	// attach and detach per shared volume name
	attach map[string][]attachment
	detach []detachment
}

type objectChange struct {
	kind   Kind
	action Action
	name   string
	id     string
	reason string
	where  spec.Pos
	kp     *spec.Keypair
	group  *spec.ServerGroup
	volume *spec.Volume
}

// attachment is a member (existing or to be created) that needs a shared volume.
type attachment struct {
	member string
	set    string
	id     string // "" when the member is created by this plan
}

// detachment is a shared volume to detach from an owned server.
type detachment struct {
	volumeID, volume string
	server           *liveServer
	reason           string
}

func (pl *planner) usedKeypairs() map[string]bool {
	used := map[string]bool{}
	for i := range pl.snap.Servers {
		used[string(pl.snap.Servers[i].KeyName)] = true
	}
	return used
}

func (pl *planner) diffObjects() {
	oc := &pl.objects
	oc.attach = map[string][]attachment{}
	used := pl.usedKeypairs()
	for i := range pl.f.Keypairs {
		k := &pl.f.Keypairs[i]
		idx := slices.IndexFunc(pl.snap.Keypairs, func(l ecs.Keypair) bool { return l.Name == k.Name })
		switch {
		case idx < 0:
			oc.keypairs = append(oc.keypairs, objectChange{kind: KindKeypair, action: Create, name: k.Name, where: k.Pos, kp: k})
		case !used[k.Name]:
			oc.keypairs = append(oc.keypairs, objectChange{kind: KindKeypair, action: Adopt, name: k.Name, where: k.Pos, kp: k,
				reason: "a keypair with this name exists but no server of the fleet uses it; apply uses it only with --adopt"})
		}
	}
	for i := range pl.f.ServerGroups {
		g := &pl.f.ServerGroups[i]
		var live *ecs.ServerGroup
		for j := range pl.snap.Groups {
			if pl.snap.Groups[j].Name == g.Name {
				live = &pl.snap.Groups[j]
				break
			}
		}
		switch {
		case live == nil:
			oc.groups = append(oc.groups, objectChange{kind: KindServerGroup, action: Create, name: g.Name, where: g.Pos, group: g})
		case !pl.ownsAnyOf(live.Members):
			oc.groups = append(oc.groups, objectChange{kind: KindServerGroup, action: Adopt, name: g.Name, id: live.ID, where: g.Pos, group: g,
				reason: "a server group with this name exists but holds no server of the fleet; apply uses it only with --adopt"})
		case !slices.Contains(live.Policies, g.Policy):
			pl.warns = append(pl.warns, fmt.Sprintf("server group %q has policy %v in the cloud, %q in the file; a group's policy cannot change: delete the group by hand to recreate it", g.Name, live.Policies, g.Policy))
		}
	}
	pl.diffVolumes()
}

func (pl *planner) ownsAnyOf(ids []string) bool {
	for _, id := range ids {
		if pl.live[id] != nil {
			return true
		}
	}
	return false
}

// ownedVolume reports whether a live volume carries the fleet's mark.
func (pl *planner) ownedVolume(v *ecs.Volume) bool {
	return v.Metadata[spec.OwnerTagKey] == pl.f.Name
}

func volumeName(v *ecs.Volume) string {
	if v.DisplayName != "" {
		return v.DisplayName
	}
	return v.DispalyName
}

func (pl *planner) diffVolumes() {
	oc := &pl.objects
	named := map[string]bool{}
	for i := range pl.f.Volumes {
		fv := &pl.f.Volumes[i]
		named[fv.Name] = true
		var live *ecs.Volume
		for j := range pl.snap.Volumes {
			if volumeName(&pl.snap.Volumes[j]) == fv.Name {
				live = &pl.snap.Volumes[j]
				break
			}
		}
		id := ""
		switch {
		case live == nil:
			oc.volumes = append(oc.volumes, objectChange{kind: KindVolume, action: Create, name: fv.Name, where: fv.Pos, volume: fv})
		case !pl.ownedVolume(live):
			oc.volumes = append(oc.volumes, objectChange{kind: KindVolume, action: Adopt, name: fv.Name, id: live.ID, where: fv.Pos, volume: fv,
				reason: "a volume with this name exists without the fleet's mark; apply uses it only with --adopt"})
			id = live.ID
		default:
			id = live.ID
		}
		// Which members need it.
		wanted := map[string]bool{}
		for _, setName := range fv.AttachTo {
			wanted[setName] = true
			for _, m := range pl.membersOf(setName) {
				if m.live != nil && id != "" && m.live.hasVolume(id) {
					continue
				}
				a := attachment{member: m.name, set: setName}
				if m.live != nil && m.action != Replace {
					a.id = m.live.ID
				}
				oc.attach[fv.Name] = append(oc.attach[fv.Name], a)
			}
		}
		if id == "" {
			continue
		}
		for _, l := range pl.servers {
			if l.hasVolume(id) && !wanted[l.Set] {
				oc.detach = append(oc.detach, detachment{volumeID: id, volume: fv.Name, server: l,
					reason: fmt.Sprintf("set %q is not in the volume's attach_to", l.Set)})
			}
		}
	}
	for i := range pl.snap.Volumes {
		v := &pl.snap.Volumes[i]
		if pl.ownedVolume(v) && !named[volumeName(v)] {
			reason := "not in the fleet file"
			if pl.destroy {
				reason = "destroy"
			}
			oc.volumes = append(oc.volumes, objectChange{kind: KindVolume, action: Delete, name: volumeName(v), id: v.ID, reason: reason})
			for _, l := range pl.servers {
				if l.hasVolume(v.ID) {
					oc.detach = append(oc.detach, detachment{volumeID: v.ID, volume: volumeName(v), server: l, reason: "the volume is deleted"})
				}
			}
		}
	}
}

// membersOf is every member of a set as the plan will leave it: the
// changed ones and the unchanged ones.
func (pl *planner) membersOf(set string) []*memberChange {
	s := pl.f.ServerSet(set)
	if s == nil {
		return nil
	}
	byName := map[string]*memberChange{}
	for _, m := range pl.members[set] {
		byName[m.name] = m
	}
	liveByName := map[string]*liveServer{}
	for _, l := range pl.servers {
		if l.Set == set {
			liveByName[l.Name] = l
		}
	}
	var out []*memberChange
	for _, n := range s.MemberNames() {
		if m := byName[n]; m != nil {
			out = append(out, m)
		} else if l := liveByName[n]; l != nil {
			out = append(out, &memberChange{name: n, live: l})
		}
	}
	return out
}
