package sim

import (
	"net/http"
	"strings"
	"testing"
)

// 5.2.1: with extendparam.postfix, len(postfix) + len(name) must not pass
// name's maximum (64), so a name may have 60 characters; without a
// postfix and count > 1 the automatic "-0000" marker leaves 59.
func TestCreateNameLimitWithPostfix(t *testing.T) {
	ts := newTestSim(t)
	for _, tc := range []struct {
		n, count int
		postfix  string
		want     int
	}{
		{60, 1, "0001", http.StatusOK},
		{60, 2, "0101", http.StatusOK},
		{61, 1, "0201", http.StatusBadRequest},
		{60, 2, "", http.StatusBadRequest},
		{59, 2, "", http.StatusOK},
		{64, 1, "", http.StatusOK},
	} {
		name := strings.Repeat("n", tc.n)
		st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers", createBody(tc.count, func(s map[string]any) {
			s["name"] = name
			if tc.postfix != "" {
				s["extendparam"] = map[string]any{"postfix": tc.postfix}
			}
		}))
		if st != tc.want {
			t.Errorf("name of %d, count %d, postfix %q: %d %v, want %d", tc.n, tc.count, tc.postfix, st, body, tc.want)
		}
	}
}
