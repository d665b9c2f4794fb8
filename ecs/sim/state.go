package sim

import "time"

// State is the whole simulated cloud. It is plain data (JSON-serialisable)
// because it is persisted to the state file and shared between processes;
// behaviour lives in handlers and registered effects, never in the state.
type State struct {
	// Generation increases on every saved mutation; a process holding an
	// older generation reloads before serving a request.
	Generation uint64 `json:"generation"`
	// Epoch pins simulated time across processes: sim time =
	// EpochSim + (wall - EpochWall) * TimeScale.
	EpochWall time.Time `json:"epoch_wall"`
	EpochSim  time.Time `json:"epoch_sim"`
	// Projects by project id.
	Projects map[string]*ProjectState `json:"projects"`
	// Tokens by token value (IAM, 3.2): only tokens issued before tokens
	// were signed (auth.go); no login adds to it.
	Tokens map[string]Token `json:"tokens"`
	// TokenKey (hex) signs the IAM tokens this cloud issues, so a token is
	// checked without a table that grows with every login (auth.go).
	TokenKey string `json:"token_key,omitempty"`
	// Counters feed deterministic IDs and fault decisions.
	IDCounter uint64            `json:"id_counter"`
	Calls     map[string]uint64 `json:"calls"` // per fault class
}

// Token is an issued IAM token and what it is scoped to.
type Token struct {
	ProjectID string    `json:"project_id,omitempty"` // empty for a domain-scoped token
	DomainID  string    `json:"domain_id"`
	User      string    `json:"user"`
	ExpiresAt time.Time `json:"expires_at"` // wall time
}

// ProjectState is everything one tenant owns. Maps are keyed by id (keypairs
// by name, as the API does).
type ProjectState struct {
	ID           string                  `json:"id"`
	Servers      map[string]*Server      `json:"servers"`
	Volumes      map[string]*Volume      `json:"volumes"`
	Keypairs     map[string]*Keypair     `json:"keypairs"`
	ServerGroups map[string]*ServerGroup `json:"server_groups"`
	Jobs         map[string]*Job         `json:"jobs"`
	Quotas       Quotas                  `json:"quotas"`
	// Slots are the sim times at which each of the C backend slots becomes
	// free; a sub-job starts at the earliest free slot (job engine).
	Slots []time.Time `json:"slots"`
	// IPs in use, keyed by subnet id then address, so allocation never
	// hands out an address twice.
	IPs map[string]map[string]string `json:"ips"` // subnet -> ip -> port id
	// StatusHistory is the record of server status changes, kept only with
	// Config.RecordHistory (nil otherwise). It is persisted so processes
	// sharing a state file write one history (history.go).
	StatusHistory *statusHistory `json:"status_history,omitempty"`

	// Derived indexes, never persisted: rebuilt from the maps above when
	// nil (a fresh load from the state file starts without them). They
	// keep per-request work proportional to what is pending or listed,
	// not to the project's whole history.
	pending   map[string]*Job // unfinished jobs by id (see unfinishedJobs)
	listOrder []*Server       // servers in list order (see serversInOrder)
}

// Server statuses (5.2.4 status values used by the simulator).
const (
	StatusBuild    = "BUILD"
	StatusActive   = "ACTIVE"
	StatusShutoff  = "SHUTOFF"
	StatusReboot   = "REBOOT"
	StatusResize   = "RESIZE"
	StatusVerify   = "VERIFY_RESIZE"
	StatusError    = "ERROR"
	StatusDeleted  = "DELETED"
	StatusHardBoot = "HARD_REBOOT"
)

// Power states (OS-EXT-STS:power_state, Nova numbering).
const (
	PowerNoState  = 0
	PowerRunning  = 1
	PowerShutdown = 4
)

// Server is one ECS instance. Secrets are never stored: the admin password
// only as a "was set" marker, user_data only as a SHA-256 hex hash.
type Server struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Description      string            `json:"description"`
	Hostname         string            `json:"hostname"`
	Status           string            `json:"status"`
	TaskState        string            `json:"task_state"` // "" when none
	VMState          string            `json:"vm_state"`   // active, building, stopped, error, deleted
	PowerState       int               `json:"power_state"`
	FlavorID         string            `json:"flavor_id"`
	ImageID          string            `json:"image_id"`
	AZ               string            `json:"az"`
	KeyName          string            `json:"key_name,omitempty"`
	SecurityGroups   []string          `json:"security_groups"` // security group ids
	NICs             []NIC             `json:"nics"`
	Volumes          []Attach          `json:"volumes"` // attached volumes, boot first
	Metadata         map[string]string `json:"metadata"`
	Tags             map[string]string `json:"tags"` // key -> value ("" allowed)
	Locked           bool              `json:"locked"`
	AdminPasswordSet bool              `json:"admin_password_set"`
	// PasswordResetPending is set by 5.14.1/5.14.2 and cleared when the
	// server next starts or reboots: the reference says a reset "takes
	// effect after a restart". No field of the server detail shows it.
	PasswordResetPending bool     `json:"password_reset_pending,omitempty"`
	UserDataHash         string   `json:"user_data_hash,omitempty"`
	ServerGroups         []string `json:"server_groups"`
	ReservationID        string   `json:"reservation_id"`
	VPCID                string   `json:"vpc_id"`
	HostID               string   `json:"host_id"`
	LaunchIndex          int      `json:"launch_index"`
	Progress             int      `json:"progress"`
	// PowerOnAfterBuild is the create request's power_on: ACTIVE or SHUTOFF
	// when the create sub-job succeeds.
	PowerOnAfterBuild bool      `json:"power_on_after_build"`
	Created           time.Time `json:"created"`
	Updated           time.Time `json:"updated"`
	// PrevFlavorID is the flavor before a 5.21.5 resize while the server
	// waits in VERIFY_RESIZE: revertResize goes back to it; confirm and
	// revert clear it.
	PrevFlavorID string `json:"prev_flavor_id,omitempty"`
	// Fault is set when a sub-job failed this server (status ERROR).
	Fault string `json:"fault,omitempty"`

	// listPos is the server's index in its project's cached list order
	// (ProjectState.serversInOrder); derived, never persisted.
	listPos int
}

// NIC is one network interface (port) of a server.
type NIC struct {
	PortID   string `json:"port_id"`
	MAC      string `json:"mac"`
	IP       string `json:"ip"`
	SubnetID string `json:"subnet_id"`
	Type     string `json:"type"` // fixed or floating (OS-EXT-IPS:type)
	Version  int    `json:"version"`
	Primary  bool   `json:"primary"`
	// SecurityGroups of this port (ids).
	SecurityGroups []string `json:"security_groups,omitempty"`
}

// Attach is one volume attached to a server.
type Attach struct {
	VolumeID            string `json:"volume_id"`
	Device              string `json:"device"`     // /dev/vda, /dev/vdb ...
	BootIndex           int    `json:"boot_index"` // 0 = system disk, -1 = data disk
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

// Volume is an EVS disk.
type Volume struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Size        int                `json:"size"`   // GB
	Type        string             `json:"type"`   // volume type name
	Status      string             `json:"status"` // available, in-use, attaching, detaching, creating, deleting, error
	Bootable    bool               `json:"bootable"`
	Multiattach bool               `json:"multiattach"` // shareable
	AZ          string             `json:"az"`
	Attachments []VolumeAttachment `json:"attachments"`
	Created     time.Time          `json:"created"`
	// Description and Metadata are what 5.8.10 was given (nil: not given;
	// the description then shows as null). Disks made by a server create
	// have neither.
	Description *string           `json:"description,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
	// Passthrough is 5.2.1 data_volumes hw:passthrough: SCSI, not VBD.
	Passthrough bool `json:"passthrough,omitempty"`
}

// VolumeAttachment is the volume side of an attachment.
type VolumeAttachment struct {
	ServerID string `json:"server_id"`
	Device   string `json:"device"`
}

// Keypair is an SSH key pair (5.30). The private key is never kept.
type Keypair struct {
	Name        string    `json:"name"`
	PublicKey   string    `json:"public_key"`
	Fingerprint string    `json:"fingerprint"`
	Type        string    `json:"type"` // ssh or x509
	Created     time.Time `json:"created"`
}

// ServerGroup is an affinity group (5.16).
type ServerGroup struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Policies []string `json:"policies"`
	Members  []string `json:"members"` // server ids
}

// Job statuses (5.11.1).
const (
	JobInit    = "INIT"
	JobRunning = "RUNNING"
	JobSuccess = "SUCCESS"
	JobFail    = "FAIL"
)

// Job is an asynchronous task with sub-jobs (5.11). Begin/End are sim times.
type Job struct {
	ID     string    `json:"id"`
	Type   string    `json:"type"` // job_type, e.g. createServer, deleteServer, addNicsForServer
	Status string    `json:"status"`
	Begin  time.Time `json:"begin"`
	End    time.Time `json:"end"` // zero until finished
	// Entities shown at the job level when it has no sub-jobs (e.g. server_id).
	Entities   map[string]string `json:"entities,omitempty"`
	SubJobs    []*SubJob         `json:"sub_jobs"`
	ErrorCode  string            `json:"error_code,omitempty"`
	FailReason string            `json:"fail_reason,omitempty"`
}

// SubJob is one unit of backend work: data only, so it persists; its
// behaviour is the Effect registered for Op.
type SubJob struct {
	ID     string `json:"id"`
	Type   string `json:"type"` // sub-job job_type shown to clients
	Op     string `json:"op"`   // effect name (registerEffect)
	Status string `json:"status"`
	// Entities are what it operates on: server_id, nic_id, volume_id.
	Entities map[string]string `json:"entities"`
	// Params are the op's inputs (strings; JSON-encode structured values).
	Params map[string]string `json:"params,omitempty"`
	// Schedule, fixed at submit time (sim times).
	StartAt time.Time `json:"start_at"`
	EndAt   time.Time `json:"end_at"`
	// WillFail is the seeded fate decided at submit time.
	WillFail   bool   `json:"will_fail,omitempty"`
	Started    bool   `json:"started"`
	ErrorCode  string `json:"error_code,omitempty"`
	FailReason string `json:"fail_reason,omitempty"`
}

// Finished reports whether the job reached SUCCESS or FAIL.
func (j *Job) Finished() bool { return j.Status == JobSuccess || j.Status == JobFail }

// newProjectState returns an empty project with the given quotas and C slots.
func newProjectState(id string, q Quotas, capacity int) *ProjectState {
	return &ProjectState{
		ID:           id,
		Servers:      map[string]*Server{},
		Volumes:      map[string]*Volume{},
		Keypairs:     map[string]*Keypair{},
		ServerGroups: map[string]*ServerGroup{},
		Jobs:         map[string]*Job{},
		Quotas:       q,
		Slots:        make([]time.Time, capacity),
		IPs:          map[string]map[string]string{},
	}
}

// Usage is what a project consumes, derived from state (5.10 `used`).
type Usage struct {
	Instances, Cores, RAM, KeyPairs, ServerGroups, Volumes, Gigabytes int
}

// Usage derives consumption from the servers, volumes, keypairs and groups.
// Servers being deleted still count until their delete job succeeds.
func (p *ProjectState) Usage(cat *Catalogue) Usage {
	var u Usage
	for _, s := range p.Servers {
		u.Instances++
		if f := cat.Flavor(s.FlavorID); f != nil {
			u.Cores += f.VCPUs
			u.RAM += f.RAM
		}
	}
	for _, v := range p.Volumes {
		u.Volumes++
		u.Gigabytes += v.Size
	}
	u.KeyPairs = len(p.Keypairs)
	u.ServerGroups = len(p.ServerGroups)
	return u
}
