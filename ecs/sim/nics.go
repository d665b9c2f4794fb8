package sim

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// NIC management (5.7.1 batch add, 5.7.2 batch delete, 5.7.3 list).
//
// Adding and deleting NICs are jobs with one sub-job per NIC (5.11.1's
// example: job addNicsForServer, sub-job addNic with entities.nic_id). The
// port and its address are reserved when the request is accepted, so two
// requests can never be handed the same address and the 16-NIC limit
// (5.2.1 nics) counts NICs still being added.

// Op names of the NIC sub-jobs (Config.Durations keys).
const (
	OpAddNIC    = "addNic"
	OpDeleteNIC = "deleteNic"
)

type xaAddNICsReq struct {
	NICs []xaAddNICItem `json:"nics"`
}

type xaAddNICItem struct {
	SubnetID         string    `json:"subnet_id"`
	IPAddress        string    `json:"ip_address"`
	IPAddressV6      string    `json:"ip_address_v6"`
	PhysicalNetwork  string    `json:"physical_network"`
	AvailabilityZone string    `json:"availability_zone"`
	SecurityGroups   []xaIDRef `json:"security_groups"`
}

type xaIDRef struct {
	ID string `json:"id"`
}

type xaDeleteNICsReq struct {
	NICs []xaIDRef `json:"nics"`
}

// xaNICTarget is the path's server for a 5.7.1/5.7.2 change of n NICs:
// changeable (404/409), at least one NIC named (400, "give at least one
// <item>"), ACTIVE or SHUTOFF and idle (409, refused for <what>).
func xaNICTarget(c *Ctx, n int, item, what string) (*Server, error) {
	srv, err := c.ServerForChange(c.R.PathValue("server_id"))
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, BadRequest("nics is empty; give at least one " + item)
	}
	if err := xaRequireStatus(http.StatusConflict, srv, what, StatusActive, StatusShutoff); err != nil {
		return nil, err
	}
	return srv, nil
}

// handleAddNICs is 5.7.1 POST /v1/{tenant_id}/cloudservers/{server_id}/nics.
func (s *Sim) handleAddNICs(c *Ctx) error {
	var req xaAddNICsReq
	if err := c.Decode(&req); err != nil {
		return err
	}
	srv, err := xaNICTarget(c, len(req.NICs), "NIC to add", "adding NICs")
	if err != nil {
		return err
	}
	pending := len(xaPending(c.P, OpAddNIC, srv.ID))
	if total := len(srv.NICs) + pending + len(req.NICs); total > rules.MaxNICsPerServer {
		return BadRequest(fmt.Sprintf("server %s would have %d NICs (%d now, %d being added, %d requested); the limit is %d per server",
			srv.ID, total, len(srv.NICs), pending, len(req.NICs), rules.MaxNICsPerServer))
	}
	// Validate everything before reserving anything: a refused request
	// changes nothing.
	fixed := map[string]bool{}
	for i, n := range req.NICs {
		if n.SubnetID == "" {
			return BadRequest(fmt.Sprintf("nics[%d].subnet_id is required", i))
		}
		sn := c.Catalogue().Subnet(n.SubnetID)
		if sn == nil {
			return Errf(http.StatusBadRequest, CodeNetworkMissing, fmt.Sprintf("nics[%d]: subnet %s does not exist", i, n.SubnetID))
		}
		if len(n.SecurityGroups) == 0 {
			return BadRequest(fmt.Sprintf("nics[%d].security_groups is required: give at least one security group id", i))
		}
		for _, g := range n.SecurityGroups {
			if g.ID == "" || c.Catalogue().SecurityGroup(g.ID) == nil {
				return BadRequest(fmt.Sprintf("nics[%d]: security group %q does not exist", i, g.ID))
			}
		}
		if n.IPAddressV6 != "" {
			return BadRequest(fmt.Sprintf("nics[%d].ip_address_v6: subnet %s has no IPv6 enabled", i, sn.ID))
		}
		if n.AvailabilityZone != "" && c.Catalogue().AZ(n.AvailabilityZone) == nil {
			return BadRequest(fmt.Sprintf("nics[%d].availability_zone %q does not exist", i, n.AvailabilityZone))
		}
		if n.IPAddress != "" {
			if err := xaCheckFixedIP(c.P, sn, n.IPAddress); err != nil {
				return err
			}
			key := sn.ID + "|" + n.IPAddress
			if fixed[key] {
				return Errf(http.StatusBadRequest, CodeIPUsed, fmt.Sprintf("nics[%d]: IP address %s is requested twice", i, n.IPAddress))
			}
			fixed[key] = true
		}
	}
	// Fixed addresses are reserved first, so an automatic one can never take
	// an address a later NIC of the same call asked for; a failure part-way
	// (a subnet running out) releases what was reserved.
	nicsOut := make([]NIC, len(req.NICs))
	var reserved []NIC
	release := func() {
		for _, r := range reserved {
			c.P.ReleaseIP(r.SubnetID, r.IP)
		}
	}
	for i, n := range req.NICs {
		if n.IPAddress == "" {
			continue
		}
		sn := c.Catalogue().Subnet(n.SubnetID)
		port := c.NewUUID()
		if c.P.IPs[sn.ID] == nil {
			c.P.IPs[sn.ID] = map[string]string{}
		}
		c.P.IPs[sn.ID][n.IPAddress] = port
		nicsOut[i] = NIC{PortID: port, MAC: macFor(port), IP: n.IPAddress, SubnetID: sn.ID, Type: "fixed", Version: 4}
		reserved = append(reserved, nicsOut[i])
	}
	for i, n := range req.NICs {
		if n.IPAddress != "" {
			continue
		}
		nic, err := c.NewNIC(n.SubnetID)
		if err != nil {
			release()
			return err
		}
		nicsOut[i] = nic
		reserved = append(reserved, nic)
	}
	var specs []SubJobSpec
	for i, n := range req.NICs {
		nic := nicsOut[i]
		for _, g := range n.SecurityGroups {
			nic.SecurityGroups = append(nic.SecurityGroups, c.Catalogue().SecurityGroup(g.ID).ID)
		}
		js, _ := json.Marshal(nic)
		specs = append(specs, SubJobSpec{Type: "addNic", Op: OpAddNIC,
			Entities: map[string]string{"server_id": srv.ID, "nic_id": nic.PortID},
			Params:   map[string]string{"nic": string(js)}})
	}
	c.Dirty()
	j := c.Submit("addNicsForServer", nil, specs)
	return c.JSON(http.StatusOK, xaJobID(j))
}

// xaCheckFixedIP refuses an address outside the subnet's CIDR, a reserved
// one (network, gateway .1, broadcast) or one already in use.
func xaCheckFixedIP(p *ProjectState, sn *Subnet, ip string) error {
	addr := net.ParseIP(ip).To4()
	if addr == nil {
		return BadRequest(fmt.Sprintf("ip_address %q is not an IPv4 address", ip))
	}
	_, ipnet, err := net.ParseCIDR(sn.CIDR)
	if err != nil || !ipnet.Contains(addr) {
		return BadRequest(fmt.Sprintf("ip_address %s is outside subnet %s (%s)", ip, sn.ID, sn.CIDR))
	}
	ones, bits := ipnet.Mask.Size()
	base := ipv4ToUint(ipnet.IP.To4())
	v := ipv4ToUint(addr)
	last := base + uint32(1)<<uint(bits-ones) - 1
	if v == base || v == base+1 || v == last {
		return BadRequest(fmt.Sprintf("ip_address %s is reserved in subnet %s (network, gateway or broadcast address)", ip, sn.CIDR))
	}
	if _, used := p.IPs[sn.ID][ip]; used {
		return Errf(http.StatusBadRequest, CodeIPUsed, fmt.Sprintf("ip_address %s is already in use in subnet %s", ip, sn.ID))
	}
	return nil
}

// handleDeleteNICs is 5.7.2 POST /v1/{tenant_id}/cloudservers/{server_id}/nics/delete.
func (s *Sim) handleDeleteNICs(c *Ctx) error {
	var req xaDeleteNICsReq
	if err := c.Decode(&req); err != nil {
		return err
	}
	srv, err := xaNICTarget(c, len(req.NICs), "NIC port id to delete", "deleting NICs")
	if err != nil {
		return err
	}
	primary := xaPrimaryPort(srv)
	busy := map[string]bool{}
	for _, sj := range xaPending(c.P, OpDeleteNIC, srv.ID) {
		busy[sj.Entities["nic_id"]] = true
	}
	seen := map[string]bool{}
	for i, n := range req.NICs {
		if n.ID == "" {
			return BadRequest(fmt.Sprintf("nics[%d].id is required", i))
		}
		if seen[n.ID] {
			return BadRequest(fmt.Sprintf("nics[%d]: port %s is listed twice", i, n.ID))
		}
		seen[n.ID] = true
		if xaNICIndex(srv, n.ID) < 0 {
			return Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("port %s is not a NIC of server %s", n.ID, srv.ID))
		}
		if n.ID == primary {
			return BadRequest(fmt.Sprintf("port %s is the primary NIC of server %s; the primary NIC cannot be deleted", n.ID, srv.ID))
		}
		if busy[n.ID] {
			return xaStateErr(http.StatusConflict, "port %s of server %s is already being deleted", n.ID, srv.ID)
		}
	}
	var specs []SubJobSpec
	for _, n := range req.NICs {
		specs = append(specs, SubJobSpec{Type: "deleteNic", Op: OpDeleteNIC,
			Entities: map[string]string{"server_id": srv.ID, "nic_id": n.ID}})
	}
	j := c.Submit("deleteNicsForServer", nil, specs)
	return c.JSON(http.StatusOK, xaJobID(j))
}

// xaPrimaryPort is the port id of srv's primary NIC (the first NIC when none
// is flagged).
func xaPrimaryPort(srv *Server) string {
	for _, n := range srv.NICs {
		if n.Primary {
			return n.PortID
		}
	}
	if len(srv.NICs) > 0 {
		return srv.NICs[0].PortID
	}
	return ""
}

func xaNICIndex(srv *Server, port string) int {
	for i, n := range srv.NICs {
		if n.PortID == port {
			return i
		}
	}
	return -1
}

// handleListNICs is 5.7.3 GET /v1/{tenant_id}/cloudservers/{server_id}/os-interface
// and its community twin 5.7.5 (/v2.1/.../servers/{server_id}/os-interface).
func (s *Sim) handleListNICs(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	list := make([]map[string]any, 0, len(srv.NICs))
	for _, n := range srv.NICs {
		list = append(list, xaNICView(c, srv, n))
	}
	return c.JSON(http.StatusOK, map[string]any{"interfaceAttachments": list})
}

// handleGetNIC is 5.7.6 GET /v2.1/{tenant_id}/servers/{server_id}/os-interface/{port_id}.
func (s *Sim) handleGetNIC(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	i := xaNICIndex(srv, c.R.PathValue("port_id"))
	if i < 0 {
		return Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("port %s is not a NIC of server %s", c.R.PathValue("port_id"), srv.ID))
	}
	return c.JSON(http.StatusOK, map[string]any{"interfaceAttachment": xaNICView(c, srv, srv.NICs[i])})
}

// xaNICView is interfaceAttachment-R_Rep (5.7.3). net_id is the subnet's
// network id, which HCS reports as the subnet id (5.2.1 nics.subnet_id is
// "the network id").
func xaNICView(c *Ctx, srv *Server, n NIC) map[string]any {
	state := "ACTIVE"
	if srv.Status != StatusActive {
		state = "DOWN"
	}
	return map[string]any{
		"port_state": state,
		"fixed_ips":  []map[string]string{{"subnet_id": n.SubnetID, "ip_address": n.IP}},
		"net_id":     n.SubnetID,
		"port_id":    n.PortID,
		"mac_addr":   n.MAC,
	}
}

func init() {
	registerEffect(OpAddNIC, Effect{
		Success: func(p *ProjectState, sj *SubJob) error {
			var nic NIC
			if err := json.Unmarshal([]byte(sj.Params["nic"]), &nic); err != nil {
				return err
			}
			srv := p.Servers[sj.Entities["server_id"]]
			if srv == nil {
				p.ReleaseIP(nic.SubnetID, nic.IP)
				return fmt.Errorf("server %s no longer exists", sj.Entities["server_id"])
			}
			srv.NICs = append(srv.NICs, nic)
			srv.Updated = sj.EndAt
			return nil
		},
		Fail: func(p *ProjectState, sj *SubJob) error {
			var nic NIC
			if json.Unmarshal([]byte(sj.Params["nic"]), &nic) == nil {
				srv := p.Servers[sj.Entities["server_id"]]
				if srv == nil || xaNICIndex(srv, nic.PortID) < 0 {
					p.ReleaseIP(nic.SubnetID, nic.IP)
				}
			}
			return nil
		},
	})
	registerEffect(OpDeleteNIC, Effect{
		Success: func(p *ProjectState, sj *SubJob) error {
			srv := p.Servers[sj.Entities["server_id"]]
			if srv == nil {
				return nil
			}
			if i := xaNICIndex(srv, sj.Entities["nic_id"]); i >= 0 {
				n := srv.NICs[i]
				p.ReleaseIP(n.SubnetID, n.IP)
				srv.NICs = append(srv.NICs[:i], srv.NICs[i+1:]...)
				srv.Updated = sj.EndAt
			}
			return nil
		},
	})
}
