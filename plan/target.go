package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Destroys counts the servers and volumes the plan deletes or replaces:
// what --max-destroy weighs.
func (p *Plan) Destroys() int {
	n := 0
	for _, c := range p.Changes {
		if (c.Kind == KindServer || c.Kind == KindVolume) && (c.Action == Delete || c.Action == Replace) {
			n++
		}
	}
	return n
}

// Target narrows a plan to the given server sets and what they depend on
// (--target): the ops of those sets, every op they need first (a keypair,
// a group, a volume), and the changes those ops carry out. A set name the
// plan does not know is an error naming the ones it does. The estimate is
// made again for what is left; the fingerprints stay whole, so a saved
// targeted plan is still refused when any of the fleet changed.
func (p *Plan) Target(sets []string) (*Plan, error) {
	known := map[string]bool{}
	for _, c := range p.Changes {
		if c.Set != "" {
			known[c.Set] = true
		}
	}
	for _, op := range p.Ops {
		if op.Set != "" {
			known[op.Set] = true
		}
	}
	for _, s := range sets {
		if !known[s] {
			names := make([]string, 0, len(known))
			for k := range known {
				names = append(names, k)
			}
			sort.Strings(names)
			if len(names) == 0 {
				return nil, fmt.Errorf("--target %s: the plan changes no server set", s)
			}
			return nil, fmt.Errorf("--target %s: the plan changes no server set of that name (it changes: %s)", s, strings.Join(names, ", "))
		}
	}
	byID := make(map[string]*Op, len(p.Ops))
	for i := range p.Ops {
		byID[p.Ops[i].ID] = &p.Ops[i]
	}
	keep := map[string]bool{}
	var visit func(id string)
	visit = func(id string) {
		if keep[id] || byID[id] == nil {
			return
		}
		keep[id] = true
		for _, d := range byID[id].DependsOn {
			visit(d)
		}
	}
	for _, op := range p.Ops {
		if slices.Contains(sets, op.Set) {
			visit(op.ID)
		}
	}
	out := *p
	out.Ops = nil
	objects := map[string]bool{} // "kind name" of the objects kept ops create or delete
	for _, op := range p.Ops {
		if !keep[op.ID] {
			continue
		}
		out.Ops = append(out.Ops, op)
		switch op.Kind {
		case OpCreateKeypair, OpDeleteKeypair:
			objects[string(KindKeypair)+" "+op.Args.Name] = true
		case OpCreateServerGroup, OpDeleteServerGroup:
			objects[string(KindServerGroup)+" "+op.Args.Name] = true
		case OpCreateVolume, OpDeleteVolume:
			objects[string(KindVolume)+" "+op.Args.Name] = true
			objects[string(KindVolume)+" "+op.Args.ObjectName] = true
		}
	}
	out.Changes = nil
	for _, c := range p.Changes {
		if slices.Contains(sets, c.Set) || (c.Kind != KindServer && objects[string(c.Kind)+" "+c.Name]) {
			out.Changes = append(out.Changes, c)
		}
	}
	reads := p.Summary.Calls.Read
	out.Summary = summarize(&out)
	out.Summary.Calls.Read = reads
	out.Estimate = DefaultModel().Estimate(out.Ops)
	out.Warnings = append(slices.Clone(p.Warnings), fmt.Sprintf("targeted at server set(s) %s: other changes are left for a later run", strings.Join(sets, ", ")))
	return &out, nil
}
