package plan

import (
	"fmt"
	"strings"
)

// buildChanges lists the plan's changes for people and machines: one per
// object, with its attributes and the reason for its action.
func (pl *planner) buildChanges() []Change {
	var cs []Change
	oc := &pl.objects
	for _, list := range [][]objectChange{oc.keypairs, oc.groups, oc.volumes} {
		for _, o := range list {
			ch := Change{Kind: o.kind, Action: o.action, Name: o.name, ID: o.id, Reason: o.reason}
			if o.where.IsValid() {
				ch.Where = o.where.String()
			}
			cs = append(cs, ch)
		}
	}
	for i := range pl.f.Servers {
		s := &pl.f.Servers[i]
		for _, m := range pl.members[s.Name] {
			ch := Change{Kind: KindServer, Action: m.action, Name: m.name, Set: s.Name, Reason: m.reason,
				Attrs: m.attrs, Impact: m.impact(), Where: s.Pos.String()}
			if m.live != nil {
				ch.ID = m.live.ID
				if m.live.Name != m.name {
					ch.LiveName = m.live.Name
				}
			}
			if ch.Reason == "" {
				ch.Reason = pl.reasonFor(m)
			}
			cs = append(cs, ch)
		}
	}
	for _, ex := range pl.extras {
		cs = append(cs, Change{Kind: KindServer, Action: Delete, Name: ex.live.Name, Set: ex.live.Set, ID: ex.live.ID,
			Reason: ex.reason, Impact: Replacing})
	}
	// Shared volume attachments and detachments are changes of the servers
	// they touch; fold them into those servers' changes.
	pl.foldVolumeChanges(&cs)
	sortChanges(cs)
	return cs
}

// reasonFor explains a disruptive update.
func (pl *planner) reasonFor(m *memberChange) string {
	s := m.set.s
	switch {
	case m.changeOS && m.resize:
		return "offline resize and OS change (5.26): stop, change, start"
	case m.changeOS:
		return "OS change (5.26): stop, change, start"
	case m.resize && s.ResizeMode == "live":
		return "live resize"
	case m.resize:
		k := s.UpdatePolicy.MaxUnavailableCount(s.Count)
		return fmt.Sprintf("offline resize in waves of %d (max_unavailable %s)", min(k, MaxResizeBatch), maxUnavailableLabel(s.UpdatePolicy.MaxUnavailable))
	case m.resetPassword:
		return "password rotation (effective after the next reboot)"
	}
	return ""
}

func maxUnavailableLabel(v string) string {
	if v == "" {
		return "1"
	}
	return v
}

func (pl *planner) foldVolumeChanges(cs *[]Change) {
	oc := &pl.objects
	index := map[string]int{}
	for i, c := range *cs {
		if c.Kind == KindServer {
			index[c.Name] = i
		}
	}
	touch := func(name, set, id string, attr AttrDiff) {
		if i, ok := index[name]; ok {
			(*cs)[i].Attrs = append((*cs)[i].Attrs, attr)
			return
		}
		*cs = append(*cs, Change{Kind: KindServer, Action: Update, Name: name, Set: set, ID: id, Impact: InPlace,
			Attrs: []AttrDiff{attr}})
		index[name] = len(*cs) - 1
	}
	for _, name := range sortedKeys(oc.attach) {
		for _, a := range oc.attach[name] {
			touch(a.member, a.set, a.id, AttrDiff{Path: "shared_volumes", New: name, Impact: InPlace})
		}
	}
	for _, d := range oc.detach {
		touch(d.server.Name, d.server.Set, d.server.ID, AttrDiff{Path: "shared_volumes", Old: d.volume, Impact: InPlace})
	}
}

// summarize counts a plan's changes and write calls.
func summarize(p *Plan) Summary {
	var s Summary
	for _, c := range p.Changes {
		switch c.Action {
		case Create:
			s.Add++
		case Update:
			s.Change++
		case Delete:
			s.Destroy++
		case Replace:
			s.Replace++
		case Adopt:
			s.Adopt++
		}
	}
	s.Calls.Write = len(p.Ops)
	return s
}

// CallsByKind counts the plan's ops by kind.
func (p *Plan) CallsByKind() map[OpKind]int {
	m := map[OpKind]int{}
	for _, op := range p.Ops {
		m[op.Kind]++
	}
	return m
}

// String is a one-line description of the summary.
func (s Summary) String() string {
	parts := []string{
		fmt.Sprintf("%d to add", s.Add), fmt.Sprintf("%d to change", s.Change),
		fmt.Sprintf("%d to destroy", s.Destroy), fmt.Sprintf("%d to replace", s.Replace),
	}
	if s.Adopt > 0 {
		parts = append(parts, fmt.Sprintf("%d to adopt", s.Adopt))
	}
	return strings.Join(parts, ", ")
}
