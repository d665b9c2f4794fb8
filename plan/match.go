package plan

import (
	"sort"
	"strconv"
	"strings"

	"github.com/ecsfleet/ecsfleet/spec"
)

// Identity of a member. A server is the fleet's when it carries the
// ownership tag (ecsfleet=<fleet>); it belongs to the server set named by
// its ecsfleet-set tag; and it is the member whose API name it bears
// (web-0007). Both tags and the names are given by the one create call of
// a set (server_tags, count and extendparam.postfix), so a bring-up stays
// one call per set and nothing depends on create-time metadata, which the
// API does not take (5.2.1).
//
// A server whose name is no member's (renamed out of band, or named for a
// count that crossed 1) fills a missing member of its set and is renamed
// back; the rest are extras and are deleted, highest member first.

// slot is one member of a set and the live server that fills it, if any.
type slot struct {
	name string
	live *liveServer
	// renamedFrom is set when the live server had another name.
	renamedFrom string
}

// extra is an owned server the file has no member for, and why.
type extra struct {
	live   *liveServer
	reason string
}

// matchSet assigns a set's live servers to its members.
func matchSet(s *spec.ServerSet, live []*liveServer) ([]*slot, []extra) {
	names := s.MemberNames()
	slots := make([]*slot, len(names))
	index := make(map[string]int, len(names))
	for i, n := range names {
		slots[i] = &slot{name: n}
		index[n] = i
	}
	sort.Slice(live, func(i, j int) bool {
		if live[i].Name != live[j].Name {
			return live[i].Name < live[j].Name
		}
		return live[i].ID < live[j].ID
	})
	var unmatched []*liveServer
	var extras []extra
	for _, l := range live {
		i, ok := index[l.Name]
		switch {
		case ok && slots[i].live == nil:
			slots[i].live = l
		case ok:
			extras = append(extras, extra{l, "a second server named " + l.Name})
		default:
			unmatched = append(unmatched, l)
		}
	}
	// Renamed servers first (their old name says nothing), then the bare
	// set name, then members by number: the lowest fill the gaps, so the
	// highest are the ones removed.
	sort.SliceStable(unmatched, func(i, j int) bool {
		return memberRank(s.Name, unmatched[i].Name) < memberRank(s.Name, unmatched[j].Name)
	})
	for _, sl := range slots {
		if sl.live == nil && len(unmatched) > 0 {
			sl.live, sl.renamedFrom = unmatched[0], unmatched[0].Name
			unmatched = unmatched[1:]
		}
	}
	for _, l := range unmatched {
		reason := "beyond the set's count of " + strconv.Itoa(s.Count)
		if memberRank(s.Name, l.Name) < 0 {
			reason = "renamed out of band, and the set has no missing member for it"
		}
		extras = append(extras, extra{l, reason})
	}
	return slots, extras
}

// memberRank orders a set's unmatched servers: -1 for a name that is not
// the set's at all, 0 for the bare set name, N for set-NNNN.
func memberRank(set, name string) int {
	if name == set {
		return 0
	}
	rest, ok := strings.CutPrefix(name, set+"-")
	if !ok || len(rest) != 4 {
		return -1
	}
	n, err := strconv.Atoi(rest)
	if err != nil {
		return -1
	}
	return n
}

// setOfName finds the set a server belongs to by its name alone, for an
// owned server that lost its set tag.
func setOfName(f *spec.Fleet, name string) string {
	for i := range f.Servers {
		if memberRank(f.Servers[i].Name, name) >= 0 {
			return f.Servers[i].Name
		}
	}
	return ""
}
