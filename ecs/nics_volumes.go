package ecs

import (
	"context"
	"net/http"
	"net/url"
)

// AddNIC is one NIC of 5.7.1.
type AddNIC struct {
	SubnetID         string  `json:"subnet_id"`
	SecurityGroups   []IDRef `json:"security_groups"`
	IPAddress        string  `json:"ip_address,omitempty"`
	IPAddressV6      string  `json:"ip_address_v6,omitempty"`
	PhysicalNetwork  string  `json:"physical_network,omitempty"`
	AvailabilityZone string  `json:"availability_zone,omitempty"`
}

// AddNICs adds NICs to one server in one call (5.7.1); a job.
func (c *Client) AddNICs(ctx context.Context, serverID string, nics []AddNIC) (*JobResponse, error) {
	return c.doJob(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/%s/nics", serverID),
		in: map[string]any{"nics": nics}})
}

// DeleteNICs removes NICs (by port id) from one server in one call (5.7.2); a job.
func (c *Client) DeleteNICs(ctx context.Context, serverID string, portIDs []string) (*JobResponse, error) {
	return c.doJob(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/%s/nics/delete", serverID),
		in: map[string]any{"nics": idRefs(portIDs)}})
}

// InterfaceAttachment is one NIC of 5.7.3.
type InterfaceAttachment struct {
	PortID    string    `json:"port_id"`
	NetID     string    `json:"net_id"`
	MACAddr   string    `json:"mac_addr"`
	PortState string    `json:"port_state"`
	FixedIPs  []FixedIP `json:"fixed_ips"`
}

// FixedIP is an address of a NIC.
type FixedIP struct {
	SubnetID  string `json:"subnet_id"`
	IPAddress string `json:"ip_address"`
}

// ListNICs lists a server's NICs (5.7.3).
func (c *Client) ListNICs(ctx context.Context, serverID string) ([]InterfaceAttachment, error) {
	var out struct {
		Attachments []InterfaceAttachment `json:"interfaceAttachments"`
	}
	_, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/%s/os-interface", serverID), out: &out})
	return out.Attachments, err
}

// ServerInfo is one target of a shared-volume batch attach (5.8.1).
type ServerInfo struct {
	ServerID string `json:"server_id"`
	Device   string `json:"device,omitempty"`
}

// AttachSharedVolume attaches one shared volume to many servers in one call
// (5.8.1, ≤ 16 servers per shared volume); a job.
func (c *Client) AttachSharedVolume(ctx context.Context, volumeID string, servers []ServerInfo) (*JobResponse, error) {
	return c.doJob(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/batchaction/attachvolumes/%s", volumeID),
		in: map[string]any{"serverinfo": servers}})
}

// AttachVolume attaches a volume to a server (5.8.2). device (e.g. /dev/vdb)
// is required by 5.8.2 (table 5-322; optional in 5.8.1), so it is always sent.
// The section documents no answer body; a job_id is returned when the answer
// has one.
func (c *Client) AttachVolume(ctx context.Context, serverID, volumeID, device string) (*JobResponse, error) {
	// device is required by 5.8.2 (table 5-322): the caller picks a mount
	// point not used on the server (see ListBlockDevices).
	att := map[string]string{"volumeId": volumeID, "device": device}
	return c.optionalJob(ctx, request{method: http.MethodPost, path: c.p("/v1/%s/cloudservers/%s/attachvolume", serverID),
		in: map[string]any{"volumeAttachment": att}})
}

// DetachVolume detaches a volume (5.8.5); force sends delete_flag=1. The
// section documents no body; a job_id is returned when the answer has one.
func (c *Client) DetachVolume(ctx context.Context, serverID, volumeID string, force bool) (*JobResponse, error) {
	q := url.Values{}
	if force {
		q.Set("delete_flag", "1")
	}
	return c.optionalJob(ctx, request{method: http.MethodDelete, path: c.p("/v1/%s/cloudservers/%s/detachvolume/%s", serverID, volumeID),
		query: q})
}

// BlockDevice is one disk of 5.8.3. bootIndex must be a number (C12); FlexInt
// also takes a string. It is a pointer because the 5.8.3 example omits it for
// the data disk while 0 means "system disk": an absent bootIndex must not read
// as 0. Use IsSystemDisk.
type BlockDevice struct {
	ID         string   `json:"id"`
	ServerID   string   `json:"serverId"`
	VolumeID   string   `json:"volumeId"`
	Device     string   `json:"device"`
	BootIndex  *FlexInt `json:"bootIndex,omitempty"`
	Size       FlexInt  `json:"size"`
	Bus        string   `json:"bus"`
	PCIAddress string   `json:"pciAddress"`
}

// IsSystemDisk reports whether the disk is the system disk (bootIndex 0,
// table 5-326); a disk without bootIndex is a data disk.
func (d BlockDevice) IsSystemDisk() bool { return d.BootIndex != nil && *d.BootIndex == 0 }

// BlockDevices is the body of 5.8.3.
type BlockDevices struct {
	VolumeAttachments  []BlockDevice `json:"volumeAttachments"`
	AttachableQuantity struct {
		FreeSCSI FlexInt `json:"free_scsi"`
		FreeBlk  FlexInt `json:"free_blk"`
		FreeDisk FlexInt `json:"free_disk"`
	} `json:"attachableQuantity"`
}

// ListBlockDevices lists a server's disks (5.8.3).
func (c *Client) ListBlockDevices(ctx context.Context, serverID string) (*BlockDevices, error) {
	var out BlockDevices
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/%s/block_device", serverID), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListVolumeAttachments lists a server's volume attachments (5.8.6).
func (c *Client) ListVolumeAttachments(ctx context.Context, serverID string) ([]BlockDevice, error) {
	var out BlockDevices
	_, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/%s/os-volume_attachments", serverID), out: &out})
	return out.VolumeAttachments, err
}

// Volume is a volume of the community-compatible os-volumes APIs (5.8.9-5.8.13).
// The examples spell the name "dispalyName" (sic) in 5.8.11/5.8.13 and
// "displayName" in 5.8.10: both are read.
type Volume struct {
	ID                 string           `json:"id"`
	DisplayName        string           `json:"displayName"`
	DispalyName        string           `json:"dispalyName,omitempty"`
	DisplayDescription FlexString       `json:"displayDescription"`
	Status             string           `json:"status"`
	Size               FlexInt          `json:"size"`
	AvailabilityZone   string           `json:"availabilityZone"`
	CreatedAt          string           `json:"createdAt"`
	VolumeType         FlexString       `json:"volumeType"`
	SnapshotID         FlexString       `json:"snapshotId"`
	Metadata           FlexMap          `json:"metadata"`
	Attachments        []map[string]any `json:"attachments"`
	// Multiattach marks a shared volume (one that several servers may
	// attach at once): not one of a server's own data volumes.
	Multiattach FlexBool `json:"multiattach,omitempty"`
}

// Name returns the volume's name whichever spelling the answer used.
func (v *Volume) Name() string {
	if v.DisplayName != "" {
		return v.DisplayName
	}
	return v.DispalyName
}

// CreateVolume is the body of 5.8.10 (table 5-354: size and volume_type are
// required, so both are always sent).
type CreateVolume struct {
	Size               int               `json:"size"`
	AvailabilityZone   string            `json:"availability_zone,omitempty"`
	DisplayName        string            `json:"display_name,omitempty"`
	DisplayDescription string            `json:"display_description,omitempty"`
	VolumeType         string            `json:"volume_type"`
	SnapshotID         *string           `json:"snapshot_id,omitempty"`
	Metadata           map[string]string `json:"metadata,omitempty"`
	// Multiattach asks for a shared (multi-attach) volume. 5.8.10's table
	// has no such field and the section sends volume creation to the
	// storage service, so a shared volume is created there instead
	// (docs/api-notes.md); the field is never sent to 5.8.10.
	Multiattach bool `json:"-"`
}

// CreateVolume creates a volume: with 5.8.10 (deprecated by the reference
// but its only volume create), or, for a shared volume, with the storage
// service's Cinder-compatible create (EVS v2, POST /v2/{project_id}/volumes
// at Config.EVSEndpoint), outside the ECS reference.
func (c *Client) CreateVolume(ctx context.Context, v CreateVolume) (*Volume, error) {
	if v.Multiattach {
		return c.createSharedVolume(ctx, v)
	}
	var out struct {
		Volume Volume `json:"volume"`
	}
	if _, err := c.do(ctx, request{method: http.MethodPost, path: c.p("/v2.1/%s/os-volumes"), in: map[string]any{"volume": v}, out: &out}); err != nil {
		return nil, err
	}
	return &out.Volume, nil
}

// evsCreateVolume is the public EVS/Cinder v2 create body.
type evsCreateVolume struct {
	Size             int               `json:"size"`
	AvailabilityZone string            `json:"availability_zone,omitempty"`
	Name             string            `json:"name,omitempty"`
	Description      string            `json:"description,omitempty"`
	VolumeType       string            `json:"volume_type"`
	SnapshotID       *string           `json:"snapshot_id,omitempty"`
	Metadata         map[string]string `json:"metadata,omitempty"`
	Multiattach      bool              `json:"multiattach"`
}

// evsVolume is the part of the EVS/Cinder volume answer the client reads.
type evsVolume struct {
	ID               string     `json:"id"`
	Name             string     `json:"name"`
	Description      FlexString `json:"description"`
	Status           string     `json:"status"`
	Size             FlexInt    `json:"size"`
	AvailabilityZone string     `json:"availability_zone"`
	CreatedAt        string     `json:"created_at"`
	VolumeType       FlexString `json:"volume_type"`
	SnapshotID       FlexString `json:"snapshot_id"`
	Metadata         FlexMap    `json:"metadata"`
	Multiattach      FlexBool   `json:"multiattach"`
}

func (c *Client) createSharedVolume(ctx context.Context, v CreateVolume) (*Volume, error) {
	body := evsCreateVolume{Size: v.Size, AvailabilityZone: v.AvailabilityZone, Name: v.DisplayName,
		Description: v.DisplayDescription, VolumeType: v.VolumeType, SnapshotID: v.SnapshotID,
		Metadata: v.Metadata, Multiattach: true}
	var out struct {
		Volume evsVolume `json:"volume"`
	}
	if _, err := c.do(ctx, request{method: http.MethodPost, base: c.evsBase, path: c.p("/v2/%s/volumes"), in: map[string]any{"volume": body}, out: &out}); err != nil {
		return nil, err
	}
	e := out.Volume
	return &Volume{ID: e.ID, DisplayName: e.Name, DisplayDescription: e.Description, Status: e.Status, Size: e.Size,
		AvailabilityZone: e.AvailabilityZone, CreatedAt: e.CreatedAt, VolumeType: e.VolumeType, SnapshotID: e.SnapshotID,
		Metadata: e.Metadata, Multiattach: e.Multiattach}, nil
}

// ListVolumes lists volumes (5.8.9; detail=true uses 5.8.11).
func (c *Client) ListVolumes(ctx context.Context, detail bool) ([]Volume, error) {
	path := c.p("/v2.1/%s/os-volumes")
	if detail {
		path += "/detail"
	}
	var out struct {
		Volumes []Volume `json:"volumes"`
	}
	_, err := c.do(ctx, request{method: http.MethodGet, path: path, out: &out})
	return out.Volumes, err
}

// GetVolume reads a volume (5.8.13).
func (c *Client) GetVolume(ctx context.Context, volumeID string) (*Volume, error) {
	var out struct {
		Volume Volume `json:"volume"`
	}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v2.1/%s/os-volumes/%s", volumeID), out: &out}); err != nil {
		return nil, err
	}
	return &out.Volume, nil
}

// DeleteVolume deletes a volume (5.8.12).
func (c *Client) DeleteVolume(ctx context.Context, volumeID string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: c.p("/v2.1/%s/os-volumes/%s", volumeID)})
	return err
}

func idRefs(ids []string) []IDRef {
	out := make([]IDRef, len(ids))
	for i, id := range ids {
		out[i] = IDRef{ID: id}
	}
	return out
}
