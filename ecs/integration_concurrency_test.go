package ecs_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// TestFiftyConcurrentClients runs 50 independent clients (each with its own
// token or AK/SK signer and connection pool) against one simulator at once,
// each creating, tagging, listing and deleting its own servers. Under -race
// it proves the client and the simulator share nothing unsafely, and the
// final listing proves no write was lost or applied twice.
func TestFiftyConcurrentClients(t *testing.T) {
	hs := sim.NewTestServer(t)
	const n = 50
	ctx := context.Background()
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- oneClientWorkload(ctx, hs, i)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		return
	}
	c := newSimClient(t, hs, "aksk")
	all, err := c.ListServersDetailAll(ctx, ecs.ListServersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Every client created 2 servers and deleted 1 of them.
	if len(all) != n {
		t.Fatalf("after 50 clients each kept one server: %d servers listed, want %d", len(all), n)
	}
	seen := map[string]bool{}
	for _, s := range all {
		if seen[s.Name] {
			t.Errorf("server name %s listed twice", s.Name)
		}
		seen[s.Name] = true
		if got := s.TagMap()["owner"]; got == "" {
			t.Errorf("server %s lost its owner tag", s.Name)
		}
	}
}

func oneClientWorkload(ctx context.Context, hs *sim.HTTPServer, i int) error {
	mode := []string{"token", "aksk", "aksk-scoped"}[i%3]
	c, err := ecs.New(simConfig(hs, mode))
	if err != nil {
		return err
	}
	name := fmt.Sprintf("c%02d", i)
	jr, err := c.CreateServers(ctx, createReq(name, 2, "0001"))
	if err != nil {
		return fmt.Errorf("client %d create: %w", i, err)
	}
	job, err := c.WaitJob(ctx, jr.JobID, simWait)
	if err != nil {
		return fmt.Errorf("client %d wait: %w", i, err)
	}
	res := job.ServerResults()
	if len(res) != 2 {
		return fmt.Errorf("client %d: create job has %d server results, want 2", i, len(res))
	}
	for _, r := range res {
		if err := c.AddTags(ctx, r.ServerID, []ecs.Tag{{Key: "owner", Value: name}}); err != nil {
			return fmt.Errorf("client %d tag: %w", i, err)
		}
	}
	mine, err := c.ListServersDetailAll(ctx, ecs.ListServersOptions{Name: name + "-"})
	if err != nil {
		return fmt.Errorf("client %d list: %w", i, err)
	}
	if len(mine) != 2 {
		return fmt.Errorf("client %d: lists %d of its servers, want 2", i, len(mine))
	}
	dj, err := c.DeleteServers(ctx, &ecs.DeleteServersRequest{Servers: []ecs.IDRef{{ID: res[1].ServerID}}})
	if err != nil {
		return fmt.Errorf("client %d delete: %w", i, err)
	}
	if _, err := c.WaitJob(ctx, dj.JobID, simWait); err != nil {
		return fmt.Errorf("client %d wait delete: %w", i, err)
	}
	return nil
}

// newSimClient returns a client of hs in the given auth mode.
func newSimClient(t testing.TB, hs *sim.HTTPServer, mode string) *ecs.Client {
	t.Helper()
	c, err := ecs.New(simConfig(hs, mode))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
