package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The v1 server detail (5.2.4, 5.2.5) follows the reference's v1 EXAMPLES,
// which is what real clients decode (C11): addresses[*][*].version is a
// string, flavor numbers are strings, bootIndex/delete_on_termination are
// strings, os:scheduler_hints.group is an array, image an object, times
// RFC 3339 with zone, locked a bool, power_state and progress numbers.

// serverTime formats created/updated like the examples (second precision, Z).
func serverTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// tagStrings renders tags as "key=value" sorted by key: the form the v1
// detail and the tags/not-tags list filters use (api-notes: tags).
func tagStrings(tags map[string]string) []string {
	out := make([]string, 0, len(tags))
	for k, v := range tags {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// serverV1View is the servers_detail_v1 object. A struct, not a map: the
// list of 1,000 servers per page is the simulator's hottest response, and
// encoding a struct avoids sorting map keys for every server.
type serverV1View struct {
	Fault           any                    `json:"fault"`
	ID              string                 `json:"id"`
	Name            string                 `json:"name"`
	Addresses       map[string][]addressV1 `json:"addresses"`
	Flavor          flavorV1View           `json:"flavor"`
	AccessIPv4      string                 `json:"accessIPv4"`
	AccessIPv6      string                 `json:"accessIPv6"`
	Status          string                 `json:"status"`
	Progress        int                    `json:"progress"`
	HostID          string                 `json:"hostId"`
	Updated         string                 `json:"updated"`
	Created         string                 `json:"created"`
	Metadata        map[string]string      `json:"metadata"`
	Tags            []string               `json:"tags"`
	Description     *string                `json:"description"`
	Locked          bool                   `json:"locked"`
	ConfigDrive     string                 `json:"config_drive"`
	TenantID        string                 `json:"tenant_id"`
	UserID          string                 `json:"user_id"`
	KeyName         *string                `json:"key_name"`
	VolumesAttached []volumeAttachedV1     `json:"os-extended-volumes:volumes_attached"`
	TaskState       *string                `json:"OS-EXT-STS:task_state"`
	PowerState      int                    `json:"OS-EXT-STS:power_state"`
	VMState         string                 `json:"OS-EXT-STS:vm_state"`
	Host            string                 `json:"OS-EXT-SRV-ATTR:host"`
	InstanceName    string                 `json:"OS-EXT-SRV-ATTR:instance_name"`
	HypervisorHost  string                 `json:"OS-EXT-SRV-ATTR:hypervisor_hostname"`
	DiskConfig      string                 `json:"OS-DCF:diskConfig"`
	AZ              string                 `json:"OS-EXT-AZ:availability_zone"`
	SchedulerHints  map[string][]string    `json:"os:scheduler_hints"`
	RootDeviceName  string                 `json:"OS-EXT-SRV-ATTR:root_device_name"`
	RamdiskID       string                 `json:"OS-EXT-SRV-ATTR:ramdisk_id"`
	EnterpriseProj  string                 `json:"enterprise_project_id"`
	UserData        *string                `json:"OS-EXT-SRV-ATTR:user_data"`
	LaunchedAt      *string                `json:"OS-SRV-USG:launched_at"`
	KernelID        string                 `json:"OS-EXT-SRV-ATTR:kernel_id"`
	LaunchIndex     int                    `json:"OS-EXT-SRV-ATTR:launch_index"`
	HostStatus      string                 `json:"host_status"`
	ReservationID   string                 `json:"OS-EXT-SRV-ATTR:reservation_id"`
	Hostname        string                 `json:"OS-EXT-SRV-ATTR:hostname"`
	OSHostname      *string                `json:"OS-EXT-SRV-ATTR:os_hostname"`
	TerminatedAt    *string                `json:"OS-SRV-USG:terminated_at"`
	SysTags         []string               `json:"sys_tags"`
	SecurityGroups  []securityGroupV1      `json:"security_groups"`
	Image           map[string]string      `json:"image"`
	BlockDevice     []any                  `json:"block_device"`
}

type addressV1 struct {
	Version     string   `json:"version"`
	Addr        string   `json:"addr"`
	MAC         string   `json:"OS-EXT-IPS-MAC:mac_addr"`
	PortID      string   `json:"OS-EXT-IPS:port_id"`
	Type        string   `json:"OS-EXT-IPS:type"`
	NetworkTags []string `json:"network_tags"`
}

type flavorV1View struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	VCPUs string `json:"vcpus"`
	RAM   string `json:"ram"`
	Disk  string `json:"disk"`
}

type volumeAttachedV1 struct {
	ID                  string  `json:"id"`
	BootIndex           *string `json:"bootIndex"`
	Device              string  `json:"device"`
	DeleteOnTermination string  `json:"delete_on_termination"`
	Passthrough         string  `json:"hw:passthrough"` // "true"/"false" (5.2.5 example)
	Multiattach         string  `json:"multiattach"`    // "True"/"False" (5.2.5 example)
}

type securityGroupV1 struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Rules       []any   `json:"rules"`
	Links       []any   `json:"links"`
	TenantID    *string `json:"tenant_id"`
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// serverV1 renders srv as a servers_detail_v1 object.
func (s *Sim) serverV1(p *ProjectState, srv *Server) *serverV1View {
	cat := &s.cfg.Catalogue
	addrs := make(map[string][]addressV1, 1)
	for _, n := range srv.NICs {
		key := s.networkName(n.SubnetID)
		addrs[key] = append(addrs[key], addressV1{
			Version: strconv.Itoa(n.Version), Addr: n.IP, MAC: n.MAC, PortID: n.PortID, Type: n.Type,
			NetworkTags: []string{},
		})
	}
	flavor := flavorV1View{ID: srv.FlavorID, Name: srv.FlavorID, VCPUs: "0", RAM: "0", Disk: "0"}
	if f := cat.Flavor(srv.FlavorID); f != nil {
		flavor = flavorV1View{ID: f.ID, Name: f.Name, VCPUs: strconv.Itoa(f.VCPUs), RAM: strconv.Itoa(f.RAM), Disk: strconv.Itoa(f.Disk)}
	}
	vols := make([]volumeAttachedV1, 0, len(srv.Volumes))
	for _, a := range srv.Volumes {
		v := volumeAttachedV1{ID: a.VolumeID, Device: a.Device, DeleteOnTermination: strconv.FormatBool(a.DeleteOnTermination),
			Passthrough: "false", Multiattach: "False"}
		if vol := p.Volumes[a.VolumeID]; vol != nil {
			v.Passthrough = strconv.FormatBool(vol.Passthrough)
			if vol.Multiattach {
				v.Multiattach = "True"
			}
		}
		if a.BootIndex >= 0 {
			v.BootIndex = strPtr(strconv.Itoa(a.BootIndex))
		}
		vols = append(vols, v)
	}
	sgs := make([]securityGroupV1, 0, len(srv.SecurityGroups))
	for _, id := range srv.SecurityGroups {
		name := id
		if sg := cat.SecurityGroup(id); sg != nil {
			name = sg.Name
		}
		sgs = append(sgs, securityGroupV1{ID: id, Name: name})
	}
	hints := map[string][]string{}
	if len(srv.ServerGroups) > 0 {
		hints["group"] = append([]string(nil), srv.ServerGroups...)
	}
	meta := s.detailMetadata(srv)
	var fault any
	if srv.Fault != "" {
		fault = map[string]any{"message": srv.Fault, "code": 500}
	}
	var launched *string
	if srv.Status != StatusBuild {
		launched = strPtr(srv.Created.UTC().Format("2006-01-02T15:04:05.000000"))
	}
	root := ""
	if len(srv.Volumes) > 0 {
		root = srv.Volumes[0].Device
	}
	return &serverV1View{
		Fault: fault, ID: srv.ID, Name: srv.Name, Addresses: addrs, Flavor: flavor,
		Status: srv.Status, Progress: srv.Progress, HostID: srv.HostID,
		Updated: serverTime(srv.Updated), Created: serverTime(srv.Created),
		Metadata: meta, Tags: tagStrings(srv.Tags), Description: strPtr(srv.Description), Locked: srv.Locked,
		TenantID: p.ID, UserID: s.userOf(p.ID), KeyName: strPtr(srv.KeyName),
		VolumesAttached: vols, TaskState: strPtr(srv.TaskState), PowerState: srv.PowerState, VMState: srv.VMState,
		Host: srv.HostID, InstanceName: "instance-" + srv.ID[:8], HypervisorHost: srv.HostID, DiskConfig: "MANUAL",
		AZ: srv.AZ, SchedulerHints: hints, RootDeviceName: root, EnterpriseProj: "0", LaunchedAt: launched,
		LaunchIndex: srv.LaunchIndex, HostStatus: "UP", ReservationID: srv.ReservationID, Hostname: srv.Hostname,
		SecurityGroups: sgs, Image: map[string]string{"id": srv.ImageID},
	}
}

// detailMetadata is a server's metadata as its views show it: the user's
// items plus the platform's system keys.
func (s *Sim) detailMetadata(srv *Server) map[string]string {
	cat := &s.cfg.Catalogue
	meta := make(map[string]string, len(srv.Metadata)+5)
	for k, v := range srv.Metadata {
		meta[k] = v
	}
	meta["vpc_id"] = srv.VPCID
	osSuffix := ".linux"
	if img := cat.Image(srv.ImageID); img != nil {
		meta["metering.image_id"] = img.ID
		meta["image_name"] = img.Name
		meta["os_type"] = img.OSType
		meta["os_bit"] = img.OSBit
		if strings.EqualFold(img.OSType, "windows") {
			osSuffix = ".win"
		}
	}
	for k, v := range platformMetadata(srv, cat.Flavor(srv.FlavorID), osSuffix) {
		if _, set := meta[k]; !set {
			meta[k] = v
		}
	}
	return meta
}

// platformMetadata are the keys every 5.2.4/5.2.5 example carries besides
// the image and VPC ones (api-notes: platform metadata). The simulator has
// only pay-per-use servers: charging_mode "0" and no server_expiry date.
// A key create set (_ha_policy_type, table 5-18) keeps the create value.
func platformMetadata(srv *Server, f *Flavor, osSuffix string) map[string]string {
	vcpus, ram := 0, 0
	if f != nil {
		vcpus, ram = f.VCPUs, f.RAM
	}
	sum := sha256.Sum256([]byte("product:" + srv.FlavorID))
	return map[string]string{
		"_ha_policy_type":           "remote_rebuild",
		"charging_mode":             "0",
		"server_expiry":             "",
		"productId":                 hex.EncodeToString(sum[:16]),
		"metering.imagetype":        "gold",
		"metering.resourcespeccode": srv.FlavorID + osSuffix,
		"metering.resourcetype":     "1",
		"cascaded.instance_extrainfo": fmt.Sprintf("system_serial_number:%s,max_mem:4194304,max_cpu:254,cpu_num_for_one_plug:1,"+
			"org_cpu:%d,current_mem:%d,xml_support_live_resize:True,pcibridge:2,org_mem:%d,iohang_timeout:720,current_cpu:%d,num_of_mem_plug:0",
			srv.ID, vcpus, ram, ram, vcpus),
	}
}

// userOf is the user id shown as a server's user_id.
func (s *Sim) userOf(project string) string {
	if pc := s.projectConfig(project); pc != nil {
		return pc.User
	}
	return ""
}
