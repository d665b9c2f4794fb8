package ecs

import (
	"encoding/json"
	"strings"
)

// Server is a server as the native detail APIs return it (5.2.4, 5.2.5;
// field reference "servers_detail_v1"), decoded tolerantly: the v1 examples
// give numbers as strings and some arrays as null (C11).
type Server struct {
	ID          string               `json:"id"`
	Name        string               `json:"name"`
	Status      string               `json:"status"`
	Description FlexString           `json:"description"`
	Addresses   map[string][]Address `json:"addresses"`
	Flavor      ServerFlavor         `json:"flavor"`
	Image       ImageRef             `json:"image"`
	Metadata    FlexMap              `json:"metadata"`
	Tags        []string             `json:"tags"`
	SysTags     json.RawMessage      `json:"sys_tags,omitempty"`
	KeyName     FlexString           `json:"key_name"`
	Locked      FlexBool             `json:"locked"`
	Progress    FlexInt              `json:"progress"`
	Created     string               `json:"created"`
	Updated     string               `json:"updated"`
	TenantID    string               `json:"tenant_id"`
	UserID      string               `json:"user_id"`
	HostID      string               `json:"hostId"`
	HostStatus  string               `json:"host_status,omitempty"`
	ConfigDrive FlexString           `json:"config_drive"`
	AccessIPv4  FlexString           `json:"accessIPv4"`
	AccessIPv6  FlexString           `json:"accessIPv6"`
	Links       Links                `json:"links,omitempty"`
	Fault       json.RawMessage      `json:"fault,omitempty"`

	SecurityGroups      []SecurityGroupRef `json:"security_groups"`
	VolumesAttached     []VolumeAttached   `json:"os-extended-volumes:volumes_attached"`
	SchedulerHints      SchedulerHints     `json:"os:scheduler_hints"`
	EnterpriseProjectID FlexString         `json:"enterprise_project_id"`

	DiskConfig       string     `json:"OS-DCF:diskConfig,omitempty"`
	AvailabilityZone string     `json:"OS-EXT-AZ:availability_zone"`
	Host             string     `json:"OS-EXT-SRV-ATTR:host,omitempty"`
	Hostname         string     `json:"OS-EXT-SRV-ATTR:hostname,omitempty"`
	HypervisorHost   string     `json:"OS-EXT-SRV-ATTR:hypervisor_hostname,omitempty"`
	InstanceName     string     `json:"OS-EXT-SRV-ATTR:instance_name,omitempty"`
	RootDeviceName   string     `json:"OS-EXT-SRV-ATTR:root_device_name,omitempty"`
	UserData         FlexString `json:"OS-EXT-SRV-ATTR:user_data,omitempty"`
	ReservationID    FlexString `json:"OS-EXT-SRV-ATTR:reservation_id,omitempty"`
	LaunchIndex      FlexInt    `json:"OS-EXT-SRV-ATTR:launch_index,omitempty"`
	KernelID         FlexString `json:"OS-EXT-SRV-ATTR:kernel_id,omitempty"`
	RamdiskID        FlexString `json:"OS-EXT-SRV-ATTR:ramdisk_id,omitempty"`
	PowerState       FlexInt    `json:"OS-EXT-STS:power_state"`
	TaskState        FlexString `json:"OS-EXT-STS:task_state"`
	VMState          FlexString `json:"OS-EXT-STS:vm_state"`
	LaunchedAt       FlexString `json:"OS-SRV-USG:launched_at"`
	TerminatedAt     FlexString `json:"OS-SRV-USG:terminated_at"`
}

// Server statuses (5.2.4 field reference).
const (
	StatusActive  = "ACTIVE"
	StatusBuild   = "BUILD"
	StatusShutoff = "SHUTOFF"
	StatusError   = "ERROR"
	StatusDeleted = "DELETED"
	StatusResize  = "RESIZE"
	StatusReboot  = "REBOOT"
)

// Address is one address of a server on one network (addresses[net][i]).
type Address struct {
	Addr    string         `json:"addr"`
	Version FlexInt        `json:"version"` // "4" in v1 examples, 4 in v2.1
	MAC     string         `json:"OS-EXT-IPS-MAC:mac_addr,omitempty"`
	Type    string         `json:"OS-EXT-IPS:type,omitempty"` // fixed | floating
	PortID  string         `json:"OS-EXT-IPS:port_id,omitempty"`
	Tags    FlexStringList `json:"network_tags,omitempty"`
}

// ServerFlavor is a server's flavor: v1 gives id, name and (string) sizes;
// v2.1 gives id and links.
type ServerFlavor struct {
	ID    string  `json:"id"`
	Name  string  `json:"name,omitempty"`
	VCPUs FlexInt `json:"vcpus,omitempty"`
	RAM   FlexInt `json:"ram,omitempty"`
	Disk  FlexInt `json:"disk,omitempty"`
	Links Links   `json:"links,omitempty"`
}

// SecurityGroupRef names a security group.
type SecurityGroupRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// VolumeAttached is one attached volume in a server detail.
type VolumeAttached struct {
	ID                  string     `json:"id"`
	Device              string     `json:"device,omitempty"`
	BootIndex           FlexString `json:"bootIndex,omitempty"` // "0", 0 or null
	DeleteOnTermination FlexBool   `json:"delete_on_termination,omitempty"`
	PassThrough         FlexString `json:"hw:passthrough,omitempty"`
	Multiattach         FlexBool   `json:"multiattach,omitempty"`
}

// SchedulerHints of a server; group is an array in details (C11), a string in create.
type SchedulerHints struct {
	Group FlexStringList `json:"group,omitempty"`
}

// GetServerResponse is the body of 5.2.4.
type GetServerResponse struct {
	Server Server `json:"server"`
}

// ListServersResponse is the body of 5.2.5: one page and the total count.
type ListServersResponse struct {
	Count   int      `json:"count"`
	Servers []Server `json:"servers"`
}

// TagMap reads the server detail's tags as key/value pairs. The reference
// calls the field "the server's tag IDs" and its example shows a bare id;
// real deployments and the simulator give "key=value". The tag endpoints
// (5.13.1/5.13.2) allow any character in a key, '.' included (app.tier), so
// each entry is split at the first '=' only; an entry without '=' (a bare
// id, or a community string tag such as "1.1", which 5.13.10's example
// shows as key "1.1" with an empty value) is a key with an empty value. A
// key that itself holds '=' cannot be told apart here: ListServerTags
// (5.13.10) is authoritative.
func (s *Server) TagMap() map[string]string {
	out := make(map[string]string, len(s.Tags))
	for _, t := range s.Tags {
		if i := strings.IndexByte(t, '='); i >= 0 {
			out[t[:i]] = t[i+1:]
		} else {
			out[t] = ""
		}
	}
	return out
}
