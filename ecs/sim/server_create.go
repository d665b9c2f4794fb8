package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// createServersRequest is the 5.2.1 body. Every documented field is listed
// so that strict decoding refuses only what the reference does not define.
// server_tags is the shape real clients send (C2).
type createServersRequest struct {
	Server *createServerSpec `json:"server"`
}

type createServerSpec struct {
	ImageRef         string             `json:"imageRef"`
	FlavorRef        string             `json:"flavorRef"`
	Description      *string            `json:"description"`
	Name             string             `json:"name"`
	Personality      []personalityFile  `json:"personality"`
	UserData         *string            `json:"user_data"`
	AdminPass        string             `json:"adminPass"`
	KeyName          string             `json:"key_name"`
	VPCID            string             `json:"vpcid"`
	NICs             []createNIC        `json:"nics"`
	PublicIP         *createPublicIP    `json:"publicip"`
	Count            *int               `json:"count"`
	IsAutoRename     *bool              `json:"isAutoRename"`
	RootVolume       *createRootVolume  `json:"root_volume"`
	DataVolumes      []createDataVolume `json:"data_volumes"`
	SecurityGroups   []sgRef            `json:"security_groups"`
	AvailabilityZone string             `json:"availability_zone"`
	ExtendParam      *createExtendParam `json:"extendparam"`
	Metadata         map[string]string  `json:"metadata"`
	SchedulerHints   *createSchedHints  `json:"os:scheduler_hints"`
	Tags             []string           `json:"tags"`
	ServerTags       []keyValue         `json:"server_tags"`
	PowerOn          *bool              `json:"power_on"`
	Extra            json.RawMessage    `json:"extra"`
}

type personalityFile struct {
	Contents string `json:"contents"`
	Path     string `json:"path"`
}

type createNIC struct {
	IPAddress       string              `json:"ip_address"`
	SubnetID        string              `json:"subnet_id"`
	NICType         string              `json:"nictype"`
	IPAddressV6     string              `json:"ip_address_v6"`
	PhysicalNetwork string              `json:"physical_network"`
	BindingProfile  map[string]string   `json:"binding:profile"`
	ExtraDHCPOpts   []map[string]string `json:"extra_dhcp_opts"`
}

type createPublicIP struct {
	EIP *struct {
		Bandwidth *struct {
			ChargeMode string `json:"chargemode"`
			ID         string `json:"id"`
			ShareType  string `json:"sharetype"`
			Size       *int   `json:"size"`
		} `json:"bandwidth"`
		IPType string `json:"iptype"`
	} `json:"eip"`
	ID string `json:"id"`
}

type volumeExtendParam struct {
	ResourceSpecCode string `json:"resourceSpecCode"`
	ResourceType     string `json:"resourceType"`
	SnapshotID       string `json:"snapshotId"`
}

type createRootVolume struct {
	ExtendParam *volumeExtendParam `json:"extendparam"`
	Size        *FlexString        `json:"size"`
	VolumeType  string             `json:"volumetype"`
}

type createDataVolume struct {
	ExtendParam   *volumeExtendParam `json:"extendparam"`
	HwPassthrough *FlexBool          `json:"hw:passthrough"`
	Multiattach   *bool              `json:"multiattach"`
	Shareable     *bool              `json:"shareable"`
	Size          *int               `json:"size"`
	VolumeType    string             `json:"volumetype"`
	VolumeID      string             `json:"volume_id"`
}

type sgRef struct {
	ID string `json:"id"`
}

type keyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type createExtendParam struct {
	Postfix             string `json:"postfix"`
	EnterpriseProjectID string `json:"enterprise_project_id"`
}

type createSchedHints struct {
	Group string `json:"group"`
}

// plannedVolume is a volume a create will make for each server.
type plannedVolume struct {
	size      int
	typ       string
	multi     bool
	scsi      bool // hw:passthrough
	existing  string
	bootIndex int
}

// handleCreateServers is 5.2.1 POST /v1.1/{tenant_id}/cloudservers.
// It validates everything synchronously (400 on the first broken rule),
// creates the servers in BUILD with their ports and volumes, and submits
// one job with one createSingleServer sub-job per server (C7). It answers
// 200 (C1) with {"job_id"}.
func (s *Sim) handleCreateServers(c *Ctx) error {
	var req createServersRequest
	if err := c.Decode(&req); err != nil {
		return err
	}
	sp := req.Server
	if sp == nil {
		return BadRequest("the request body needs a \"server\" object")
	}
	cat := c.Catalogue()

	count := 1
	if sp.Count != nil {
		count = *sp.Count
	}
	if err := rules.CreateCount(count); err != nil {
		return BadRequest(err.Error())
	}
	postfix := ""
	if sp.ExtendParam != nil {
		postfix = sp.ExtendParam.Postfix
	}
	if err := rules.Postfix(postfix, count); err != nil {
		return BadRequest(err.Error())
	}
	suffixed := count > 1 || postfix != ""
	if err := rules.CreateName(sp.Name, count, postfix); err != nil {
		return BadRequest(err.Error())
	}
	if sp.Description != nil {
		if err := rules.Description(*sp.Description); err != nil {
			return BadRequest(err.Error())
		}
	}

	img := cat.ImageByID(sp.ImageRef)
	if sp.ImageRef == "" || img == nil {
		return BadRequest(fmt.Sprintf("imageRef %q is not an existing image", sp.ImageRef))
	}
	fl := cat.Flavor(sp.FlavorRef)
	if sp.FlavorRef == "" || fl == nil {
		return BadRequest(fmt.Sprintf("flavorRef %q is not an existing flavor", sp.FlavorRef))
	}
	if img.MinRAM > 0 && fl.RAM < img.MinRAM {
		return Errf(http.StatusBadRequest, CodeFlavor, fmt.Sprintf("flavor %s has %d MB of RAM; image %s needs at least %d MB", fl.ID, fl.RAM, img.Name, img.MinRAM))
	}
	vpc := cat.VPCByID(sp.VPCID)
	if sp.VPCID == "" || vpc == nil {
		return BadRequest(fmt.Sprintf("vpcid %q is not an existing VPC", sp.VPCID))
	}

	az := sp.AvailabilityZone
	if az == "" { // C4: optional; the first available zone
		for _, z := range cat.AvailabilityZones {
			if z.Available {
				az = z.Name
				break
			}
		}
	} else if z := cat.AZ(az); z == nil || !z.Available {
		return BadRequest(fmt.Sprintf("availability_zone %q is not an available zone", az))
	}

	// NICs (1..16), each on an existing subnet of the VPC.
	if len(sp.NICs) == 0 || len(sp.NICs) > rules.MaxNICsPerServer {
		return BadRequest(fmt.Sprintf("nics has %d entries; a server needs 1 to %d NICs", len(sp.NICs), rules.MaxNICsPerServer))
	}
	var subnets []*Subnet
	for i, n := range sp.NICs {
		sn := cat.SubnetByID(n.SubnetID)
		if n.SubnetID == "" || sn == nil {
			return Errf(http.StatusBadRequest, CodeNetworkMissing, fmt.Sprintf("nics[%d].subnet_id: network %s could not be found", i, n.SubnetID))
		}
		if sn.VPCID != vpc.ID {
			return BadRequest(fmt.Sprintf("nics[%d].subnet_id: subnet %s is not in VPC %s", i, sn.Name, vpc.ID))
		}
		if n.IPAddress != "" {
			if count > 1 {
				return BadRequest(fmt.Sprintf("nics[%d].ip_address cannot be set when count > 1 (every server would need the same address)", i))
			}
			if err := createCheckFixedIP(c.P, sn, n.IPAddress); err != nil {
				return err
			}
		}
		subnets = append(subnets, sn)
	}

	// Security groups: existing ones; none means "default".
	var sgs []string
	for i, g := range sp.SecurityGroups {
		sg := cat.SecurityGroupByID(g.ID)
		if sg == nil {
			return BadRequest(fmt.Sprintf("security_groups[%d].id %q is not an existing security group", i, g.ID))
		}
		sgs = append(sgs, sg.ID)
	}
	if len(sgs) == 0 {
		if sg := cat.SecurityGroup("default"); sg != nil {
			sgs = []string{sg.ID}
		}
	}

	// Volumes.
	if sp.RootVolume == nil {
		return BadRequest("root_volume is required")
	}
	if cat.VolumeType(sp.RootVolume.VolumeType) == nil {
		return BadRequest(fmt.Sprintf("root_volume.volumetype %q is not a volume type of this cloud", sp.RootVolume.VolumeType))
	}
	rootSize := img.MinDisk
	if sp.RootVolume.Size != nil && *sp.RootVolume.Size != "" {
		n, err := strconv.Atoi(string(*sp.RootVolume.Size))
		if err != nil || n < 0 {
			return BadRequest(fmt.Sprintf("root_volume.size %q is not a whole number of GB", string(*sp.RootVolume.Size)))
		}
		if n != 0 {
			rootSize = n
		}
	}
	if rootSize < img.MinDisk {
		return Errf(http.StatusBadRequest, CodeImage, fmt.Sprintf("root_volume.size %d GB is smaller than the image's min_disk %d GB", rootSize, img.MinDisk))
	}
	if err := rules.VolumeSize(rootSize); err != nil {
		return BadRequest("root_volume: " + err.Error())
	}
	if fl.Disk > 0 && rootSize < fl.Disk {
		return BadRequest(fmt.Sprintf("root_volume.size %d GB is smaller than flavor %s's disk %d GB", rootSize, fl.ID, fl.Disk))
	}
	planned := []plannedVolume{{size: rootSize, typ: cat.VolumeType(sp.RootVolume.VolumeType).Name, bootIndex: 0}}
	if len(sp.DataVolumes) > rules.MaxDataVolumes {
		return BadRequest(fmt.Sprintf("data_volumes has %d entries; a new server can have at most %d data disks", len(sp.DataVolumes), rules.MaxDataVolumes))
	}
	for i, dv := range sp.DataVolumes {
		vt := cat.VolumeType(dv.VolumeType)
		if vt == nil {
			return BadRequest(fmt.Sprintf("data_volumes[%d].volumetype %q is not a volume type of this cloud", i, dv.VolumeType))
		}
		if dv.Size == nil {
			return BadRequest(fmt.Sprintf("data_volumes[%d].size is required", i))
		}
		if err := rules.VolumeSize(*dv.Size); err != nil {
			return BadRequest(fmt.Sprintf("data_volumes[%d]: %s", i, err))
		}
		if dv.Multiattach != nil && dv.Shareable != nil && *dv.Multiattach != *dv.Shareable {
			return BadRequest(fmt.Sprintf("data_volumes[%d]: multiattach and shareable disagree; send only multiattach", i))
		}
		multi := (dv.Multiattach != nil && *dv.Multiattach) || (dv.Shareable != nil && *dv.Shareable)
		pv := plannedVolume{size: *dv.Size, typ: vt.Name, multi: multi, bootIndex: -1,
			scsi: dv.HwPassthrough != nil && bool(*dv.HwPassthrough)}
		if dv.VolumeID != "" {
			v := c.P.Volumes[dv.VolumeID]
			if v == nil {
				return BadRequest(fmt.Sprintf("data_volumes[%d].volume_id %s is not an existing volume", i, dv.VolumeID))
			}
			if count > 1 && !v.Multiattach {
				return BadRequest(fmt.Sprintf("data_volumes[%d].volume_id %s is not shareable and cannot go to %d servers", i, dv.VolumeID, count))
			}
			if !v.Multiattach && v.Status != "available" {
				return Errf(http.StatusConflict, CodeState, fmt.Sprintf("data_volumes[%d].volume_id %s is %s, not available", i, dv.VolumeID, v.Status))
			}
			if v.Multiattach && len(v.Attachments)+count > rules.MaxServersPerSharedVolume {
				return BadRequest(fmt.Sprintf("data_volumes[%d].volume_id %s would be attached to more than %d servers", i, dv.VolumeID, rules.MaxServersPerSharedVolume))
			}
			pv.existing, pv.size, pv.multi, pv.scsi = v.ID, v.Size, v.Multiattach, v.Passthrough
		}
		planned = append(planned, pv)
	}

	// Secrets and injected data: checked, never stored.
	adminPass := sp.AdminPass
	if ap, ok := sp.Metadata["admin_pass"]; ok {
		adminPass = ap // 5.2.1: metadata.admin_pass wins over adminPass
	}
	if adminPass != "" {
		if err := rules.PasswordWith(adminPass, rules.CreatePasswordSpecials); err != nil {
			return Errf(http.StatusBadRequest, CodePassword, err.Error())
		}
	}
	var userDataHash string
	if sp.UserData != nil && *sp.UserData != "" { // C6: "" is accepted as none
		raw, err := base64.StdEncoding.DecodeString(*sp.UserData)
		if err != nil {
			return BadRequest("user_data is not valid base64")
		}
		if err := rules.UserData(raw); err != nil {
			return BadRequest(err.Error())
		}
		sum := sha256.Sum256(raw)
		userDataHash = hex.EncodeToString(sum[:])
	}
	if len(sp.Personality) > 5 {
		return BadRequest(fmt.Sprintf("personality has %d files; at most 5 are allowed", len(sp.Personality)))
	}
	for i, pf := range sp.Personality {
		raw, err := base64.StdEncoding.DecodeString(pf.Contents)
		if err != nil {
			return BadRequest(fmt.Sprintf("personality[%d].contents is not valid base64", i))
		}
		if len(raw) > 1024 || pf.Path == "" {
			return BadRequest(fmt.Sprintf("personality[%d] needs a path and at most 1 KB of contents", i))
		}
	}
	if sp.KeyName != "" && c.P.Keypairs[sp.KeyName] == nil {
		return BadRequest(fmt.Sprintf("key_name %q is not an existing keypair", sp.KeyName))
	}
	if err := checkPublicIP(sp.PublicIP); err != nil {
		return err
	}

	// A password-authenticated Windows server needs metadata (5.2.1):
	// its password comes from metadata.admin_pass.
	if img.OSType == "Windows" && sp.KeyName == "" && sp.Metadata["admin_pass"] == "" {
		return BadRequest("a Windows server without key_name needs metadata.admin_pass (5.2.1 metadata)")
	}
	meta, err := createMetadata(sp.Metadata)
	if err != nil {
		return err
	}

	tags, err := parseCreateTags(sp.Tags, sp.ServerTags)
	if err != nil {
		return err
	}

	// Server group and its policy.
	var group *ServerGroup
	if sp.SchedulerHints != nil && sp.SchedulerHints.Group != "" {
		group = c.P.ServerGroups[sp.SchedulerHints.Group]
		if group == nil {
			return BadRequest(fmt.Sprintf("os:scheduler_hints.group %s is not an existing server group", sp.SchedulerHints.Group))
		}
		if q := c.P.Quotas.ServerGroupMembers; q >= 0 && len(group.Members)+count > q {
			return Errf(http.StatusBadRequest, CodeQuota, fmt.Sprintf("server group %s would have %d members; the limit is %d", group.Name, len(group.Members)+count, q))
		}
	}

	// Names: name-NNNN from postfix (default 0001) when a suffix is appended.
	names := make([]string, count)
	start := 1
	if postfix != "" {
		start, _ = rules.ParsePostfix(postfix)
	}
	for i := range names {
		names[i] = sp.Name
		if suffixed {
			names[i] = sp.Name + "-" + rules.FormatPostfix(start+i)
		}
	}
	if sp.IsAutoRename != nil && !*sp.IsAutoRename {
		existing := map[string]bool{}
		for _, srv := range c.P.Servers {
			existing[srv.Name] = true
		}
		for _, n := range names {
			if existing[n] {
				return Errf(http.StatusConflict, CodeConflict, fmt.Sprintf("a server named %s exists and isAutoRename is false", n))
			}
		}
	}

	// Quotas: instances, cores, RAM, and the new volumes.
	add := Usage{Instances: count, Cores: count * fl.VCPUs, RAM: count * fl.RAM}
	for _, pv := range planned {
		if pv.existing == "" {
			add.Volumes += count
			add.Gigabytes += count * pv.size
		}
	}
	if err := c.CheckQuota(add); err != nil {
		return err
	}
	// Subnets must have room for every port.
	need := map[string]int{}
	for _, sn := range subnets {
		need[sn.ID] += count
	}
	for _, sn := range subnets {
		if free := subnetFree(c.P, sn); need[sn.ID] > free {
			return Errf(http.StatusBadRequest, CodeNoIPs, fmt.Sprintf("subnet %s has %d free addresses; %d are needed", sn.Name, free, need[sn.ID]))
		}
	}

	// Everything is valid: build the servers.
	powerOn := sp.PowerOn == nil || *sp.PowerOn // C3
	resv := "r-" + c.NewHexID()[:8]
	desc := ""
	if sp.Description != nil {
		desc = *sp.Description
	}
	var specs []SubJobSpec
	var ids []string
	placed := groupPlacement(c, group, az, count)
	for i := range count {
		id := c.NewUUID()
		srv := &Server{
			ID: id, Name: names[i], Description: desc, Hostname: hostnameFor(names[i]),
			Status: StatusBuild, TaskState: TaskSpawning, VMState: "building", PowerState: PowerNoState,
			FlavorID: fl.ID, ImageID: img.ID, AZ: az, KeyName: sp.KeyName,
			SecurityGroups: append([]string(nil), sgs...), Metadata: copyMap(meta), Tags: copyMap(tags),
			AdminPasswordSet: adminPass != "", UserDataHash: userDataHash,
			ReservationID: resv, VPCID: vpc.ID, LaunchIndex: i, PowerOnAfterBuild: powerOn,
			HostID: hostID(c.s.cfg.Seed, az, placed[i]), Created: c.Now, Updated: c.Now,
		}
		for j, n := range sp.NICs {
			nic, err := c.NewNIC(subnets[j].ID)
			if err != nil {
				return err
			}
			if n.IPAddress != "" {
				c.P.ReleaseIP(nic.SubnetID, nic.IP)
				nic.IP = n.IPAddress
				c.P.IPs[nic.SubnetID][nic.IP] = nic.PortID
			}
			nic.Primary = j == 0
			nic.SecurityGroups = append([]string(nil), sgs...)
			srv.NICs = append(srv.NICs, nic)
		}
		for j, pv := range planned {
			dev := deviceName(j)
			vid := pv.existing
			if vid == "" {
				vid = c.NewUUID()
				vname := srv.Name + "-volume-" + fmt.Sprintf("%04d", j)
				if j == 0 {
					vname = srv.Name + "-sys"
				}
				c.P.Volumes[vid] = &Volume{ID: vid, Name: vname, Size: pv.size, Type: pv.typ, Status: "attaching",
					Bootable: j == 0, Multiattach: pv.multi, Passthrough: pv.scsi, AZ: az, Created: c.Now}
			}
			v := c.P.Volumes[vid]
			if !v.Multiattach || len(v.Attachments) == 0 {
				v.Status = "attaching"
			}
			v.Attachments = append(v.Attachments, VolumeAttachment{ServerID: id, Device: dev})
			srv.Volumes = append(srv.Volumes, Attach{VolumeID: vid, Device: dev, BootIndex: pv.bootIndex, DeleteOnTermination: j == 0})
		}
		spec := SubJobSpec{Type: "createSingleServer", Op: OpCreateServer, Entities: map[string]string{"server_id": id}}
		if group != nil {
			srv.ServerGroups = []string{group.ID}
			group.Members = append(group.Members, id)
			if placed[i] < 0 {
				spec.FailCode = CodeRequestError
				spec.FailReason = fmt.Sprintf("No valid host was found: server group %s (%s) has no host left in %s", group.Name, strings.Join(group.Policies, ","), az)
			}
		}
		c.P.Servers[id] = srv
		ids = append(ids, id)
		specs = append(specs, spec)
	}
	var ent map[string]string
	if count == 1 {
		ent = map[string]string{"server_id": ids[0]}
	}
	j := c.Submit("createServer", ent, specs)
	c.Dirty()
	return c.JSON(http.StatusOK, map[string]any{"job_id": j.ID})
}

// createMetadataValues are the keys of table 5-18 besides admin_pass, each
// with its documented values: the only metadata 5.2.1 takes.
var createMetadataValues = map[string]map[string]bool{
	"hw_watchdog_action":   {"reset": true, "none": true, "disabled": true},
	"__instance_vwatchdog": {"true": true, "false": true},
	"_ha_policy_type":      {"remote_rebuild": true, "close": true},
}

// createMetadata checks 5.2.1's metadata and returns what the server
// keeps. Table 5-7 says the field does not yet support user-written data
// (该字段暂不支持用户写入数据) and table 5-18 lists its only keys, so any
// other key is refused with 400, naming the key and the rule, rather than
// silently dropped: a client relying on it learns at once, and writes user
// metadata after create with 5.9.1. admin_pass was checked as the password
// and is never stored; the other keys must take a documented value. Keys
// are checked in sorted order, so the message does not depend on map order.
func createMetadata(md map[string]string) (map[string]string, error) {
	meta := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(md)) {
		v := md[k]
		if k == "admin_pass" {
			continue
		}
		allowed, ok := createMetadataValues[k]
		if !ok {
			return nil, BadRequest(fmt.Sprintf("metadata key %q is not accepted at create: 5.2.1 metadata does not yet support user-written data "+
				"and takes only the keys of table 5-18 (admin_pass, hw_watchdog_action, __instance_vwatchdog, _ha_policy_type); "+
				"write user metadata after create with 5.9.1 (POST /v1/{project_id}/cloudservers/{server_id}/metadata)", k))
		}
		if !allowed[v] {
			return nil, BadRequest(fmt.Sprintf("metadata.%s %q is not one of the documented values (%s)", k, v, strings.Join(slices.Sorted(maps.Keys(allowed)), ", ")))
		}
		meta[k] = v
	}
	return meta, nil
}

// parseCreateTags merges 5.2.1 tags ["key.value"] (split at the first dot;
// the value may contain dots) and C2's server_tags [{key,value}], and checks
// them with the tag rules.
func parseCreateTags(tags []string, serverTags []keyValue) (map[string]string, error) {
	out := map[string]string{}
	add := func(k, v string) error {
		if _, dup := out[k]; dup {
			return BadRequest(fmt.Sprintf("tag key %q is given twice", k))
		}
		out[k] = v
		return nil
	}
	for _, t := range tags {
		k, v, _ := strings.Cut(t, ".")
		if err := add(k, v); err != nil {
			return nil, err
		}
	}
	for _, t := range serverTags {
		if err := add(t.Key, t.Value); err != nil {
			return nil, err
		}
	}
	// __single_storage is a documented special tag, not a user tag.
	check := copyMap(out)
	delete(check, "__single_storage")
	if err := rules.Tags(check); err != nil {
		return nil, BadRequest(err.Error())
	}
	return out, nil
}

// checkPublicIP validates the EIP block (EIPs themselves are not modelled).
func checkPublicIP(p *createPublicIP) error {
	if p == nil || p.EIP == nil {
		return nil
	}
	if p.EIP.IPType == "" {
		return BadRequest("publicip.eip.iptype is required")
	}
	bw := p.EIP.Bandwidth
	if bw == nil {
		return BadRequest("publicip.eip.bandwidth is required")
	}
	if bw.ShareType != "PER" && bw.ShareType != "WHOLE" {
		return BadRequest(fmt.Sprintf("publicip.eip.bandwidth.sharetype %q must be PER or WHOLE", bw.ShareType))
	}
	if bw.ChargeMode != "" && bw.ChargeMode != "traffic" {
		return BadRequest(fmt.Sprintf("publicip.eip.bandwidth.chargemode %q must be empty or traffic", bw.ChargeMode))
	}
	if bw.ShareType == "PER" && (bw.Size == nil || *bw.Size < 1 || *bw.Size > 300) {
		return BadRequest("publicip.eip.bandwidth.size must be 1 to 300 Mbit/s for a PER bandwidth")
	}
	return nil
}

// createCheckFixedIP refuses an address outside the subnet or already in use.
func createCheckFixedIP(p *ProjectState, sn *Subnet, ip string) error {
	addr := net.ParseIP(ip)
	_, ipnet, err := net.ParseCIDR(sn.CIDR)
	if addr == nil || addr.To4() == nil || err != nil || !ipnet.Contains(addr) {
		return BadRequest(fmt.Sprintf("ip_address %s is not an IPv4 address of subnet %s (%s)", ip, sn.Name, sn.CIDR))
	}
	if _, used := p.IPs[sn.ID][ip]; used {
		return Errf(http.StatusBadRequest, CodeIPUsed, fmt.Sprintf("ip_address %s is already used in subnet %s", ip, sn.Name))
	}
	return nil
}

// subnetFree counts the addresses AllocIP can still hand out in sn.
func subnetFree(p *ProjectState, sn *Subnet) int {
	_, ipnet, err := net.ParseCIDR(sn.CIDR)
	if err != nil {
		return 0
	}
	ones, bits := ipnet.Mask.Size()
	return (1 << uint(bits-ones)) - 3 - len(p.IPs[sn.ID])
}

// groupPlacement returns a host index per new server, or -1 where the
// group's policy leaves no host: anti-affinity needs a distinct host per
// member in the AZ (HostsPerAZ bounds it); affinity puts every member on
// the host of the existing members, which must be in the same AZ.
func groupPlacement(c *Ctx, g *ServerGroup, az string, count int) []int {
	out := make([]int, count)
	hosts := c.s.cfg.HostsPerAZ
	if g == nil {
		for i := range out {
			out[i] = int(hash64(c.s.cfg.Seed, "host", c.s.state.IDCounter, i) % uint64(hosts))
		}
		return out
	}
	anti, aff := false, false
	for _, pol := range g.Policies {
		anti = anti || strings.Contains(pol, "anti-affinity") && !strings.HasPrefix(pol, "soft")
		aff = aff || pol == "affinity"
	}
	// Members may sit on any host (5.16.5 adds an existing server wherever
	// it runs), so placement looks at the hosts they use, not their count.
	used := map[string]bool{}
	otherAZ := false
	memberHost := ""
	for _, m := range g.Members {
		if srv := c.P.Servers[m]; srv != nil {
			if srv.AZ != az {
				otherAZ = true
				continue
			}
			if srv.HostID != "" {
				used[srv.HostID] = true
				if memberHost == "" {
					memberHost = srv.HostID
				}
			}
		}
	}
	switch {
	case anti:
		// The lowest hosts no member uses, one per new server; -1 (no
		// host) once the AZ's hosts run out.
		h := 0
		for i := range out {
			for h < hosts && used[hostID(c.s.cfg.Seed, az, h)] {
				h++
			}
			if h < hosts {
				out[i] = h
				h++
			} else {
				out[i] = -1
			}
		}
	case aff && otherAZ:
		for i := range out {
			out[i] = -1
		}
	default:
		// Affinity (and soft policies): the members' host, else host 0.
		at := 0
		if aff && memberHost != "" {
			at = hostIndex(c.s.cfg.Seed, az, hosts, memberHost)
		}
		for i := range out {
			out[i] = at
		}
	}
	return out
}

// hostIndex is the host index in az whose hostID is id (0 if none is).
func hostIndex(seed int64, az string, hosts int, id string) int {
	for h := range hosts {
		if hostID(seed, az, h) == id {
			return h
		}
	}
	return 0
}

// hostID is the Nova-style hostId of a host index in an AZ.
func hostID(seed int64, az string, host int) string {
	if host < 0 {
		return ""
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d|host|%s|%d", seed, az, host)))
	return hex.EncodeToString(sum[:28])
}

// deviceName is /dev/vda for the system disk, then vdb, vdc ... (vdaa after vdz).
func deviceName(i int) string {
	if i < 26 {
		return "/dev/vd" + string(rune('a'+i))
	}
	return "/dev/vd" + string(rune('a'+i/26-1)) + string(rune('a'+i%26))
}

// hostnameFor derives a default hostname from a server name: lower case,
// characters outside [a-z0-9-] become '-'.
func hostnameFor(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	h := strings.Trim(b.String(), "-")
	if h == "" {
		h = "ecs"
	}
	if len(h) > 63 {
		h = h[:63]
	}
	return h
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
