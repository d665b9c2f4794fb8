package sim

import (
	"crypto/sha256"
	"fmt"
	"net/http"
)

// EVS volume read view, outside the ECS reference. The Terraform HCS
// provider (v2.3.7) reads every disk of a server with the EVS API's
// OpenStack-native GET /v2/{project_id}/volumes/{volume_id}
// (evs/v2/cloudvolumes) on each read of the server, for the disk's size and
// volume_type (and metadata.__system__cmkid); a failed read fails the
// whole server read, and so plan, refresh and destroy.
//
// The view shows the volumes the simulator holds (system disks made by a
// create, data disks made by a create or by 5.8.10), the same state 5.8.x
// serves under /os-volumes, in the public EVS API's Cinder-style shape.
// Errors are in the EVS service's {"error":{"message","code"}} shape.
//
// One write: the Cinder-compatible create, POST /v2/{project_id}/volumes,
// for shared volumes. The ECS reference's only volume create, 5.8.10, has
// no field for a shared (multi-attach) volume and says to use the storage
// service's API instead, so ecsfleet creates a fleet's shared volumes here
// (docs/api-notes.md). The body follows the public EVS/Cinder v2 create
// (size, availability_zone, volume_type, name, description, metadata,
// multiattach); the answer is 202 with the volume in status creating.

// CodeEVSVolumeNotFound answers GET /volumes/{id} of an unknown volume
// (404). The code is an assumption: the public EVS error table names no
// not-found code for this call.
const CodeEVSVolumeNotFound = "EVS.5404"

// handleEVSGetVolume is GET /v2/{project_id}/volumes/{volume_id}.
func (s *Sim) handleEVSGetVolume(c *Ctx) error {
	id := c.R.PathValue("volume_id")
	if len(c.R.URL.Query()) > 0 {
		return Errf(http.StatusBadRequest, "EVS.1002", "GET /volumes/{volume_id} takes no query parameters")
	}
	v := c.P.Volumes[id]
	if v == nil {
		return Errf(http.StatusNotFound, CodeEVSVolumeNotFound, fmt.Sprintf("volume %s could not be found", id))
	}
	return c.JSON(http.StatusOK, map[string]any{"volume": evsVolumeView(c, v)})
}

// evsVolumeView is the public EVS API's Cinder-style volume detail.
// Attachments carry a stable attachment_id derived from the volume and the
// server; a system disk shows the server's image in volume_image_metadata.
func evsVolumeView(c *Ctx, v *Volume) map[string]any {
	created := v.Created.UTC().Format("2006-01-02T15:04:05.000000")
	atts := make([]map[string]any, 0, len(v.Attachments))
	imageMeta := map[string]string{}
	for _, a := range v.Attachments {
		atts = append(atts, map[string]any{
			"attachment_id": evsAttachmentID(v.ID, a.ServerID), "id": v.ID, "volume_id": v.ID,
			"server_id": a.ServerID, "device": a.Device, "host_name": nil, "attached_at": created,
		})
		if srv := c.P.Servers[a.ServerID]; v.Bootable && srv != nil && srv.ImageID != "" {
			imageMeta["image_id"] = srv.ImageID
			if im := c.Catalogue().ImageByID(srv.ImageID); im != nil {
				imageMeta["image_name"] = im.Name
			}
		}
	}
	md := map[string]string{}
	for k, val := range v.Metadata {
		md[k] = val
	}
	desc := ""
	if v.Description != nil {
		desc = *v.Description
	}
	return map[string]any{
		"id": v.ID, "name": v.Name, "description": desc, "status": v.Status, "size": v.Size,
		"volume_type": v.Type, "availability_zone": v.AZ, "attachments": atts,
		"links":                 []map[string]string{{"href": "/v2/" + c.ProjectID + "/volumes/" + v.ID, "rel": "self"}},
		"volume_image_metadata": imageMeta, "metadata": md, "tags": map[string]string{},
		"bootable": fmt.Sprint(v.Bootable), "multiattach": v.Multiattach, "shareable": fmt.Sprint(v.Multiattach),
		"encrypted": false, "snapshot_id": nil, "source_volid": nil, "consistencygroup_id": nil,
		"os-vol-tenant-attr:tenant_id": c.ProjectID, "service_type": "EVS", "replication_status": "disabled",
		"enterprise_project_id": "0", "user_id": "", "wwn": "",
		"created_at": created, "updated_at": created,
	}
}

// evsAttachmentID derives a UUID-shaped attachment id from a volume and a
// server: the same attachment shows the same id in every read.
func evsAttachmentID(volumeID, serverID string) string {
	sum := sha256.Sum256([]byte("evs_attachment|" + volumeID + "|" + serverID))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// evsCreateVolumeReq is the Cinder v2 create body the simulator takes.
type evsCreateVolumeReq struct {
	Volume struct {
		AvailabilityZone *string           `json:"availability_zone"`
		Description      *string           `json:"description"`
		Name             *string           `json:"name"`
		Metadata         map[string]string `json:"metadata"`
		Size             *int              `json:"size"`
		SnapshotID       *string           `json:"snapshot_id"`
		VolumeType       *string           `json:"volume_type"`
		Multiattach      *bool             `json:"multiattach"`
	} `json:"volume"`
}

// handleEVSCreateVolume is POST /v2/{project_id}/volumes.
func (s *Sim) handleEVSCreateVolume(c *Ctx) error {
	var req evsCreateVolumeReq
	if err := c.Decode(&req); err != nil {
		return err
	}
	v := req.Volume
	vol, err := newVolume(c, v.Size, v.VolumeType, v.AvailabilityZone, v.Name, v.Description, v.SnapshotID, v.Metadata, v.Multiattach != nil && *v.Multiattach)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]any{"volume": evsVolumeView(c, vol)})
}
