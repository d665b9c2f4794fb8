package ecs_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// Each password endpoint takes its own section's special characters:
// 5.2.1 admin_pass `~!@#$%^&*()-_=+|[{}];:'",<.>/?, 5.14.2 !@#&*$%-_=+[{}]:,./?,
// 5.14.1 only !@%-_=+[]:./? .
func TestClientAgainstSimulatorPasswordSetsPerSection(t *testing.T) {
	c := newSimClient(t, sim.NewTestServer(t), "token")
	ctx := context.Background()
	want400 := func(what string, err error) {
		t.Helper()
		var e *ecs.Error
		if !errors.As(err, &e) || e.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %v, want 400", what, err)
		}
	}

	// 5.2.1: # & ~ { } are in admin_pass's set.
	req := createReq("pw", 1, "")
	req.Server.AdminPass = "Web#Srv&~{x}9"
	jr, err := c.CreateServers(ctx, req)
	if err != nil {
		t.Fatalf("create with admin_pass specials of 5.2.1: %v", err)
	}
	job, err := c.WaitJob(ctx, jr.JobID, simWait)
	if err != nil {
		t.Fatal(err)
	}
	id := job.ServerResults()[0].ServerID
	req = createReq("pw2", 1, "")
	req.Server.AdminPass = "Web Srv9x\\q" // space and backslash: in no set
	_, err = c.CreateServers(ctx, req)
	want400("create with a space and a backslash", err)

	// 5.14.2: # & { } $ * , are allowed; ~ is not.
	if err := c.ResetPassword(ctx, id, "Web#Srv&{x}$9"); err != nil {
		t.Errorf("5.14.2 with its own specials: %v", err)
	}
	want400("5.14.2 with ~", c.ResetPassword(ctx, id, "Web~Srv9xq"))

	// 5.14.1 keeps its smaller set.
	_, err = c.ResetPasswords(ctx, &ecs.ResetPasswordsRequest{NewPassword: "Web#Srv&x9", Servers: []ecs.IDRef{{ID: id}}})
	want400("5.14.1 with #", err)
	if _, err := c.ResetPasswords(ctx, &ecs.ResetPasswordsRequest{NewPassword: "Web@Srv-x9", Servers: []ecs.IDRef{{ID: id}}}); err != nil {
		t.Errorf("5.14.1 with its own specials: %v", err)
	}
}
