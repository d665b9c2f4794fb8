package sim

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// A hand-written encoder for the v1 server detail. A page of 1,000 servers
// is the simulator's largest and most frequent answer, and encoding/json
// spent most of the page's time in reflection and in sorting the keys of
// the per-server maps. appendJSON writes exactly what json.Marshal writes
// for a serverV1View (same field order, same escaping, null for nil maps,
// slices and pointers); TestServerV1JSONMatchesEncodingJSON holds it to
// that byte for byte, so the wire shape has one definition: the struct tags.

// jsonSafe reports whether s can be written between quotes as is: printable
// ASCII without the characters encoding/json escapes (" \ < > &).
func jsonSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// appendString writes s as encoding/json does (the rare string that needs
// escaping goes through encoding/json itself).
func appendString(b []byte, s string) []byte {
	if jsonSafe(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	enc, _ := json.Marshal(s)
	return append(b, enc...)
}

func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

// appendAny is the fallback for the rarely set interface fields.
func appendAny(b []byte, v any) []byte {
	enc, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, enc...)
}

// appendList writes a JSON array with each element written by elem; a nil
// slice is null, as encoding/json writes it.
func appendList[E any](b []byte, list []E, elem func([]byte, E) []byte) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, e := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = elem(b, e)
	}
	return append(b, ']')
}

// appendMap writes m as a JSON object with sorted keys, as encoding/json
// does, each value written by val; a nil map is null.
func appendMap[V any](b []byte, m map[string]V, val func([]byte, V) []byte) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = val(b, m[k])
	}
	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte { return appendList(b, ss, appendString) }

func appendStringMap(b []byte, m map[string]string) []byte { return appendMap(b, m, appendString) }

func appendAddress(b []byte, a addressV1) []byte { return a.appendJSON(b) }

func appendAddresses(b []byte, m map[string][]addressV1) []byte {
	return appendMap(b, m, func(b []byte, l []addressV1) []byte { return appendList(b, l, appendAddress) })
}

func appendHints(b []byte, m map[string][]string) []byte { return appendMap(b, m, appendStrings) }

func appendKey(b []byte, first bool, key string) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...) // keys are the struct tags: plain ASCII
	return append(b, '"', ':')
}

func (a *addressV1) appendJSON(b []byte) []byte {
	b = appendKey(append(b, '{'), true, "version")
	b = appendString(b, a.Version)
	b = appendKey(b, false, "addr")
	b = appendString(b, a.Addr)
	b = appendKey(b, false, "OS-EXT-IPS-MAC:mac_addr")
	b = appendString(b, a.MAC)
	b = appendKey(b, false, "OS-EXT-IPS:port_id")
	b = appendString(b, a.PortID)
	b = appendKey(b, false, "OS-EXT-IPS:type")
	b = appendString(b, a.Type)
	b = appendKey(b, false, "network_tags")
	b = appendStrings(b, a.NetworkTags)
	return append(b, '}')
}

func appendAnys(b []byte, v []any) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return appendAny(b, v)
}

// appendJSON appends v encoded exactly as json.Marshal(v) would.
func (v *serverV1View) appendJSON(b []byte) []byte {
	b = appendKey(append(b, '{'), true, "fault")
	if v.Fault == nil {
		b = append(b, "null"...)
	} else {
		b = appendAny(b, v.Fault)
	}
	b = appendKey(b, false, "id")
	b = appendString(b, v.ID)
	b = appendKey(b, false, "name")
	b = appendString(b, v.Name)
	b = appendKey(b, false, "addresses")
	b = appendAddresses(b, v.Addresses)
	b = appendKey(b, false, "flavor")
	b = appendKey(append(b, '{'), true, "id")
	b = appendString(b, v.Flavor.ID)
	b = appendKey(b, false, "name")
	b = appendString(b, v.Flavor.Name)
	b = appendKey(b, false, "vcpus")
	b = appendString(b, v.Flavor.VCPUs)
	b = appendKey(b, false, "ram")
	b = appendString(b, v.Flavor.RAM)
	b = appendKey(b, false, "disk")
	b = appendString(b, v.Flavor.Disk)
	b = append(b, '}')
	b = appendKey(b, false, "accessIPv4")
	b = appendString(b, v.AccessIPv4)
	b = appendKey(b, false, "accessIPv6")
	b = appendString(b, v.AccessIPv6)
	b = appendKey(b, false, "status")
	b = appendString(b, v.Status)
	b = appendKey(b, false, "progress")
	b = strconv.AppendInt(b, int64(v.Progress), 10)
	b = appendKey(b, false, "hostId")
	b = appendString(b, v.HostID)
	b = appendKey(b, false, "updated")
	b = appendString(b, v.Updated)
	b = appendKey(b, false, "created")
	b = appendString(b, v.Created)
	b = appendKey(b, false, "metadata")
	b = appendStringMap(b, v.Metadata)
	b = appendKey(b, false, "tags")
	b = appendStrings(b, v.Tags)
	b = appendKey(b, false, "description")
	b = appendStringPtr(b, v.Description)
	b = appendKey(b, false, "locked")
	b = strconv.AppendBool(b, v.Locked)
	b = appendKey(b, false, "config_drive")
	b = appendString(b, v.ConfigDrive)
	b = appendKey(b, false, "tenant_id")
	b = appendString(b, v.TenantID)
	b = appendKey(b, false, "user_id")
	b = appendString(b, v.UserID)
	b = appendKey(b, false, "key_name")
	b = appendStringPtr(b, v.KeyName)
	b = appendKey(b, false, "os-extended-volumes:volumes_attached")
	b = appendList(b, v.VolumesAttached, appendVolumeAttached)
	b = appendKey(b, false, "OS-EXT-STS:task_state")
	b = appendStringPtr(b, v.TaskState)
	b = appendKey(b, false, "OS-EXT-STS:power_state")
	b = strconv.AppendInt(b, int64(v.PowerState), 10)
	b = appendKey(b, false, "OS-EXT-STS:vm_state")
	b = appendString(b, v.VMState)
	b = appendKey(b, false, "OS-EXT-SRV-ATTR:host")
	b = appendString(b, v.Host)
	b = appendKey(b, false, "OS-EXT-SRV-ATTR:instance_name")
	b = appendString(b, v.InstanceName)
	b = appendKey(b, false, "OS-EXT-SRV-ATTR:hypervisor_hostname")
	b = appendString(b, v.HypervisorHost)
	b = appendKey(b, false, "OS-DCF:diskConfig")
	b = appendString(b, v.DiskConfig)
	b = appendKey(b, false, "OS-EXT-AZ:availability_zone")
	b = appendString(b, v.AZ)
	b = appendKey(b, false, "os:scheduler_hints")
	b = appendHints(b, v.SchedulerHints)
	b = appendKey(b, false, "OS-EXT-SRV-ATTR:root_device_name")
	b = appendString(b, v.RootDeviceName)
	b = appendKey(b, false, "OS-EXT-SRV-ATTR:ramdisk_id")
	b = appendString(b, v.RamdiskID)
	b = appendKey(b, false, "enterprise_project_id")
	b = appendString(b, v.EnterpriseProj)
	b = appendKey(b, false, "OS-EXT-SRV-ATTR:user_data")
	b = appendStringPtr(b, v.UserData)
	b = appendKey(b, false, "OS-SRV-USG:launched_at")
	b = appendStringPtr(b, v.LaunchedAt)
	b = appendKey(b, false, "OS-EXT-SRV-ATTR:kernel_id")
	b = appendString(b, v.KernelID)
	b = appendKey(b, false, "OS-EXT-SRV-ATTR:launch_index")
	b = strconv.AppendInt(b, int64(v.LaunchIndex), 10)
	b = appendKey(b, false, "host_status")
	b = appendString(b, v.HostStatus)
	b = appendKey(b, false, "OS-EXT-SRV-ATTR:reservation_id")
	b = appendString(b, v.ReservationID)
	b = appendKey(b, false, "OS-EXT-SRV-ATTR:hostname")
	b = appendString(b, v.Hostname)
	b = appendKey(b, false, "OS-EXT-SRV-ATTR:os_hostname")
	b = appendStringPtr(b, v.OSHostname)
	b = appendKey(b, false, "OS-SRV-USG:terminated_at")
	b = appendStringPtr(b, v.TerminatedAt)
	b = appendKey(b, false, "sys_tags")
	b = appendStrings(b, v.SysTags)
	b = appendKey(b, false, "security_groups")
	b = appendList(b, v.SecurityGroups, appendSecurityGroup)
	b = appendKey(b, false, "image")
	b = appendStringMap(b, v.Image)
	b = appendKey(b, false, "block_device")
	b = appendAnys(b, v.BlockDevice)
	return append(b, '}')
}

func appendVolumeAttached(b []byte, a volumeAttachedV1) []byte {
	b = appendKey(append(b, '{'), true, "id")
	b = appendString(b, a.ID)
	b = appendKey(b, false, "bootIndex")
	b = appendStringPtr(b, a.BootIndex)
	b = appendKey(b, false, "device")
	b = appendString(b, a.Device)
	b = appendKey(b, false, "delete_on_termination")
	b = appendString(b, a.DeleteOnTermination)
	b = appendKey(b, false, "hw:passthrough")
	b = appendString(b, a.Passthrough)
	b = appendKey(b, false, "multiattach")
	b = appendString(b, a.Multiattach)
	return append(b, '}')
}

func appendSecurityGroup(b []byte, sg securityGroupV1) []byte {
	b = appendKey(append(b, '{'), true, "id")
	b = appendString(b, sg.ID)
	b = appendKey(b, false, "name")
	b = appendString(b, sg.Name)
	b = appendKey(b, false, "description")
	b = appendStringPtr(b, sg.Description)
	b = appendKey(b, false, "rules")
	b = appendAnys(b, sg.Rules)
	b = appendKey(b, false, "links")
	b = appendAnys(b, sg.Links)
	b = appendKey(b, false, "tenant_id")
	b = appendStringPtr(b, sg.TenantID)
	return append(b, '}')
}
