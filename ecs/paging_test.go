package ecs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// pagedServers serves GET /v1/proj1/cloudservers/detail over n servers with the
// page-number semantics of 5.2.5 and records the (offset, limit) of each call.
type pagedServers struct {
	n        int
	mu       sync.Mutex
	requests []string
	// countOverride, when >= 0, is reported as count instead of n.
	countOverride int
}

func (p *pagedServers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	p.requests = append(p.requests, q.Get("offset")+"/"+q.Get("limit"))
	p.mu.Unlock()
	if !q.Has("offset") { // 5.2.5: without offset, only the count
		writeJSON(w, 200, fmt.Sprintf(`{"count":%d}`, p.n))
		return
	}
	page, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	if page < 1 {
		page = 1
	}
	var items []string
	for i := (page - 1) * limit; i < page*limit && i < p.n; i++ {
		items = append(items, fmt.Sprintf(`{"id":"id-%04d","name":"web-%04d","status":"ACTIVE"}`, i, i+1))
	}
	count := p.n
	if p.countOverride >= 0 {
		count = p.countOverride
	}
	writeJSON(w, 200, fmt.Sprintf(`{"count":%d,"servers":[%s]}`, count, strings.Join(items, ",")))
}

func TestListServersDetailAllPaging(t *testing.T) {
	cases := []struct {
		name     string
		n, limit int
		count    int
		want     int
		requests string
	}{
		{"short last page", 25, 10, -1, 25, "1/10 2/10 3/10"},
		{"exact multiple stops on count, no empty page", 20, 10, -1, 20, "1/10 2/10"},
		{"empty", 0, 10, -1, 0, "1/10"},
		{"default limit is 1000", 5, 0, -1, 5, "1/1000"},
		{"limit above 1000 is capped", 1500, 5000, -1, 1500, "1/1000 2/1000"},
		{"count reached stops even on full pages", 30, 10, 20, 20, "1/10 2/10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := &pagedServers{n: c.n, countOverride: c.count}
			cl, _ := akskClient(t, srv)
			got, err := cl.ListServersDetailAll(context.Background(), ListServersOptions{Limit: c.limit, Tags: "fleet=web"})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != c.want {
				t.Errorf("got %d servers, want %d", len(got), c.want)
			}
			if r := strings.Join(srv.requests, " "); r != c.requests {
				t.Errorf("requests %q, want %q", r, c.requests)
			}
			for i, s := range got {
				if s.ID != fmt.Sprintf("id-%04d", i) {
					t.Fatalf("server %d is %s: order or duplicates wrong", i, s.ID)
				}
			}
		})
	}
}

func TestServersDetailIteratorStopsEarly(t *testing.T) {
	srv := &pagedServers{n: 100, countOverride: -1}
	cl, _ := akskClient(t, srv)
	n := 0
	for s, err := range cl.ServersDetail(context.Background(), ListServersOptions{Limit: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 15 || s.ID == "" {
			break
		}
	}
	if len(srv.requests) != 2 {
		t.Errorf("requests %v: the iterator read past the break", srv.requests)
	}
}

func TestServersDetailIteratorYieldsErrors(t *testing.T) {
	cl, _ := akskClient(t, &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(403, `{"error":{"code":"Ecs.0002","message":"forbidden"}}`)}})
	_, err := cl.ListServersDetailAll(context.Background(), ListServersOptions{})
	var ae *Error
	if !errors.As(err, &ae) || ae.StatusCode != 403 {
		t.Fatalf("err = %v", err)
	}
}

func TestMarkerPages(t *testing.T) {
	items := make([]string, 23)
	for i := range items {
		items[i] = fmt.Sprintf("k%02d", i)
	}
	var markers []string
	fetch := func(_ context.Context, marker string, limit int) ([]string, error) {
		markers = append(markers, marker)
		start := 0
		for i, it := range items {
			if it == marker {
				start = i + 1
			}
		}
		return items[start:min(start+limit, len(items))], nil
	}
	var got []string
	for it, err := range MarkerPages(context.Background(), 10, fetch, func(s string) string { return s }) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, it)
	}
	if len(got) != 23 || strings.Join(markers, ",") != ",k09,k19" {
		t.Errorf("got %d items, markers %q", len(got), markers)
	}
	// A server that ignores marker must not make us loop.
	calls := 0
	stuck := func(context.Context, string, int) ([]string, error) { calls++; return items[:10], nil }
	n := 0
	for range MarkerPages(context.Background(), 10, stuck, func(s string) string { return s }) {
		n++
	}
	if calls != 2 || n != 20 {
		t.Errorf("stuck server: %d calls, %d items", calls, n)
	}
}
