package sim

import (
	"fmt"
	"math"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the whole cloud model in one place. The reference publishes no
// figures for capacity, speed or failure rates, so every default below is an
// assumption, named and commented where it is set (DefaultConfig), and
// overridable from a YAML file (LoadConfig) or the `sim serve` flags.
type Config struct {
	// Seed drives every random choice (IDs, jitter, faults): same seed, same run.
	Seed int64 `yaml:"seed"`
	// TimeScale multiplies wall time into simulated time: at 1000 a 60 s job
	// takes 60 ms of wall time.
	TimeScale float64 `yaml:"time_scale"`
	// Latency is added to every API request (wall time, not scaled).
	Latency time.Duration `yaml:"latency"`
	// StateFile persists the cloud between processes; "" keeps it in memory.
	StateFile string `yaml:"state_file"`
	// Region is the region name printed for clients and accepted in AK/SK scopes.
	Region string `yaml:"region"`

	// Projects are the tenants of the cloud and their credentials.
	Projects []ProjectConfig `yaml:"projects"`
	// AdminToken opens /_sim/ admin endpoints from non-loopback addresses.
	AdminToken string `yaml:"admin_token"`

	// Throttle is the API gateway's per-project request rate.
	Throttle ThrottleConfig `yaml:"throttle"`
	// Capacity is C: at most this many sub-jobs run at once per project.
	Capacity int `yaml:"capacity"`
	// Durations are the simulated durations per sub-job operation (op name).
	Durations map[string]time.Duration `yaml:"durations"`
	// DefaultDuration is used for an op missing from Durations.
	DefaultDuration time.Duration `yaml:"default_duration"`
	// Jitter is the +- fraction applied to every sub-job duration (0.2 = +-20%).
	Jitter float64 `yaml:"jitter"`
	// Faults configures seeded fault injection.
	Faults FaultConfig `yaml:"faults"`

	// Quotas are the default per-project limits (5.10).
	Quotas Quotas `yaml:"quotas"`
	// Catalogue is what the cloud offers.
	Catalogue Catalogue `yaml:"catalogue"`
	// HostsPerAZ bounds anti-affinity groups: a group cannot hold more
	// members in one AZ than there are hosts.
	HostsPerAZ int `yaml:"hosts_per_az"`
	// TokenTTL is how long an IAM token is valid (3.2: 24 hours).
	TokenTTL time.Duration `yaml:"token_ttl"`
	// SdkDateWindow is the accepted clock skew of an AK/SK X-Sdk-Date.
	SdkDateWindow time.Duration `yaml:"sdk_date_window"`

	// RecordHistory keeps, per project, the history of server status
	// changes (Sim.History, GET /_sim/history) for tests that check how
	// many servers a client took down at once. Off by default: then nothing
	// is recorded and nothing is spent on it (history.go).
	RecordHistory bool `yaml:"record_history"`

	// Clock supplies wall time; nil means the real clock. Tests pass a
	// *ManualClock to step time deterministically.
	Clock Clock `yaml:"-"`
}

// ProjectConfig is one tenant: its project, domain, user and access key.
type ProjectConfig struct {
	ID         string `yaml:"id"`
	Name       string `yaml:"name"`
	DomainID   string `yaml:"domain_id"`
	DomainName string `yaml:"domain_name"`
	User       string `yaml:"user"`
	Password   string `yaml:"password"`
	AK         string `yaml:"ak"`
	SK         string `yaml:"sk"`
}

// ThrottleConfig is a token bucket per project (golang.org/x/time/rate).
// Rate 0 disables throttling.
type ThrottleConfig struct {
	Rate  float64 `yaml:"rate"`  // requests per second (wall time)
	Burst int     `yaml:"burst"` // bucket size
}

// FaultConfig holds fractions (0..1) of calls or sub-jobs that go wrong.
// Each decision is a hash of (seed, class, per-class counter), so concurrent
// clients do not change which call fails.
type FaultConfig struct {
	Error5xx      float64 `yaml:"error_5xx"`       // API calls answered 500/503
	Throttle429   float64 `yaml:"throttle_429"`    // API calls answered 429
	Drop          float64 `yaml:"drop"`            // connections hijacked and closed
	SubJobFail    float64 `yaml:"subjob_fail"`     // sub-jobs ending FAIL
	SlowJob       float64 `yaml:"slow_job"`        // sub-jobs taking SlowFactor times longer
	SlowFactor    float64 `yaml:"slow_factor"`     // multiplier for slow sub-jobs
	ReadOnlySafe  bool    `yaml:"read_only_safe"`  // when true, GETs never get injected faults
	ExcludeIAM    bool    `yaml:"exclude_iam"`     // when true, /v3/auth/tokens never faults
	FailErrorCode string  `yaml:"fail_error_code"` // error_code of an injected sub-job failure
}

// Quotas are per-project limits; -1 means unlimited.
type Quotas struct {
	Instances    int `yaml:"instances"`
	Cores        int `yaml:"cores"`
	RAM          int `yaml:"ram"` // MB
	KeyPairs     int `yaml:"key_pairs"`
	ServerGroups int `yaml:"server_groups"`
	// ServerGroupMembers bounds members per server group.
	ServerGroupMembers int `yaml:"server_group_members"`
	// Volumes and Gigabytes bound EVS disks (data + system).
	Volumes   int `yaml:"volumes"`
	Gigabytes int `yaml:"gigabytes"`
	// MetadataItems bounds the user metadata items of one server (5.9;
	// shown as metadata_items in 5.10.2/5.10.4 and maxServerMeta in
	// 5.10.1/5.10.3). 0 in a config or an older state file means the
	// default, 128 (the reference's example value).
	MetadataItems int `yaml:"metadata_items"`
}

// Catalogue is what the cloud offers; names and ids are both accepted by
// lookups (HCS flavors use the name as id).
type Catalogue struct {
	AvailabilityZones []AZ            `yaml:"availability_zones"`
	Flavors           []Flavor        `yaml:"flavors"`
	Images            []Image         `yaml:"images"`
	VPCs              []VPC           `yaml:"vpcs"`
	Subnets           []Subnet        `yaml:"subnets"`
	SecurityGroups    []SecurityGroup `yaml:"security_groups"`
	VolumeTypes       []VolumeType    `yaml:"volume_types"`
}

// AZ is an availability zone.
type AZ struct {
	Name      string `yaml:"name" json:"name"`
	Available bool   `yaml:"available" json:"available"`
}

// Flavor is a server size. RAM is in MB, Disk in GB.
type Flavor struct {
	ID    string `yaml:"id" json:"id"`
	Name  string `yaml:"name" json:"name"`
	VCPUs int    `yaml:"vcpus" json:"vcpus"`
	RAM   int    `yaml:"ram" json:"ram"`
	Disk  int    `yaml:"disk" json:"disk"`
}

// Image is a bootable image. MinDisk in GB, MinRAM in MB.
type Image struct {
	ID      string `yaml:"id" json:"id"`
	Name    string `yaml:"name" json:"name"`
	MinDisk int    `yaml:"min_disk" json:"min_disk"`
	MinRAM  int    `yaml:"min_ram" json:"min_ram"`
	OSType  string `yaml:"os_type" json:"os_type"` // Linux or Windows
	OSBit   string `yaml:"os_bit" json:"os_bit"`
}

// VPC is a virtual private cloud.
type VPC struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	CIDR string `yaml:"cidr" json:"cidr"`
}

// Subnet is where NIC addresses come from. ID is the network id used in
// create `nics[].subnet_id`.
type Subnet struct {
	ID    string `yaml:"id" json:"id"`
	Name  string `yaml:"name" json:"name"`
	VPCID string `yaml:"vpc_id" json:"vpc_id"`
	CIDR  string `yaml:"cidr" json:"cidr"`
}

// SecurityGroup is a named group of firewall rules (rules are not modelled).
type SecurityGroup struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
}

// VolumeType is an EVS disk type.
type VolumeType struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
}

// Default credentials of the single default project. They are the
// simulator's own test credentials: printing them is the point.
const (
	DefaultProjectID   = "0a1b2c3d4e5f40718293a4b5c6d7e8f9"
	DefaultProjectName = "sim-project"
	DefaultDomainID    = "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	DefaultDomainName  = "sim-domain"
	DefaultUser        = "sim-user"
	DefaultPassword    = "Sim-Passw0rd"
	DefaultAK          = "SIMAKEXAMPLE0000000001"
	DefaultSK          = "simSecretKeyExample000000000000000000001"
)

// Fixed image ids, so fleet files and tests can name them.
const (
	ImageCentOS82   = "6c3ffd33-5e6e-4bd2-9f5a-0c0e9b6f8a01"
	ImageUbuntu2204 = "7d4a0e44-6f7f-4ce3-8a6b-1d1f0a7a9b02"
	ImageEulerOS29  = "8e5b1f55-7a8a-4df4-9b7c-2e2a1b8bac03"
	ImageWin2019    = "9f6c2a66-8b9b-4e05-8c8d-3f3b2c9cbd04"
)

// DefaultConfig returns the documented default cloud (docs/simulator.md).
func DefaultConfig() Config {
	return Config{
		Seed:      1,
		TimeScale: 1, // real time unless told; tests use a manual clock
		Latency:   0,
		Region:    "sim-region-1",
		Projects: []ProjectConfig{{
			ID: DefaultProjectID, Name: DefaultProjectName,
			DomainID: DefaultDomainID, DomainName: DefaultDomainName,
			User: DefaultUser, Password: DefaultPassword,
			AK: DefaultAK, SK: DefaultSK,
		}},
		// Assumption: a gateway allowing 50 req/s with bursts of 100 per project.
		Throttle: ThrottleConfig{Rate: 0, Burst: 100},
		// Assumption: 20 concurrent backend operations per project.
		Capacity: 20,
		// Assumption: typical HCS operation times observed on small clouds.
		// Every registered op has its own entry (a test checks it), so
		// DefaultDuration only serves ops added by a config or a test.
		Durations: map[string]time.Duration{
			OpCreateServer:   60 * time.Second,
			OpDeleteServer:   20 * time.Second,
			OpResize:         90 * time.Second,
			OpAddNIC:         10 * time.Second,
			OpDeleteNIC:      10 * time.Second,
			OpAttachVolume:   15 * time.Second,
			OpDetachVolume:   15 * time.Second,
			OpPower:          20 * time.Second,
			OpChangeOS:       120 * time.Second,
			OpCreateVolume:   10 * time.Second,
			OpDeleteVolume:   10 * time.Second,
			opAddGroupMember: 5 * time.Second,   // a scheduler-hint update, no VM work
			OpRebuild:        120 * time.Second, // like changeOS: a new system disk image
		},
		DefaultDuration: 15 * time.Second,
		Jitter:          0.2,
		Faults:          FaultConfig{SlowFactor: 5, FailErrorCode: "Ecs.0000"},
		Quotas: Quotas{
			Instances: 2000, Cores: 8000, RAM: 32 * 1024 * 1024,
			KeyPairs: 100, ServerGroups: 50, ServerGroupMembers: 1000,
			Volumes: 10000, Gigabytes: 10_000_000, MetadataItems: 128,
		},
		Catalogue:     DefaultCatalogue(),
		HostsPerAZ:    100, // assumption: 100 hosts per AZ
		TokenTTL:      24 * time.Hour,
		SdkDateWindow: 15 * time.Minute,
	}
}

// DefaultCatalogue is the shared contract of names the examples use.
func DefaultCatalogue() Catalogue {
	fl := func(name string, cpu, ramGB int) Flavor {
		return Flavor{ID: name, Name: name, VCPUs: cpu, RAM: ramGB * 1024, Disk: 0}
	}
	return Catalogue{
		AvailabilityZones: []AZ{{Name: "az1.dc1", Available: true}, {Name: "az2.dc1", Available: true}},
		Flavors: []Flavor{
			fl("s6.small.1", 1, 1), fl("c6.large.2", 2, 4), fl("c6.xlarge.2", 4, 8),
			fl("c6.2xlarge.2", 8, 16), fl("m6.large.8", 2, 16), fl("m6.xlarge.8", 4, 32),
		},
		Images: []Image{
			{ID: ImageCentOS82, Name: "CentOS 8.2 64bit", MinDisk: 40, MinRAM: 0, OSType: "Linux", OSBit: "64"},
			{ID: ImageUbuntu2204, Name: "Ubuntu 22.04 server 64bit", MinDisk: 40, OSType: "Linux", OSBit: "64"},
			{ID: ImageEulerOS29, Name: "EulerOS 2.9 64bit", MinDisk: 40, OSType: "Linux", OSBit: "64"},
			{ID: ImageWin2019, Name: "Windows Server 2019 Datacenter 64bit", MinDisk: 50, OSType: "Windows", OSBit: "64"},
		},
		VPCs: []VPC{{ID: "1e0f2a3b-0000-4000-8000-00000000a001", Name: "vpc-default", CIDR: "10.0.0.0/16"}},
		Subnets: []Subnet{
			{ID: "2f1a3b4c-0000-4000-8000-00000000b001", Name: "subnet-web", VPCID: "1e0f2a3b-0000-4000-8000-00000000a001", CIDR: "10.0.1.0/24"},
			{ID: "2f1a3b4c-0000-4000-8000-00000000b002", Name: "subnet-app", VPCID: "1e0f2a3b-0000-4000-8000-00000000a001", CIDR: "10.0.2.0/24"},
			{ID: "2f1a3b4c-0000-4000-8000-00000000b003", Name: "subnet-db", VPCID: "1e0f2a3b-0000-4000-8000-00000000a001", CIDR: "10.0.3.0/24"},
			{ID: "2f1a3b4c-0000-4000-8000-00000000b009", Name: "subnet-mgmt", VPCID: "1e0f2a3b-0000-4000-8000-00000000a001", CIDR: "10.0.9.0/24"},
		},
		SecurityGroups: []SecurityGroup{
			{ID: "3a2b4c5d-0000-4000-8000-00000000c001", Name: "default"},
			{ID: "3a2b4c5d-0000-4000-8000-00000000c002", Name: "web"},
			{ID: "3a2b4c5d-0000-4000-8000-00000000c003", Name: "db"},
			{ID: "3a2b4c5d-0000-4000-8000-00000000c004", Name: "ssh"},
		},
		VolumeTypes: []VolumeType{
			{ID: "4b3c5d6e-0000-4000-8000-00000000d001", Name: "SATA"},
			{ID: "4b3c5d6e-0000-4000-8000-00000000d002", Name: "SAS"},
			{ID: "4b3c5d6e-0000-4000-8000-00000000d003", Name: "SSD"},
		},
	}
}

// LoadConfig reads a YAML file over DefaultConfig: fields the file names
// replace the defaults, the rest keep them. Unknown keys are an error so a
// typo does not silently fall back to a default.
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	f, err := os.Open(path)
	if err != nil {
		return cfg, err
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("sim config %s: %w", path, err)
	}
	return cfg, cfg.validate()
}

// validate checks the config is usable and fills zero values with defaults.
func (c *Config) validate() error {
	d := DefaultConfig()
	// Written so NaN fails (every comparison with NaN is false).
	if !(c.TimeScale > 0) || math.IsInf(c.TimeScale, 0) {
		return fmt.Errorf("sim config: time_scale must be a finite number > 0, got %v", c.TimeScale)
	}
	if c.Capacity <= 0 {
		return fmt.Errorf("sim config: capacity must be > 0, got %d", c.Capacity)
	}
	if len(c.Projects) == 0 {
		return fmt.Errorf("sim config: at least one project is needed")
	}
	seen := map[string]bool{}
	for _, p := range c.Projects {
		if p.ID == "" || p.User == "" {
			return fmt.Errorf("sim config: project needs id and user")
		}
		if seen[p.ID] {
			return fmt.Errorf("sim config: duplicate project id %s", p.ID)
		}
		seen[p.ID] = true
	}
	if c.Durations == nil {
		c.Durations = d.Durations
	}
	if c.DefaultDuration <= 0 {
		c.DefaultDuration = d.DefaultDuration
	}
	if math.IsNaN(c.Faults.SlowFactor) || math.IsInf(c.Faults.SlowFactor, 0) {
		return fmt.Errorf("sim config: faults.slow_factor must be a finite number, got %v", c.Faults.SlowFactor)
	}
	if c.Faults.SlowFactor <= 1 {
		c.Faults.SlowFactor = d.Faults.SlowFactor
	}
	if math.IsNaN(c.Throttle.Rate) {
		return fmt.Errorf("sim config: throttle.rate must be a number, got NaN")
	}
	if c.Faults.FailErrorCode == "" {
		c.Faults.FailErrorCode = d.Faults.FailErrorCode
	}
	if c.Quotas.MetadataItems == 0 {
		c.Quotas.MetadataItems = d.Quotas.MetadataItems
	}
	if c.HostsPerAZ <= 0 {
		c.HostsPerAZ = d.HostsPerAZ
	}
	if c.TokenTTL <= 0 {
		c.TokenTTL = d.TokenTTL
	}
	if c.SdkDateWindow <= 0 {
		c.SdkDateWindow = d.SdkDateWindow
	}
	for _, f := range []float64{c.Faults.Error5xx, c.Faults.Throttle429, c.Faults.Drop, c.Faults.SubJobFail, c.Faults.SlowJob, c.Jitter} {
		if !(f >= 0 && f <= 1) { // NaN fails too
			return fmt.Errorf("sim config: fault fractions and jitter must be within 0..1")
		}
	}
	return nil
}
