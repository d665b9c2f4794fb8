package sim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// kindOf is the JSON kind of a decoded value: string, number, bool, array,
// object or null.
func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return "?"
}

// wantKinds fails unless obj has every field of want with that JSON kind.
func wantKinds(t *testing.T, what string, obj any, want map[string]string) map[string]any {
	t.Helper()
	m, ok := obj.(map[string]any)
	if !ok {
		t.Fatalf("%s: not an object: %v", what, obj)
	}
	for f, k := range want {
		v, present := m[f]
		if !present {
			t.Fatalf("%s: field %q missing in %v", what, f, m)
		}
		if kindOf(v) != k {
			t.Fatalf("%s: field %q is %s (%v), want %s", what, f, kindOf(v), v, k)
		}
	}
	return m
}

// TestPortView checks GET /v1/{project_id}/ports/{id}: the port of a
// server's NIC, with the fields the Terraform provider reads, by token and
// by AK/SK, and 404 in the VPC shape.
func TestPortView(t *testing.T) {
	ts := newTestSim(t)
	srvID := ts.createServers(1, nil)[0]
	srv := xaServer(ts, srvID)
	nic := srv.NICs[0]

	// The port id is what the server detail shows.
	st, b := ts.do("GET", ts.v1("/cloudservers/"+srvID), nil)
	if st != http.StatusOK || !strings.Contains(stringify(b), nic.PortID) {
		t.Fatalf("server detail does not show port %s: %d %v", nic.PortID, st, b)
	}

	st, b = ts.do("GET", ts.v1("/ports/"+nic.PortID), nil)
	if st != http.StatusOK {
		t.Fatalf("port: %d %v", st, b)
	}
	p := wantKinds(t, "port", b["port"], map[string]string{
		"id": "string", "name": "string", "network_id": "string", "mac_address": "string", "fixed_ips": "array",
		"device_id": "string", "device_owner": "string", "status": "string", "security_groups": "array",
		"allowed_address_pairs": "array", "admin_state_up": "bool", "tenant_id": "string",
		"extra_dhcp_opts": "array", "binding:vif_details": "object", "binding:vnic_type": "string",
		"dns_assignment": "array", "dns_name": "string", "instance_id": "string", "instance_type": "string",
		"port_security_enabled": "bool", "zone_id": "string",
	})
	if p["id"] != nic.PortID || p["network_id"] != nic.SubnetID || p["mac_address"] != nic.MAC ||
		p["device_id"] != srvID || p["device_owner"] != "compute:az1.dc1" || p["status"] != "ACTIVE" ||
		len(p["allowed_address_pairs"].([]any)) != 0 || p["tenant_id"] != ts.pid {
		t.Fatalf("port view: %v", p)
	}
	ip := wantKinds(t, "fixed_ips[0]", p["fixed_ips"].([]any)[0], map[string]string{"subnet_id": "string", "ip_address": "string"})
	if len(p["fixed_ips"].([]any)) != 1 || ip["ip_address"] != nic.IP || ip["subnet_id"] != neutronSubnetID(nic.SubnetID) {
		t.Fatalf("fixed_ips: %v", p["fixed_ips"])
	}
	if sgs := p["security_groups"].([]any); len(sgs) != 1 || sgs[0] != srv.SecurityGroups[0] {
		t.Fatalf("security_groups: %v", sgs)
	}
	// The port's network_id is the subnet view's neutron_network_id.
	_, sb := ts.do("GET", ts.v1("/subnets/"+nic.SubnetID), nil)
	if sb["subnet"].(map[string]any)["neutron_network_id"] != p["network_id"] {
		t.Fatalf("subnet %v and port %v disagree on the network", sb, p)
	}

	// AK/SK works as for every route.
	st, b = ts.signedDo("GET", ts.v1("/ports/"+nic.PortID), nil, DefaultAK, DefaultSK, ts.clock.Now(), false, nil)
	if st != http.StatusOK || b["port"].(map[string]any)["id"] != nic.PortID {
		t.Fatalf("port by AK/SK: %d %v", st, b)
	}
	// No credentials: 401.
	if resp := ts.raw("GET", ts.v1("/ports/"+nic.PortID), nil, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("port without credentials: %d", resp.StatusCode)
	}

	for _, ref := range []string{"nope", srvID, nic.MAC} {
		st, b = ts.do("GET", ts.v1("/ports/"+ref), nil)
		if st != http.StatusNotFound || b["code"] != CodeVPCPortNotFound || !strings.Contains(b["message"].(string), ref) {
			t.Fatalf("port %q: %d %v, want 404 %s in the VPC shape", ref, st, b, CodeVPCPortNotFound)
		}
	}
	st, b = ts.do("GET", ts.v1("/ports/"+nic.PortID+"?fields=id"), nil)
	if st != http.StatusBadRequest || b["code"] != CodeVPCInvalid {
		t.Fatalf("port with a query: %d %v", st, b)
	}
}

// TestEVSVolumeView checks GET /v2/{project_id}/volumes/{id} for a system
// disk made by a create and a data disk made by 5.8.10 and attached.
func TestEVSVolumeView(t *testing.T) {
	ts := newTestSim(t)
	srvID := ts.createServers(1, nil)[0]
	sysID := xaServer(ts, srvID).Volumes[0].VolumeID

	kinds := map[string]string{
		"id": "string", "name": "string", "status": "string", "size": "number", "description": "string",
		"volume_type": "string", "availability_zone": "string", "attachments": "array", "links": "array",
		"volume_image_metadata": "object", "bootable": "string", "multiattach": "bool", "metadata": "object",
		"encrypted": "bool", "os-vol-tenant-attr:tenant_id": "string", "service_type": "string",
		"created_at": "string", "updated_at": "string", "tags": "object", "snapshot_id": "null",
	}
	st, b := ts.do("GET", "/v2/"+ts.pid+"/volumes/"+sysID, nil)
	if st != http.StatusOK {
		t.Fatalf("system disk: %d %v", st, b)
	}
	v := wantKinds(t, "volume", b["volume"], kinds)
	if v["id"] != sysID || v["size"] != 40.0 || v["volume_type"] != "SATA" || v["status"] != "in-use" ||
		v["bootable"] != "true" || v["multiattach"] != false || v["availability_zone"] != "az1.dc1" {
		t.Fatalf("system disk view: %v", v)
	}
	if im := v["volume_image_metadata"].(map[string]any); im["image_id"] != ImageCentOS82 {
		t.Fatalf("volume_image_metadata: %v", im)
	}
	atts := v["attachments"].([]any)
	a := wantKinds(t, "attachment", atts[0], map[string]string{
		"attachment_id": "string", "server_id": "string", "device": "string", "volume_id": "string", "id": "string",
	})
	if len(atts) != 1 || a["server_id"] != srvID || a["device"] != "/dev/vda" || a["volume_id"] != sysID ||
		a["attachment_id"] != evsAttachmentID(sysID, srvID) {
		t.Fatalf("attachments: %v", atts)
	}
	// The same attachment shows the same id on every read.
	_, b2 := ts.do("GET", "/v2/"+ts.pid+"/volumes/"+sysID, nil)
	if b2["volume"].(map[string]any)["attachments"].([]any)[0].(map[string]any)["attachment_id"] != a["attachment_id"] {
		t.Fatal("attachment_id changed between reads")
	}

	// A data disk made by 5.8.10 is the same state: the view follows an
	// attach and shows its metadata.
	dataID := xaNewVolume(t, ts, 20, false)
	st, b = ts.do("GET", "/v2/"+ts.pid+"/volumes/"+dataID, nil)
	v = wantKinds(t, "data volume", b["volume"], kinds)
	if st != http.StatusOK || v["size"] != 20.0 || v["bootable"] != "false" || len(v["attachments"].([]any)) != 0 {
		t.Fatalf("data disk: %d %v", st, v)
	}
	xaJob(t, ts, "POST", ts.v1("/cloudservers/"+srvID+"/attachvolume"),
		map[string]any{"volumeAttachment": map[string]any{"volumeId": dataID, "device": "/dev/vdb"}})
	_, b = ts.do("GET", "/v2/"+ts.pid+"/volumes/"+dataID, nil)
	v = b["volume"].(map[string]any)
	if v["status"] != "in-use" || len(v["attachments"].([]any)) != 1 ||
		v["attachments"].([]any)[0].(map[string]any)["server_id"] != srvID {
		t.Fatalf("attached data disk: %v", v)
	}

	st, b = ts.signedDo("GET", "/v2/"+ts.pid+"/volumes/"+sysID, nil, DefaultAK, DefaultSK, ts.clock.Now(), false, nil)
	if st != http.StatusOK || b["volume"].(map[string]any)["id"] != sysID {
		t.Fatalf("volume by AK/SK: %d %v", st, b)
	}
	if resp := ts.raw("GET", "/v2/"+ts.pid+"/volumes/"+sysID, nil, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("volume without credentials: %d", resp.StatusCode)
	}
	st, b = ts.do("GET", "/v2/"+ts.pid+"/volumes/nope", nil)
	wantErr(t, st, b, http.StatusNotFound, CodeEVSVolumeNotFound)
	// Another project's path: the tenant check, as for every route.
	st, _ = ts.do("GET", "/v2/00000000000000000000000000000000/volumes/"+sysID, nil)
	if st != http.StatusForbidden {
		t.Fatalf("volume under another project: %d, want 403", st)
	}
}

// TestIMSImageList checks GET /v2/cloudimages: the catalogue as gold
// images, the filters the provider sends (id or name, limit=1), paging, and
// refusals.
func TestIMSImageList(t *testing.T) {
	ts := newTestSim(t)
	cat := DefaultCatalogue()

	st, b := ts.do("GET", "/v2/cloudimages", nil)
	if st != http.StatusOK || len(b["images"].([]any)) != len(cat.Images) {
		t.Fatalf("images: %d %v", st, b)
	}
	if _, ok := b["next"]; ok {
		t.Fatalf("a full list has no next link: %v", b["next"])
	}
	im := wantKinds(t, "image", b["images"].([]any)[0], map[string]string{
		"id": "string", "name": "string", "status": "string", "visibility": "string", "min_disk": "number",
		"min_ram": "number", "protected": "bool", "__os_type": "string", "__os_bit": "string",
		"__imagetype": "string", "__isregistered": "string", "__platform": "string", "__whole_image": "string",
		"disk_format": "string", "container_format": "string", "tags": "array", "created_at": "string",
		"size": "number", "virtual_env_type": "string", "__support_kvm": "string",
	})
	c0 := cat.Images[0]
	if im["id"] != c0.ID || im["name"] != c0.Name || im["status"] != "active" || im["visibility"] != "public" ||
		im["__imagetype"] != "gold" || im["min_disk"] != float64(c0.MinDisk) || im["__os_type"] != "Linux" ||
		im["__os_bit"] != "64" || im["__platform"] != "CentOS" {
		t.Fatalf("image view: %v", im)
	}

	// What the provider sends: name or id, limit=1.
	for _, q := range []string{"?name=" + strings.ReplaceAll(cat.Images[3].Name, " ", "+") + "&limit=1", "?id=" + cat.Images[3].ID + "&limit=1"} {
		st, b = ts.do("GET", "/v2/cloudimages"+q, nil)
		if st != http.StatusOK || len(b["images"].([]any)) != 1 || b["images"].([]any)[0].(map[string]any)["id"] != cat.Images[3].ID {
			t.Fatalf("images%s: %d %v", q, st, b)
		}
	}
	st, b = ts.do("GET", "/v2/cloudimages?__imagetype=gold&status=active&visibility=public&__os_type=Windows&protected=true", nil)
	if st != http.StatusOK || len(b["images"].([]any)) != 1 || b["images"].([]any)[0].(map[string]any)["__platform"] != "Windows" {
		t.Fatalf("Windows gold images: %d %v", st, b)
	}
	st, b = ts.do("GET", "/v2/cloudimages?name=nope", nil)
	if st != http.StatusOK || len(b["images"].([]any)) != 0 {
		t.Fatalf("no match: %d %v", st, b)
	}
	st, b = ts.do("GET", "/v2/cloudimages?__imagetype=private", nil)
	if st != http.StatusOK || len(b["images"].([]any)) != 0 {
		t.Fatalf("private images: %d %v", st, b)
	}

	// Paging: limit and a next link carrying the marker and the filters.
	st, b = ts.do("GET", "/v2/cloudimages?limit=2&status=active", nil)
	next, _ := b["next"].(string)
	if st != http.StatusOK || len(b["images"].([]any)) != 2 || !strings.Contains(next, "marker="+cat.Images[1].ID) ||
		!strings.Contains(next, "status=active") || !strings.HasPrefix(next, "/v2/cloudimages?") {
		t.Fatalf("page 1: %d %v", st, b)
	}
	st, b = ts.do("GET", next, nil)
	if st != http.StatusOK || len(b["images"].([]any)) != len(cat.Images)-2 {
		t.Fatalf("page 2: %d %v", st, b)
	}

	st, b = ts.signedDo("GET", "/v2/cloudimages?limit=1", nil, DefaultAK, DefaultSK, ts.clock.Now(), false, nil)
	if st != http.StatusOK || len(b["images"].([]any)) != 1 {
		t.Fatalf("images by AK/SK: %d %v", st, b)
	}
	if resp := ts.raw("GET", "/v2/cloudimages", nil, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("images without credentials: %d", resp.StatusCode)
	}
	for _, q := range []string{"?limit=0", "?limit=x", "?limit=1001", "?sort_key=name", "?protected=yes", "?marker=nope", "?name=a&name=b"} {
		st, b = ts.do("GET", "/v2/cloudimages"+q, nil)
		wantErr(t, st, b, http.StatusBadRequest, CodeIMSInvalid)
	}
}

// stringify is b's JSON text, for a containment check.
func stringify(b map[string]any) string {
	js, _ := json.Marshal(b)
	return string(js)
}
