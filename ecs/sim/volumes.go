package sim

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// Volumes and attachments (5.8.1 batch attach a shared volume, 5.8.2
// attach, 5.8.3 a server's disks, 5.8.5 detach, 5.8.6 a server's
// attachments, 5.8.9-5.8.13 the deprecated os-volumes API).
//
// Volume states follow Cinder: creating -> available; available ->
// attaching -> in-use; in-use -> detaching -> available (or in-use while a
// shared volume keeps other attachments); available -> deleting -> gone.
// Attach and detach are jobs with one sub-job per server, so a shared
// volume attached to 16 servers shows 16 sub-jobs.

// Op names of the volume sub-jobs (Config.Durations keys).
const (
	OpAttachVolume = "attachVolume"
	OpDetachVolume = "detachVolume"
	OpCreateVolume = "createVolume"
	OpDeleteVolume = "deleteVolume"
)

// Disk slots per server: 5.8.3's example shows two disks attached and
// free_disk 58, free_scsi 58, free_blk 22, i.e. 60 disks in all (a system
// disk plus 59 data disks, 5.2.1 data_volumes), of which 24 virtio-blk.
const (
	xaMaxDisks    = rules.MaxDataVolumes + 1
	xaMaxBlkDisks = 24
)

var xaDeviceRE = regexp.MustCompile(`^/dev/(sd|vd|xvd)[a-z]{1,2}$`)

// --- 5.8.10 create, 5.8.9/5.8.11 list, 5.8.13 get, 5.8.12 delete ---

type xaCreateVolumeReq struct {
	Volume struct {
		AvailabilityZone   *string           `json:"availability_zone"`
		DisplayDescription *string           `json:"display_description"`
		DisplayName        *string           `json:"display_name"`
		Metadata           map[string]string `json:"metadata"`
		Size               *int              `json:"size"`
		SnapshotID         *string           `json:"snapshot_id"`
		VolumeType         *string           `json:"volume_type"`
	} `json:"volume"`
}

// newVolume is what a volume create does, whichever API asked (5.8.10 or
// the storage service's own create, evs_volumes.go): the value rules,
// the quota, the volume in status creating and its create job. name and
// desc are nil when not given.
func newVolume(c *Ctx, size *int, volumeType, az, name, desc *string, snapshot *string, metadata map[string]string, multiattach bool) (*Volume, error) {
	if size == nil {
		return nil, BadRequest("volume.size is required")
	}
	if err := rules.VolumeSize(*size); err != nil {
		return nil, BadRequest(err.Error())
	}
	if volumeType == nil || *volumeType == "" {
		return nil, BadRequest("volume.volume_type is required")
	}
	vt := c.Catalogue().VolumeType(*volumeType)
	if vt == nil {
		return nil, BadRequest(fmt.Sprintf("volume type %q is not offered by this cloud", *volumeType))
	}
	if az == nil || *az == "" {
		return nil, BadRequest("volume.availability_zone is required: the reference says the AZ must currently be given")
	}
	if snapshot != nil && *snapshot != "" {
		return nil, Errf(http.StatusBadRequest, CodeNotFound, fmt.Sprintf("snapshot %s does not exist", *snapshot))
	}
	if name != nil && len([]rune(*name)) > 255 {
		return nil, BadRequest("the volume name is longer than 255 characters")
	}
	if desc != nil && len([]rune(*desc)) > 255 {
		return nil, BadRequest("the volume description is longer than 255 characters")
	}
	for k, val := range metadata {
		if err := rules.MetadataKey(k); err != nil {
			return nil, BadRequest("volume.metadata: " + err.Error())
		}
		if err := rules.MetadataValue(val); err != nil {
			return nil, BadRequest("volume.metadata: " + err.Error())
		}
	}
	if err := c.CheckQuota(Usage{Volumes: 1, Gigabytes: *size}); err != nil {
		return nil, err
	}
	vol := &Volume{
		ID: c.NewUUID(), Size: *size, Type: vt.Name, Status: "creating",
		AZ: *az, Created: c.Now, Attachments: []VolumeAttachment{}, Multiattach: multiattach,
	}
	if name != nil {
		vol.Name = *name
	}
	vol.Description = desc
	vol.Metadata = make(map[string]string, len(metadata)+3)
	for k, val := range metadata {
		vol.Metadata[k] = val
	}
	// The example answer (5.8.10) shows the keys the service adds.
	vol.Metadata["resourceSpecCode"] = vt.Name
	vol.Metadata["resourceType"] = "hws.resource.type.volume"
	vol.Metadata["billing"] = "1"
	// An unknown AZ is not a 400: the volume is created and ends in
	// status error (5.8.10 availability_zone).
	fate := "available"
	if c.Catalogue().AZ(vol.AZ) == nil {
		fate = "error"
	}
	c.P.Volumes[vol.ID] = vol
	c.Dirty()
	c.Submit("createVolume", nil, []SubJobSpec{{Type: "createVolume", Op: OpCreateVolume,
		Entities: map[string]string{"volume_id": vol.ID},
		Params:   map[string]string{"fate": fate}}})
	return vol, nil
}

// handleCreateVolume is 5.8.10 POST /v2.1/{tenant_id}/os-volumes.
func (s *Sim) handleCreateVolume(c *Ctx) error {
	var req xaCreateVolumeReq
	if err := c.Decode(&req); err != nil {
		return err
	}
	v := req.Volume
	// 5.8.10's table has no field for a shared volume: a shared volume is
	// the storage service's to create (evs_volumes.go).
	vol, err := newVolume(c, v.Size, v.VolumeType, v.AvailabilityZone, v.DisplayName, v.DisplayDescription, v.SnapshotID, v.Metadata, false)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"volume": xaVolumeView(vol)})
}

// xaVolumeView is volume-R_Rep (5.8.10, 5.8.13), camelCase keys as tabled
// (the examples' "dispalyName" is a typo, NOTE 5.8.11).
func xaVolumeView(v *Volume) map[string]any {
	atts := make([]map[string]string, 0, len(v.Attachments))
	for _, a := range v.Attachments {
		atts = append(atts, map[string]string{"device": a.Device, "id": v.ID, "serverId": a.ServerID, "volumeId": v.ID})
	}
	md := make(map[string]string, len(v.Metadata))
	for k, val := range v.Metadata {
		md[k] = val
	}
	var desc any
	if v.Description != nil {
		desc = *v.Description
	}
	return map[string]any{
		"id": v.ID, "displayName": v.Name, "displayDescription": desc, "status": v.Status,
		"attachments": atts, "availabilityZone": v.AZ, "createdAt": v.Created.UTC().Format("2006-01-02T15:04:05.000000"),
		"volumeType": v.Type, "snapshotId": nil, "metadata": md, "size": v.Size,
	}
}

// handleListVolumes serves 5.8.9 and 5.8.11 (same schema), sorted by
// creation time then id so pages are stable.
func (s *Sim) handleListVolumes(deprecated bool) handlerFunc {
	return func(c *Ctx) error {
		if deprecated && xaMicroversionAtLeast(c.R, 2, 36) {
			return Errf(http.StatusNotFound, CodeNotFound, "os-volumes is not available from microversion 2.36; use the storage service API")
		}
		vols := make([]*Volume, 0, len(c.P.Volumes))
		for _, v := range c.P.Volumes {
			vols = append(vols, v)
		}
		sort.Slice(vols, func(i, j int) bool {
			if !vols[i].Created.Equal(vols[j].Created) {
				return vols[i].Created.Before(vols[j].Created)
			}
			return vols[i].ID < vols[j].ID
		})
		list := make([]map[string]any, 0, len(vols))
		for _, v := range vols {
			list = append(list, xaVolumeView(v))
		}
		return c.JSON(http.StatusOK, map[string]any{"volumes": list})
	}
}

// handleGetVolume is 5.8.13 GET /v2.1/{tenant_id}/os-volumes/{volume_id}.
func (s *Sim) handleGetVolume(c *Ctx) error {
	v, err := xaVolume(c, c.R.PathValue("volume_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"volume": xaVolumeView(v)})
}

func xaVolume(c *Ctx, id string) (*Volume, error) {
	if v := c.P.Volumes[id]; v != nil {
		return v, nil
	}
	return nil, Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("volume %s does not exist", id))
}

// handleDeleteVolume is 5.8.12 DELETE /v2.1/{tenant_id}/os-volumes/{volume_id}:
// only available/error volumes without attachments, 404 from 2.36.
func (s *Sim) handleDeleteVolume(c *Ctx) error {
	if xaMicroversionAtLeast(c.R, 2, 36) {
		return Errf(http.StatusNotFound, CodeNotFound, "os-volumes is not available from microversion 2.36; use the storage service API")
	}
	v, err := xaVolume(c, c.R.PathValue("volume_id"))
	if err != nil {
		return err
	}
	if len(v.Attachments) > 0 || len(xaPendingVolumeOps(c.P, v.ID)) > 0 {
		return xaStateErr(http.StatusBadRequest, "volume %s is attached or being attached; detach it before deleting", v.ID)
	}
	switch v.Status {
	case "available", "error", "error_restoring", "error_extending":
	default:
		return xaStateErr(http.StatusBadRequest, "volume %s is %s; only available, error, error_restoring or error_extending volumes can be deleted", v.ID, v.Status)
	}
	v.Status = "deleting"
	c.Submit("deleteVolume", nil, []SubJobSpec{{Type: "deleteVolume", Op: OpDeleteVolume,
		Entities: map[string]string{"volume_id": v.ID}}})
	return c.NoContent(http.StatusAccepted)
}

// xaPendingVolumeOps are unfinished attach/detach sub-jobs of a volume.
func xaPendingVolumeOps(p *ProjectState, volumeID string) []*SubJob {
	var out []*SubJob
	for _, op := range []string{OpAttachVolume, OpDetachVolume} {
		for _, sj := range xaPending(p, op, "") {
			if sj.Entities["volume_id"] == volumeID {
				out = append(out, sj)
			}
		}
	}
	return out
}

// --- attach (5.8.1, 5.8.2) and detach (5.8.5) ---

type xaAttachVolumeReq struct {
	VolumeAttachment struct {
		VolumeID string `json:"volumeId"`
		Device   string `json:"device"`
	} `json:"volumeAttachment"`
}

type xaBatchAttachReq struct {
	ServerInfo []struct {
		ServerID string `json:"server_id"`
		Device   string `json:"device"`
	} `json:"serverinfo"`
}

// xaUsedDevices are the mount points of srv, attached or being attached.
func xaUsedDevices(p *ProjectState, srv *Server) map[string]bool {
	used := map[string]bool{}
	for _, a := range srv.Volumes {
		used[a.Device] = true
	}
	for _, sj := range xaPending(p, OpAttachVolume, srv.ID) {
		used[sj.Params["device"]] = true
	}
	return used
}

// xaNextDevice is the first free /dev/vdX after the used ones.
func xaNextDevice(used map[string]bool) string {
	for i := 0; i < 26*27; i++ {
		var name string
		if i < 26 {
			name = "/dev/vd" + string(rune('a'+i))
		} else {
			name = "/dev/vd" + string(rune('a'+i/26-1)) + string(rune('a'+i%26))
		}
		if !used[name] && !used[strings.Replace(name, "/dev/vd", "/dev/sd", 1)] {
			return name
		}
	}
	return ""
}

// xaCheckAttach validates attaching vol to srv at device ("" = choose one)
// and returns the device to use. stateStatus is the endpoint's documented
// refusal status for a wrong state (5.8.1/5.8.2 list no 409, so 400;
// 5.8.14 lists 409).
func xaCheckAttach(c *Ctx, vol *Volume, srv *Server, device string, stateStatus int) (string, error) {
	if srv.TaskState != TaskNone || (srv.Status != StatusActive && srv.Status != StatusShutoff) {
		return "", xaStateErr(stateStatus, "server %s is %s (task %q); volumes can be attached to ACTIVE or SHUTOFF servers only", srv.ID, srv.Status, srv.TaskState)
	}
	if vol.AZ != srv.AZ {
		return "", BadRequest(fmt.Sprintf("volume %s is in %s and server %s in %s; they must be in the same availability zone", vol.ID, vol.AZ, srv.ID, srv.AZ))
	}
	for _, a := range srv.Volumes {
		if a.VolumeID == vol.ID {
			return "", BadRequest(fmt.Sprintf("volume %s is already attached to server %s", vol.ID, srv.ID))
		}
	}
	used := xaUsedDevices(c.P, srv)
	data := 0
	for _, a := range srv.Volumes {
		if a.BootIndex != 0 {
			data++
		}
	}
	for _, sj := range xaPending(c.P, OpAttachVolume, srv.ID) {
		if sj.Entities["volume_id"] == vol.ID {
			return "", BadRequest(fmt.Sprintf("volume %s is already being attached to server %s", vol.ID, srv.ID))
		}
		data++
	}
	if data+1 > rules.MaxDataVolumes {
		return "", BadRequest(fmt.Sprintf("server %s already has %d data volumes; the limit is %d", srv.ID, data, rules.MaxDataVolumes))
	}
	if device == "" {
		return xaNextDevice(used), nil
	}
	if !xaDeviceRE.MatchString(device) {
		return "", BadRequest(fmt.Sprintf("device %q is not a mount point such as /dev/sdb or /dev/vdb", device))
	}
	if used[device] {
		return "", BadRequest(fmt.Sprintf("device %s is already used on server %s; choose another mount point", device, srv.ID))
	}
	return device, nil
}

// handleAttachVolume is 5.8.2 POST /v1/{tenant_id}/cloudservers/{server_id}/attachvolume.
func (s *Sim) handleAttachVolume(c *Ctx) error {
	var req xaAttachVolumeReq
	if err := c.Decode(&req); err != nil {
		return err
	}
	a := req.VolumeAttachment
	if a.VolumeID == "" {
		return BadRequest("volumeAttachment.volumeId is required")
	}
	if a.Device == "" {
		return BadRequest("volumeAttachment.device is required")
	}
	srv, err := c.ServerForChange(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	vol, err := xaVolume(c, a.VolumeID)
	if err != nil {
		return err
	}
	if err := xaVolumeAttachable(c.P, vol, 1, http.StatusBadRequest); err != nil {
		return err
	}
	dev, err := xaCheckAttach(c, vol, srv, a.Device, http.StatusBadRequest)
	if err != nil {
		return err
	}
	j := xaSubmitAttach(c, "attachVolume", vol, []xaAttachTarget{{srv.ID, dev}})
	return c.JSON(http.StatusOK, xaJobID(j))
}

// xaVolumeAttachable refuses a volume that cannot take n more attachments:
// a normal volume must be available, a shared one available or in-use with
// at most 16 servers in all (5.8.1).
func xaVolumeAttachable(p *ProjectState, vol *Volume, n, stateStatus int) error {
	pending := 0
	for _, sj := range xaPendingVolumeOps(p, vol.ID) {
		if sj.Op == OpAttachVolume {
			pending++
		}
	}
	if !vol.Multiattach {
		if vol.Status != "available" || pending > 0 {
			return xaStateErr(stateStatus, "volume %s is %s; a volume that is not shared can be attached only when available", vol.ID, vol.Status)
		}
		if n > 1 {
			return BadRequest(fmt.Sprintf("volume %s is not shared (multiattach); it can be attached to one server only", vol.ID))
		}
		return nil
	}
	if vol.Status != "available" && vol.Status != "in-use" && vol.Status != "attaching" {
		return xaStateErr(stateStatus, "volume %s is %s; it must be available or in-use to be attached", vol.ID, vol.Status)
	}
	if total := len(vol.Attachments) + pending + n; total > rules.MaxServersPerSharedVolume {
		return BadRequest(fmt.Sprintf("shared volume %s would be attached to %d servers (%d now, %d being attached, %d requested); the limit is %d",
			vol.ID, total, len(vol.Attachments), pending, n, rules.MaxServersPerSharedVolume))
	}
	return nil
}

type xaAttachTarget struct{ serverID, device string }

func xaSubmitAttach(c *Ctx, jobType string, vol *Volume, targets []xaAttachTarget) *Job {
	subType := "attachVolume"
	if jobType == "batchAttachVolume" {
		subType = "attachVolumeListenSingle"
	}
	var specs []SubJobSpec
	for _, t := range targets {
		specs = append(specs, SubJobSpec{Type: subType, Op: OpAttachVolume,
			Entities: map[string]string{"server_id": t.serverID, "volume_id": vol.ID},
			Params:   map[string]string{"device": t.device}})
	}
	if vol.Status == "available" {
		vol.Status = "attaching"
	}
	return c.Submit(jobType, nil, specs)
}

// handleBatchAttach is 5.8.1 POST /v1/{tenant_id}/batchaction/attachvolumes/{volume_id}.
func (s *Sim) handleBatchAttach(c *Ctx) error {
	var req xaBatchAttachReq
	if err := c.Decode(&req); err != nil {
		return err
	}
	vol, err := xaVolume(c, c.R.PathValue("volume_id"))
	if err != nil {
		return err
	}
	if len(req.ServerInfo) == 0 {
		return BadRequest("serverinfo is empty; give at least one server")
	}
	if !vol.Multiattach {
		return BadRequest(fmt.Sprintf("volume %s is not a shared (multiattach) volume; 5.8.1 attaches shared volumes only", vol.ID))
	}
	if err := xaVolumeAttachable(c.P, vol, len(req.ServerInfo), http.StatusBadRequest); err != nil {
		return err
	}
	seen := map[string]bool{}
	var targets []xaAttachTarget
	for i, si := range req.ServerInfo {
		if si.ServerID == "" {
			return BadRequest(fmt.Sprintf("serverinfo[%d].server_id is required", i))
		}
		if seen[si.ServerID] {
			return BadRequest(fmt.Sprintf("serverinfo[%d]: server %s is listed twice", i, si.ServerID))
		}
		seen[si.ServerID] = true
		srv, err := c.ServerForChange(si.ServerID)
		if err != nil {
			return err
		}
		dev, err := xaCheckAttach(c, vol, srv, si.Device, http.StatusBadRequest)
		if err != nil {
			return err
		}
		targets = append(targets, xaAttachTarget{srv.ID, dev})
	}
	j := xaSubmitAttach(c, "batchAttachVolume", vol, targets)
	return c.JSON(http.StatusOK, xaJobID(j))
}

// handleDetachVolume is 5.8.5 DELETE /v1/{tenant_id}/cloudservers/{server_id}/detachvolume/{volume_id}
// (delete_flag a String "0"/"1"; 200 {"job_id"}; no 409 documented).
func (s *Sim) handleDetachVolume(c *Ctx) error {
	flag := c.R.URL.Query().Get("delete_flag")
	if flag != "" && flag != "0" && flag != "1" {
		return BadRequest(fmt.Sprintf("delete_flag %q must be \"0\" or \"1\"", flag))
	}
	j, err := xaDetach(c, c.R.PathValue("server_id"), c.R.PathValue("volume_id"), flag == "1", http.StatusBadRequest)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, xaJobID(j))
}

// xaDetach validates and submits one detach (5.8.5, 5.8.17): the volume
// must be attached to the server; a running server detaches data disks
// only, the system disk only when stopped and never by force (5.8.17).
func xaDetach(c *Ctx, serverID, volID string, force bool, stateStatus int) (*Job, error) {
	srv, err := c.ServerForChange(serverID)
	if err != nil {
		return nil, err
	}
	var att *Attach
	for i := range srv.Volumes {
		if srv.Volumes[i].VolumeID == volID {
			att = &srv.Volumes[i]
		}
	}
	if att == nil {
		return nil, Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("volume %s is not attached to server %s", volID, srv.ID))
	}
	if srv.TaskState != TaskNone {
		return nil, xaStateErr(stateStatus, "server %s is busy (task %s); retry when it is idle", srv.ID, srv.TaskState)
	}
	if att.BootIndex == 0 {
		if srv.Status != StatusShutoff {
			return nil, xaStateErr(stateStatus, "volume %s is the system disk of server %s; stop the server before detaching it", volID, srv.ID)
		}
		if force {
			return nil, BadRequest("the system disk cannot be force-detached (delete_flag=1)")
		}
	}
	for _, sj := range xaPending(c.P, OpDetachVolume, srv.ID) {
		if sj.Entities["volume_id"] == volID {
			return nil, xaStateErr(stateStatus, "volume %s is already being detached from server %s", volID, srv.ID)
		}
	}
	if v := c.P.Volumes[volID]; v != nil && len(v.Attachments) <= 1 {
		v.Status = "detaching"
	}
	return c.Submit("detachVolume", nil, []SubJobSpec{{Type: "detachVolume", Op: OpDetachVolume,
		Entities: map[string]string{"server_id": srv.ID, "volume_id": volID}}}), nil
}

// --- reads (5.8.3, 5.8.6) ---

// xaBlockDevice is one volumeAttachments element (5.8.3, 5.8.4). bootIndex
// is a number (C12): 0 for the system disk, -1 for data disks.
func xaBlockDevice(c *Ctx, srv *Server, i int) map[string]any {
	a := srv.Volumes[i]
	size := 0
	if v := c.P.Volumes[a.VolumeID]; v != nil {
		size = v.Size
	}
	boot := a.BootIndex
	if boot != 0 {
		boot = -1
	}
	return map[string]any{
		"serverId": srv.ID, "volumeId": a.VolumeID, "id": a.VolumeID, "size": size,
		"device": a.Device, "pciAddress": fmt.Sprintf("0000:02:%02x.0", i+1), "bootIndex": boot, "bus": "virtio",
	}
}

// xaBlockDevices is every disk of srv as volumeAttachments elements, boot
// disk first (5.8.3, 5.8.7).
func xaBlockDevices(c *Ctx, srv *Server) []map[string]any {
	list := make([]map[string]any, 0, len(srv.Volumes))
	for i := range srv.Volumes {
		list = append(list, xaBlockDevice(c, srv, i))
	}
	return list
}

// handleBlockDevice is 5.8.4 GET /v1/{tenant_id}/cloudservers/{server_id}/block_device/{volume_id}.
func (s *Sim) handleBlockDevice(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	id := c.R.PathValue("volume_id")
	for i := range srv.Volumes {
		if srv.Volumes[i].VolumeID == id {
			return c.JSON(http.StatusOK, map[string]any{"volumeAttachment": xaBlockDevice(c, srv, i)})
		}
	}
	return Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("volume %s is not attached to server %s", id, srv.ID))
}

// handleBlockDevices is 5.8.3 GET /v1/{tenant_id}/cloudservers/{server_id}/block_device.
func (s *Sim) handleBlockDevices(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	n := len(srv.Volumes)
	return c.JSON(http.StatusOK, map[string]any{
		"volumeAttachments": xaBlockDevices(c, srv),
		"attachableQuantity": map[string]int{
			"free_scsi": max(0, xaMaxDisks-n),
			"free_disk": max(0, xaMaxDisks-n),
			"free_blk":  max(0, xaMaxBlkDisks-n),
		},
	})
}

// handleVolumeAttachments is 5.8.6 GET /v1/{tenant_id}/cloudservers/{server_id}/os-volume_attachments.
func (s *Sim) handleVolumeAttachments(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	list := make([]map[string]string, 0, len(srv.Volumes))
	for _, a := range srv.Volumes {
		list = append(list, map[string]string{"device": a.Device, "id": a.VolumeID, "serverId": srv.ID, "volumeId": a.VolumeID})
	}
	return c.JSON(http.StatusOK, map[string]any{"volumeAttachments": list})
}

func init() {
	registerEffect(OpCreateVolume, Effect{
		Success: func(p *ProjectState, sj *SubJob) error {
			if v := p.Volumes[sj.Entities["volume_id"]]; v != nil && v.Status == "creating" {
				v.Status = sj.Params["fate"]
			}
			return nil
		},
		Fail: func(p *ProjectState, sj *SubJob) error {
			if v := p.Volumes[sj.Entities["volume_id"]]; v != nil {
				v.Status = "error"
			}
			return nil
		},
	})
	registerEffect(OpDeleteVolume, Effect{
		Success: func(p *ProjectState, sj *SubJob) error {
			delete(p.Volumes, sj.Entities["volume_id"])
			return nil
		},
		Fail: func(p *ProjectState, sj *SubJob) error {
			if v := p.Volumes[sj.Entities["volume_id"]]; v != nil {
				v.Status = "error_deleting"
			}
			return nil
		},
	})
	registerEffect(OpAttachVolume, Effect{
		Success: func(p *ProjectState, sj *SubJob) error {
			srv := p.Servers[sj.Entities["server_id"]]
			v := p.Volumes[sj.Entities["volume_id"]]
			if srv == nil || v == nil {
				return fmt.Errorf("server or volume no longer exists")
			}
			xaApplyAttach(srv, v, sj.Params["device"])
			srv.Updated = sj.EndAt
			return nil
		},
		Fail: func(p *ProjectState, sj *SubJob) error {
			if v := p.Volumes[sj.Entities["volume_id"]]; v != nil && v.Status == "attaching" && !xaOtherPending(p, sj, v.ID) {
				if len(v.Attachments) > 0 {
					v.Status = "in-use"
				} else {
					v.Status = "available"
				}
			}
			return nil
		},
	})
	registerEffect(OpDetachVolume, Effect{
		Success: func(p *ProjectState, sj *SubJob) error {
			srv := p.Servers[sj.Entities["server_id"]]
			v := p.Volumes[sj.Entities["volume_id"]]
			if srv != nil {
				kept := srv.Volumes[:0]
				for _, a := range srv.Volumes {
					if a.VolumeID != sj.Entities["volume_id"] {
						kept = append(kept, a)
					}
				}
				srv.Volumes = kept
				srv.Updated = sj.EndAt
			}
			if v != nil {
				kept := v.Attachments[:0]
				for _, a := range v.Attachments {
					if a.ServerID != sj.Entities["server_id"] {
						kept = append(kept, a)
					}
				}
				v.Attachments = kept
				if len(kept) == 0 {
					v.Status = "available"
				} else {
					v.Status = "in-use"
				}
			}
			return nil
		},
		Fail: func(p *ProjectState, sj *SubJob) error {
			if v := p.Volumes[sj.Entities["volume_id"]]; v != nil && v.Status == "detaching" {
				v.Status = "in-use"
			}
			return nil
		},
	})
}

// xaApplyAttach records a finished attachment on both sides.
func xaApplyAttach(srv *Server, v *Volume, dev string) {
	srv.Volumes = append(srv.Volumes, Attach{VolumeID: v.ID, Device: dev, BootIndex: -1})
	v.Attachments = append(v.Attachments, VolumeAttachment{ServerID: srv.ID, Device: dev})
	v.Status = "in-use"
}

// xaOtherPending reports whether another unfinished attach of volumeID exists
// besides sj (a shared volume stays "attaching" until the last one ends).
func xaOtherPending(p *ProjectState, sj *SubJob, volumeID string) bool {
	for _, o := range xaPending(p, OpAttachVolume, "") {
		if o != sj && o.Entities["volume_id"] == volumeID {
			return true
		}
	}
	return false
}
