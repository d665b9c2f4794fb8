package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Community-compatible (Nova) server endpoints under /v2 and /v2.1:
// 5.2.7 detail list, 5.2.9 list, 5.2.15 show, 5.2.16 modify, 5.2.17 delete.
// They share the state with the native endpoints; views follow the v2.1
// examples (version a number, volumes_attached delete_on_termination a
// boolean, flavor {id, links}). Errors are Nova-shaped.

// serverV21 renders srv as a v2.1 servers_detail object.
func (s *Sim) serverV21(c *Ctx, srv *Server) map[string]any {
	cat := &s.cfg.Catalogue
	addrs := map[string][]map[string]any{}
	for _, n := range srv.NICs {
		key := s.networkName(n.SubnetID)
		addrs[key] = append(addrs[key], map[string]any{
			"addr": n.IP, "version": n.Version, "OS-EXT-IPS-MAC:mac_addr": n.MAC, "OS-EXT-IPS:type": n.Type,
		})
	}
	vols := make([]map[string]any, 0, len(srv.Volumes))
	for _, a := range srv.Volumes {
		vols = append(vols, map[string]any{"id": a.VolumeID, "delete_on_termination": a.DeleteOnTermination})
	}
	sgs := make([]map[string]string, 0, len(srv.SecurityGroups))
	for _, id := range srv.SecurityGroups {
		name := id
		if sg := cat.SecurityGroup(id); sg != nil {
			name = sg.Name
		}
		sgs = append(sgs, map[string]string{"name": name})
	}
	var keyName, desc, task any
	if srv.KeyName != "" {
		keyName = srv.KeyName
	}
	if srv.Description != "" {
		desc = srv.Description
	}
	if srv.TaskState != "" {
		task = srv.TaskState
	}
	tags := make([]string, 0, len(srv.Tags))
	tags = append(tags, tagStrings(srv.Tags)...)
	return map[string]any{
		"id": srv.ID, "name": srv.Name, "status": srv.Status, "addresses": addrs,
		"flavor":  map[string]any{"id": srv.FlavorID, "links": c.link("/flavors/" + srv.FlavorID)},
		"image":   map[string]any{"id": srv.ImageID, "links": c.link("/images/" + srv.ImageID)},
		"links":   c.link("/servers/" + srv.ID),
		"created": serverTime(srv.Created), "updated": serverTime(srv.Updated),
		"hostId": srv.HostID, "metadata": copyMap(srv.Metadata), "progress": srv.Progress,
		"tenant_id": c.ProjectID, "user_id": s.userOf(c.ProjectID), "key_name": keyName,
		"description": desc, "locked": srv.Locked, "tags": tags,
		"accessIPv4": "", "accessIPv6": "", "OS-DCF:diskConfig": "MANUAL", "config_drive": "",
		"OS-EXT-AZ:availability_zone": srv.AZ, "OS-EXT-STS:vm_state": srv.VMState,
		"OS-EXT-STS:task_state": task, "OS-EXT-STS:power_state": srv.PowerState,
		"OS-EXT-SRV-ATTR:hostname": srv.Hostname, "OS-EXT-SRV-ATTR:reservation_id": srv.ReservationID,
		"OS-EXT-SRV-ATTR:launch_index": srv.LaunchIndex, "security_groups": sgs,
		"os-extended-volumes:volumes_attached": vols,
	}
}

var compatListParams = map[string]bool{
	"all_tenants": true, "changes-since": true, "flavor": true, "image": true, "limit": true,
	"marker": true, "name": true, "not-tags": true, "reservation_id": true, "status": true,
	"availability_zone": true,
}

// handleListCompat is 5.2.7 (detail) and 5.2.9: marker paging (limit
// 0..1000, default 1000), the documented filters, and "image" excluding all
// other filters and paging. all_tenants=1 is admin-only (403).
func (s *Sim) handleListCompat(detail bool) handlerFunc {
	return func(c *Ctx) error {
		q := c.R.URL.Query()
		for k := range q {
			if !compatListParams[k] || (!detail && k == "availability_zone") {
				return BadRequest(fmt.Sprintf("query parameter %q is not supported by this API", k))
			}
		}
		if at := q.Get("all_tenants"); at != "" && at != "0" {
			return Errf(http.StatusForbidden, CodeForbidden, "only administrators can list the servers of all tenants")
		}
		limit := 1000
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 1000 {
				return BadRequest(fmt.Sprintf("limit %q must be a whole number from 0 to 1000", v))
			}
			limit = n
		}
		var since time.Time
		if v := q.Get("changes-since"); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return BadRequest(fmt.Sprintf("changes-since %q is not an ISO 8601 time", v))
			}
			since = t
		}
		image := q.Get("image")
		f, err := parseListFilter("", q.Get("status"), "", q.Get("not-tags"), "")
		if err != nil {
			return err
		}
		name, flavor, resv, az := q.Get("name"), q.Get("flavor"), q.Get("reservation_id"), q.Get("availability_zone")
		var nameF *listFilter
		if name != "" {
			if nameF, err = parseListFilter(name, "", "", "", ""); err != nil {
				return err
			}
		}
		var list []*Server
		for _, srv := range c.P.serversInOrder() { // already in list order
			if image != "" {
				if srv.ImageID == image {
					list = append(list, srv)
				}
				continue
			}
			if flavor != "" && srv.FlavorID != flavor || resv != "" && srv.ReservationID != resv ||
				az != "" && srv.AZ != az || !since.IsZero() && srv.Updated.Before(since) ||
				!f.match(srv) || nameF != nil && !nameF.match(srv) {
				continue
			}
			list = append(list, srv)
		}
		if image == "" {
			if m := q.Get("marker"); m != "" {
				at := -1
				for i, srv := range list {
					if srv.ID == m {
						at = i
					}
				}
				if at < 0 {
					return BadRequest(fmt.Sprintf("marker %s is not a server of this listing", m))
				}
				list = list[at+1:]
			}
		}
		more := false
		if image == "" && len(list) > limit {
			list, more = list[:limit], true
		}
		out := make([]map[string]any, 0, len(list))
		for _, srv := range list {
			if detail {
				out = append(out, s.serverV21(c, srv))
			} else {
				out = append(out, map[string]any{"id": srv.ID, "name": srv.Name, "links": c.link("/servers/" + srv.ID)})
			}
		}
		body := map[string]any{"servers": out}
		if detail && more && len(list) > 0 {
			next := fmt.Sprintf("http://%s%s?limit=%d&marker=%s", c.R.Host, c.R.URL.Path, limit, list[len(list)-1].ID)
			body["servers_links"] = []map[string]string{{"rel": "next", "href": next}}
		}
		return c.JSON(http.StatusOK, body)
	}
}

// handleShowCompat is 5.2.15.
func (s *Sim) handleShowCompat(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"server": s.serverV21(c, srv)})
}

// handleModifyCompat is 5.2.16: name (1-255 bytes) and description (<= 255
// bytes), the community API's own, looser rules.
func (s *Sim) handleModifyCompat(c *Ctx) error {
	var req struct {
		Server *struct {
			Name        *string `json:"name"`
			Description *string `json:"description"`
		} `json:"server"`
	}
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
	if n := req.Server.Name; n != nil && (len(*n) < 1 || len(*n) > 255) {
		return BadRequest("name must be 1 to 255 bytes long")
	}
	if d := req.Server.Description; d != nil && len(*d) > 255 {
		return BadRequest("description must be at most 255 bytes long")
	}
	if req.Server.Name != nil {
		srv.Name = *req.Server.Name
	}
	if req.Server.Description != nil {
		srv.Description = *req.Server.Description
	}
	srv.Updated = c.Now
	c.Dirty()
	return c.JSON(http.StatusOK, map[string]any{"server": s.serverModifyV21(c, srv)})
}

// handleDeleteCompat is 5.2.17: 204, no body; the delete still runs as a
// job (data volumes are kept, as with 5.2.3's default).
func (s *Sim) handleDeleteCompat(c *Ctx) error {
	id := c.R.PathValue("server_id")
	srv, err := c.ServerForChange(id)
	if err != nil {
		return err
	}
	srv.TaskState, srv.Updated = TaskDeleting, c.Now
	c.Submit("deleteServer", map[string]string{"server_id": id}, []SubJobSpec{{
		Type: "deleteServer", Op: OpDeleteServer, Entities: map[string]string{"server_id": id},
		Params: map[string]string{"delete_volume": "false"},
	}})
	return c.NoContent(http.StatusNoContent)
}
