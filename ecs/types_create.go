package ecs

import (
	"bytes"
	"encoding/json"
	"strings"
)

// CreateServersRequest is the body of POST /v1.1/{tenant_id}/cloudservers (5.2.1).
type CreateServersRequest struct {
	Server CreateServer `json:"server"`
}

// CreateServer is the "serverForApicom" object (5.2.1 table 5-7). Field names
// are exactly the reference's. Secrets (AdminPass, UserData, metadata
// admin_pass) are only ever serialised into the request body.
type CreateServer struct {
	ImageRef         string             `json:"imageRef"`
	FlavorRef        string             `json:"flavorRef"`
	Name             string             `json:"name"`
	Description      string             `json:"description,omitempty"`
	VPCID            string             `json:"vpcid"`
	NICs             []CreateNIC        `json:"nics"`
	RootVolume       RootVolume         `json:"root_volume"`
	DataVolumes      []DataVolume       `json:"data_volumes,omitempty"`
	SecurityGroups   []IDRef            `json:"security_groups,omitempty"`
	AvailabilityZone string             `json:"availability_zone,omitempty"` // marked required; omitted when unset (C4)
	Count            int                `json:"count,omitempty"`
	ExtendParam      *ServerExtendParam `json:"extendparam,omitempty"`
	// Metadata takes only the keys of table 5-18 (admin_pass,
	// hw_watchdog_action, __instance_vwatchdog, _ha_policy_type): 5.2.1 says
	// it does not yet support user-written data, and the simulator refuses
	// other keys. Write user metadata after create (UpdateMetadata, 5.9.1).
	Metadata       map[string]string     `json:"metadata,omitempty"`
	SchedulerHints *CreateSchedulerHints `json:"os:scheduler_hints,omitempty"`
	// Tags is the reference's form: "key.value" strings.
	Tags []string `json:"tags,omitempty"`
	// ServerTags is the structured form production clients send (C2); same effect.
	ServerTags   []Tag          `json:"server_tags,omitempty"`
	PowerOn      *bool          `json:"power_on,omitempty"` // marked required, default true (C3)
	KeyName      string         `json:"key_name,omitempty"`
	AdminPass    string         `json:"adminPass,omitempty"`
	UserData     string         `json:"user_data,omitempty"` // base64
	Personality  []Personality  `json:"personality,omitempty"`
	PublicIP     *PublicIP      `json:"publicip,omitempty"`
	IsAutoRename *bool          `json:"isAutoRename,omitempty"`
	Extra        map[string]any `json:"extra,omitempty"`
}

// IDRef is {"id": ...}.
type IDRef struct {
	ID string `json:"id"`
}

// Tag is a key/value tag (5.13, C2 server_tags). It encodes as {key, value};
// it decodes from that object or from a tag string (5.13.10 table 5-482
// types the list as strings), split at the first '=' only, as
// Server.TagMap: keys may hold '.' (5.13.2 names no character set).
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Tag) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Tag{Key: s}
		if i := strings.IndexByte(s, '='); i >= 0 {
			*t = Tag{Key: s[:i], Value: s[i+1:]}
		}
		return nil
	}
	type plain Tag
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*t = Tag(p)
	return nil
}

// CreateNIC is one NIC of a create request (table 5-9).
type CreateNIC struct {
	SubnetID        string              `json:"subnet_id"`
	IPAddress       string              `json:"ip_address,omitempty"`
	IPAddressV6     string              `json:"ip_address_v6,omitempty"`
	NICType         string              `json:"nictype,omitempty"`
	PhysicalNetwork string              `json:"physical_network,omitempty"`
	BindingProfile  map[string]string   `json:"binding:profile,omitempty"`
	ExtraDHCPOpts   []map[string]string `json:"extra_dhcp_opts,omitempty"`
}

// RootVolume is the system disk (table 5-13). Size is typed String in the
// table; production clients send an integer (C5), and so does this client.
type RootVolume struct {
	VolumeType  string             `json:"volumetype"`
	Size        int                `json:"size,omitempty"`
	ExtendParam *VolumeExtendParam `json:"extendparam,omitempty"`
}

// DataVolume is one data disk to create (table 5-14).
type DataVolume struct {
	VolumeType  string `json:"volumetype"`
	Size        int    `json:"size"`
	Multiattach *bool  `json:"multiattach,omitempty"`
	Shareable   *bool  `json:"shareable,omitempty"`
	// PassThrough is "true" for a SCSI-lock disk and omitted otherwise, as the
	// table's description and the example write it.
	PassThrough string             `json:"hw:passthrough,omitempty"`
	VolumeID    string             `json:"volume_id,omitempty"`
	ExtendParam *VolumeExtendParam `json:"extendparam,omitempty"`
}

// VolumeExtendParam is extendparamForVolume (table 5-15).
type VolumeExtendParam struct {
	ResourceSpecCode string `json:"resourceSpecCode,omitempty"`
	ResourceType     string `json:"resourceType,omitempty"`
	SnapshotID       string `json:"snapshotId,omitempty"`
}

// ServerExtendParam is extendparmForVm (table 5-17).
type ServerExtendParam struct {
	// Postfix is the first 4-digit suffix ("0001"-"9999") of a batch.
	Postfix             string `json:"postfix,omitempty"`
	EnterpriseProjectID string `json:"enterprise_project_id,omitempty"`
}

// CreateSchedulerHints is os:scheduler_hints of a create (table 5-19).
type CreateSchedulerHints struct {
	Group string `json:"group,omitempty"`
}

// Personality is a file injected at create.
type Personality struct {
	Path     string `json:"path"`
	Contents string `json:"contents"`
}

// PublicIP configures an EIP at create (table 5-10).
type PublicIP struct {
	ID  string `json:"id,omitempty"`
	EIP *EIP   `json:"eip,omitempty"`
}

// EIP is a new EIP (table 5-11).
type EIP struct {
	IPType    string    `json:"iptype"`
	Bandwidth Bandwidth `json:"bandwidth"`
}

// Bandwidth of a new EIP (table 5-12).
type Bandwidth struct {
	Size       int    `json:"size,omitempty"`
	ShareType  string `json:"sharetype"`
	ChargeMode string `json:"chargemode,omitempty"`
	ID         string `json:"id,omitempty"`
}

// DeleteServersRequest is the body of 5.2.3.
type DeleteServersRequest struct {
	Servers        []IDRef `json:"servers"`
	DeletePublicIP bool    `json:"delete_publicip"`
	DeleteVolume   bool    `json:"delete_volume"`
}

// ModifyServerRequest is the body of 5.2.6 (PUT /v1/{tenant_id}/cloudservers/{id}).
type ModifyServerRequest struct {
	Server ModifyServer `json:"server"`
}

// ModifyServer holds the fields to change; nil means unchanged. Description
// may be set to "" to clear it.
type ModifyServer struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	Hostname    *string `json:"hostname,omitempty"`
}

// RenameServersRequest is the body of 5.2.8 (≤ 50 servers, one new name for all).
type RenameServersRequest struct {
	Name    string  `json:"name"`
	DryRun  bool    `json:"dry_run,omitempty"`
	Servers []IDRef `json:"servers"`
}

// IDListResponse is {"response": [{"id"}...]} (5.2.8, 5.14.1).
type IDListResponse struct {
	Response []IDRef `json:"response"`
}
