package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

func (c *Ctx) link(path string) []map[string]string {
	base := "http://" + c.R.Host
	return []map[string]string{
		{"rel": "self", "href": base + "/v2.1/" + c.ProjectID + path},
		{"rel": "bookmark", "href": base + "/" + c.ProjectID + path},
	}
}

// flavorV1 is the 5.6.1/5.6.5 flavor object (vcpus a string in 5.6.5's
// example, a number in 5.6.1's: each endpoint follows its own example).
func flavorV1(c *Ctx, f *Flavor, vcpusString bool, specsKey string) map[string]any {
	var vcpus any = f.VCPUs
	var disk any = f.Disk
	if vcpusString {
		vcpus, disk = strconv.Itoa(f.VCPUs), strconv.Itoa(f.Disk)
	}
	return map[string]any{
		"id": f.ID, "name": f.Name, "vcpus": vcpus, "ram": f.RAM, "disk": disk, "swap": "",
		"OS-FLV-EXT-DATA:ephemeral": 0, "OS-FLV-DISABLED:disabled": false, "rxtx_factor": 1.0,
		"rxtx_quota": nil, "rxtx_cap": nil, "os-flavor-access:is_public": true,
		"links":  c.link("/flavors/" + f.ID),
		specsKey: map[string]string{"ecs:performancetype": "normal", "ecs:virtualization_env_types": "CloudCompute"},
	}
}

// flavorNova is the 5.6.2/5.6.3 flavor object.
func flavorNova(c *Ctx, f *Flavor) map[string]any {
	return map[string]any{
		"id": f.ID, "name": f.Name, "vcpus": f.VCPUs, "ram": f.RAM, "disk": f.Disk, "swap": "",
		"OS-FLV-EXT-DATA:ephemeral": 0, "rxtx_factor": 1.0, "OS-FLV-DISABLED:disabled": false,
		"os-flavor-access:is_public": true, "links": c.link("/flavors/" + f.ID),
	}
}

// handleResizeFlavors is 5.6.1: the flavors a server (or a source flavor)
// can be resized to, i.e. every flavor but the source. The reference says
// "any one of" the three parameters; more than one is refused (400), none
// lists every flavor.
func (s *Sim) handleResizeFlavors(c *Ctx) error {
	q := c.R.URL.Query()
	source := ""
	given := 0
	if v := q.Get("instance_uuid"); v != "" {
		given++
		srv, err := c.Server(v)
		if err != nil {
			return err
		}
		source = srv.FlavorID
	}
	for _, k := range []string{"source_flavor_id", "source_flavor_name"} {
		if v := q.Get(k); v != "" {
			given++
			f := c.Catalogue().Flavor(v)
			if f == nil {
				return BadRequest(fmt.Sprintf("%s %q is not an existing flavor", k, v))
			}
			source = f.ID
		}
	}
	if given > 1 {
		return BadRequest("give only one of instance_uuid, source_flavor_id and source_flavor_name")
	}
	out := []map[string]any{}
	for i := range c.Catalogue().Flavors {
		f := &c.Catalogue().Flavors[i]
		if isResizeTarget(source, f) {
			out = append(out, flavorV1(c, f, false, "extra_specs"))
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"flavors": out})
}

// isResizeTarget is the one rule of which flavors a server of flavor
// source may be resized to: 5.6.1 lists exactly these, and every resize
// call (5.21.x, xaResizeTarget) accepts exactly these, so a flavor a client
// picked from the list is never refused. The simulator has no host-family
// limits: every flavor but the current one.
func isResizeTarget(source string, f *Flavor) bool { return f.ID != source }

// handleFlavorsExt is 5.6.5; every flavor is usable in every AZ of the
// simulator, so availability_zone only has to name an existing zone.
func (s *Sim) handleFlavorsExt(c *Ctx) error {
	if az := c.R.URL.Query().Get("availability_zone"); az != "" && c.Catalogue().AZ(az) == nil {
		return BadRequest(fmt.Sprintf("availability_zone %q is not an availability zone", az))
	}
	out := []map[string]any{}
	for i := range c.Catalogue().Flavors {
		out = append(out, flavorV1(c, &c.Catalogue().Flavors[i], true, "os_extra_specs"))
	}
	return c.JSON(http.StatusOK, map[string]any{"flavors": out})
}

// handleFlavorsDetail is 5.6.2 with minDisk, minRam, sort_key and sort_dir.
func (s *Sim) handleFlavorsDetail(c *Ctx) error {
	fl, err := flavorsQuery(c)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, f := range fl {
		out = append(out, flavorNova(c, f))
	}
	return c.JSON(http.StatusOK, map[string]any{"flavors": out})
}

// handleFlavorsList is 5.6.6: 5.6.2's query parameters, each flavor as
// {id, links, name}.
func (s *Sim) handleFlavorsList(c *Ctx) error {
	fl, err := flavorsQuery(c)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, f := range fl {
		out = append(out, map[string]any{"id": f.ID, "name": f.Name, "links": c.link("/flavors/" + f.ID)})
	}
	return c.JSON(http.StatusOK, map[string]any{"flavors": out})
}

// flavorsQuery applies 5.6.2/5.6.6's minDisk, minRam, sort_key and sort_dir.
func flavorsQuery(c *Ctx) ([]*Flavor, error) {
	q := c.R.URL.Query()
	minDisk, err := queryInt(q.Get("minDisk"), "minDisk")
	if err != nil {
		return nil, err
	}
	minRAM, err := queryInt(q.Get("minRam"), "minRam")
	if err != nil {
		return nil, err
	}
	var fl []*Flavor
	for i := range c.Catalogue().Flavors {
		f := &c.Catalogue().Flavors[i]
		if f.Disk >= minDisk && f.RAM >= minRAM {
			fl = append(fl, f)
		}
	}
	key := q.Get("sort_key")
	less := map[string]func(a, b *Flavor) bool{
		"": func(a, b *Flavor) bool { return a.ID < b.ID }, "flavorid": func(a, b *Flavor) bool { return a.ID < b.ID },
		"name": func(a, b *Flavor) bool { return a.Name < b.Name }, "memory_mb": func(a, b *Flavor) bool { return a.RAM < b.RAM },
		"vcpus": func(a, b *Flavor) bool { return a.VCPUs < b.VCPUs }, "root_gb": func(a, b *Flavor) bool { return a.Disk < b.Disk },
	}[key]
	if less == nil {
		return nil, BadRequest(fmt.Sprintf("sort_key %q must be one of name, memory_mb, vcpus, root_gb, flavorid", key))
	}
	dir := q.Get("sort_dir")
	if dir != "" && dir != "asc" && dir != "desc" {
		return nil, BadRequest(fmt.Sprintf("sort_dir %q must be asc or desc", dir))
	}
	sort.SliceStable(fl, func(i, j int) bool {
		if dir == "desc" {
			return less(fl[j], fl[i])
		}
		return less(fl[i], fl[j])
	})
	return fl, nil
}

func queryInt(v, name string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, BadRequest(fmt.Sprintf("%s %q must be a whole number >= 0", name, v))
	}
	return n, nil
}

// handleFlavor is 5.6.3; an unknown flavor is 404 itemNotFound.
func (s *Sim) handleFlavor(c *Ctx) error {
	f := c.Catalogue().Flavor(c.R.PathValue("flavor_id"))
	if f == nil {
		return Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("flavor %s could not be found", c.R.PathValue("flavor_id")))
	}
	return c.JSON(http.StatusOK, map[string]any{"flavor": flavorNova(c, f)})
}

func imageView(c *Ctx, img *Image, detail bool) map[string]any {
	links := c.link("/images/" + img.ID)
	m := map[string]any{"id": img.ID, "name": img.Name, "links": links}
	if detail {
		m["status"], m["progress"] = "ACTIVE", 100
		m["minDisk"], m["minRam"] = img.MinDisk, img.MinRAM
		m["created"], m["updated"] = "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"
		m["OS-EXT-IMG-SIZE:size"] = int64(img.MinDisk) << 28
		m["metadata"] = map[string]string{"__os_type": img.OSType, "__os_bit": img.OSBit, "__os_version": img.Name, "virtual_env_type": "KVM"}
	}
	return m
}

// handleImages is 5.4.1 (detail false) and 5.4.2 (detail true), with the
// name, minDisk, minRam and status filters (all images are ACTIVE).
func (s *Sim) handleImages(detail bool) handlerFunc {
	return func(c *Ctx) error {
		q := c.R.URL.Query()
		minDisk, err := queryInt(q.Get("minDisk"), "minDisk")
		if err != nil {
			return err
		}
		minRAM, err := queryInt(q.Get("minRam"), "minRam")
		if err != nil {
			return err
		}
		name, status := q.Get("name"), q.Get("status")
		out := []map[string]any{}
		for i := range c.Catalogue().Images {
			img := &c.Catalogue().Images[i]
			if name != "" && img.Name != name || img.MinDisk < minDisk || img.MinRAM < minRAM ||
				status != "" && !strings.EqualFold(status, "ACTIVE") {
				continue
			}
			out = append(out, imageView(c, img, detail))
		}
		return c.JSON(http.StatusOK, map[string]any{"images": out})
	}
}

// handleImage is 5.4.4.
func (s *Sim) handleImage(c *Ctx) error {
	img := c.Catalogue().Image(c.R.PathValue("image_id"))
	if img == nil {
		return Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("image %s could not be found", c.R.PathValue("image_id")))
	}
	return c.JSON(http.StatusOK, map[string]any{"image": imageView(c, img, true)})
}

// handleAZs is 5.20.1 (also under /v2/, as chapter 4 calls it).
func (s *Sim) handleAZs(c *Ctx) error {
	out := []map[string]any{}
	for _, z := range c.Catalogue().AvailabilityZones {
		out = append(out, map[string]any{"zoneName": z.Name, "zoneState": map[string]bool{"available": z.Available}, "hosts": nil})
	}
	return c.JSON(http.StatusOK, map[string]any{"availabilityZoneInfo": out})
}

// absolute is the 19-field limits object of 5.10.1 and 5.10.3, with the
// used values derived from the project's state.
func absolute(c *Ctx) map[string]int {
	q, u := c.P.Quotas, c.P.Usage(c.Catalogue())
	return map[string]int{
		"maxImageMeta": 128, "maxPersonality": 5, "maxPersonalitySize": 1024,
		"maxSecurityGroupRules": -1, "maxSecurityGroups": -1,
		"maxServerGroupMembers": q.ServerGroupMembers, "maxServerGroups": q.ServerGroups,
		"maxServerMeta": q.MetadataItems, "maxTotalCores": q.Cores, "maxTotalFloatingIps": -1,
		"maxTotalInstances": q.Instances, "maxTotalKeypairs": q.KeyPairs, "maxTotalRAMSize": q.RAM,
		"totalCoresUsed": u.Cores, "totalFloatingIpsUsed": 0, "totalInstancesUsed": u.Instances,
		"totalRAMUsed": u.RAM, "totalSecurityGroupsUsed": len(c.Catalogue().SecurityGroups),
		"totalServerGroupsUsed": u.ServerGroups,
	}
}

// handleLimitsV1 is 5.10.1.
func (s *Sim) handleLimitsV1(c *Ctx) error {
	return c.JSON(http.StatusOK, map[string]any{"absolute": absolute(c)})
}

// handleLimitsV21 is 5.10.3 (numbers, as its example shows).
func (s *Sim) handleLimitsV21(c *Ctx) error {
	return c.JSON(http.StatusOK, map[string]any{"limits": map[string]any{"rate": []any{}, "absolute": absolute(c)}})
}

// handleQuotaSet is 5.10.2 / 5.10.4. The path names the project twice; a
// tenant may only read its own quotas (as 5.10.3 says of limits), so the
// second id must be the caller's project (403 otherwise).
func (s *Sim) handleQuotaSet(defaults bool) handlerFunc {
	return func(c *Ctx) error {
		if c.R.PathValue("target_id") != c.ProjectID {
			return Errf(http.StatusForbidden, CodeForbidden, "a project can only read its own quotas")
		}
		q := c.P.Quotas
		if defaults {
			q = c.s.cfg.Quotas
		}
		return c.JSON(http.StatusOK, map[string]any{"quota_set": map[string]any{
			"id": c.ProjectID, "cores": q.Cores, "instances": q.Instances, "ram": q.RAM,
			"key_pairs": q.KeyPairs, "server_groups": q.ServerGroups, "server_group_members": q.ServerGroupMembers,
			"metadata_items": q.MetadataItems, "injected_files": 5, "injected_file_content_bytes": 1024,
			"injected_file_path_bytes": 255, "fixed_ips": -1, "floating_ips": -1,
			"security_groups": -1, "security_group_rules": -1,
		}})
	}
}
