package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// Power (5.28.1 os-stop, 5.28.2 os-start, 5.28.3 reboot) and lock/unlock
// (5.25). The reference gives power actions no job: they answer 204 with no
// body (5.28's normal success; 202 is its "system busy, delayed" case) and
// the caller watches the server's status. The simulator still
// runs them as a short internal job (op "power") so they take simulated
// time and backend capacity like the real thing; task_state is set at once
// (powering-on, powering-off, rebooting), so a second action meanwhile is
// refused with 409 "request state conflicts with the target object's
// state", the 409 text these three sections document.

// OpPower is the power sub-job's op (Config.Durations key "power").
const OpPower = "power"

// xaEmptyObject accepts the "empty data structure" of os-start, lock,
// unlock, confirmResize and revertResize: {} (chapter 5's examples), or
// null / "" where the reference types the value as a String (5.28.2
// os-start, 5.2.12/5.2.13 confirmResize: null) and allowNull is set.
func xaEmptyObject(raw json.RawMessage, allowNull bool) error {
	t := bytes.TrimSpace(raw)
	if bytes.Equal(t, []byte("null")) || bytes.Equal(t, []byte(`""`)) {
		if allowNull {
			return nil
		}
		return BadRequest("the action's value must be an empty object {}")
	}
	var v struct{}
	return xaDecode(t, &v)
}

// xaDecode is decodeStrict returning a plain error (nil-safe for
// the interface).
func xaDecode(raw []byte, v any) error {
	if e := decodeStrict(raw, v); e != nil {
		return e
	}
	return nil
}

type xaTypeBody struct {
	Type *string `json:"type"`
}

func xaPowerType(raw json.RawMessage, required bool) (string, error) {
	t := bytes.TrimSpace(raw)
	var b xaTypeBody
	if !bytes.Equal(t, []byte("null")) {
		if err := xaDecode(t, &b); err != nil {
			return "", err
		}
	}
	if b.Type == nil {
		if required {
			return "", BadRequest("reboot.type is required: SOFT or HARD")
		}
		return "SOFT", nil
	}
	if *b.Type != "SOFT" && *b.Type != "HARD" {
		return "", BadRequest(fmt.Sprintf("type %q is not SOFT or HARD", *b.Type))
	}
	return *b.Type, nil
}

// xaSubmitPower accepts a power action: task_state now, the change when the
// internal job ends.
func xaSubmitPower(c *Ctx, srv *Server, action, task string) error {
	srv.TaskState = task
	srv.Updated = c.Now
	c.Submit("powerServer", map[string]string{"server_id": srv.ID}, []SubJobSpec{{Type: "powerServer", Op: OpPower,
		Entities: map[string]string{"server_id": srv.ID},
		Params:   map[string]string{"action": action, "prior_status": srv.Status}}})
	return c.NoContent(http.StatusNoContent)
}

func xaActionStart(c *Ctx, srv *Server, raw json.RawMessage) error {
	if err := xaEmptyObject(raw, true); err != nil {
		return err
	}
	if err := xaRequireStatus(http.StatusConflict, srv, "os-start", StatusShutoff); err != nil {
		return err
	}
	return xaSubmitPower(c, srv, "start", TaskPoweringOn)
}

func xaActionStop(c *Ctx, srv *Server, raw json.RawMessage) error {
	typ, err := xaPowerType(raw, false)
	if err != nil {
		return err
	}
	if err := xaRequireStatus(http.StatusConflict, srv, "os-stop", StatusActive); err != nil {
		return err
	}
	return xaSubmitPower(c, srv, "stop-"+typ, TaskPoweringOff)
}

func xaActionReboot(c *Ctx, srv *Server, raw json.RawMessage) error {
	typ, err := xaPowerType(raw, true)
	if err != nil {
		return err
	}
	if typ == "HARD" {
		// Nova allows a hard reboot to recover a stopped or failed server.
		err = xaRequireStatus(http.StatusConflict, srv, "a HARD reboot", StatusActive, StatusShutoff, StatusError)
	} else {
		err = xaRequireStatus(http.StatusConflict, srv, "a SOFT reboot", StatusActive)
	}
	if err != nil {
		return err
	}
	return xaSubmitPower(c, srv, "reboot-"+typ, TaskRebooting)
}

// xaActionLock is 5.25.2: 202, no body; idempotent.
func xaActionLock(lock bool) actionFunc {
	return func(c *Ctx, srv *Server, raw json.RawMessage) error {
		if err := xaEmptyObject(raw, true); err != nil {
			return err
		}
		srv.Locked = lock
		c.Dirty()
		return c.NoContent(http.StatusAccepted)
	}
}

func init() {
	registerEffect(OpPower, serverEffect(serverPhases{
		Start: func(srv *Server, sj *SubJob) {
			switch sj.Params["action"] {
			case "reboot-SOFT":
				srv.Status = StatusReboot
			case "reboot-HARD":
				srv.Status = StatusHardBoot
			}
		},
		Success: func(srv *Server, sj *SubJob) {
			switch sj.Params["action"] {
			case "start", "reboot-SOFT", "reboot-HARD":
				xaSetPower(srv, true)
				srv.PasswordResetPending = false // a reset takes effect at boot
			default: // stop-SOFT, stop-HARD
				xaSetPower(srv, false)
			}
			srv.Fault = ""
		},
		Fail: func(srv *Server, sj *SubJob) {
			srv.Status = sj.Params["prior_status"]
			srv.Fault = "power action failed: " + sj.FailReason
		},
	}))
}
