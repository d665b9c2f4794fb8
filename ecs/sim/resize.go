package sim

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// Resize (5.21.1 offline resize, 5.21.2 live resize, 5.21.5 Nova resize
// with 5.21.3/5.21.4 confirm/revert, 5.21.6/5.21.7 batch forms).
//
// Every resize is a job with one sub-job per server (op "resize"). The
// server's task_state is set when the request is accepted, so a second
// change is refused while the first waits for backend capacity; status
// RESIZE while the sub-job runs. The sub-job's params carry the mode, the
// old and new flavor and the power state to restore; a Nova resize leaves
// the old flavor in Server.PrevFlavorID for confirm/revert.
//
// Modes:
//   - offline (5.21.1, 5.21.6): the server must be SHUTOFF (5.21.1's
//     constraint) and stays SHUTOFF; no confirm.
//   - withStopServer (C9: what the production client sends to 5.21.1 for a
//     running server): the job stops the server, resizes it and restores
//     its power state.
//   - live (5.21.2, 5.21.7): the server must be ACTIVE and stays ACTIVE.
//   - nova (5.21.5): a running server is stopped and restarted; the result
//     waits in VERIFY_RESIZE (vm_state resized) for confirmResize (keep the
//     new flavor) or revertResize (back to the old one).

// OpResize is the resize sub-job's op (Config.Durations key "resize").
const OpResize = "resize"

const (
	resizeOffline  = "offline"
	resizeWithStop = "withStopServer"
	resizeLive     = "live"
	resizeNova     = "nova"
)

type xaResizeReq struct {
	Resize struct {
		FlavorRef       string                     `json:"flavorRef"`
		DedicatedHostID string                     `json:"dedicated_host_id"`
		Mode            string                     `json:"mode"`
		ExtendParam     map[string]json.RawMessage `json:"extendparam"`
	} `json:"resize"`
}

type xaLiveResizeReq struct {
	LiveResize struct {
		FlavorRef       string `json:"flavorRef"`
		DedicatedHostID string `json:"dedicated_host_id"`
	} `json:"live-resize"`
}

type xaBatchItem struct {
	ServerID  string `json:"serverId"`
	FlavorRef string `json:"flavorRef"`
}

type xaBatchResizeReq struct {
	Resize *[]xaBatchItem `json:"resize"`
}

type xaBatchLiveResizeReq struct {
	LiveResize *[]xaBatchItem `json:"live-resize"`
}

// xaResizeTarget validates flavorRef as a resize target of srv and returns
// it, by the rule 5.6.1 resize_flavors also uses (isResizeTarget), so a
// flavor a client picked from that list is never refused here. The
// reference gives no code; 400 Ecs.0008 (flavor invalid), Ecs.0009 (not a
// target: the same flavor) as the public ECS API does.
func xaResizeTarget(c *Ctx, srv *Server, flavorRef string) (*Flavor, error) {
	if flavorRef == "" {
		return nil, BadRequest("flavorRef is required")
	}
	f := c.Catalogue().Flavor(flavorRef)
	if f == nil {
		return nil, Errf(http.StatusBadRequest, CodeFlavor, fmt.Sprintf("flavor %s does not exist", flavorRef))
	}
	source := srv.FlavorID
	if cur := c.Catalogue().Flavor(srv.FlavorID); cur != nil {
		source = cur.ID
	}
	if !isResizeTarget(source, f) {
		return nil, Errf(http.StatusBadRequest, CodeSameFlavor, fmt.Sprintf("server %s already has flavor %s", srv.ID, f.ID))
	}
	return f, nil
}

// xaResizePlan is one accepted server resize.
type xaResizePlan struct {
	srv    *Server
	flavor *Flavor
}

// xaResizeQuota refuses (400 Ecs.0001) when growing these servers would
// exceed the cores or RAM quota, counting resizes already accepted.
func xaResizeQuota(c *Ctx, plans []xaResizePlan) error {
	cores, ram := 0, 0
	for _, pl := range plans {
		if old := c.Catalogue().Flavor(pl.srv.FlavorID); old != nil {
			cores += pl.flavor.VCPUs - old.VCPUs
			ram += pl.flavor.RAM - old.RAM
		}
	}
	pc, pr := 0, 0
	for _, sj := range xaPending(c.P, OpResize, "") {
		nf, of := c.Catalogue().Flavor(sj.Params["flavor"]), c.Catalogue().Flavor(sj.Params["old_flavor"])
		if nf != nil && of != nil {
			pc += max(0, nf.VCPUs-of.VCPUs)
			pr += max(0, nf.RAM-of.RAM)
		}
	}
	add := Usage{}
	if cores > 0 {
		add.Cores = cores + pc
	}
	if ram > 0 {
		add.RAM = ram + pr
	}
	return c.CheckQuota(add)
}

// xaSubmitResize accepts the plans as one job.
func xaSubmitResize(c *Ctx, jobType, mode string, plans []xaResizePlan) *Job {
	var specs []SubJobSpec
	for _, pl := range plans {
		running := pl.srv.Status == StatusActive
		pl.srv.TaskState = TaskResizing
		specs = append(specs, SubJobSpec{Type: jobType, Op: OpResize,
			Entities: map[string]string{"server_id": pl.srv.ID},
			Params: map[string]string{"mode": mode, "flavor": pl.flavor.ID, "old_flavor": pl.srv.FlavorID,
				"was_running": fmt.Sprint(running)}})
	}
	return c.Submit(jobType, nil, specs)
}

// handleResize is 5.21.1 POST /v1.1/{tenant_id}/cloudservers/{server_id}/resize.
func (s *Sim) handleResize(c *Ctx) error {
	var req xaResizeReq
	if err := c.Decode(&req); err != nil {
		return err
	}
	if req.Resize.FlavorRef == "" {
		return BadRequest("resize.flavorRef is required")
	}
	mode := resizeOffline
	switch req.Resize.Mode {
	case "":
	case resizeWithStop:
		mode = resizeWithStop
	default:
		return BadRequest(fmt.Sprintf("resize.mode %q is not supported; the only mode is withStopServer", req.Resize.Mode))
	}
	srv, err := c.ServerForChange(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	if mode == resizeOffline {
		// 5.21.1: offline resize; the server must be powered off.
		if err := xaRequireStatus(http.StatusBadRequest, srv, "an offline resize (no mode withStopServer)", StatusShutoff); err != nil {
			return err
		}
	} else if err := xaRequireStatus(http.StatusBadRequest, srv, "a resize", StatusActive, StatusShutoff); err != nil {
		return err
	}
	f, err := xaResizeTarget(c, srv, req.Resize.FlavorRef)
	if err != nil {
		return err
	}
	plans := []xaResizePlan{{srv, f}}
	if err := xaResizeQuota(c, plans); err != nil {
		return err
	}
	j := xaSubmitResize(c, "resizeServer", mode, plans)
	return c.JSON(http.StatusOK, xaJobID(j))
}

// handleLiveResize is 5.21.2 POST /v1/{tenant_id}/cloudservers/{server_id}/live-resize.
func (s *Sim) handleLiveResize(c *Ctx) error {
	var req xaLiveResizeReq
	if err := c.Decode(&req); err != nil {
		return err
	}
	if req.LiveResize.FlavorRef == "" {
		return BadRequest("live-resize.flavorRef is required")
	}
	srv, err := c.ServerForChange(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	if err := xaRequireStatus(http.StatusBadRequest, srv, "a live resize", StatusActive); err != nil {
		return err
	}
	f, err := xaResizeTarget(c, srv, req.LiveResize.FlavorRef)
	if err != nil {
		return err
	}
	plans := []xaResizePlan{{srv, f}}
	if err := xaResizeQuota(c, plans); err != nil {
		return err
	}
	j := xaSubmitResize(c, "liveResizeServer", resizeLive, plans)
	return c.JSON(http.StatusOK, xaJobID(j))
}

// handleBatchResize serves 5.21.6 (live=false) and 5.21.7 (live=true):
// at most 30 servers, each its own flavor, validated as a whole before
// anything is accepted.
func (s *Sim) handleBatchResize(live bool) handlerFunc {
	return func(c *Ctx) error {
		var items []xaBatchItem
		key := "resize"
		if live {
			key = "live-resize"
			var req xaBatchLiveResizeReq
			if err := c.Decode(&req); err != nil {
				return err
			}
			if req.LiveResize != nil {
				items = *req.LiveResize
			}
		} else {
			var req xaBatchResizeReq
			if err := c.Decode(&req); err != nil {
				return err
			}
			if req.Resize != nil {
				items = *req.Resize
			}
		}
		if len(items) == 0 {
			return BadRequest(key + " is empty; give 1 to 30 servers")
		}
		if len(items) > rules.MaxResizeBatch {
			return BadRequest(fmt.Sprintf("%s names %d servers; one call may resize at most %d", key, len(items), rules.MaxResizeBatch))
		}
		seen := map[string]bool{}
		var plans []xaResizePlan
		for i, it := range items {
			if it.ServerID == "" {
				return BadRequest(fmt.Sprintf("%s[%d].serverId is required", key, i))
			}
			if seen[it.ServerID] {
				return BadRequest(fmt.Sprintf("%s[%d]: server %s is listed twice", key, i, it.ServerID))
			}
			seen[it.ServerID] = true
			srv, err := c.ServerForChange(it.ServerID)
			if err != nil {
				return err
			}
			if live {
				err = xaRequireStatus(http.StatusBadRequest, srv, "a live resize", StatusActive)
			} else {
				err = xaRequireStatus(http.StatusBadRequest, srv, "an offline resize", StatusShutoff)
			}
			if err != nil {
				return err
			}
			f, err := xaResizeTarget(c, srv, it.FlavorRef)
			if err != nil {
				return err
			}
			plans = append(plans, xaResizePlan{srv, f})
		}
		if err := xaResizeQuota(c, plans); err != nil {
			return err
		}
		jobType, mode := "batchResizeServers", resizeOffline
		if live {
			jobType, mode = "batchLiveResizeServers", resizeLive
		}
		j := xaSubmitResize(c, jobType, mode, plans)
		return c.JSON(http.StatusOK, xaJobID(j))
	}
}

// xaActionResize is 5.21.5 {"resize": {"flavorRef", "dedicated_host_id"}}
// on the action URI: 202, no body; the server ends in VERIFY_RESIZE.
func xaActionResize(c *Ctx, srv *Server, raw json.RawMessage) error {
	var body struct {
		FlavorRef       string `json:"flavorRef"`
		DedicatedHostID string `json:"dedicated_host_id"`
	}
	if err := decodeStrict(raw, &body); err != nil {
		return err
	}
	if err := xaRequireStatus(http.StatusBadRequest, srv, "a resize", StatusActive, StatusShutoff); err != nil {
		return err
	}
	f, err := xaResizeTarget(c, srv, body.FlavorRef)
	if err != nil {
		return err
	}
	plans := []xaResizePlan{{srv, f}}
	if err := xaResizeQuota(c, plans); err != nil {
		return err
	}
	xaSubmitResize(c, "resizeServer", resizeNova, plans)
	return c.NoContent(http.StatusAccepted)
}

// xaConfirmRevert is 5.21.3 confirmResize / 5.21.4 revertResize: the
// server must be VERIFY_RESIZE (vm_state resized); 204, no body. The
// reference lists no 409 for either, so a wrong state is 400 Ecs.0220.
func xaConfirmRevert(revert bool) actionFunc {
	return func(c *Ctx, srv *Server, raw json.RawMessage) error {
		// {} (5.21.3/5.21.4) or null (5.2.12/5.2.13's spelling).
		if err := xaEmptyObject(raw, true); err != nil {
			return err
		}
		what := "confirmResize"
		if revert {
			what = "revertResize"
		}
		if srv.Status != StatusVerify {
			return xaStateErr(http.StatusBadRequest, "server %s is %s; %s needs it VERIFY_RESIZE", srv.ID, srv.Status, what)
		}
		// The resize's success left the power state it restored (was the
		// server running before), so it is the state to settle in.
		if revert && srv.PrevFlavorID != "" {
			srv.FlavorID = srv.PrevFlavorID
		}
		srv.PrevFlavorID = ""
		xaSetPower(srv, srv.PowerState == PowerRunning)
		srv.TaskState = TaskNone
		srv.Updated = c.Now
		c.Dirty()
		return c.NoContent(http.StatusNoContent)
	}
}

// xaSetPower puts srv at rest, running (ACTIVE) or stopped (SHUTOFF).
func xaSetPower(srv *Server, running bool) {
	if running {
		srv.Status, srv.VMState, srv.PowerState = StatusActive, "active", PowerRunning
	} else {
		srv.Status, srv.VMState, srv.PowerState = StatusShutoff, "stopped", PowerShutdown
	}
}

func init() {
	registerEffect(OpResize, serverEffect(serverPhases{
		Start: func(srv *Server, sj *SubJob) {
			srv.Status, srv.TaskState = StatusResize, TaskResizing
			if sj.Params["mode"] == resizeWithStop || sj.Params["mode"] == resizeNova {
				srv.PowerState = PowerShutdown
			}
		},
		Success: func(srv *Server, sj *SubJob) {
			srv.FlavorID = sj.Params["flavor"]
			running := sj.Params["was_running"] == "true"
			switch sj.Params["mode"] {
			case resizeOffline:
				xaSetPower(srv, false)
			case resizeLive:
				xaSetPower(srv, true)
			case resizeNova:
				xaSetPower(srv, running)
				srv.Status, srv.VMState = StatusVerify, "resized"
				srv.PrevFlavorID = sj.Params["old_flavor"]
			default:
				xaSetPower(srv, running)
			}
		},
		Fail: func(srv *Server, sj *SubJob) {
			// A failed resize leaves the old flavor and the old power state.
			xaSetPower(srv, sj.Params["was_running"] == "true")
			srv.Fault = "resize failed: " + sj.FailReason
		},
	}))
}
