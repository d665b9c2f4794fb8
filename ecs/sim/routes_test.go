package sim

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// notServed are the reference's sections with request examples that the
// simulator does not serve (a 404 in the gateway's shape): the API version
// documents, floating IPs, security groups, aggregates, hypervisors,
// consoles, snapshots, migrations, clone and the other actions no fleet
// uses. docs/simulator.md lists them.
var notServed = []string{
	"5.1.1", "5.1.2", "5.2.2", "5.2.10", "5.2.11", "5.2.12", "5.2.13", "5.2.14",
	"5.3.1", "5.3.2", "5.3.3", "5.4.5", "5.4.6",
	"5.5.1", "5.5.3", "5.5.4", "5.5.6", "5.5.7", "5.5.8",
	"5.6.4", "5.6.8", "5.6.9", "5.12.1",
	"5.15.1", "5.15.2", "5.15.3", "5.15.5", "5.15.6", "5.15.7",
	"5.17.1", "5.17.2", "5.18.1", "5.19.1", "5.19.2",
	"5.22.1", "5.22.2", "5.23.1", "5.23.2", "5.24.1", "5.27.1", "5.27.3", "5.27.4",
	"5.29.1", "5.29.2", "5.29.3", "5.29.5", "5.29.6", "5.29.7", "5.29.8",
	"5.31.1", "5.32.1", "5.32.2", "5.32.3",
}

var (
	sectionRE = regexp.MustCompile(`^[345](\.[0-9]+){1,2}$`)
	outsideRE = regexp.MustCompile(`^((VPC|EVS|IMS) API v[0-9]+|simulator): `)
	wildRE    = regexp.MustCompile(`\{[^}]*\}`)
)

// TestRouteTableNamesTheReference checks the route table against the
// reference's own request examples (testdata/reference): every row names
// the sections it serves (or says which other service it belongs to);
// every example of a section the table names has the method and path of
// one of that section's rows; and every section with an example is either
// in the table or in notServed, so a row with a wrong section number, or
// an endpoint served without a row, fails here.
func TestRouteTableNamesTheReference(t *testing.T) {
	s := newTestSim(t).sim
	bySection := map[string][]route{}
	for _, rt := range s.routes() {
		if outsideRE.MatchString(rt.section) {
			if rt.kind != vpc && rt.kind != view && rt.kind != admin {
				t.Errorf("%s: a row outside the reference must be a vpc, view or admin route", rt.pattern)
			}
			continue
		}
		for _, sec := range strings.Fields(rt.section) {
			if !sectionRE.MatchString(sec) {
				t.Errorf("%s: section %q is neither a reference section nor another service", rt.pattern, sec)
			}
			bySection[sec] = append(bySection[sec], rt)
		}
	}
	shape := func(p string) string { return wildRE.ReplaceAllString(strings.SplitN(p, "?", 2)[0], "{}") }
	matches := func(rt route, method, path string) bool {
		m, p, _ := strings.Cut(rt.pattern, " ")
		if m != method {
			return false
		}
		full := []string{p}
		if rt.kind == community {
			full = []string{"/v2/{tenant_id}" + p, "/v2.1/{tenant_id}" + p}
		}
		for _, f := range full {
			if shape(f) == shape(path) {
				return true
			}
			// The dispatch rows take a literal segment as a wildcard.
			if strings.Contains(f, "{first}") && strings.Count(f, "/") == strings.Count(path, "/") {
				return true
			}
		}
		return false
	}
	var missing []string
	seen := map[string]bool{}
	for _, e := range loadFixtures(t) {
		if e.Method == "" || e.Path == "" || seen[e.Section+e.Method+e.Path] {
			continue
		}
		seen[e.Section+e.Method+e.Path] = true
		rows, ok := bySection[e.Section]
		if !ok {
			if !slices.Contains(missing, e.Section) {
				missing = append(missing, e.Section)
			}
			continue
		}
		if !slices.ContainsFunc(rows, func(rt route) bool { return matches(rt, e.Method, e.Path) }) {
			t.Errorf("section %s is %s %s in the reference; its rows say %v", e.Section, e.Method, e.Path, patterns(rows))
		}
	}
	sort.Strings(missing)
	want := slices.Clone(notServed)
	sort.Strings(want)
	if !slices.Equal(missing, want) {
		t.Errorf("sections with examples but no row: %v\nnotServed lists: %v", missing, want)
	}
}

func patterns(rows []route) []string {
	var out []string
	for _, rt := range rows {
		out = append(out, rt.pattern)
	}
	return out
}
