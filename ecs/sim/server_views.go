package sim

import (
	"sort"
	"strconv"
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

// serverV1 renders srv as a servers_detail_v1 object.
func (s *Sim) serverV1(p *ProjectState, srv *Server) map[string]any {
	cat := &s.cfg.Catalogue
	addrs := map[string][]map[string]any{}
	for _, n := range srv.NICs {
		key := n.SubnetID
		if sn := cat.Subnet(n.SubnetID); sn != nil {
			key = sn.ID // Huawei keys addresses by network (subnet) id
		}
		addrs[key] = append(addrs[key], map[string]any{
			"version":                 strconv.Itoa(n.Version),
			"addr":                    n.IP,
			"OS-EXT-IPS-MAC:mac_addr": n.MAC,
			"OS-EXT-IPS:port_id":      n.PortID,
			"OS-EXT-IPS:type":         n.Type,
			"network_tags":            []string{},
		})
	}
	flavor := map[string]any{"id": srv.FlavorID, "name": srv.FlavorID, "vcpus": "0", "ram": "0", "disk": "0"}
	if f := cat.Flavor(srv.FlavorID); f != nil {
		flavor = map[string]any{"id": f.ID, "name": f.Name, "vcpus": strconv.Itoa(f.VCPUs), "ram": strconv.Itoa(f.RAM), "disk": strconv.Itoa(f.Disk)}
	}
	vols := make([]map[string]any, 0, len(srv.Volumes))
	for _, a := range srv.Volumes {
		var boot any
		if a.BootIndex >= 0 {
			boot = strconv.Itoa(a.BootIndex)
		}
		vols = append(vols, map[string]any{
			"id": a.VolumeID, "bootIndex": boot, "device": a.Device,
			"delete_on_termination": strconv.FormatBool(a.DeleteOnTermination),
		})
	}
	sgs := make([]map[string]any, 0, len(srv.SecurityGroups))
	for _, id := range srv.SecurityGroups {
		name := id
		if sg := cat.SecurityGroup(id); sg != nil {
			name = sg.Name
		}
		sgs = append(sgs, map[string]any{"id": id, "name": name, "description": nil, "rules": nil, "links": nil, "tenant_id": nil})
	}
	hints := map[string]any{}
	if len(srv.ServerGroups) > 0 {
		hints["group"] = append([]string(nil), srv.ServerGroups...)
	}
	meta := map[string]string{}
	for k, v := range srv.Metadata {
		meta[k] = v
	}
	meta["vpc_id"] = srv.VPCID
	if img := cat.Image(srv.ImageID); img != nil {
		meta["metering.image_id"] = img.ID
		meta["image_name"] = img.Name
		meta["os_type"] = img.OSType
		meta["os_bit"] = img.OSBit
	}
	var keyName, desc, fault, task any
	if srv.KeyName != "" {
		keyName = srv.KeyName
	}
	if srv.Description != "" {
		desc = srv.Description
	}
	if srv.Fault != "" {
		fault = map[string]any{"message": srv.Fault, "code": 500}
	}
	if srv.TaskState != "" {
		task = srv.TaskState
	}
	var launched any
	if srv.Status != StatusBuild {
		launched = srv.Created.UTC().Format("2006-01-02T15:04:05.000000")
	}
	root := ""
	if len(srv.Volumes) > 0 {
		root = srv.Volumes[0].Device
	}
	return map[string]any{
		"fault": fault, "id": srv.ID, "name": srv.Name, "addresses": addrs, "flavor": flavor,
		"accessIPv4": "", "accessIPv6": "", "status": srv.Status, "progress": srv.Progress,
		"hostId": srv.HostID, "updated": serverTime(srv.Updated), "created": serverTime(srv.Created),
		"metadata": meta, "tags": tagStrings(srv.Tags), "description": desc, "locked": srv.Locked,
		"config_drive": "", "tenant_id": p.ID, "user_id": s.userOf(p.ID), "key_name": keyName,
		"os-extended-volumes:volumes_attached": vols,
		"OS-EXT-STS:task_state":                task, "OS-EXT-STS:power_state": srv.PowerState,
		"OS-EXT-STS:vm_state":  srv.VMState,
		"OS-EXT-SRV-ATTR:host": srv.HostID, "OS-EXT-SRV-ATTR:instance_name": "instance-" + srv.ID[:8],
		"OS-EXT-SRV-ATTR:hypervisor_hostname": srv.HostID, "OS-DCF:diskConfig": "MANUAL",
		"OS-EXT-AZ:availability_zone": srv.AZ, "os:scheduler_hints": hints,
		"OS-EXT-SRV-ATTR:root_device_name": root, "OS-EXT-SRV-ATTR:ramdisk_id": "",
		"enterprise_project_id": "0", "OS-EXT-SRV-ATTR:user_data": nil,
		"OS-SRV-USG:launched_at": launched, "OS-EXT-SRV-ATTR:kernel_id": "",
		"OS-EXT-SRV-ATTR:launch_index": srv.LaunchIndex, "host_status": "UP",
		"OS-EXT-SRV-ATTR:reservation_id": srv.ReservationID, "OS-EXT-SRV-ATTR:hostname": srv.Hostname,
		"OS-EXT-SRV-ATTR:os_hostname": nil, "OS-SRV-USG:terminated_at": nil, "sys_tags": nil,
		"security_groups": sgs, "image": map[string]any{"id": srv.ImageID}, "block_device": nil,
	}
}

// userOf is the user id shown as a server's user_id.
func (s *Sim) userOf(project string) string {
	if pc := s.projectConfig(project); pc != nil {
		return pc.User
	}
	return ""
}
