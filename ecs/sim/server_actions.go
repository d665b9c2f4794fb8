package sim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

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
// (rebuild.go) may register further keys (createImage, rebuild ...)
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
