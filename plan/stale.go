package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ecsfleet/ecsfleet/spec"
)

// Stale checks a saved plan against a fresh snapshot of the same fleet:
// every object the plan was computed from must be unchanged, nothing it
// expects to create may exist, and no owned server may have appeared. It
// returns nil, or an error wrapping ErrStale that names each object and
// what changed ("web-0007 changed flavor since the plan was made").
func Stale(saved *Plan, f *spec.Fleet, fresh *Snapshot) error {
	now := map[string]Fingerprint{}
	for _, fp := range snapshotFingerprints(f, fresh) {
		now[string(fp.Kind)+"/"+fp.ID] = fp
	}
	// The servers the plan adopts are not the fleet's yet: they are in
	// the fresh snapshot's Others (ReadSnapshotFor reads them).
	savedIDs := map[string]bool{}
	for _, fp := range saved.Fingerprints {
		savedIDs[string(fp.Kind)+"/"+fp.ID] = true
	}
	for i := range fresh.Others {
		key := string(KindServer) + "/" + fresh.Others[i].ID
		if _, owned := now[key]; savedIDs[key] && !owned {
			now[key] = serverFingerprint(&fresh.Others[i])
		}
	}
	var reasons []string
	seen := map[string]bool{}
	for _, old := range saved.Fingerprints {
		key := string(old.Kind) + "/" + old.ID
		seen[key] = true
		cur, ok := now[key]
		if !ok {
			reasons = append(reasons, fmt.Sprintf("%s %s (%s) no longer exists", old.Kind, old.Name, old.ID))
			continue
		}
		var changed []string
		for _, k := range sortedKeys(old.Attrs) {
			if cur.Attrs[k] != old.Attrs[k] {
				changed = append(changed, k)
			}
		}
		if len(changed) > 0 {
			reasons = append(reasons, fmt.Sprintf("%s changed %s since the plan was made", old.Name, strings.Join(changed, ", ")))
		}
	}
	for key, fp := range now {
		if !seen[key] && fp.Kind == KindServer {
			reasons = append(reasons, fmt.Sprintf("server %s (%s) appeared since the plan was made", fp.Name, fp.ID))
		}
	}
	names := map[string]bool{}
	for _, fp := range now {
		names[string(fp.Kind)+" "+fp.Name] = true
	}
	for _, kp := range fresh.Keypairs {
		names[string(KindKeypair)+" "+kp.Name] = true
	}
	for _, g := range fresh.Groups {
		names[string(KindServerGroup)+" "+g.Name] = true
	}
	for _, a := range saved.Absent {
		if names[a] && !reasonsMention(reasons, a) {
			reasons = append(reasons, fmt.Sprintf("%s was created since the plan was made", a))
		}
	}
	if len(reasons) == 0 {
		return nil
	}
	sort.Strings(reasons)
	return fmt.Errorf("%w: %s; run 'ecsfleet plan' again and review the new plan", ErrStale, strings.Join(reasons, "; "))
}

func reasonsMention(reasons []string, absent string) bool {
	_, name, _ := strings.Cut(absent, " ")
	for _, r := range reasons {
		if strings.Contains(r, " "+name+" ") {
			return true
		}
	}
	return false
}
