package sim

import (
	"net/http"
	"strings"
)

// Routes without a {tenant_id} segment. 5.8.7 and 5.8.8 are
// GET /v2.1/servers/{server_id}/block_device[/{volume_id}]: in one
// ServeMux those patterns overlap /v2.1/{tenant_id}/servers/... (a tenant
// literally named "servers") with neither more specific, and ServeMux
// panics. A project id is never "servers", so every path starting
// /v2.1/servers/ is tried on a second mux first; what it does not serve
// falls through to the main mux unchanged (its JSON 404 included).

// tenantlessPrefix is the path prefix of the tenant-less routes.
const tenantlessPrefix = "/v2.1/servers/"

// dispatch routes a request to the tenant-less mux when one of its
// patterns matches, else to the main mux.
func (s *Sim) dispatch(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, tenantlessPrefix) {
		// Handler only tells whether a pattern matches; ServeHTTP then
		// routes again and sets the path values.
		if _, pattern := s.bare.Handler(r); pattern != "" {
			s.bare.ServeHTTP(w, r)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// handleBlockDeviceList is 5.8.7. The reference's title and description
// say "list of disks", its table types the key volumeAttachment as a
// volumeAttachments object and its example shows one object. The simulator
// answers the key of the table and example with a list of the server's
// disks (5.8.3's elements), since one object cannot describe two disks
// (api-notes: 5.8.7).
func (s *Sim) handleBlockDeviceList(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"volumeAttachment": xaBlockDevices(c, srv)})
}
