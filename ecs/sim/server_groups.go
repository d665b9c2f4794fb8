package sim

// Server groups (5.16). A group's policy is a placement promise, so the
// simulator keeps it when members are added later, not only at create:
// an anti-affinity group never holds two servers on one host (nor more
// members in an AZ than the AZ has hosts), an affinity group never spans
// hosts or AZs; the soft policies are best effort and never refuse.
// Membership is kept on both sides (ServerGroup.Members and
// Server.ServerGroups), and a server belongs to at most one group, as in
// Nova.

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// Job and sub-job types of 5.16.5 add_member (the reference names none).
const (
	jobTypeAddGroupMember = "addServerGroupMember"
	opAddGroupMember      = "addServerGroupMember"
)

func init() {
	registerEffect(opAddGroupMember, Effect{
		// The membership appears when the sub-job succeeds; the placement
		// is checked again then, since other calls may have run meanwhile.
		Success: func(p *ProjectState, sj *SubJob) error {
			g := p.ServerGroups[sj.Params["server_group_id"]]
			srv := p.Servers[sj.Entities["server_id"]]
			if g == nil || srv == nil {
				return Errf(http.StatusNotFound, CodeNotFound, "the server or the server group no longer exists")
			}
			for _, other := range srv.ServerGroups {
				if other != g.ID {
					return Errf(http.StatusConflict, CodeConflict, fmt.Sprintf(
						"server %s joined server group %s meanwhile; a server can be in one group only", srv.ID, other))
				}
			}
			if err := checkMemberAdd(p, g, srv, hostsPerAZParam(sj)); err != nil {
				return err
			}
			addMember(g, srv)
			return nil
		},
	})
}

// serverGroupBody is 5.16.1's request (5.16.7 has the same shape).
type serverGroupBody struct {
	ServerGroup *struct {
		Name     *string   `json:"name"`
		Policies *[]string `json:"policies"`
	} `json:"server_group"`
}

// serverGroupView is a group as the API shows it (5.16.1, 5.16.2, 5.16.11
// plus members, C15).
type serverGroupView struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Policies []string          `json:"policies"`
	Members  []string          `json:"members"`
	Metadata map[string]string `json:"metadata"`
}

func viewGroup(g *ServerGroup) serverGroupView {
	members := append([]string{}, g.Members...)
	policies := append([]string{}, g.Policies...)
	return serverGroupView{ID: g.ID, Name: g.Name, Policies: policies, Members: members, Metadata: map[string]string{}}
}

// handleCreateServerGroup is 5.16.1 (and 5.16.7): exactly one policy (the
// reference's list of allowed names; Nova accepts a single policy), quota
// server_groups.
func (s *Sim) handleCreateServerGroup(c *Ctx) error {
	mv, err := microversion(c)
	if err != nil {
		return err
	}
	var req serverGroupBody
	if err := c.Decode(&req); err != nil {
		return err
	}
	if req.ServerGroup == nil {
		return BadRequest(`"server_group" is required`)
	}
	if req.ServerGroup.Name == nil {
		return BadRequest(`"server_group.name" is required`)
	}
	if err := rules.ServerGroupName(*req.ServerGroup.Name); err != nil {
		return BadRequest(err.Error())
	}
	if req.ServerGroup.Policies == nil || len(*req.ServerGroup.Policies) != 1 {
		return BadRequest(`"server_group.policies" must hold exactly one policy: anti-affinity, affinity, soft-anti-affinity or soft-affinity`)
	}
	policy := (*req.ServerGroup.Policies)[0]
	if err := rules.ServerGroupPolicy(policy); err != nil {
		return BadRequest(err.Error())
	}
	if strings.HasPrefix(policy, "soft-") && mv.set() && !mv.atLeast(2, 15) {
		return BadRequest(fmt.Sprintf("policy %q needs microversion 2.15 or later", policy))
	}
	if err := c.CheckQuota(Usage{ServerGroups: 1}); err != nil {
		return err
	}
	g := &ServerGroup{ID: c.NewUUID(), Name: *req.ServerGroup.Name, Policies: []string{policy}, Members: []string{}}
	c.P.ServerGroups[g.ID] = g
	c.Dirty()
	return c.JSON(http.StatusOK, map[string]any{"server_group": viewGroup(g)})
}

// handleListServerGroups is 5.16.2 (and 5.16.6, which returns at most 1000):
// sorted by name then id so the order is stable.
func (s *Sim) handleListServerGroups(c *Ctx) error {
	groups := make([]*ServerGroup, 0, len(c.P.ServerGroups))
	for _, g := range c.P.ServerGroups {
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool {
		if groups[i].Name != groups[j].Name {
			return groups[i].Name < groups[j].Name
		}
		return groups[i].ID < groups[j].ID
	})
	if len(groups) > 1000 {
		groups = groups[:1000]
	}
	out := make([]serverGroupView, 0, len(groups))
	for _, g := range groups {
		out = append(out, viewGroup(g))
	}
	return c.JSON(http.StatusOK, map[string]any{"server_groups": out})
}

func groupByID(c *Ctx, id string) (*ServerGroup, error) {
	if g := c.P.ServerGroups[id]; g != nil {
		return g, nil
	}
	return nil, Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("server group %s does not exist", id))
}

// handleGetServerGroup is 5.16.11; members included (C15).
func (s *Sim) handleGetServerGroup(c *Ctx, id string) error {
	g, err := groupByID(c, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"server_group": viewGroup(g)})
}

// handleGetServerGroupCompat is 5.16.9.
func (s *Sim) handleGetServerGroupCompat(c *Ctx) error {
	return s.handleGetServerGroup(c, c.R.PathValue("server_group_id"))
}

// handleDeleteServerGroup is 5.16.8.
func (s *Sim) handleDeleteServerGroup(c *Ctx) error {
	return s.deleteServerGroup(c, c.R.PathValue("server_group_id"))
}

// deleteServerGroup is 5.16.3: 204. The reference does not refuse a group
// with members (nor does Nova); the members simply leave it.
func (s *Sim) deleteServerGroup(c *Ctx, id string) error {
	g, err := groupByID(c, id)
	if err != nil {
		return err
	}
	for _, sid := range g.Members {
		if srv := c.P.Servers[sid]; srv != nil {
			srv.ServerGroups = removeString(srv.ServerGroups, id)
		}
	}
	delete(c.P.ServerGroups, id)
	c.Dirty()
	return c.NoContent(http.StatusNoContent)
}

// memberBody is 5.16.4 / 5.16.10's request: one of the two keys.
type memberBody struct {
	AddMember    *instanceRef `json:"add_member"`
	RemoveMember *instanceRef `json:"remove_member"`
}

type instanceRef struct {
	InstanceUUID *string `json:"instance_uuid"`
}

func (r *instanceRef) id() (string, error) {
	if r.InstanceUUID == nil || *r.InstanceUUID == "" {
		return "", BadRequest(`"instance_uuid" is required`)
	}
	return *r.InstanceUUID, nil
}

// handleServerGroupMemberAction is POST .../os-server-groups/{id}/action:
// add_member (5.16.4, synchronous, 200 with no body) or remove_member
// (5.16.10, 204).
func (s *Sim) handleServerGroupMemberAction(c *Ctx, groupID string) error {
	var req memberBody
	if err := c.Decode(&req); err != nil {
		return err
	}
	if (req.AddMember == nil) == (req.RemoveMember == nil) {
		return BadRequest(`the body must hold exactly one of "add_member" and "remove_member"`)
	}
	if req.AddMember != nil {
		id, err := req.AddMember.id()
		if err != nil {
			return err
		}
		g, srv, err := s.prepareAdd(c, groupID, id)
		if err != nil {
			return err
		}
		if srv != nil {
			addMember(g, srv)
			c.Dirty()
		}
		return c.NoContent(http.StatusOK)
	}
	id, err := req.RemoveMember.id()
	if err != nil {
		return err
	}
	if err := s.removeMember(c, groupID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// groupActionBody is 5.16.5's request.
type groupActionBody struct {
	OperateType  *string `json:"operate_type"`
	InstanceUUID *string `json:"instance_uuid"`
}

// handleServerGroupAction is 5.16.5: add_member answers 200 {"job_id"} and
// the membership appears when the job succeeds (one sub-job for the
// server); remove_member answers 204 at once, as the status table says.
func (s *Sim) handleServerGroupAction(c *Ctx) error {
	var req groupActionBody
	if err := c.Decode(&req); err != nil {
		return err
	}
	if req.OperateType == nil {
		return BadRequest(`"operate_type" is required: "add_member" or "remove_member"`)
	}
	ref := instanceRef{InstanceUUID: req.InstanceUUID}
	id, err := ref.id()
	if err != nil {
		return err
	}
	groupID := c.R.PathValue("server_group_id")
	switch *req.OperateType {
	case "add_member":
		g, srv, err := s.prepareAdd(c, groupID, id)
		if err != nil {
			return err
		}
		var specs []SubJobSpec
		if srv != nil { // already a member: a job with nothing to do
			specs = []SubJobSpec{{
				Type: opAddGroupMember, Op: opAddGroupMember,
				Entities: map[string]string{"server_id": srv.ID},
				Params: map[string]string{
					"server_group_id": g.ID,
					"hosts_per_az":    fmt.Sprint(c.Config().HostsPerAZ),
				},
			}}
		}
		j := c.Submit(jobTypeAddGroupMember, nil, specs)
		return c.JSON(http.StatusOK, map[string]string{"job_id": j.ID})
	case "remove_member":
		if err := s.removeMember(c, groupID, id); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
	return BadRequest(fmt.Sprintf("operate_type %q is not \"add_member\" or \"remove_member\"", *req.OperateType))
}

// prepareAdd checks an add: group and server exist, the server can be
// changed, is in no other group, the member quota and the group's policy
// allow it. It returns a nil server when it is already a member (adding
// again is accepted and changes nothing).
func (s *Sim) prepareAdd(c *Ctx, groupID, serverID string) (*ServerGroup, *Server, error) {
	g, err := groupByID(c, groupID)
	if err != nil {
		return nil, nil, err
	}
	srv, err := c.ServerForChange(serverID)
	if err != nil {
		return nil, nil, err
	}
	for _, other := range srv.ServerGroups {
		if other == g.ID {
			return g, nil, nil
		}
		return nil, nil, Errf(http.StatusConflict, CodeConflict, fmt.Sprintf(
			"server %s is already in server group %s; a server can be in one group only", serverID, other))
	}
	if limit := c.P.Quotas.ServerGroupMembers; limit >= 0 && len(g.Members)+1 > limit {
		return nil, nil, Errf(http.StatusBadRequest, CodeQuota, fmt.Sprintf(
			"insufficient server_group_members quota: group %s has %d members, limit %d", g.ID, len(g.Members), limit))
	}
	if err := checkMemberAdd(c.P, g, srv, c.Config().HostsPerAZ); err != nil {
		return nil, nil, err
	}
	return g, srv, nil
}

// removeMember takes a server out of a group. Removing a server that is not
// a member is accepted and changes nothing (idempotent, reference silent).
func (s *Sim) removeMember(c *Ctx, groupID, serverID string) error {
	g, err := groupByID(c, groupID)
	if err != nil {
		return err
	}
	srv, err := c.ServerForChange(serverID)
	if err != nil {
		return err
	}
	g.Members = removeString(g.Members, srv.ID)
	srv.ServerGroups = removeString(srv.ServerGroups, g.ID)
	c.Dirty()
	return nil
}

func addMember(g *ServerGroup, srv *Server) {
	for _, m := range g.Members {
		if m == srv.ID {
			return
		}
	}
	g.Members = append(g.Members, srv.ID)
	for _, x := range srv.ServerGroups {
		if x == g.ID {
			return
		}
	}
	srv.ServerGroups = append(srv.ServerGroups, g.ID)
}

// checkMemberAdd refuses (409 Ecs.0221) an add that breaks the group's hard
// policy. Hosts are compared only when both servers have one (a server that
// is still being placed has none yet).
func checkMemberAdd(p *ProjectState, g *ServerGroup, srv *Server, hostsPerAZ int) error {
	policy := ""
	if len(g.Policies) > 0 {
		policy = g.Policies[0]
	}
	inAZ := 0
	for _, mid := range g.Members {
		m := p.Servers[mid]
		if m == nil || m.ID == srv.ID {
			continue
		}
		switch policy {
		case rules.PolicyAntiAffinity:
			if m.AZ == srv.AZ {
				inAZ++
			}
			if m.HostID != "" && m.HostID == srv.HostID {
				return Errf(http.StatusConflict, CodeConflict, fmt.Sprintf(
					"server %s runs on the same host as member %s of anti-affinity group %s", srv.ID, m.ID, g.ID))
			}
		case rules.PolicyAffinity:
			if m.AZ != srv.AZ || (m.HostID != "" && srv.HostID != "" && m.HostID != srv.HostID) {
				return Errf(http.StatusConflict, CodeConflict, fmt.Sprintf(
					"server %s does not run on the host of member %s of affinity group %s", srv.ID, m.ID, g.ID))
			}
		}
	}
	if policy == rules.PolicyAntiAffinity && hostsPerAZ > 0 && inAZ+1 > hostsPerAZ {
		return Errf(http.StatusConflict, CodeConflict, fmt.Sprintf(
			"anti-affinity group %s already has %d members in %s, one per host", g.ID, inAZ, srv.AZ))
	}
	return nil
}

func hostsPerAZParam(sj *SubJob) int {
	var n int
	fmt.Sscan(sj.Params["hosts_per_az"], &n)
	return n
}
