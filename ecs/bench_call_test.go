package ecs_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// BenchmarkClientCall measures one typed call (GetServer, 5.2.4) through the
// whole client stack (auth, signing, retry wrapper, error check, tolerant
// decoding) against the in-process simulator, per auth mode. The "raw" case
// is the same request as a bare net/http GET with a pre-fetched token and no
// decoding: the difference is the client's own overhead per call.
func BenchmarkClientCall(b *testing.B) {
	hs := sim.NewTestServer(b)
	ctx := context.Background()
	seed := newSimClient(b, hs, "token")
	jr, err := seed.CreateServers(ctx, createReq("bench", 1, ""))
	if err != nil {
		b.Fatal(err)
	}
	job, err := seed.WaitJob(ctx, jr.JobID, simWait)
	if err != nil {
		b.Fatal(err)
	}
	id := job.ServerResults()[0].ServerID

	for _, mode := range []string{"token", "aksk", "aksk-scoped"} {
		b.Run(mode, func(b *testing.B) {
			c := newSimClient(b, hs, mode)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.GetServer(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("raw", func(b *testing.B) {
		tok := rawToken(b, hs)
		url := hs.URL + "/v1/" + hs.ProjectID + "/cloudservers/" + id
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			req.Header.Set("X-Auth-Token", tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("raw GET: %d", resp.StatusCode)
			}
		}
	})
}

// rawToken fetches an IAM token with a bare request, as any other client would.
func rawToken(b *testing.B, hs *sim.HTTPServer) string {
	b.Helper()
	body := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + hs.User +
		`","password":"` + hs.Password + `","domain":{"name":"` + hs.DomainName + `"}}}},"scope":{"project":{"id":"` + hs.ProjectID + `"}}}}`
	resp, err := http.Post(hs.URL+"/v3/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	tok := resp.Header.Get("X-Subject-Token")
	if resp.StatusCode != http.StatusCreated || tok == "" {
		b.Fatalf("token: status %d", resp.StatusCode)
	}
	return tok
}
