package ecs_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// The tag endpoints (5.13.1, 5.13.2) take keys of 1-255 and values of
// 0-255 characters and name no character set, so they hold what other
// tools write on real servers (env:prod, dotted keys); only create (5.2.1)
// keeps its own, smaller rule. The detail's "key=value" entries are read
// back split at the first "=" only.
func TestClientAgainstSimulatorTagsTheAPIAccepts(t *testing.T) {
	c := newSimClient(t, sim.NewTestServer(t), "token")
	ctx := context.Background()
	jr, err := c.CreateServers(ctx, createReq("tags", 1, ""))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	job, err := c.WaitJob(ctx, jr.JobID, simWait)
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	id := job.ServerResults()[0].ServerID

	long := strings.Repeat("k", 255)
	tags := []ecs.Tag{
		{Key: "env:prod"},
		{Key: "app.tier", Value: "web"},
		{Key: "owner", Value: "ops team/#42 (a&b)"},
		{Key: long, Value: strings.Repeat("v", 255)},
	}
	if err := c.AddTags(ctx, id, tags); err != nil {
		t.Fatalf("AddTags with keys and values the API accepts: %v", err)
	}
	srv, err := c.GetServer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got := srv.TagMap()
	for _, tg := range tags {
		if v, ok := got[tg.Key]; !ok || v != tg.Value {
			t.Errorf("TagMap[%.20q] = %q, %v; want %.20q (all: %q)", tg.Key, v, ok, tg.Value, srv.Tags)
		}
	}
	listed, err := c.ListServerTags(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]string{}
	for _, tg := range listed {
		byKey[tg.Key] = tg.Value
	}
	if byKey["app.tier"] != "web" || byKey["owner"] != "ops team/#42 (a&b)" {
		t.Errorf("ListServerTags = %+v", listed)
	}
	if err := c.DeleteTags(ctx, id, []ecs.Tag{{Key: "env:prod"}, {Key: long}}); err != nil {
		t.Fatalf("DeleteTags: %v", err)
	}

	// The API's own limits still hold.
	for _, bad := range []ecs.Tag{{Key: strings.Repeat("k", 256)}, {Key: "x", Value: strings.Repeat("v", 256)}, {Key: ""}} {
		err := c.AddTags(ctx, id, []ecs.Tag{bad})
		var e *ecs.Error
		if !errors.As(err, &e) || e.StatusCode != http.StatusBadRequest {
			t.Errorf("AddTags(key %d, value %d characters) = %v, want 400", len(bad.Key), len(bad.Value), err)
		}
	}
	// Create keeps 5.2.1's rule.
	req := createReq("tags2", 1, "")
	req.Server.ServerTags = append(req.Server.ServerTags, ecs.Tag{Key: "env:prod"})
	if _, err := c.CreateServers(ctx, req); err == nil {
		t.Errorf("create with tag key env:prod accepted; 5.2.1 allows only A-Z a-z 0-9 _ - and Chinese")
	}
}
