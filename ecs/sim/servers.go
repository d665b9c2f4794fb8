package sim

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// deleteServersRequest is the 5.2.3 body.
type deleteServersRequest struct {
	DeletePublicIP *bool   `json:"delete_publicip"`
	DeleteVolume   *bool   `json:"delete_volume"`
	Servers        []sgRef `json:"servers"`
}

// handleDeleteServers is 5.2.3. Every id must exist and be changeable
// (locked -> 409); the delete runs as a job with one deleteServer sub-job
// per server and answers 200 {"job_id"} (C8). The reference gives no
// per-call limit, so none is enforced beyond the create maximum (1000).
func (s *Sim) handleDeleteServers(c *Ctx) error {
	var req deleteServersRequest
	if err := c.Decode(&req); err != nil {
		return err
	}
	if len(req.Servers) == 0 {
		return BadRequest("servers must list at least one server id")
	}
	if len(req.Servers) > rules.MaxCreateCount {
		return BadRequest(fmt.Sprintf("servers lists %d ids; the simulator accepts at most %d per delete call", len(req.Servers), rules.MaxCreateCount))
	}
	seen := map[string]bool{}
	for _, r := range req.Servers {
		if r.ID == "" {
			return BadRequest("servers[].id is required")
		}
		if seen[r.ID] {
			return BadRequest(fmt.Sprintf("server %s is listed twice", r.ID))
		}
		seen[r.ID] = true
		if _, err := c.ServerForChange(r.ID); err != nil {
			return err
		}
	}
	delVol := req.DeleteVolume != nil && *req.DeleteVolume
	specs := make([]SubJobSpec, 0, len(req.Servers))
	for _, r := range req.Servers {
		specs = append(specs, SubJobSpec{
			Type: "deleteServer", Op: OpDeleteServer,
			Entities: map[string]string{"server_id": r.ID},
			Params:   map[string]string{"delete_volume": strconv.FormatBool(delVol)},
		})
		srv := c.P.Servers[r.ID]
		srv.TaskState = TaskDeleting
		srv.Updated = c.Now
	}
	j := c.Submit("deleteServers", nil, specs)
	return c.JSON(http.StatusOK, map[string]any{"job_id": j.ID})
}

// handleShowServer is 5.2.4; a server whose delete job succeeded is gone (404, C14).
func (s *Sim) handleShowServer(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"server": s.serverV1(c.P, srv)})
}

// listFilters are the 5.2.5 query parameters.
var listParams = map[string]bool{
	"offset": true, "limit": true, "flavor": true, "name": true, "status": true,
	"reservation_id": true, "enterprise_project_id": true, "not-tags": true, "tags": true,
	"ip": true, "detail": true, "expect_fields": true, "regex-tag": true,
}

// expectFields are the documented expect_fields values (5.2.5). The
// simulator always returns the full object, which contains every one.
var expectFields = map[string]bool{
	"basic": true, "volume": true, "volume_detail": true, "block_device": true, "device_limit": true,
	"scheduler_hints": true, "addresses": true, "flavor": true, "flavor_detail": true, "metadata": true,
	"host_status": true,
}

var serverStatuses = map[string]bool{
	"ACTIVE": true, "BUILD": true, "DELETED": true, "ERROR": true, "HARD_REBOOT": true, "MIGRATING": true,
	"REBOOT": true, "RESIZE": true, "REVERT_RESIZE": true, "SHELVED": true, "SHELVED_OFFLOADED": true,
	"SHUTOFF": true, "UNKNOWN": true, "VERIFY_RESIZE": true,
}

// handleListServers is 5.2.5 GET /v1/{tenant_id}/cloudservers/detail.
// offset is a PAGE NUMBER (0 and 1 are the first page); without offset only
// {"count"} is returned. limit is 1..1000, default 1000. count is the total
// number of matching servers. Servers are ordered by creation time, then
// id, so pages are stable while the set does not change.
func (s *Sim) handleListServers(c *Ctx) error {
	q := c.R.URL.Query()
	for k := range q {
		if !listParams[k] {
			return BadRequest(fmt.Sprintf("query parameter %q is not supported by this API", k))
		}
	}
	for _, f := range strings.Split(q.Get("expect_fields"), ",") {
		if f = strings.TrimSpace(f); f != "" && !expectFields[f] {
			return BadRequest(fmt.Sprintf("expect_fields value %q is not one of basic, volume, volume_detail, block_device, device_limit, scheduler_hints, addresses, flavor, flavor_detail, metadata, host_status", f))
		}
	}
	if d := q.Get("detail"); d != "" && (len(d) != 1 || d[0] < '1' || d[0] > '5') {
		return BadRequest(fmt.Sprintf("detail %q must be 1 to 5", d))
	}
	limit := 1000
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return BadRequest(fmt.Sprintf("limit %q must be a whole number from 1 to 1000", v))
		}
		limit = n
	}
	page := -1
	if q.Has("offset") {
		n, err := strconv.Atoi(q.Get("offset"))
		if err != nil || n < 0 {
			return BadRequest(fmt.Sprintf("offset %q must be a page number >= 0", q.Get("offset")))
		}
		page = max(n, 1)
	}
	f, err := parseListFilter(q.Get("name"), q.Get("status"), q.Get("tags"), q.Get("not-tags"), q.Get("regex-tag"))
	if err != nil {
		return err
	}
	flavor, resv, ip := q.Get("flavor"), q.Get("reservation_id"), q.Get("ip")
	// Walking the cached list order keeps matched sorted without a sort
	// per request.
	all := c.P.serversInOrder()
	matched := make([]*Server, 0, len(all))
	for _, srv := range all {
		if flavor != "" && srv.FlavorID != flavor {
			continue
		}
		if resv != "" && srv.ReservationID != resv {
			continue
		}
		if ip != "" && !hasIP(srv, ip) {
			continue
		}
		if !f.match(srv) {
			continue
		}
		matched = append(matched, srv)
	}
	if page < 0 {
		return c.JSON(http.StatusOK, map[string]any{"count": len(matched)})
	}
	from := (page - 1) * limit
	pg := pageOf(matched, from, limit)
	buf := pageBufs.Get().(*[]byte)
	defer pageBufs.Put(buf)
	if need := 64 + 3<<10*len(pg); cap(*buf) < need { // ~3 KB per server: grow once
		*buf = make([]byte, 0, need)
	}
	*buf = appendServerPage((*buf)[:0], len(matched), pg, func(srv *Server) *serverV1View {
		return s.serverV1(c.P, srv)
	})
	return c.rawJSON(http.StatusOK, *buf)
}

// pageBufs recycles the encode buffers of list pages (a few MB each for
// 1,000 servers), which would otherwise be garbage after every page. The
// handler holds the state lock, but pages of different simulators may be
// encoded at once, hence a pool rather than one buffer.
var pageBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// pageOf is list[from:from+limit], clipped.
func pageOf(list []*Server, from, limit int) []*Server {
	if from >= len(list) {
		return nil
	}
	return list[from:min(from+limit, len(list))]
}

// appendServerPage encodes {"count":n,"servers":[...]} plus a newline,
// byte for byte what encoding/json makes of the same map (keys sorted),
// with each server through serverV1View.appendJSON (server_json.go).
func appendServerPage(b []byte, count int, page []*Server, view func(*Server) *serverV1View) []byte {
	b = append(b, `{"count":`...)
	b = strconv.AppendInt(b, int64(count), 10)
	b = append(b, `,"servers":[`...)
	for i, srv := range page {
		if i > 0 {
			b = append(b, ',')
		}
		b = view(srv).appendJSON(b)
	}
	return append(b, "]}\n"...)
}

func hasIP(srv *Server, ip string) bool {
	for _, n := range srv.NICs {
		if n.IP == ip {
			return true
		}
	}
	return false
}

// listFilter holds the name/status/tag filters of 5.2.5.
type listFilter struct {
	name     *regexp.Regexp
	status   string
	tags     [][2]string // key, value ("" value with hasValue false = key only)
	tagsKV   []bool
	notTags  [][2]string
	notKV    []bool
	regexTag *regexp.Regexp
}

// parseListFilter reads the filters. name is a fuzzy match: a regular
// expression searched anywhere in the name (a plain string therefore
// matches as a substring); tags and not-tags are comma-separated lists of
// "key=value" or "key" items: tags requires every item, not-tags excludes a
// server having any of them; regex-tag is matched against "key=value".
func parseListFilter(name, status, tags, notTags, regexTag string) (*listFilter, error) {
	f := &listFilter{}
	if name != "" {
		re, err := regexp.Compile(name)
		if err != nil {
			re = regexp.MustCompile(regexp.QuoteMeta(name))
		}
		f.name = re
	}
	if status != "" {
		if !serverStatuses[status] {
			return nil, BadRequest(fmt.Sprintf("status %q is not a server status", status))
		}
		if status == StatusDeleted {
			return nil, Errf(http.StatusForbidden, CodeForbidden, "only administrators can list DELETED servers")
		}
		f.status = status
	}
	parse := func(s string) ([][2]string, []bool) {
		var kv [][2]string
		var has []bool
		for _, item := range strings.Split(s, ",") {
			if item = strings.TrimSpace(item); item == "" {
				continue
			}
			k, v, ok := strings.Cut(item, "=")
			kv = append(kv, [2]string{k, v})
			has = append(has, ok)
		}
		return kv, has
	}
	f.tags, f.tagsKV = parse(tags)
	f.notTags, f.notKV = parse(notTags)
	if regexTag != "" {
		re, err := regexp.Compile(regexTag)
		if err != nil {
			return nil, BadRequest(fmt.Sprintf("regex-tag %q is not a valid regular expression", regexTag))
		}
		f.regexTag = re
	}
	return f, nil
}

func hasTag(srv *Server, kv [2]string, withValue bool) bool {
	v, ok := srv.Tags[kv[0]]
	return ok && (!withValue || v == kv[1])
}

func (f *listFilter) match(srv *Server) bool {
	if f.status != "" && srv.Status != f.status {
		return false
	}
	if f.name != nil && !f.name.MatchString(srv.Name) {
		return false
	}
	for i, kv := range f.tags {
		if !hasTag(srv, kv, f.tagsKV[i]) {
			return false
		}
	}
	for i, kv := range f.notTags {
		if hasTag(srv, kv, f.notKV[i]) {
			return false
		}
	}
	if f.regexTag != nil {
		hit := false
		for _, t := range tagStrings(srv.Tags) {
			if f.regexTag.MatchString(t) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

// modifyServerRequest is the 5.2.6 body.
type modifyServerRequest struct {
	Server *struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
		Hostname    *string `json:"hostname"`
	} `json:"server"`
}

// handleModifyServer is 5.2.6: name, description and hostname, synchronous,
// 200 with the server (C13). An omitted field is left unchanged.
func (s *Sim) handleModifyServer(c *Ctx) error {
	var req modifyServerRequest
	if err := c.Decode(&req); err != nil {
		return err
	}
	if req.Server == nil {
		return BadRequest("the request body needs a \"server\" object")
	}
	srv, err := c.ServerForChange(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	u := req.Server
	if u.Name != nil {
		if err := rules.RenameName(*u.Name); err != nil {
			return BadRequest(err.Error())
		}
	}
	if u.Description != nil {
		if err := rules.Description(*u.Description); err != nil {
			return BadRequest(err.Error())
		}
	}
	if u.Hostname != nil {
		if err := checkHostname(*u.Hostname); err != nil {
			return err
		}
	}
	if u.Name != nil {
		srv.Name = *u.Name
	}
	if u.Description != nil {
		srv.Description = *u.Description
	}
	if u.Hostname != nil {
		srv.Hostname = *u.Hostname
	}
	srv.Updated = c.Now
	c.Dirty()
	return c.JSON(http.StatusOK, map[string]any{"server": s.serverModifyV1(c, srv)})
}

// checkHostname applies the 5.2.6 hostname rules: 1-63 characters, labels
// split by dots of letters, digits and hyphens; no consecutive dots or
// hyphens; no leading/trailing dot or hyphen; no ".-" or "-.".
func checkHostname(h string) error {
	bad := func(why string) error {
		return BadRequest(fmt.Sprintf("hostname %q %s", h, why))
	}
	if n := utf8.RuneCountInString(h); n < 1 || n > 63 {
		return bad("must be 1 to 63 characters long")
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return bad("may contain only letters, digits, hyphens and dots")
		}
	}
	switch {
	case strings.Contains(h, ".."), strings.Contains(h, "--"):
		return bad("must not contain consecutive dots or hyphens")
	case strings.Contains(h, ".-"), strings.Contains(h, "-."):
		return bad("must not contain \".-\" or \"-.\"")
	case strings.HasPrefix(h, ".") || strings.HasPrefix(h, "-") || strings.HasSuffix(h, ".") || strings.HasSuffix(h, "-"):
		return bad("must not start or end with a dot or hyphen")
	}
	return nil
}

// renameRequest is the 5.2.8 body.
type renameRequest struct {
	Name    string  `json:"name"`
	DryRun  *bool   `json:"dry_run"`
	Servers []sgRef `json:"servers"`
}

// handleRenameServers is 5.2.8: up to 50 servers get the SAME name (no
// suffix). All are checked before any is renamed (all or nothing);
// dry_run checks only. 200 {"response":[{"id"}...]}.
func (s *Sim) handleRenameServers(c *Ctx) error {
	var req renameRequest
	if err := c.Decode(&req); err != nil {
		return err
	}
	if err := rules.RenameName(req.Name); err != nil {
		return BadRequest(err.Error())
	}
	if len(req.Servers) == 0 {
		return BadRequest("servers must list at least one server id")
	}
	if len(req.Servers) > rules.MaxRenameBatch {
		return BadRequest(fmt.Sprintf("servers lists %d ids; a batch rename takes at most %d", len(req.Servers), rules.MaxRenameBatch))
	}
	seen := map[string]bool{}
	var list []*Server
	for _, r := range req.Servers {
		if seen[r.ID] {
			return BadRequest(fmt.Sprintf("server %s is listed twice", r.ID))
		}
		seen[r.ID] = true
		srv, err := c.ServerForChange(r.ID)
		if err != nil {
			return err
		}
		list = append(list, srv)
	}
	resp := make([]map[string]string, 0, len(list))
	for _, srv := range list {
		resp = append(resp, map[string]string{"id": srv.ID})
	}
	if req.DryRun != nil && *req.DryRun {
		return c.JSON(http.StatusOK, map[string]any{"response": resp})
	}
	for _, srv := range list {
		srv.Name = req.Name
		srv.Updated = c.Now
	}
	c.Dirty()
	return c.JSON(http.StatusOK, map[string]any{"response": resp})
}
