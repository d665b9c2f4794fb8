package ecs

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// CreateServers creates req.Server.Count servers (default 1) from one template
// in one call (5.2.1) and returns the job to wait for. 200 and 202 ("accepted,
// delayed") are both success (Accepted tells which). A create is never retried
// by the transport after an ambiguous failure.
func (c *Client) CreateServers(ctx context.Context, req *CreateServersRequest) (*JobResponse, error) {
	return c.doJob(ctx, request{method: http.MethodPost, path: c.p("/v1.1/%s/cloudservers"), in: req})
}

// DeleteServers deletes servers in one call (5.2.3). The section documents no
// answer body, but real HCS answers {"job_id"} (C8): JobID is "" when the
// answer had none, and the caller then confirms by reading the servers.
func (c *Client) DeleteServers(ctx context.Context, req *DeleteServersRequest) (*JobResponse, error) {
	return c.optionalJob(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/delete"), in: req})
}

// GetServer reads one server (5.2.4). A 404 satisfies IsNotFound.
// expectFields (optional) is sent as expect_fields, as the 5.2.4 example does.
func (c *Client) GetServer(ctx context.Context, serverID string, expectFields ...string) (*Server, error) {
	var out GetServerResponse
	var q url.Values
	if len(expectFields) > 0 {
		q = url.Values{"expect_fields": {joinComma(expectFields)}}
	}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/%s", serverID), query: q, out: &out}); err != nil {
		return nil, err
	}
	return &out.Server, nil
}

// ModifyServer changes a server's name, description or hostname (5.2.6) and
// returns the server from the 200 answer (C13).
func (c *Client) ModifyServer(ctx context.Context, serverID string, m ModifyServer) (*Server, error) {
	var out GetServerResponse
	if _, err := c.do(ctx, request{method: http.MethodPut, path: c.p("/v1/%s/cloudservers/%s", serverID),
		in: ModifyServerRequest{Server: m}, out: &out}); err != nil {
		return nil, err
	}
	return &out.Server, nil
}

// MaxRenameBatch is the per-call limit of 5.2.8.
const MaxRenameBatch = 50

// RenameServers gives up to 50 servers the same new name in one call (5.2.8).
func (c *Client) RenameServers(ctx context.Context, req *RenameServersRequest) ([]string, error) {
	if len(req.Servers) > MaxRenameBatch {
		return nil, fmt.Errorf("ecs: batch rename takes at most %d servers per call, got %d", MaxRenameBatch, len(req.Servers))
	}
	var out IDListResponse
	if _, err := c.do(ctx, request{method: http.MethodPut, path: c.p("/v1/%s/cloudservers/server-name"), in: req, out: &out}); err != nil {
		return nil, err
	}
	ids := make([]string, len(out.Response))
	for i, r := range out.Response {
		ids[i] = r.ID
	}
	return ids, nil
}

// ListServersOptions are the filters of 5.2.5. Offset is a PAGE NUMBER
// (1-based; 0 and 1 both mean the first page), not a record offset.
type ListServersOptions struct {
	Offset              int
	Limit               int // 1..1000 (default 1000)
	Flavor              string
	Name                string // fuzzy match
	Status              string
	ReservationID       string
	EnterpriseProjectID string
	Tags                string
	NotTags             string
	RegexTag            string
	IP                  string
	Detail              string
	ExpectFields        string
}

// MaxPageSize is the largest limit of 5.2.5.
const MaxPageSize = 1000

func (o ListServersOptions) query() url.Values {
	q := url.Values{}
	// Without offset the API returns only the count (5.2.5): always send it.
	page := o.Offset
	if page < 1 {
		page = 1
	}
	q.Set("offset", strconv.Itoa(page))
	q.Set("limit", strconv.Itoa(o.pageSize()))
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("flavor", o.Flavor)
	set("name", o.Name)
	set("status", o.Status)
	set("reservation_id", o.ReservationID)
	set("enterprise_project_id", o.EnterpriseProjectID)
	set("tags", o.Tags)
	set("not-tags", o.NotTags)
	set("regex-tag", o.RegexTag)
	set("ip", o.IP)
	set("detail", o.Detail)
	set("expect_fields", o.ExpectFields)
	return q
}

func (o ListServersOptions) pageSize() int {
	if o.Limit <= 0 || o.Limit > MaxPageSize {
		return MaxPageSize
	}
	return o.Limit
}

// ListServersDetail reads one page of server details (5.2.5).
func (c *Client) ListServersDetail(ctx context.Context, opts ListServersOptions) (*ListServersResponse, error) {
	var out ListServersResponse
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/detail"), query: opts.query(), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ServersDetail iterates over every server matching opts, page by page
// (pages start at opts.Offset, default 1). It stops when page*limit >= count
// (count is the total), on a short or empty page, or at the first error,
// which it yields.
func (c *Client) ServersDetail(ctx context.Context, opts ListServersOptions) iter.Seq2[Server, error] {
	return func(yield func(Server, error) bool) {
		limit := opts.pageSize()
		page := max(opts.Offset, 1)
		for {
			o := opts
			o.Offset, o.Limit = page, limit
			resp, err := c.ListServersDetail(ctx, o)
			if err != nil {
				yield(Server{}, err)
				return
			}
			for _, s := range resp.Servers {
				if !yield(s, nil) {
					return
				}
			}
			if len(resp.Servers) < limit || page*limit >= resp.Count {
				return
			}
			page++
		}
	}
}

// ListServersDetailAll collects ServersDetail.
func (c *Client) ListServersDetailAll(ctx context.Context, opts ListServersOptions) ([]Server, error) {
	var out []Server
	for s, err := range c.ServersDetail(ctx, opts) {
		if err != nil {
			return out, err
		}
		out = append(out, s)
	}
	return out, nil
}

// MarkerPages iterates a community-style list that pages with marker (the last
// item's id) and limit. fetch reads one page after marker ("" = first page).
// Iteration stops on a page shorter than limit, an empty page, or a page whose
// last id does not advance (a server that ignores marker must not loop us).
func MarkerPages[T any](ctx context.Context, limit int, fetch func(ctx context.Context, marker string, limit int) ([]T, error), idOf func(T) string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		marker := ""
		for {
			items, err := fetch(ctx, marker, limit)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if len(items) == 0 || (limit > 0 && len(items) < limit) {
				return
			}
			next := idOf(items[len(items)-1])
			if next == "" || next == marker {
				return
			}
			marker = next
		}
	}
}

func joinComma(xs []string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ","
		}
		s += x
	}
	return s
}
