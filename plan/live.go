package plan

import (
	"encoding/base64"
	"net/netip"
	"sort"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/spec"
)

// liveServer is an owned server as the diff sees it: the list's fields,
// with NICs mapped to subnets by address (the list keys `addresses` by
// network name, which is neither stable nor the subnet id, table 5-60).
type liveServer struct {
	ID, Name, Status string
	Set              string // the ecsfleet-set tag
	Flavor           string // flavor id (HCS flavors use the name as id)
	FlavorName       string
	ImageID          string
	AZ               string
	KeyName          string
	Description      string
	Tags             map[string]string
	Metadata         map[string]string
	NICs             []liveNIC
	VolumeIDs        []string
	Groups           []string // server group ids (os:scheduler_hints.group)
	UserData         string   // decoded, when the API shows it (it usually does not)
	Locked           bool
}

// liveNIC is one fixed address of a server.
type liveNIC struct {
	PortID   string
	IP       string
	SubnetID string // "" when no known subnet contains the address
}

// subnetIndex finds a subnet by an address it contains.
type subnetIndex struct {
	prefixes []netip.Prefix
	ids      []string
}

func newSubnetIndex(subnets []ecs.Subnet) *subnetIndex {
	ix := &subnetIndex{}
	for _, s := range subnets {
		p, err := netip.ParsePrefix(s.CIDR)
		if err != nil {
			continue
		}
		ix.prefixes = append(ix.prefixes, p)
		ix.ids = append(ix.ids, s.ID)
	}
	return ix
}

func (ix *subnetIndex) find(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	best, bestBits := "", -1
	for i, p := range ix.prefixes {
		if p.Contains(a) && p.Bits() > bestBits {
			best, bestBits = ix.ids[i], p.Bits()
		}
	}
	return best
}

func toLive(s *ecs.Server, subnets *subnetIndex) *liveServer {
	l := &liveServer{
		ID: s.ID, Name: s.Name, Status: s.Status,
		Flavor: s.Flavor.ID, FlavorName: s.Flavor.Name,
		ImageID: s.Image.ID, AZ: s.AvailabilityZone,
		KeyName: string(s.KeyName), Description: string(s.Description),
		Tags: s.TagMap(), Metadata: map[string]string(s.Metadata), Locked: bool(s.Locked),
	}
	if l.FlavorName == "" {
		l.FlavorName = l.Flavor
	}
	l.Set = l.Tags[spec.SetTagKey]
	for _, addrs := range s.Addresses {
		for _, a := range addrs {
			if a.Type == "floating" {
				continue
			}
			l.NICs = append(l.NICs, liveNIC{PortID: a.PortID, IP: a.Addr, SubnetID: subnets.find(a.Addr)})
		}
	}
	sort.Slice(l.NICs, func(i, j int) bool { return l.NICs[i].IP < l.NICs[j].IP })
	for _, v := range s.VolumesAttached {
		l.VolumeIDs = append(l.VolumeIDs, v.ID)
	}
	l.Groups = append(l.Groups, s.SchedulerHints.Group...)
	if ud := string(s.UserData); ud != "" {
		if b, err := base64.StdEncoding.DecodeString(ud); err == nil {
			l.UserData = string(b)
		}
	}
	return l
}

// powerState is "on" or "off" for a server at rest, "" while it moves.
func (l *liveServer) powerState() string {
	switch l.Status {
	case ecs.StatusActive:
		return spec.PowerOn
	case ecs.StatusShutoff:
		return spec.PowerOff
	}
	return ""
}

// hasVolume reports whether a volume is attached.
func (l *liveServer) hasVolume(id string) bool {
	for _, v := range l.VolumeIDs {
		if v == id {
			return true
		}
	}
	return false
}

// PlatformMetadataKeys are metadata keys HCS itself writes on servers (the
// reference's examples carry them); they are never drift and never removed.
// Keys under PlatformMetadataPrefixes are treated the same way.
var PlatformMetadataKeys = map[string]bool{
	"_ha_policy_type": true, "server_expiry": true, "productId": true, "charging_mode": true,
	"image_name": true, "os_type": true, "os_bit": true, "vpc_id": true, "resourceSpecCode": true,
	"resourceType": true, "__instance_vwatchdog": true, "hw_watchdog_action": true,
	"cascaded.instance_extrainfo": true, "__support_agent_list": true, "virtual_env_type": true,
	"lockCheckEndpoint": true, "lockScene": true, "lockSource": true, "lockSourceId": true,
	"EcmResStatus": true, "os_hostname": true,
}

// PlatformMetadataPrefixes are prefixes of platform metadata keys.
var PlatformMetadataPrefixes = []string{"metering.", "__", "_sys_", "cascaded."}

// ignoredMetadata reports whether a live metadata key is outside the
// fleet's concern: platform keys, the fleet's ignore prefixes, and
// ecsfleet's own bookkeeping (compared on its own).
func ignoredMetadata(f *spec.Fleet, k string) bool {
	if PlatformMetadataKeys[k] || f.Ignore.IgnoresMetadata(k) || strings.HasPrefix(k, spec.MetadataPrefix) {
		return true
	}
	for _, p := range PlatformMetadataPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// ignoredTag reports whether a live tag key is outside the fleet's concern.
func ignoredTag(f *spec.Fleet, k string) bool {
	return f.Ignore.IgnoresTag(k) || k == "__single_storage"
}
