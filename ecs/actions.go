package ecs

import (
	"context"
	"fmt"
	"net/http"
)

// ResizeServer changes one server's flavor (5.21.1). The reference documents
// only flavorRef/dedicated_host_id on a powered-off server; production clients
// send mode "withStopServer" to resize a running one (C9). Real HCS answers
// {"job_id"}; JobID is "" when the answer had no body.
func (c *Client) ResizeServer(ctx context.Context, serverID string, r ResizeSpec) (*JobResponse, error) {
	return c.optionalJob(ctx, request{method: http.MethodPost, path: c.p("/v1.1/%s/cloudservers/%s/resize", serverID),
		in: map[string]any{"resize": r}})
}

// ResizeSpec is the resize object of 5.21.1.
type ResizeSpec struct {
	FlavorRef       string            `json:"flavorRef"`
	DedicatedHostID string            `json:"dedicated_host_id,omitempty"`
	Mode            string            `json:"mode,omitempty"` // "withStopServer" (C9)
	ExtendParam     map[string]string `json:"extendparam,omitempty"`
}

// LiveResizeServer resizes a running server (5.21.2).
func (c *Client) LiveResizeServer(ctx context.Context, serverID, flavorRef, dedicatedHostID string) (*JobResponse, error) {
	spec := map[string]string{"flavorRef": flavorRef}
	if dedicatedHostID != "" {
		spec["dedicated_host_id"] = dedicatedHostID
	}
	return c.optionalJob(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/%s/live-resize", serverID),
		in: map[string]any{"live-resize": spec}})
}

// BatchResizeItem is one server of 5.21.6 / 5.21.7, each with its own flavor.
type BatchResizeItem struct {
	ServerID  string `json:"serverId"`
	FlavorRef string `json:"flavorRef"`
}

// MaxResizeBatch is the per-call limit of 5.21.6 / 5.21.7.
const MaxResizeBatch = 30

// ResizeServers resizes up to 30 powered-off servers in one call (5.21.6); a job.
func (c *Client) ResizeServers(ctx context.Context, items []BatchResizeItem) (*JobResponse, error) {
	if len(items) > MaxResizeBatch {
		return nil, fmt.Errorf("ecs: batch resize takes at most %d servers per call, got %d", MaxResizeBatch, len(items))
	}
	return c.doJob(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/resize"), in: map[string]any{"resize": items}})
}

// LiveResizeServers live-resizes up to 30 servers in one call (5.21.7); a job.
func (c *Client) LiveResizeServers(ctx context.Context, items []BatchResizeItem) (*JobResponse, error) {
	if len(items) > MaxResizeBatch {
		return nil, fmt.Errorf("ecs: batch live resize takes at most %d servers per call, got %d", MaxResizeBatch, len(items))
	}
	return c.doJob(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/live-resize"), in: map[string]any{"live-resize": items}})
}

// Reboot and stop types (5.28).
const (
	Soft = "SOFT"
	Hard = "HARD"
)

func (c *Client) serverAction(ctx context.Context, serverID string, body any) error {
	_, err := c.do(ctx, request{method: http.MethodPost, path: c.p("/v2.1/%s/servers/%s/action", serverID), in: body})
	return err
}

// StartServer powers a server on (5.28.2; 204, or 202 when busy; no job).
func (c *Client) StartServer(ctx context.Context, serverID string) error {
	return c.serverAction(ctx, serverID, map[string]any{"os-start": struct{}{}})
}

// StopServer powers a server off (5.28.1); stopType is SOFT or HARD.
func (c *Client) StopServer(ctx context.Context, serverID, stopType string) error {
	return c.serverAction(ctx, serverID, map[string]any{"os-stop": typeArg(stopType)})
}

// RebootServer reboots a server (5.28.3); rebootType is SOFT or HARD.
func (c *Client) RebootServer(ctx context.Context, serverID, rebootType string) error {
	if rebootType == "" {
		rebootType = Soft // the reboot type is required
	}
	return c.serverAction(ctx, serverID, map[string]any{"reboot": typeArg(rebootType)})
}

// LockServer locks a server (5.25.2).
func (c *Client) LockServer(ctx context.Context, serverID string) error {
	return c.serverAction(ctx, serverID, map[string]any{"lock": struct{}{}})
}

// UnlockServer unlocks a server (5.25.1).
func (c *Client) UnlockServer(ctx context.Context, serverID string) error {
	return c.serverAction(ctx, serverID, map[string]any{"unlock": struct{}{}})
}

func typeArg(t string) map[string]string {
	if t == "" {
		return map[string]string{}
	}
	return map[string]string{"type": t}
}

// ChangeOS is the os-change / os-reinstall object of 5.26.1 / 5.26.2.
// AdminPass is a secret; AdminPass and KeyName are mutually exclusive.
type ChangeOS struct {
	AdminPass string            `json:"adminpass,omitempty"`
	KeyName   string            `json:"keyname,omitempty"`
	UserID    string            `json:"userid,omitempty"`
	ImageID   string            `json:"imageid,omitempty"` // required for change, absent for reinstall
	Metadata  map[string]string `json:"metadata,omitempty"`
}

// ChangeServerOS changes a powered-off server's OS image (5.26.1).
func (c *Client) ChangeServerOS(ctx context.Context, serverID string, spec ChangeOS) (*JobResponse, error) {
	if spec.ImageID == "" {
		return nil, fmt.Errorf("ecs: change OS of server %s needs an image id", serverID)
	}
	return c.optionalJob(ctx, request{method: http.MethodPost, path: c.p("/v2/%s/cloudservers/%s/changeos", serverID),
		in: map[string]any{"os-change": spec}})
}

// ReinstallServerOS reinstalls a powered-off server's OS (5.26.2).
func (c *Client) ReinstallServerOS(ctx context.Context, serverID string, spec ChangeOS) (*JobResponse, error) {
	spec.ImageID = ""
	return c.optionalJob(ctx, request{method: http.MethodPost, path: c.p("/v2/%s/cloudservers/%s/reinstallos", serverID),
		in: map[string]any{"os-reinstall": spec}})
}

// optionalJob is for calls the reference documents without an answer body
// but real HCS answers with {"job_id"}: no job id is not an error.
func (c *Client) optionalJob(ctx context.Context, r request) (*JobResponse, error) {
	var jr JobResponse
	r.out = &jr
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	jr.Accepted = resp.status == http.StatusAccepted
	return &jr, nil
}
