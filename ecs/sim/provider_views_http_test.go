package sim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// The Terraform HCS provider's reads of one server, on a listening
// simulator: a server made by the create API, then its ports, disks and
// image through the views outside the ECS reference, each decoded into
// typed structs with the JSON types the provider's SDK declares (a wrong
// type fails the decode), and every field the provider uses present.

type pvClient struct {
	t     *testing.T
	hs    *sim.HTTPServer
	token string
}

func (c *pvClient) call(method, path string, body any, out any) int {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		js, _ := json.Marshal(body)
		rd = bytes.NewReader(js)
	}
	req, _ := http.NewRequest(method, c.hs.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("X-Auth-Token", c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	if resp.StatusCode == http.StatusCreated && c.token == "" {
		c.token = resp.Header.Get("X-Subject-Token")
	}
	return resp.StatusCode
}

// present fails unless the object under key in the raw body has each field.
func present(t *testing.T, raw map[string]json.RawMessage, key string, fields ...string) {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw[key], &obj); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	for _, f := range fields {
		if _, ok := obj[f]; !ok {
			t.Fatalf("%s: field %q missing", key, f)
		}
	}
}

func TestProviderReadsOfAServer(t *testing.T) {
	hs := sim.NewTestServer(t)
	c := &pvClient{t: t, hs: hs}
	login := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": hs.User, "password": hs.Password, "domain": map[string]any{"name": hs.DomainName}}}},
		"scope": map[string]any{"project": map[string]any{"id": hs.ProjectID}},
	}}
	if st := c.call("POST", "/v3/auth/tokens", login, nil); st != http.StatusCreated || c.token == "" {
		t.Fatalf("login: %d", st)
	}
	cat := sim.DefaultCatalogue()
	create := map[string]any{"server": map[string]any{
		"name": "tf-1", "imageRef": sim.ImageUbuntu2204, "flavorRef": "c6.large.2", "vpcid": cat.VPCs[0].ID,
		"nics":         []any{map[string]any{"subnet_id": cat.Subnets[0].ID}},
		"root_volume":  map[string]any{"volumetype": "SSD", "size": 40},
		"data_volumes": []any{map[string]any{"volumetype": "SATA", "size": 10}},
	}}
	var job struct {
		JobID string `json:"job_id"`
	}
	if st := c.call("POST", "/v1.1/"+hs.ProjectID+"/cloudservers", create, &job); st != http.StatusOK {
		t.Fatalf("create: %d", st)
	}
	var serverID string
	deadline := time.Now().Add(10 * time.Second)
	for {
		var j struct {
			Status   string `json:"status"`
			Entities struct {
				SubJobs []struct {
					Entities struct {
						ServerID string `json:"server_id"`
					} `json:"entities"`
				} `json:"sub_jobs"`
			} `json:"entities"`
		}
		if st := c.call("GET", "/v1/"+hs.ProjectID+"/jobs/"+job.JobID, nil, &j); st != http.StatusOK {
			t.Fatalf("job: %d", st)
		}
		if j.Status == "SUCCESS" {
			serverID = j.Entities.SubJobs[0].Entities.ServerID
			break
		}
		if j.Status == "FAIL" || time.Now().After(deadline) {
			t.Fatalf("create job: %s", j.Status)
		}
		time.Sleep(5 * time.Millisecond)
	}

	var detail struct {
		Server struct {
			Image struct {
				ID string `json:"id"`
			} `json:"image"`
			Addresses map[string][]struct {
				Addr   string `json:"addr"`
				PortID string `json:"OS-EXT-IPS:port_id"`
				Type   string `json:"OS-EXT-IPS:type"`
				MAC    string `json:"OS-EXT-IPS-MAC:mac_addr"`
			} `json:"addresses"`
			Volumes []struct {
				ID string `json:"id"`
			} `json:"os-extended-volumes:volumes_attached"`
		} `json:"server"`
	}
	if st := c.call("GET", "/v1/"+hs.ProjectID+"/cloudservers/"+serverID, nil, &detail); st != http.StatusOK {
		t.Fatalf("server detail: %d", st)
	}

	// Ports: network_id is the subnet the NIC was made in, fixed_ips its
	// address, no allowed_address_pairs (source/destination check on).
	nports := 0
	for _, addrs := range detail.Server.Addresses {
		for _, a := range addrs {
			if a.Type != "fixed" {
				continue
			}
			nports++
			var raw map[string]json.RawMessage
			var port struct {
				Port struct {
					ID          string `json:"id"`
					NetworkID   string `json:"network_id"`
					MAC         string `json:"mac_address"`
					DeviceID    string `json:"device_id"`
					DeviceOwner string `json:"device_owner"`
					Status      string `json:"status"`
					FixedIPs    []struct {
						SubnetID  string `json:"subnet_id"`
						IPAddress string `json:"ip_address"`
					} `json:"fixed_ips"`
					SecurityGroups []string `json:"security_groups"`
					AllowedPairs   []struct {
						IPAddress string `json:"ip_address"`
					} `json:"allowed_address_pairs"`
					VifDetails struct {
						PrimaryInterface bool `json:"primary_interface"`
					} `json:"binding:vif_details"`
					PortSecurityEnabled bool `json:"port_security_enabled"`
				} `json:"port"`
			}
			path := "/v1/" + hs.ProjectID + "/ports/" + a.PortID
			if st := c.call("GET", path, nil, &port); st != http.StatusOK {
				t.Fatalf("port %s: %d", a.PortID, st)
			}
			c.call("GET", path, nil, &raw)
			present(t, raw, "port", "id", "network_id", "fixed_ips", "allowed_address_pairs", "device_owner", "security_groups")
			p := port.Port
			if p.ID != a.PortID || p.NetworkID != cat.Subnets[0].ID || p.MAC != a.MAC || p.DeviceID != serverID ||
				p.Status != "ACTIVE" || len(p.FixedIPs) != 1 || p.FixedIPs[0].IPAddress != a.Addr ||
				len(p.AllowedPairs) != 0 || !p.VifDetails.PrimaryInterface || len(p.SecurityGroups) == 0 ||
				p.DeviceOwner != "compute:"+cat.AvailabilityZones[0].Name {
				t.Fatalf("port: %+v", p)
			}
		}
	}
	if nports != 1 {
		t.Fatalf("%d fixed ports, want 1", nports)
	}

	// Volumes: size and volume_type of each disk (the provider's
	// system_disk_size/type and volume_attached), metadata of strings.
	if len(detail.Server.Volumes) != 2 {
		t.Fatalf("volumes attached: %+v", detail.Server.Volumes)
	}
	sizes := map[int]string{}
	for _, v := range detail.Server.Volumes {
		var raw map[string]json.RawMessage
		var vol struct {
			Volume struct {
				ID          string            `json:"id"`
				Name        string            `json:"name"`
				Status      string            `json:"status"`
				Size        int               `json:"size"`
				VolumeType  string            `json:"volume_type"`
				AZ          string            `json:"availability_zone"`
				Bootable    string            `json:"bootable"`
				Multiattach bool              `json:"multiattach"`
				Metadata    map[string]string `json:"metadata"`
				ImageMeta   map[string]string `json:"volume_image_metadata"`
				Tags        map[string]string `json:"tags"`
				Attachments []struct {
					AttachmentID string `json:"attachment_id"`
					ServerID     string `json:"server_id"`
					Device       string `json:"device"`
					VolumeID     string `json:"volume_id"`
				} `json:"attachments"`
			} `json:"volume"`
		}
		path := "/v2/" + hs.ProjectID + "/volumes/" + v.ID
		if st := c.call("GET", path, nil, &vol); st != http.StatusOK {
			t.Fatalf("volume %s: %d", v.ID, st)
		}
		c.call("GET", path, nil, &raw)
		present(t, raw, "volume", "id", "size", "volume_type", "status", "attachments", "metadata", "bootable", "multiattach")
		vv := vol.Volume
		if vv.ID != v.ID || vv.Status != "in-use" || len(vv.Attachments) != 1 || vv.Attachments[0].ServerID != serverID ||
			vv.Attachments[0].AttachmentID == "" || vv.Attachments[0].VolumeID != v.ID {
			t.Fatalf("volume: %+v", vv)
		}
		sizes[vv.Size] = vv.VolumeType + "/" + vv.Bootable
	}
	if sizes[40] != "SSD/true" || sizes[10] != "SATA/false" {
		t.Fatalf("disks: %v", sizes)
	}

	// Image: the provider lists with id (or name) and limit=1.
	var images struct {
		Images []struct {
			ID         string `json:"id"`
			Name       string `json:"name"`
			Status     string `json:"status"`
			Visibility string `json:"visibility"`
			MinDisk    int    `json:"min_disk"`
			MinRAM     int    `json:"min_ram"`
			Protected  bool   `json:"protected"`
			OSType     string `json:"__os_type"`
			OSBit      string `json:"__os_bit"`
			ImageType  string `json:"__imagetype"`
			WholeImage string `json:"__whole_image"`
			Platform   string `json:"__platform"`
		} `json:"images"`
		Next string `json:"next"`
	}
	q := url.Values{"id": {detail.Server.Image.ID}, "limit": {"1"}}
	if st := c.call("GET", "/v2/cloudimages?"+q.Encode(), nil, &images); st != http.StatusOK {
		t.Fatalf("cloudimages: %d", st)
	}
	if len(images.Images) != 1 || images.Images[0].ID != sim.ImageUbuntu2204 || images.Images[0].Status != "active" ||
		images.Images[0].ImageType != "gold" || images.Images[0].OSType != "Linux" || images.Next != "" {
		t.Fatalf("cloudimages: %+v", images)
	}
	name := images.Images[0].Name
	q = url.Values{"name": {name}, "limit": {"1"}}
	if st := c.call("GET", "/v2/cloudimages?"+q.Encode(), nil, &images); st != http.StatusOK ||
		len(images.Images) != 1 || images.Images[0].ID != sim.ImageUbuntu2204 {
		t.Fatalf("cloudimages by name: %d %+v", st, images)
	}

	// Unknown ids: 404 each.
	for _, p := range []string{"/v1/" + hs.ProjectID + "/ports/nope", "/v2/" + hs.ProjectID + "/volumes/nope"} {
		if st := c.call("GET", p, nil, nil); st != http.StatusNotFound {
			t.Fatalf("%s: %d, want 404", p, st)
		}
	}
}
