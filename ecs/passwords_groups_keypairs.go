package ecs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// ResetPasswordsRequest is the body of 5.14.1: one new password for all
// servers. NewPassword is a secret: it is only ever serialised into the body.
// Table 5-485 makes new_password optional when dry_run is true, so an empty
// one is omitted rather than sent as "" (which would fail the length rule).
type ResetPasswordsRequest struct {
	NewPassword string  `json:"new_password,omitempty"`
	DryRun      bool    `json:"dry_run,omitempty"`
	Servers     []IDRef `json:"servers"`
}

// String redacts the password (so a request logged with %v is safe).
func (r ResetPasswordsRequest) String() string {
	return fmt.Sprintf("ResetPasswordsRequest{new_password=%s, dry_run=%t, servers=%d}", redacted, r.DryRun, len(r.Servers))
}

// ResetPasswords resets the password of several servers (5.14.1); it takes
// effect after a reboot. Returns the ids the answer lists.
func (c *Client) ResetPasswords(ctx context.Context, req *ResetPasswordsRequest) ([]string, error) {
	var out IDListResponse
	if _, err := c.do(ctx, request{method: http.MethodPut, path: c.p("/v1/%s/cloudservers/os-reset-passwords"), in: req, out: &out}); err != nil {
		return nil, err
	}
	ids := make([]string, len(out.Response))
	for i, r := range out.Response {
		ids[i] = r.ID
	}
	return ids, nil
}

// ResetPassword resets one server's password (5.14.2; 204).
func (c *Client) ResetPassword(ctx context.Context, serverID, newPassword string) error {
	_, err := c.do(ctx, request{method: http.MethodPut, path: c.p("/v1/%s/cloudservers/%s/os-reset-password", serverID),
		in: map[string]any{"reset-password": map[string]string{"new_password": newPassword}}})
	return err
}

// SupportsPasswordReset reports whether one-click reset is supported (5.14.3:
// resetpwd_flag "True"/"False").
func (c *Client) SupportsPasswordReset(ctx context.Context, serverID string) (bool, error) {
	var out struct {
		Flag FlexBool `json:"resetpwd_flag"`
	}
	_, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/%s/os-resetpwd-flag", serverID), out: &out})
	return bool(out.Flag), err
}

// ServerGroup is a server group (5.16.1, 5.16.2, 5.16.11). Members is not in
// the 5.16.11 table but real clients read it (C15).
type ServerGroup struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Policies []string `json:"policies"`
	Members  []string `json:"members"`
	Metadata FlexMap  `json:"metadata,omitempty"`
}

// CreateServerGroup creates a server group (5.16.1).
func (c *Client) CreateServerGroup(ctx context.Context, name string, policies []string) (*ServerGroup, error) {
	var out struct {
		ServerGroup ServerGroup `json:"server_group"`
	}
	in := map[string]any{"server_group": map[string]any{"name": name, "policies": policies}}
	if _, err := c.do(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/os-server-groups"), in: in, out: &out}); err != nil {
		return nil, err
	}
	return &out.ServerGroup, nil
}

// ListServerGroups lists server groups (5.16.2).
func (c *Client) ListServerGroups(ctx context.Context) ([]ServerGroup, error) {
	var out struct {
		ServerGroups []ServerGroup `json:"server_groups"`
	}
	_, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/os-server-groups"), out: &out})
	return out.ServerGroups, err
}

// GetServerGroup reads one server group (5.16.11).
func (c *Client) GetServerGroup(ctx context.Context, groupID string) (*ServerGroup, error) {
	var out struct {
		ServerGroup ServerGroup `json:"server_group"`
	}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/os-server-groups/%s", groupID), out: &out}); err != nil {
		return nil, err
	}
	return &out.ServerGroup, nil
}

// DeleteServerGroup deletes a server group (5.16.3).
func (c *Client) DeleteServerGroup(ctx context.Context, groupID string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: c.p("/v1/%s/cloudservers/os-server-groups/%s", groupID)})
	return err
}

// AddServerGroupMember adds a server to a group (5.16.4).
func (c *Client) AddServerGroupMember(ctx context.Context, groupID, serverID string) error {
	_, err := c.do(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/os-server-groups/%s/action", groupID),
		in: map[string]any{"add_member": map[string]string{"instance_uuid": serverID}}})
	return err
}

// RemoveServerGroupMember removes a server from a group (5.16.10).
func (c *Client) RemoveServerGroupMember(ctx context.Context, groupID, serverID string) error {
	_, err := c.do(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/os-server-groups/%s/action", groupID),
		in: map[string]any{"remove_member": map[string]string{"instance_uuid": serverID}}})
	return err
}

// ModifyServerGroupMember adds ("add_member") or removes ("remove_member") a
// member through the job-based API (5.16.5). The status table gives 200 with
// {"job_id"} for one and 204 (no body) for the other: JobID is "" then.
func (c *Client) ModifyServerGroupMember(ctx context.Context, groupID, operateType, serverID string) (*JobResponse, error) {
	return c.optionalJob(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/%s/server-group-action", groupID),
		in: map[string]string{"operate_type": operateType, "instance_uuid": serverID}})
}

// Keypair is an SSH keypair (5.30). PrivateKey is only present when the
// service generated the key (create without public_key); it is a secret.
type Keypair struct {
	Name        string     `json:"name"`
	PublicKey   string     `json:"public_key"`
	Fingerprint string     `json:"fingerprint"`
	Type        string     `json:"type,omitempty"`
	UserID      string     `json:"user_id,omitempty"`
	PrivateKey  string     `json:"private_key,omitempty"`
	ID          FlexString `json:"id,omitempty"`
	CreatedAt   FlexString `json:"created_at,omitempty"`
	Deleted     FlexBool   `json:"deleted,omitempty"`
}

// keypairListItem is one element of 5.30.1's keypairs: the example wraps it
// ({"keypair":{...}}), table 5-733 lists the fields directly; both decode.
type keypairListItem struct {
	Keypair Keypair
}

// UnmarshalJSON implements json.Unmarshaler.
func (k *keypairListItem) UnmarshalJSON(b []byte) error {
	var wrapped struct {
		Keypair *Keypair `json:"keypair"`
	}
	if err := json.Unmarshal(b, &wrapped); err != nil {
		return err
	}
	if wrapped.Keypair != nil {
		k.Keypair = *wrapped.Keypair
		return nil
	}
	return json.Unmarshal(b, &k.Keypair)
}

// ListKeypairs lists keypairs (5.30.1: {"keypairs":[{"keypair":{...}}]} as
// the example shows, or bare keypair objects as table 5-733 lists them).
func (c *Client) ListKeypairs(ctx context.Context) ([]Keypair, error) {
	var out struct {
		Keypairs []keypairListItem `json:"keypairs"`
	}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v2.1/%s/os-keypairs"), out: &out}); err != nil {
		return nil, err
	}
	kps := make([]Keypair, len(out.Keypairs))
	for i, k := range out.Keypairs {
		kps[i] = k.Keypair
	}
	return kps, nil
}

// CreateKeypair imports publicKey under name, or has the service generate a
// key when publicKey is "" (5.30.2; 200 or 201, C10).
func (c *Client) CreateKeypair(ctx context.Context, name, publicKey string) (*Keypair, error) {
	kp := map[string]string{"name": name}
	if publicKey != "" {
		kp["public_key"] = publicKey
	}
	var out struct {
		Keypair Keypair `json:"keypair"`
	}
	if _, err := c.do(ctx, request{method: http.MethodPost, path: c.p("/v2.1/%s/os-keypairs"), in: map[string]any{"keypair": kp}, out: &out}); err != nil {
		return nil, err
	}
	return &out.Keypair, nil
}

// GetKeypair reads a keypair by name (5.30.4).
func (c *Client) GetKeypair(ctx context.Context, name string) (*Keypair, error) {
	var out struct {
		Keypair Keypair `json:"keypair"`
	}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v2.1/%s/os-keypairs/%s", name), out: &out}); err != nil {
		return nil, err
	}
	return &out.Keypair, nil
}

// DeleteKeypair deletes a keypair by name (5.30.3).
func (c *Client) DeleteKeypair(ctx context.Context, name string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: c.p("/v2.1/%s/os-keypairs/%s", name)})
	return err
}
