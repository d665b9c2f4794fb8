package ecs

import (
	"context"
	"encoding/json"
	"net/http"
)

// UpdateMetadata adds or changes metadata keys of a server (5.9.1) and returns
// the server's whole metadata.
func (c *Client) UpdateMetadata(ctx context.Context, serverID string, md map[string]string) (map[string]string, error) {
	var out struct {
		Metadata FlexMap `json:"metadata"`
	}
	_, err := c.do(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/%s/metadata", serverID),
		in: metadataBody(md), out: &out})
	return out.Metadata, err
}

// metadataBody is {"metadata": md}. metadata is a required object in 5.9.1
// and 5.9.4 (tables 5-390, 5-401): a nil map is sent as {} (for SetMetadata:
// "remove every user key"), never as null.
func metadataBody(md map[string]string) map[string]any {
	if md == nil {
		md = map[string]string{}
	}
	return map[string]any{"metadata": md}
}

// DeleteMetadataKey deletes one metadata key of a server (5.9.2).
func (c *Client) DeleteMetadataKey(ctx context.Context, serverID, key string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: c.p("/v1/%s/cloudservers/%s/metadata/%s", serverID, key)})
	return err
}

// GetMetadata lists a server's metadata (5.9.3).
func (c *Client) GetMetadata(ctx context.Context, serverID string) (map[string]string, error) {
	var out struct {
		Metadata FlexMap `json:"metadata"`
	}
	_, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v2.1/%s/servers/%s/metadata", serverID), out: &out})
	return out.Metadata, err
}

// SetMetadata replaces a server's user metadata with md (5.9.4).
func (c *Client) SetMetadata(ctx context.Context, serverID string, md map[string]string) (map[string]string, error) {
	var out struct {
		Metadata FlexMap `json:"metadata"`
	}
	_, err := c.do(ctx, request{method: http.MethodPut, path: c.p("/v2.1/%s/servers/%s/metadata", serverID),
		in: metadataBody(md), out: &out})
	return out.Metadata, err
}

// TagsActionRequest is the body of 5.13.2 (and of 5.13.1 when every tag has a
// value; DeleteTags omits empty values).
type TagsActionRequest struct {
	Action string `json:"action"` // "create" or "delete"
	Tags   []Tag  `json:"tags"`
}

// AddTags adds (or overwrites) tags of one server in one call (5.13.2; 204).
func (c *Client) AddTags(ctx context.Context, serverID string, tags []Tag) error {
	_, err := c.do(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/%s/tags/action", serverID),
		in: TagsActionRequest{Action: "create", Tags: tags}})
	return err
}

// DeleteTags deletes tags of one server in one call (5.13.1; 204). value is
// optional in table 5-453: a tag with an empty Value is sent as {"key"} alone,
// which deletes the key whatever its value (C16: the engine deletes old keys);
// a tag with a Value deletes the key only when the value matches.
func (c *Client) DeleteTags(ctx context.Context, serverID string, tags []Tag) error {
	type entry struct {
		Key   string `json:"key"`
		Value string `json:"value,omitempty"`
	}
	body := struct {
		Action string  `json:"action"`
		Tags   []entry `json:"tags"`
	}{Action: "delete", Tags: make([]entry, len(tags))}
	for i, t := range tags {
		body.Tags[i] = entry(t)
	}
	_, err := c.do(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/%s/tags/action", serverID), in: body})
	return err
}

// ProjectTag is one key of 5.13.9 with every value in use. The example gives
// "values" (an array), table 5-478 a single "value": both are read.
type ProjectTag struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (p *ProjectTag) UnmarshalJSON(b []byte) error {
	var w struct {
		Key    string         `json:"key"`
		Values FlexStringList `json:"values"`
		Value  *FlexString    `json:"value"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	p.Key, p.Values = w.Key, []string(w.Values)
	if p.Values == nil && w.Value != nil {
		p.Values = []string{string(*w.Value)}
	}
	return nil
}

// ListProjectTags lists the tags used in the project (5.13.9).
func (c *Client) ListProjectTags(ctx context.Context) ([]ProjectTag, error) {
	var out struct {
		Tags []ProjectTag `json:"tags"`
	}
	_, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/tags"), out: &out})
	return out.Tags, err
}

// ListServerTags lists one server's tags (5.13.10). The example answers
// {key, value} objects, table 5-482 an array of strings: a string element is
// read like a server detail's tag ("key=value", see TagMap).
func (c *Client) ListServerTags(ctx context.Context, serverID string) ([]Tag, error) {
	var out struct {
		Tags []Tag `json:"tags"`
	}
	_, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/%s/tags", serverID), out: &out})
	return out.Tags, err
}
