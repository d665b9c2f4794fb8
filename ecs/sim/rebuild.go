package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Rebuild (5.26.3, Nova-compatible): the "rebuild" key of
// POST /v2.1/{tenant_id}/servers/{server_id}/action. The server gets a new
// image on its system disk and keeps its flavor, NICs and power state.
//
// Decisions where the reference is thin (api-notes: 5.26.3):
//   - "Only image-booted servers": every simulated server was created from
//     an image (5.2.1 imageRef), so every server with an image qualifies.
//   - "Servers in error cannot be rebuilt": ACTIVE or SHUTOFF and idle;
//     the reference lists 400 as its only error, so a wrong state is 400.
//   - adminPass "does not take effect": accepted, validated as a string,
//     never stored and never echoed (the example's answer shows it; ours
//     does not: secrets never appear in an answer).
//   - OS-DCF:diskConfig, preserve_ephemeral, personality "not supported":
//     refused with 400 rather than silently ignored.
//   - name and metadata apply at once (the answer shows them); metadata
//     replaces the user items, as in Nova, keeping system keys.
//   - The answer is 200 with the v2.1 server detail in status REBUILD; the
//     image changes when the "rebuild" sub-job succeeds.

// OpRebuild is the rebuild sub-job's op (Config.Durations key "rebuild").
const OpRebuild = "rebuild"

// StatusRebuild is the server status while a rebuild runs.
const StatusRebuild = "REBUILD"

// TaskRebuilding is the task_state of a rebuild (as 5.26.1/5.26.2 use).
const TaskRebuilding = "rebuilding"

type rebuildBody struct {
	ImageRef          *string           `json:"imageRef"`
	Name              *string           `json:"name"`
	Metadata          map[string]string `json:"metadata"`
	AdminPass         *string           `json:"adminPass"`
	DiskConfig        json.RawMessage   `json:"OS-DCF:diskConfig"`
	PreserveEphemeral json.RawMessage   `json:"preserve_ephemeral"`
	Personality       json.RawMessage   `json:"personality"`
}

func init() {
	registerAction("rebuild", false, actionRebuild)
	registerEffect(OpRebuild, serverEffect(serverPhases{
		Success: func(srv *Server, sj *SubJob) {
			srv.ImageID = sj.Params["image_id"]
			xaSetPower(srv, sj.Params["was_running"] == "true")
			srv.Fault = ""
		},
		Fail: func(srv *Server, sj *SubJob) {
			srv.Status, srv.VMState = StatusError, "error"
			srv.Fault = "rebuild failed: " + sj.FailReason
		},
	}))
}

func actionRebuild(c *Ctx, srv *Server, raw json.RawMessage) error {
	var b rebuildBody
	if err := decodeStrict(raw, &b); err != nil {
		return err
	}
	for name, v := range map[string]json.RawMessage{"OS-DCF:diskConfig": b.DiskConfig, "preserve_ephemeral": b.PreserveEphemeral, "personality": b.Personality} {
		if v != nil {
			return BadRequest(fmt.Sprintf("rebuild.%s is not supported by this cloud (5.26.3)", name))
		}
	}
	if b.ImageRef == nil || *b.ImageRef == "" {
		return BadRequest("rebuild.imageRef is required")
	}
	ref := *b.ImageRef
	if i := strings.LastIndex(ref, "/"); i >= 0 { // an image URL names the id last
		ref = ref[i+1:]
	}
	img := c.Catalogue().Image(ref)
	if img == nil {
		return Errf(http.StatusBadRequest, CodeImage, fmt.Sprintf("image %s does not exist", *b.ImageRef))
	}
	if b.Name != nil {
		if n := len([]rune(*b.Name)); n < 1 || n > 254 {
			return BadRequest("rebuild.name must be 1 to 254 characters")
		}
	}
	for k, v := range b.Metadata {
		if len(k) < 1 || len(k) > 254 {
			return BadRequest("rebuild.metadata keys must be 1 to 254 bytes")
		}
		if len(v) >= 255 {
			return BadRequest(fmt.Sprintf("rebuild.metadata value of %q must be shorter than 255 bytes", k))
		}
	}
	if srv.ImageID == "" {
		return xaStateErr(http.StatusBadRequest, "server %s was not booted from an image; use 5.26.1 or 5.26.2", srv.ID)
	}
	if err := xaRequireStatus(http.StatusBadRequest, srv, "a rebuild", StatusActive, StatusShutoff); err != nil {
		return err
	}
	for _, a := range srv.Volumes {
		if v := c.P.Volumes[a.VolumeID]; a.BootIndex == 0 && v != nil && v.Size < img.MinDisk {
			return Errf(http.StatusBadRequest, CodeImage, fmt.Sprintf("image %s needs a %d GB system disk; server %s has %d GB", img.ID, img.MinDisk, srv.ID, v.Size))
		}
	}
	if b.Metadata != nil {
		if err := setMetadata(c, srv, replaceUserMetadata(srv.Metadata, b.Metadata)); err != nil {
			return err
		}
	}
	if b.Name != nil {
		srv.Name = *b.Name
	}
	running := srv.Status == StatusActive
	srv.Status, srv.TaskState, srv.Updated = StatusRebuild, TaskRebuilding, c.Now
	c.Dirty()
	c.Submit("rebuildServer", nil, []SubJobSpec{{Type: "rebuildServer", Op: OpRebuild,
		Entities: map[string]string{"server_id": srv.ID},
		Params:   map[string]string{"image_id": img.ID, "was_running": fmt.Sprint(running)}}})
	return c.JSON(http.StatusOK, map[string]any{"server": c.s.serverRebuildV21(c, srv)})
}
