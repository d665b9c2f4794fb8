package sim

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// Community-compatible (Nova) NIC and volume-attachment writes: 5.7.4 add
// one NIC, 5.7.7 remove one NIC, 5.8.14 attach, 5.8.15/5.8.16 list/get
// attachments, 5.8.17 detach. They act on the same state as the native
// batch APIs and keep the same limits (16 NICs, 59 data disks, 16 servers
// per shared volume). 5.7.4 and 5.8.14 answer with the result directly
// (5.8.2: "the native API is synchronous"), so they apply at once; 5.7.7
// and 5.8.17 answer 202 and finish as a job like their native twins.

type xaInterfaceReq struct {
	InterfaceAttachment *struct {
		FixedIPs []struct {
			IPAddress string `json:"ip_address"`
			Tag       string `json:"tag"`
		} `json:"fixed_ips"`
		NetID  string `json:"net_id"`
		PortID string `json:"port_id"`
		// tag is tabled inside fixed_ips but the second example puts it
		// here (NOTE 5.7.4); both are accepted, neither is modelled.
		Tag string `json:"tag"`
	} `json:"interfaceAttachment"`
}

// handleAddInterface is 5.7.4 POST /v2.1/{tenant_id}/servers/{server_id}/os-interface.
//
// A port_id names a port created beforehand in the network service, which
// the simulator does not model: the named port is plugged into the server
// on the subnet of its primary NIC (a port id already plugged anywhere is a
// 409 conflict). net_id is the network (subnet) id of the simulator.
func (s *Sim) handleAddInterface(c *Ctx) error {
	var req xaInterfaceReq
	if err := c.Decode(&req); err != nil {
		return err
	}
	ia := req.InterfaceAttachment
	if ia == nil {
		return BadRequest("interfaceAttachment is required")
	}
	if ia.PortID != "" && ia.NetID != "" {
		return BadRequest("give port_id or net_id, not both")
	}
	if ia.PortID == "" && ia.NetID == "" {
		return BadRequest("give port_id or net_id")
	}
	if len(ia.FixedIPs) > 1 {
		return BadRequest(fmt.Sprintf("fixed_ips has %d elements; only one is allowed", len(ia.FixedIPs)))
	}
	srv, err := c.ServerForChange(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	if err := xaRequireStatus(http.StatusConflict, srv, "adding a NIC", StatusActive, StatusShutoff); err != nil {
		return err
	}
	pending := len(xaPending(c.P, OpAddNIC, srv.ID))
	if total := len(srv.NICs) + pending + 1; total > rules.MaxNICsPerServer {
		return BadRequest(fmt.Sprintf("server %s already has %d NICs (%d being added); the limit is %d per server", srv.ID, len(srv.NICs), pending, rules.MaxNICsPerServer))
	}
	var nic NIC
	if ia.PortID != "" {
		for _, other := range c.P.Servers {
			if xaNICIndex(other, ia.PortID) >= 0 {
				return Errf(http.StatusConflict, CodeConflict, fmt.Sprintf("port %s is already plugged into server %s", ia.PortID, other.ID))
			}
		}
		i := xaNICIndex(srv, xaPrimaryPort(srv))
		if i < 0 {
			return BadRequest("the server has no NIC whose network the port could belong to; give net_id")
		}
		sn := c.Catalogue().Subnet(srv.NICs[i].SubnetID)
		if sn == nil {
			return Errf(http.StatusBadRequest, CodeNetworkMissing, "the primary NIC's subnet no longer exists")
		}
		ip, err := c.P.AllocIP(sn, ia.PortID)
		if err != nil {
			return err
		}
		nic = NIC{PortID: ia.PortID, MAC: macFor(ia.PortID), IP: ip, SubnetID: sn.ID, Type: "fixed", Version: 4}
	} else {
		sn := c.Catalogue().Subnet(ia.NetID)
		if sn == nil {
			return Errf(http.StatusNotFound, CodeNetworkMissing, fmt.Sprintf("network %s does not exist", ia.NetID))
		}
		if len(ia.FixedIPs) == 1 && ia.FixedIPs[0].IPAddress != "" {
			if err := xaCheckFixedIP(c.P, sn, ia.FixedIPs[0].IPAddress); err != nil {
				return err
			}
			port := c.NewUUID()
			if c.P.IPs[sn.ID] == nil {
				c.P.IPs[sn.ID] = map[string]string{}
			}
			c.P.IPs[sn.ID][ia.FixedIPs[0].IPAddress] = port
			nic = NIC{PortID: port, MAC: macFor(port), IP: ia.FixedIPs[0].IPAddress, SubnetID: sn.ID, Type: "fixed", Version: 4}
		} else if nic, err = c.NewNIC(sn.ID); err != nil {
			return err
		}
	}
	nic.SecurityGroups = append([]string(nil), srv.SecurityGroups...)
	srv.NICs = append(srv.NICs, nic)
	srv.Updated = c.Now
	c.Dirty()
	return c.JSON(http.StatusOK, map[string]any{"interfaceAttachment": xaNICView(c, srv, nic)})
}

// handleRemoveInterface is 5.7.7 DELETE /v2.1/{tenant_id}/servers/{server_id}/os-interface/{port_id}:
// 202, no body. Chapter 4 (4.3.3.5.3): the primary NIC of a server with
// several NICs can only go after the others, so it is a 409 then.
func (s *Sim) handleRemoveInterface(c *Ctx) error {
	srv, err := c.ServerForChange(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	port := c.R.PathValue("port_id")
	if xaNICIndex(srv, port) < 0 {
		return Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("port %s is not a NIC of server %s", port, srv.ID))
	}
	if err := xaRequireStatus(http.StatusConflict, srv, "removing a NIC", StatusActive, StatusShutoff); err != nil {
		return err
	}
	if port == xaPrimaryPort(srv) && len(srv.NICs) > 1 {
		return xaStateErr(http.StatusConflict, "port %s is the primary NIC of server %s; detach the other NICs first", port, srv.ID)
	}
	for _, sj := range xaPending(c.P, OpDeleteNIC, srv.ID) {
		if sj.Entities["nic_id"] == port {
			return xaStateErr(http.StatusConflict, "port %s of server %s is already being removed", port, srv.ID)
		}
	}
	c.Submit("deleteNicsForServer", nil, []SubJobSpec{{Type: "deleteNic", Op: OpDeleteNIC,
		Entities: map[string]string{"server_id": srv.ID, "nic_id": port}}})
	return c.NoContent(http.StatusAccepted)
}

type xaCompatAttachReq struct {
	VolumeAttachment *struct {
		VolumeID string `json:"volumeId"`
		Device   string `json:"device"`
		Tag      string `json:"tag"`
	} `json:"volumeAttachment"`
}

// handleCompatAttach is 5.8.14 POST /v2.1/{tenant_id}/servers/{server_id}/os-volume_attachments:
// synchronous, 200 with the attachment; wrong states are 409 (listed).
func (s *Sim) handleCompatAttach(c *Ctx) error {
	var req xaCompatAttachReq
	if err := c.Decode(&req); err != nil {
		return err
	}
	a := req.VolumeAttachment
	if a == nil || a.VolumeID == "" {
		return BadRequest("volumeAttachment.volumeId is required")
	}
	srv, err := c.ServerForChange(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	vol, err := xaVolume(c, a.VolumeID)
	if err != nil {
		return err
	}
	if vol.Bootable && a.Device == "" {
		return BadRequest("attaching a bootable volume needs device (5.8.14)")
	}
	if err := xaVolumeAttachable(c.P, vol, 1, http.StatusConflict); err != nil {
		return err
	}
	dev, err := xaCheckAttach(c, vol, srv, a.Device, http.StatusConflict)
	if err != nil {
		return err
	}
	xaApplyAttach(srv, vol, dev)
	srv.Updated = c.Now
	c.Dirty()
	return c.JSON(http.StatusOK, map[string]any{"volumeAttachment": xaAttachmentView(srv.ID, vol.ID, dev)})
}

func xaAttachmentView(serverID, volumeID, device string) map[string]string {
	return map[string]string{"device": device, "id": volumeID, "serverId": serverID, "volumeId": volumeID}
}

// handleCompatAttachments is 5.8.15 GET .../servers/{server_id}/os-volume_attachments
// with limit/offset (the only paged list of 5.8).
func (s *Sim) handleCompatAttachments(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	offset, limit := 0, len(srv.Volumes)
	for name, dst := range map[string]*int{"offset": &offset, "limit": &limit} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return BadRequest(fmt.Sprintf("%s %q is not a non-negative integer", name, v))
			}
			*dst = n
		}
	}
	list := []map[string]string{}
	for i := offset; i < len(srv.Volumes) && len(list) < limit; i++ {
		list = append(list, xaAttachmentView(srv.ID, srv.Volumes[i].VolumeID, srv.Volumes[i].Device))
	}
	return c.JSON(http.StatusOK, map[string]any{"volumeAttachments": list})
}

// handleCompatAttachment is 5.8.16 GET .../servers/{server_id}/os-volume_attachments/{volume_id}.
func (s *Sim) handleCompatAttachment(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	id := c.R.PathValue("volume_id")
	for _, a := range srv.Volumes {
		if a.VolumeID == id {
			return c.JSON(http.StatusOK, map[string]any{"volumeAttachment": xaAttachmentView(srv.ID, id, a.Device)})
		}
	}
	return Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("volume %s is not attached to server %s", id, srv.ID))
}

// handleCompatDetach is 5.8.17 DELETE /v2/{tenant_id}/servers/{server_id}/os-volume_attachments/{volume_id}
// (delete_flag an Integer 0/1 here); 202, no body; wrong states are 409.
func (s *Sim) handleCompatDetach(c *Ctx) error {
	flag := c.R.URL.Query().Get("delete_flag")
	if flag != "" && flag != "0" && flag != "1" {
		return BadRequest(fmt.Sprintf("delete_flag %q must be 0 or 1", flag))
	}
	if _, err := xaDetach(c, c.R.PathValue("server_id"), c.R.PathValue("volume_id"), flag == "1", http.StatusConflict); err != nil {
		return err
	}
	return c.NoContent(http.StatusAccepted)
}
