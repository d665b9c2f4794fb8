package sim

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// Ctx is one API request inside the state lock. Handlers read and change
// c.P (the caller's project) directly; they call c.Dirty() after a change so
// the state is saved. Everything a handler needs goes through Ctx, so the
// endpoint files do not reach into Sim's internals.
type Ctx struct {
	s         *Sim
	W         http.ResponseWriter
	R         *http.Request
	Body      []byte
	Style     Style
	ProjectID string
	P         *ProjectState // nil for IAM and admin routes
	Now       time.Time     // simulated time of this request
	dirty     bool
}

// Dirty marks the state changed (it is saved when the handler returns).
func (c *Ctx) Dirty() { c.dirty = true }

// Decode strictly decodes the body into v (unknown fields or wrong types
// give 400 Ecs.0005).
func (c *Ctx) Decode(v any) error {
	if e := decodeStrict(c.Body, v); e != nil {
		return e
	}
	return nil
}

// JSON writes v with status and returns nil, so a handler can `return c.JSON(...)`.
func (c *Ctx) JSON(status int, v any) error {
	writeJSON(c.W, status, v)
	return nil
}

// rawJSON writes an already encoded JSON body (ending in a newline, as
// c.JSON's answers do) with status.
func (c *Ctx) rawJSON(status int, body []byte) error {
	c.W.Header().Set("Content-Type", "application/json;charset=UTF-8")
	c.W.WriteHeader(status)
	_, _ = c.W.Write(body)
	return nil
}

// NoContent writes status with no body (204, 202).
func (c *Ctx) NoContent(status int) error {
	c.W.WriteHeader(status)
	return nil
}

// Catalogue is what the cloud offers.
func (c *Ctx) Catalogue() *Catalogue { return &c.s.cfg.Catalogue }

// Config is the simulator's configuration.
func (c *Ctx) Config() *Config { return &c.s.cfg }

// Server returns the server id of the caller's project, or a 404 error
// (itemNotFound / Ecs.0114).
func (c *Ctx) Server(id string) (*Server, error) {
	if srv := c.P.Servers[id]; srv != nil {
		return srv, nil
	}
	return nil, Errf(http.StatusNotFound, CodeServerNotFound, fmt.Sprintf("server %s does not exist", id))
}

// ServerForChange is Server plus the refusals every mutating call shares:
// a locked server (409, 5.2.x "locked" semantics) and a server whose delete
// is in progress or that is still building (409 wrong state).
func (c *Ctx) ServerForChange(id string) (*Server, error) {
	srv, err := c.Server(id)
	if err != nil {
		return nil, err
	}
	if srv.Locked {
		return nil, Errf(http.StatusConflict, CodeLocked, fmt.Sprintf("server %s is locked; unlock it before changing it", id))
	}
	if srv.TaskState == TaskDeleting {
		return nil, Errf(http.StatusConflict, CodeState, fmt.Sprintf("server %s is being deleted", id))
	}
	return srv, nil
}

// RequireStatus refuses (409 Ecs.0220) unless srv is in one of statuses.
func (c *Ctx) RequireStatus(srv *Server, statuses ...string) error {
	for _, st := range statuses {
		if srv.Status == st {
			return nil
		}
	}
	return Errf(http.StatusConflict, CodeState, fmt.Sprintf("server %s is %s; this operation needs it %v", srv.ID, srv.Status, statuses))
}

// NewUUID returns a deterministic UUID (seed + state counter).
func (c *Ctx) NewUUID() string { return c.s.state.newUUID(c.s.cfg.Seed) }

// NewHexID returns a deterministic 32-hex id.
func (c *Ctx) NewHexID() string { return c.s.state.newHexID(c.s.cfg.Seed) }

// Submit creates and schedules a job in the caller's project (see jobs.go).
func (c *Ctx) Submit(jobType string, entities map[string]string, specs []SubJobSpec) *Job {
	c.dirty = true
	return c.s.submitJob(c.P, c.Now, jobType, entities, specs)
}

// CheckQuota refuses (400 Ecs.0001, as HCS answers insufficient quota) when
// adding add to the current usage would exceed a limit.
func (c *Ctx) CheckQuota(add Usage) error {
	u := c.P.Usage(c.Catalogue())
	q := c.P.Quotas
	check := func(name string, used, more, limit int) error {
		if limit >= 0 && more > 0 && used+more > limit {
			return Errf(http.StatusBadRequest, CodeQuota, fmt.Sprintf("insufficient %s quota: %d used, %d requested, limit %d", name, used, more, limit))
		}
		return nil
	}
	for _, e := range []error{
		check("instances", u.Instances, add.Instances, q.Instances),
		check("cores", u.Cores, add.Cores, q.Cores),
		check("ram (MB)", u.RAM, add.RAM, q.RAM),
		check("key_pairs", u.KeyPairs, add.KeyPairs, q.KeyPairs),
		check("server_groups", u.ServerGroups, add.ServerGroups, q.ServerGroups),
		check("volumes", u.Volumes, add.Volumes, q.Volumes),
		check("gigabytes", u.Gigabytes, add.Gigabytes, q.Gigabytes),
	} {
		if e != nil {
			return e
		}
	}
	return nil
}

// NewNIC allocates a port on subnet (id or name) with the next free address
// and returns it (not yet attached to a server).
func (c *Ctx) NewNIC(subnetRef string) (NIC, error) {
	sn := c.Catalogue().Subnet(subnetRef)
	if sn == nil {
		return NIC{}, Errf(http.StatusBadRequest, CodeNetworkMissing, fmt.Sprintf("subnet %s does not exist", subnetRef))
	}
	port := c.NewUUID()
	ip, err := c.P.AllocIP(sn, port)
	if err != nil {
		return NIC{}, err
	}
	c.dirty = true
	return NIC{PortID: port, MAC: macFor(port), IP: ip, SubnetID: sn.ID, Type: "fixed", Version: 4}, nil
}

// AllocIP reserves the next free host address of sn for port. The network
// and broadcast addresses and the gateway (.1) are never handed out.
func (p *ProjectState) AllocIP(sn *Subnet, port string) (string, error) {
	_, ipnet, err := net.ParseCIDR(sn.CIDR)
	if err != nil || ipnet.IP.To4() == nil {
		return "", Errf(http.StatusInternalServerError, CodeSystem, "subnet "+sn.Name+" has no usable IPv4 CIDR")
	}
	used := p.IPs[sn.ID]
	if used == nil {
		used = map[string]string{}
		p.IPs[sn.ID] = used
	}
	ones, bits := ipnet.Mask.Size()
	size := uint32(1) << uint(bits-ones)
	if size < 4 {
		return "", Errf(http.StatusBadRequest, CodeNoIPs, "subnet "+sn.Name+" is too small")
	}
	base := ipv4ToUint(ipnet.IP.To4())
	hosts := size - 3 // minus network, gateway, broadcast
	startAt := uint32(len(used)) % hosts
	for i := uint32(0); i < hosts; i++ {
		off := 2 + (startAt+i)%hosts
		ip := uintToIPv4(base + off).String()
		if _, taken := used[ip]; !taken {
			used[ip] = port
			return ip, nil
		}
	}
	return "", Errf(http.StatusBadRequest, CodeNoIPs, "subnet "+sn.Name+" has no free IP addresses left")
}

// ReleaseIP frees an address allocated by AllocIP.
func (p *ProjectState) ReleaseIP(subnetID, ip string) {
	if m := p.IPs[subnetID]; m != nil {
		delete(m, ip)
	}
}

func ipv4ToUint(ip net.IP) uint32 {
	return uint32(ip[0])<<24 | uint32(ip[1])<<16 | uint32(ip[2])<<8 | uint32(ip[3])
}

func uintToIPv4(v uint32) net.IP {
	return net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// Task states used by the simulator (OS-EXT-STS:task_state).
const (
	TaskNone        = ""
	TaskSpawning    = "spawning"
	TaskDeleting    = "deleting"
	TaskResizing    = "resize_prep"
	TaskPoweringOn  = "powering-on"
	TaskPoweringOff = "powering-off"
	TaskRebooting   = "rebooting"
)
