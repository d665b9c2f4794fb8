package sim

// Password reset (5.14.1-5.14.3). The simulator never keeps a password: a
// reset only records that one was set (Server.AdminPasswordSet) and when
// (Server.Updated); the new password takes effect at the next start or
// reboot (Server.PasswordResetPending until then; the power effects clear
// it), which the server detail does not show. Errors
// never echo the password.

import (
	"fmt"
	"net/http"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// batchResetBody is 5.14.1's request.
type batchResetBody struct {
	NewPassword *string     `json:"new_password"`
	DryRun      *bool       `json:"dry_run"`
	Servers     *[]serverID `json:"servers"`
}

type serverID struct {
	ID string `json:"id"`
}

// resetBody is 5.14.2's request (note the hyphenated key).
type resetBody struct {
	ResetPassword *struct {
		NewPassword *string `json:"new_password"`
	} `json:"reset-password"`
}

// passwordServer looks a server up for a reset: 404, locked or being
// deleted 409, and 409 unless it is ACTIVE or SHUTOFF (5.14.1 constraint 4:
// the reset runs while the server is powered on or off; a server that is
// building, rebooting, resizing or in error is neither).
func passwordServer(c *Ctx, id string) (*Server, error) {
	srv, err := c.ServerForChange(id)
	if err != nil {
		return nil, err
	}
	if err := c.RequireStatus(srv, StatusActive, StatusShutoff); err != nil {
		return nil, err
	}
	return srv, nil
}

// checkPassword applies the rule of the section: 5.14.1's specials for the
// batch reset, 5.14.2's (which add # & * $ { } ,) for the single reset.
func checkPassword(pw, specials string) error {
	if err := rules.PasswordWith(pw, specials); err != nil {
		return Errf(http.StatusBadRequest, CodePassword, "new_password is not allowed: "+err.Error())
	}
	return nil
}

// handleBatchResetPassword is 5.14.1: one password for every listed server.
// All servers are checked before any is changed, so a refused call changes
// nothing. dry_run runs the same checks and changes nothing; the password
// may then be omitted. The answer lists the servers the reset was issued
// for ({"response": [{"id"}]}, the shape of the reference's example).
func (s *Sim) handleBatchResetPassword(c *Ctx) error {
	var req batchResetBody
	if err := c.Decode(&req); err != nil {
		return err
	}
	dry := req.DryRun != nil && *req.DryRun
	if req.NewPassword == nil && !dry {
		return BadRequest(`"new_password" is required unless "dry_run" is true`)
	}
	if req.NewPassword != nil {
		if err := checkPassword(*req.NewPassword, rules.PasswordSpecials); err != nil {
			return err
		}
	}
	if req.Servers == nil || len(*req.Servers) == 0 {
		return BadRequest(`"servers" must list at least one server`)
	}
	seen := map[string]bool{}
	var targets []*Server
	for _, sv := range *req.Servers {
		if sv.ID == "" {
			return BadRequest(`every entry of "servers" needs an "id"`)
		}
		if seen[sv.ID] {
			return BadRequest(fmt.Sprintf("server %s is listed twice", sv.ID))
		}
		seen[sv.ID] = true
		srv, err := passwordServer(c, sv.ID)
		if err != nil {
			return err
		}
		targets = append(targets, srv)
	}
	out := make([]serverID, 0, len(targets))
	for _, srv := range targets {
		if !dry {
			srv.AdminPasswordSet = true
			srv.PasswordResetPending = true
			srv.Updated = c.Now
			c.Dirty()
		}
		out = append(out, serverID{ID: srv.ID})
	}
	return c.JSON(http.StatusOK, map[string]any{"response": out})
}

// handleResetPassword is 5.14.2: 200 with no body. The reference's
// constraint 1 says no complexity check is made by default, but its table
// states the rules; the simulator is strict and applies them (a fleet
// password must work with 5.14.1 as well).
func (s *Sim) handleResetPassword(c *Ctx) error {
	var req resetBody
	if err := c.Decode(&req); err != nil {
		return err
	}
	if req.ResetPassword == nil || req.ResetPassword.NewPassword == nil {
		return BadRequest(`"reset-password.new_password" is required`)
	}
	if err := checkPassword(*req.ResetPassword.NewPassword, rules.ResetPasswordSpecials); err != nil {
		return err
	}
	srv, err := passwordServer(c, c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	srv.AdminPasswordSet = true
	srv.PasswordResetPending = true
	srv.Updated = c.Now
	c.Dirty()
	return c.NoContent(http.StatusOK)
}

// handleResetPasswordFlag is 5.14.3: whether one-click reset is supported,
// as the string "True" or "False". Every image of the simulated catalogue
// ships the reset plugin, so the answer is "True" for any existing server.
func (s *Sim) handleResetPasswordFlag(c *Ctx) error {
	if _, err := c.Server(c.R.PathValue("server_id")); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"resetpwd_flag": "True"})
}

// handleGetServerPassword is 5.14.5 / 5.14.6: the encrypted password that
// Cloudbase-init posted for a Windows server. The simulator keeps no
// password, so the answer is the empty string, as Nova answers for a
// server that has none (or whose password was cleared).
func (s *Sim) handleGetServerPassword(c *Ctx) error {
	if _, err := c.Server(c.R.PathValue("server_id")); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"password": ""})
}

// handleClearServerPassword is 5.14.4 (200, no body; the example's wrapper
// object looks like a tool's log, not the wire) and 5.14.7 (204).
func (s *Sim) handleClearServerPassword(status int) handlerFunc {
	return func(c *Ctx) error {
		if _, err := c.ServerForChange(c.R.PathValue("server_id")); err != nil {
			return err
		}
		return c.NoContent(status)
	}
}
