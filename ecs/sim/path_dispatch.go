package sim

import (
	"fmt"
	"net/http"
)

const serverGroupsSegment = "os-server-groups"

// dispatchGet4 serves GET /v1/{tenant_id}/cloudservers/{first}/{second}
// paths no more specific route took: the server group detail (5.16.11).
func (s *Sim) dispatchGet4(c *Ctx) error {
	if c.R.PathValue("first") == serverGroupsSegment {
		return s.handleGetServerGroup(c, c.R.PathValue("second"))
	}
	return noSuchPath(c)
}

// dispatchDelete4 serves DELETE /v1/{tenant_id}/cloudservers/{first}/{second}:
// the server group delete (5.16.3).
func (s *Sim) dispatchDelete4(c *Ctx) error {
	if c.R.PathValue("first") == serverGroupsSegment {
		return s.deleteServerGroup(c, c.R.PathValue("second"))
	}
	return noSuchPath(c)
}

// dispatchAction5 serves POST /v1/{tenant_id}/cloudservers/{first}/{second}/action:
// server group members (5.16.4, 5.16.10) and server tags (5.13.1, 5.13.2).
func (s *Sim) dispatchAction5(c *Ctx) error {
	first, second := c.R.PathValue("first"), c.R.PathValue("second")
	switch {
	case first == serverGroupsSegment:
		return s.handleServerGroupMemberAction(c, second)
	case second == "tags":
		return s.handleTagsAction(c, first)
	}
	return noSuchPath(c)
}

func noSuchPath(c *Ctx) error {
	return Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("%s %s is not an API of this service", c.R.Method, c.R.URL.Path))
}
