package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// registerExtA registers extension A's endpoints (NICs, volumes and
// attachments, resize, power, lock/unlock, change/reinstall OS, and the
// POST /v2.1/{tenant_id}/servers/{server_id}/action dispatcher).
// Owned by the extension A engineer.
func (s *Sim) registerExtA(mux *http.ServeMux) {
	// NICs (5.7.1-5.7.7).
	s.handle(mux, "POST /v1/{tenant_id}/cloudservers/{server_id}/nics", s.handleAddNICs)
	s.handle(mux, "POST /v1/{tenant_id}/cloudservers/{server_id}/nics/delete", s.handleDeleteNICs)
	s.handle(mux, "GET /v1/{tenant_id}/cloudservers/{server_id}/os-interface", s.handleListNICs)
	// The community twins (5.7.4-5.7.7): same state, Nova errors.
	s.handleCompat(mux, "GET", "/servers/{server_id}/os-interface", s.handleListNICs)
	s.handleCompat(mux, "GET", "/servers/{server_id}/os-interface/{port_id}", s.handleGetNIC)
	s.handleCompat(mux, "POST", "/servers/{server_id}/os-interface", s.handleAddInterface)
	s.handleCompat(mux, "DELETE", "/servers/{server_id}/os-interface/{port_id}", s.handleRemoveInterface)

	// Volumes and attachments (5.8.1-5.8.6, 5.8.9-5.8.17).
	s.handle(mux, "POST /v1/{tenant_id}/batchaction/attachvolumes/{volume_id}", s.handleBatchAttach)
	s.handle(mux, "POST /v1/{tenant_id}/cloudservers/{server_id}/attachvolume", s.handleAttachVolume)
	s.handle(mux, "GET /v1/{tenant_id}/cloudservers/{server_id}/block_device", s.handleBlockDevices)
	s.handle(mux, "GET /v1/{tenant_id}/cloudservers/{server_id}/block_device/{volume_id}", s.handleBlockDevice)
	s.handle(mux, "DELETE /v1/{tenant_id}/cloudservers/{server_id}/detachvolume/{volume_id}", s.handleDetachVolume)
	s.handle(mux, "GET /v1/{tenant_id}/cloudservers/{server_id}/os-volume_attachments", s.handleVolumeAttachments)
	// Community attachments (5.8.14-5.8.17, both /v2 and /v2.1).
	s.handleCompat(mux, "POST", "/servers/{server_id}/os-volume_attachments", s.handleCompatAttach)
	s.handleCompat(mux, "GET", "/servers/{server_id}/os-volume_attachments", s.handleCompatAttachments)
	s.handleCompat(mux, "GET", "/servers/{server_id}/os-volume_attachments/{volume_id}", s.handleCompatAttachment)
	s.handleCompat(mux, "DELETE", "/servers/{server_id}/os-volume_attachments/{volume_id}", s.handleCompatDetach)
	s.handleCompat(mux, "GET", "/os-volumes", s.handleListVolumes(true))
	s.handleCompat(mux, "POST", "/os-volumes", s.handleCreateVolume)
	s.handleCompat(mux, "GET", "/os-volumes/detail", s.handleListVolumes(false))
	s.handleCompat(mux, "DELETE", "/os-volumes/{volume_id}", s.handleDeleteVolume)
	s.handleCompat(mux, "GET", "/os-volumes/{volume_id}", s.handleGetVolume)

	// Resize (5.21.1, 5.21.2, 5.21.6, 5.21.7; 5.21.3-5.21.5 are actions).
	s.handle(mux, "POST /v1.1/{tenant_id}/cloudservers/{server_id}/resize", s.handleResize)
	s.handle(mux, "POST /v1/{tenant_id}/cloudservers/{server_id}/live-resize", s.handleLiveResize)
	s.handle(mux, "POST /v1/{tenant_id}/cloudservers/resize", s.handleBatchResize(false))
	s.handle(mux, "POST /v1/{tenant_id}/cloudservers/live-resize", s.handleBatchResize(true))

	// Change and reinstall OS (5.26.1, 5.26.2).
	s.handle(mux, "POST /v2/{tenant_id}/cloudservers/{server_id}/changeos", s.handleChangeOS(false))
	s.handle(mux, "POST /v2/{tenant_id}/cloudservers/{server_id}/reinstallos", s.handleChangeOS(true))

	// The one action URI (chapter 5 /v2.1, chapter 4 /v2).
	s.handleCompat(mux, "POST", "/servers/{server_id}/action", s.handleServerAction)
}

// actionFunc handles one body key of POST .../servers/{server_id}/action.
// raw is the key's value; srv was looked up (and, unless the action is
// registered with allowLocked, refused when locked or being deleted).
type actionFunc func(c *Ctx, srv *Server, raw json.RawMessage) error

type xaActionEntry struct {
	fn          actionFunc
	allowLocked bool
}

var (
	xaActionsMu sync.RWMutex
	xaActions   = map[string]xaActionEntry{}
)

// registerAction adds a body key to the action dispatcher. Other files
// (core, extension B) may register further keys (createImage, rebuild ...)
// from an init func; registering a key twice panics.
func registerAction(key string, allowLocked bool, fn actionFunc) {
	xaActionsMu.Lock()
	defer xaActionsMu.Unlock()
	if _, dup := xaActions[key]; dup {
		panic("sim: action registered twice: " + key)
	}
	xaActions[key] = xaActionEntry{fn: fn, allowLocked: allowLocked}
}

func init() {
	registerAction("os-start", false, xaActionStart)
	registerAction("os-stop", false, xaActionStop)
	registerAction("reboot", false, xaActionReboot)
	registerAction("lock", true, xaActionLock(true))
	registerAction("unlock", true, xaActionLock(false))
	registerAction("resize", false, xaActionResize)
	registerAction("confirmResize", false, xaConfirmRevert(false))
	registerAction("revertResize", false, xaConfirmRevert(true))
}

// handleServerAction dispatches on the body's single top-level key; an
// unknown or missing key, or more than one, is 400 badRequest.
func (s *Sim) handleServerAction(c *Ctx) error {
	var body map[string]json.RawMessage
	if err := c.Decode(&body); err != nil {
		return err
	}
	if len(body) != 1 {
		keys := make([]string, 0, len(body))
		for k := range body {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return BadRequest(fmt.Sprintf("the action body must have exactly one top-level key naming the action; got %d (%s)", len(body), strings.Join(keys, ", ")))
	}
	var key string
	var raw json.RawMessage
	for k, v := range body {
		key, raw = k, v
	}
	xaActionsMu.RLock()
	e, ok := xaActions[key]
	xaActionsMu.RUnlock()
	if !ok {
		return BadRequest(fmt.Sprintf("action %q is not supported on this URI", key))
	}
	id := c.R.PathValue("server_id")
	var srv *Server
	var err error
	if e.allowLocked {
		srv, err = c.Server(id)
	} else {
		srv, err = c.ServerForChange(id)
	}
	if err != nil {
		return err
	}
	return e.fn(c, srv, raw)
}
