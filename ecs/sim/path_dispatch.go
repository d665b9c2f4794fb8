package sim

import (
	"fmt"
	"net/http"
)

// registerExtB registers extension B's endpoints (metadata, tags, passwords,
// server groups, keypairs). Owned by the extension B engineer.
//
// Two of the reference's paths put a literal where other paths put the
// server id: /v1/{tenant_id}/cloudservers/os-server-groups/{server_group_id}
// (5.16.3, 5.16.11) and .../os-server-groups/{server_group_id}/action (5.16.4,
// 5.16.10). Go's ServeMux panics on two patterns that can match the same
// path when neither is more specific, and "os-server-groups/{id}" overlaps
// "{server_id}/os-interface", "{server_id}/tags" and the like. So these
// shapes are registered once, as wildcard patterns, and dispatched here:
// every literal sub-path another file registers (e.g. GET
// .../cloudservers/{server_id}/os-interface) is more specific and still wins.
func (s *Sim) registerExtB(mux *http.ServeMux) {
	// Metadata (5.9.1-5.9.4), plus the community variants 5.9.5-5.9.8
	// that share the same rules.
	s.handle(mux, "POST /v1/{tenant_id}/cloudservers/{server_id}/metadata", s.handleMetadataMerge)
	s.handle(mux, "DELETE /v1/{tenant_id}/cloudservers/{server_id}/metadata/{key}", s.handleMetadataDeleteKey)
	s.handleCompat(mux, "GET", "/servers/{server_id}/metadata", s.handleMetadataList)
	s.handleCompat(mux, "PUT", "/servers/{server_id}/metadata", s.handleMetadataReplace)
	s.handleCompat(mux, "POST", "/servers/{server_id}/metadata", s.handleMetadataMerge)
	s.handleCompat(mux, "GET", "/servers/{server_id}/metadata/{key}", s.handleMetadataGetKey)
	s.handleCompat(mux, "PUT", "/servers/{server_id}/metadata/{key}", s.handleMetadataPutKey)
	s.handleCompat(mux, "DELETE", "/servers/{server_id}/metadata/{key}", s.handleMetadataDeleteKey)

	// Tags (5.13.1, 5.13.2 via the action dispatcher below; 5.13.9, 5.13.10).
	s.handle(mux, "GET /v1/{tenant_id}/cloudservers/tags", s.handleProjectTags)
	s.handle(mux, "GET /v1/{tenant_id}/cloudservers/{server_id}/tags", s.handleServerTags)
	// Community string tags (5.13.3-5.13.8), views of the same tag set.
	s.handleCompat(mux, "PUT", "/servers/{server_id}/tags", s.handleReplaceStringTags)
	s.handleCompat(mux, "DELETE", "/servers/{server_id}/tags", s.handleDeleteAllStringTags)
	s.handleCompat(mux, "GET", "/servers/{server_id}/tags", s.handleListStringTags)
	s.handleCompat(mux, "GET", "/servers/{server_id}/tags/{tag}", s.handleCheckStringTag)
	s.handleCompat(mux, "DELETE", "/servers/{server_id}/tags/{tag}", s.handleDeleteStringTag)
	s.handleCompat(mux, "PUT", "/servers/{server_id}/tags/{tag}", s.handleAddStringTag)

	// Passwords (5.14.1-5.14.7).
	s.handle(mux, "PUT /v1/{tenant_id}/cloudservers/os-reset-passwords", s.handleBatchResetPassword)
	s.handle(mux, "PUT /v1/{tenant_id}/cloudservers/{server_id}/os-reset-password", s.handleResetPassword)
	s.handle(mux, "GET /v1/{tenant_id}/cloudservers/{server_id}/os-resetpwd-flag", s.handleResetPasswordFlag)
	s.handle(mux, "GET /v1/{tenant_id}/cloudservers/{server_id}/os-server-password", s.handleGetServerPassword)
	s.handle(mux, "DELETE /v1/{tenant_id}/cloudservers/{server_id}/os-server-password", s.handleClearServerPassword(http.StatusOK))
	s.handleCompat(mux, "GET", "/servers/{server_id}/os-server-password", s.handleGetServerPassword)
	s.handleCompat(mux, "DELETE", "/servers/{server_id}/os-server-password", s.handleClearServerPassword(http.StatusNoContent))

	// Server groups (5.16.1-5.16.5, 5.16.10, 5.16.11; 5.16.6-5.16.9 community).
	s.handle(mux, "POST /v1/{tenant_id}/cloudservers/os-server-groups", s.handleCreateServerGroup)
	s.handle(mux, "GET /v1/{tenant_id}/cloudservers/os-server-groups", s.handleListServerGroups)
	s.handle(mux, "POST /v1/{tenant_id}/cloudservers/{server_group_id}/server-group-action", s.handleServerGroupAction)
	s.handleCompat(mux, "GET", "/os-server-groups", s.handleListServerGroups)
	s.handleCompat(mux, "POST", "/os-server-groups", s.handleCreateServerGroup)
	s.handleCompat(mux, "GET", "/os-server-groups/{server_group_id}", s.handleGetServerGroupCompat)
	s.handleCompat(mux, "DELETE", "/os-server-groups/{server_group_id}", s.handleDeleteServerGroup)

	// The overlapping shapes (see above).
	s.handle(mux, "GET /v1/{tenant_id}/cloudservers/{first}/{second}", s.dispatchGet4)
	s.handle(mux, "DELETE /v1/{tenant_id}/cloudservers/{first}/{second}", s.dispatchDelete4)
	s.handle(mux, "POST /v1/{tenant_id}/cloudservers/{first}/{second}/action", s.dispatchAction5)

	// Keypairs (5.30.1-5.30.4).
	s.handleCompat(mux, "GET", "/os-keypairs", s.handleListKeypairs)
	s.handleCompat(mux, "POST", "/os-keypairs", s.handleCreateKeypair)
	s.handleCompat(mux, "GET", "/os-keypairs/{keypair_name}", s.handleGetKeypair)
	s.handleCompat(mux, "DELETE", "/os-keypairs/{keypair_name}", s.handleDeleteKeypair)
}

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
