package plan

// OpKind is the API call an op makes. Each op is exactly one call.
type OpKind string

// Op kinds and the endpoint each calls (HCS 8.3.0 ECS API reference).
const (
	OpCreateKeypair     OpKind = "create_keypair"      // POST /v1/{project_id}/cloudservers/os-keypairs (5.30)
	OpDeleteKeypair     OpKind = "delete_keypair"      // DELETE .../os-keypairs/{name}
	OpCreateServerGroup OpKind = "create_server_group" // POST /v1/{project_id}/cloudservers/os-server-groups (5.16.1)
	OpDeleteServerGroup OpKind = "delete_server_group" // DELETE .../os-server-groups/{id}
	OpCreateVolume      OpKind = "create_volume"       // POST /v2/{project_id}/volumes (EVS: 5.8.10 cannot make it shared)
	OpDeleteVolume      OpKind = "delete_volume"
	OpCreateServers     OpKind = "create_servers"  // POST /v1.1/{project_id}/cloudservers (5.2.1), count ≤ 1000
	OpDeleteServers     OpKind = "delete_servers"  // POST /v1/{project_id}/cloudservers/delete (5.2.3)
	OpRenameServers     OpKind = "rename_servers"  // PUT /v1/{project_id}/cloudservers/server-name (5.2.8), ≤ 50, one name
	OpModifyServer      OpKind = "modify_server"   // PUT /v1/{project_id}/cloudservers/{id} (5.2.6)
	OpResizeServers     OpKind = "resize_servers"  // POST /v1/{project_id}/cloudservers/resize (5.21.6), ≤ 30
	OpLiveResize        OpKind = "live_resize"     // POST /v1/{project_id}/cloudservers/live-resize (5.21.7), ≤ 30
	OpChangeOS          OpKind = "change_os"       // POST /v2/{project_id}/cloudservers/{id}/changeos (5.26.1)
	OpResetPasswords    OpKind = "reset_passwords" // PUT /v1/{project_id}/cloudservers/os-reset-passwords (5.14.1)
	OpAddTags           OpKind = "add_tags"        // POST /v1/{project_id}/cloudservers/{id}/tags/action create (5.13.1)
	OpDeleteTags        OpKind = "delete_tags"     // POST .../tags/action delete (5.13.2)
	OpUpdateMetadata    OpKind = "update_metadata" // POST /v1/{project_id}/cloudservers/{id}/metadata (5.9.1)
	OpDeleteMetadata    OpKind = "delete_metadata" // DELETE .../metadata/{key} (5.9.4), one key
	OpAddNICs           OpKind = "add_nics"        // POST /v1/{project_id}/cloudservers/{id}/nics (5.7.1)
	OpDeleteNICs        OpKind = "delete_nics"     // POST .../nics/delete (5.7.2)
	OpAttachShared      OpKind = "attach_shared"   // POST /v1/{project_id}/batchaction/attachvolumes/{volume_id} (5.8.1), ≤ 16
	OpDetachVolume      OpKind = "detach_volume"   // DELETE /v1/{project_id}/cloudservers/{id}/detachvolume/{volume_id} (5.8.6)
	OpGroupAdd          OpKind = "group_add"       // POST .../os-server-groups/{id}/action add_member (5.16)
	OpGroupRemove       OpKind = "group_remove"    // POST .../os-server-groups/{id}/action remove_member
	OpStart             OpKind = "start"           // POST /v2.1/{project_id}/servers/{id}/action os-start
	OpStop              OpKind = "stop"            // POST /v2.1/{project_id}/servers/{id}/action os-stop
)

// Limits of the batch endpoints (the reference's per-call limits).
const (
	MaxCreateCount  = 1000
	MaxRenameBatch  = 50
	MaxResizeBatch  = 30
	MaxSharedAttach = 16
	// MaxDeleteBatch and MaxPasswordBatch are not stated by the reference;
	// 1000 mirrors the create limit (docs/api-notes.md, assumption).
	MaxDeleteBatch   = 1000
	MaxPasswordBatch = 1000
)

// Disrupts reports whether an op takes servers out of service.
func (k OpKind) Disrupts() bool {
	switch k {
	case OpResizeServers, OpChangeOS, OpStop:
		return true
	}
	return false
}

// Async reports whether the call answers with a job the engine waits on.
func (k OpKind) Async() bool {
	switch k {
	case OpCreateServers, OpDeleteServers, OpResizeServers, OpLiveResize, OpChangeOS,
		OpAddNICs, OpDeleteNICs, OpAttachShared, OpDetachVolume, OpCreateVolume:
		return true
	}
	return false
}

// Op is one API call of the plan. Targets are the servers (or the object)
// it touches; a server that does not exist yet has a Name and no ID, and
// the engine learns its id from the create job it depends on. An op never
// holds a secret: where one is needed (a create's admin password and user
// data, a password reset) it names the server set and the engine resolves
// the set's secret reference from the fleet file when it makes the call.
type Op struct {
	ID        string   `json:"id"`
	Kind      OpKind   `json:"kind"`
	Set       string   `json:"set,omitempty"`
	Targets   []Target `json:"targets,omitempty"`
	DependsOn []string `json:"depends_on,omitempty"`
	// Wave numbers a disruptive op within its set (1-based): wave n+1 starts
	// only after wave n is back in its desired state.
	Wave int    `json:"wave,omitempty"`
	Args OpArgs `json:"args"`
	// Why is a one-line description for people ("resize 30 servers to c6.xlarge.2").
	Why string `json:"why"`
}

// Target is an object an op touches.
type Target struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
}

// OpArgs holds the arguments of an op; exactly the fields of its kind are set.
// Names in the fleet file are already resolved to the ids the API takes.
type OpArgs struct {
	// Create: the create request template (5.2.1) without secrets. Count and
	// Postfix are the batch; HasPassword and HasUserData say the engine must
	// fill adminPass and user_data from the op's set in the fleet file.
	Create *CreateArgs `json:"create,omitempty"`
	// Name is the new name (rename, modify; "" in a modify: unchanged) or
	// the object's name (keypair, group, volume).
	Name string `json:"name,omitempty"`
	// ObjectID is the id of the keypair/group/volume an op acts on, or ""
	// when it is created by the op it depends on (see ObjectName).
	ObjectID   string `json:"object_id,omitempty"`
	ObjectName string `json:"object_name,omitempty"`
	// Description is a modify's new description (nil: unchanged; "" clears it).
	Description *string `json:"description,omitempty"`
	// Flavor is a resize target (flavor id).
	Flavor string `json:"flavor,omitempty"`
	// Image is a change-OS target (image id).
	Image string `json:"image,omitempty"`
	// KeyName is the keypair of a change-OS.
	KeyName string `json:"key_name,omitempty"`
	// PublicKey is an imported keypair's public key (not a secret).
	PublicKey string `json:"public_key,omitempty"`
	// PrivateKeyFile is where a cloud-generated private key is written.
	PrivateKeyFile string `json:"private_key_file,omitempty"`
	// Policy is a server group's policy.
	Policy string `json:"policy,omitempty"`
	// Volume is a shared volume to create.
	Volume *VolumeArgs `json:"volume,omitempty"`
	// Tags to add or set (add_tags) or keys to delete (delete_tags).
	Tags    map[string]string `json:"tags,omitempty"`
	TagKeys []string          `json:"tag_keys,omitempty"`
	// Metadata to set (update_metadata) or the key to delete (delete_metadata).
	Metadata    map[string]string `json:"metadata,omitempty"`
	MetadataKey string            `json:"metadata_key,omitempty"`
	// NICs to add (subnet ids, security group ids) or port ids to delete.
	NICs    []NICArgs `json:"nics,omitempty"`
	PortIDs []string  `json:"port_ids,omitempty"`
	// DeleteVolumes says whether a server delete also deletes its data
	// volumes (per-server data volumes yes; shared volumes are never deleted
	// by a server delete, they are detached first).
	DeleteVolumes bool `json:"delete_volumes,omitempty"`
	// PasswordGeneration is written to metadata after a password reset.
	PasswordGeneration int `json:"password_generation,omitempty"`
}

// CreateArgs is a server create of Count members named Name-Postfix...
type CreateArgs struct {
	Name             string            `json:"name"`
	Count            int               `json:"count"`
	Postfix          string            `json:"postfix,omitempty"`
	ImageID          string            `json:"image_id"`
	FlavorID         string            `json:"flavor_id"`
	VPCID            string            `json:"vpc_id"`
	AvailabilityZone string            `json:"availability_zone"`
	NICs             []NICArgs         `json:"nics"`
	RootVolumeType   string            `json:"root_volume_type"`
	RootVolumeSize   int               `json:"root_volume_size,omitempty"`
	DataVolumes      []VolumeArgs      `json:"data_volumes,omitempty"`
	SecurityGroupIDs []string          `json:"security_group_ids,omitempty"`
	KeyName          string            `json:"key_name,omitempty"`
	ServerGroupID    string            `json:"server_group_id,omitempty"`
	ServerGroupName  string            `json:"server_group_name,omitempty"`
	Tags             map[string]string `json:"tags"`
	PowerOn          bool              `json:"power_on"`
	Description      string            `json:"description,omitempty"`
	// HasUserData and HasPassword say the engine must fill user_data and
	// adminPass from the set's fleet-file definition (never stored here).
	HasUserData bool `json:"has_user_data,omitempty"`
	HasPassword bool `json:"has_password,omitempty"`
}

// NICArgs is a NIC by subnet id, optional fixed IP and security group ids.
type NICArgs struct {
	SubnetID         string   `json:"subnet_id"`
	IP               string   `json:"ip,omitempty"`
	SecurityGroupIDs []string `json:"security_group_ids,omitempty"`
}

// VolumeArgs is a volume to create (data or shared).
type VolumeArgs struct {
	Type             string `json:"type"`
	SizeGB           int    `json:"size"`
	AvailabilityZone string `json:"availability_zone,omitempty"`
	Shared           bool   `json:"shared,omitempty"`
}
