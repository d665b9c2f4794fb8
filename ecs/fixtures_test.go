package ecs

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The reference's own examples are the fixtures (testdata/reference, written by
// ecs/internal/refextract). Every response example of an endpoint the client
// covers must decode into the client's type, and key fields must carry the
// example's values; every valid request example must decode into the client's
// request type with no unknown field (a misspelt JSON name fails here).

type fixture struct {
	Section string `json:"section"`
	Kind    string `json:"kind"`
	Status  int    `json:"status"`
	File    string `json:"file"`
	Valid   bool   `json:"valid"`
	Note    string `json:"note"`
}

const refDir = "../testdata/reference"

func loadIndex(t *testing.T) []fixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(refDir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx []fixture
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

// raw is a generic view of a fixture for reading expected values.
type raw struct{ v any }

func (r raw) get(path string) any {
	cur := r.v
	if path == "" {
		return cur
	}
	for _, p := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

func (r raw) str(path string) string {
	switch v := r.get(path).(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

func (r raw) num(path string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.str(path)))
	return n
}

func (r raw) length(path string) int {
	switch v := r.get(path).(type) {
	case []any:
		return len(v)
	case map[string]any:
		return len(v)
	}
	return 0
}

type checker func(t *testing.T, data []byte, r raw, f fixture)

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func decode[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decode into %T: %v", v, err)
	}
	return v
}

func checkJob(t *testing.T, data []byte, r raw, f fixture) {
	if f.Status >= 400 {
		checkErrorBody(t, data, r, f)
		return
	}
	jr := decode[JobResponse](t, data)
	eq(t, "job_id", jr.JobID, r.str("job_id"))
	if jr.JobID == "" {
		t.Error("empty job_id")
	}
}

// checkErrorBody runs the example through the real error decoder.
func checkErrorBody(t *testing.T, data []byte, r raw, f fixture) {
	resp := &http.Response{StatusCode: f.Status, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(data))}
	e := decodeError(resp, "GET", "/x")
	eq(t, "code", e.Code, r.str("error.code"))
	eq(t, "message", e.Message, r.str("error.message"))
	eq(t, "class", Classify(e), Permanent)
}

func checkServer(t *testing.T, s Server, r raw, p string) {
	t.Helper()
	eq(t, "id", s.ID, r.str(p+"id"))
	eq(t, "name", s.Name, r.str(p+"name"))
	eq(t, "status", s.Status, r.str(p+"status"))
	eq(t, "flavor.id", s.Flavor.ID, r.str(p+"flavor.id"))
	eq(t, "flavor.vcpus", int(s.Flavor.VCPUs), r.num(p+"flavor.vcpus"))
	eq(t, "metadata size", len(s.Metadata), r.length(p+"metadata"))
	eq(t, "tags", len(s.Tags), r.length(p+"tags"))
	eq(t, "volumes", len(s.VolumesAttached), r.length(p+"os-extended-volumes:volumes_attached"))
	eq(t, "image.id", s.Image.ID, r.str(p+"image.id"))
	if r.get(p+"locked") != nil {
		eq(t, "locked", bool(s.Locked), r.get(p+"locked") == true)
	}
	n := 0
	for net, addrs := range s.Addresses {
		for i, a := range addrs {
			n++
			q := p + "addresses." + net + "." + strconv.Itoa(i) + "."
			eq(t, "addr", a.Addr, r.str(q+"addr"))
			eq(t, "version", int(a.Version), r.num(q+"version"))
			eq(t, "port_id", a.PortID, r.str(q+"OS-EXT-IPS:port_id"))
			eq(t, "mac", a.MAC, r.str(q+"OS-EXT-IPS-MAC:mac_addr"))
		}
	}
	if r.length(p+"addresses") > 0 && n == 0 {
		t.Error("addresses not decoded")
	}
}

func checkFlavors(t *testing.T, data []byte, r raw, _ fixture) {
	fr := decode[FlavorsResponse](t, data)
	eq(t, "flavors", len(fr.Flavors), r.length("flavors"))
	for i, fl := range fr.Flavors {
		p := "flavors." + strconv.Itoa(i) + "."
		eq(t, "id", fl.ID, r.str(p+"id"))
		eq(t, "vcpus", int(fl.VCPUs), r.num(p+"vcpus"))
		eq(t, "ram", int(fl.RAM), r.num(p+"ram"))
		eq(t, "disk", int(fl.Disk), r.num(p+"disk"))
	}
}

func checkMetadata(t *testing.T, data []byte, r raw, _ fixture) {
	v := decode[struct {
		Metadata FlexMap `json:"metadata"`
	}](t, data)
	eq(t, "keys", len(v.Metadata), r.length("metadata"))
	m, _ := r.get("metadata").(map[string]any)
	for k, val := range v.Metadata {
		eq(t, "metadata."+k, val, raw{m[k]}.str("")) // keys may contain dots
	}
}

func checkIDList(t *testing.T, data []byte, r raw, _ fixture) {
	v := decode[IDListResponse](t, data)
	eq(t, "ids", len(v.Response), r.length("response"))
	if len(v.Response) > 0 {
		eq(t, "id", v.Response[0].ID, r.str("response.0.id"))
	}
}

func checkVolume(t *testing.T, v Volume, r raw, p string) {
	t.Helper()
	eq(t, "id", v.ID, r.str(p+"id"))
	eq(t, "size", int(v.Size), r.num(p+"size"))
	name := r.str(p + "displayName")
	if name == "" {
		name = r.str(p + "dispalyName")
	}
	eq(t, "name", v.Name(), name)
}

var responseCheckers = map[string]checker{
	"5.2.1": checkJob,
	"5.2.4": func(t *testing.T, data []byte, r raw, _ fixture) {
		s := decode[GetServerResponse](t, data).Server
		checkServer(t, s, r, "server.")
		if len(s.VolumesAttached) > 0 {
			eq(t, "bootIndex", s.VolumesAttached[0].BootIndex.String(), r.str("server.os-extended-volumes:volumes_attached.0.bootIndex"))
		}
	},
	"5.2.5": func(t *testing.T, data []byte, r raw, _ fixture) {
		l := decode[ListServersResponse](t, data)
		eq(t, "count", l.Count, r.num("count"))
		eq(t, "servers", len(l.Servers), r.length("servers"))
		for i, s := range l.Servers {
			checkServer(t, s, r, "servers."+strconv.Itoa(i)+".")
		}
	},
	"5.2.6": func(t *testing.T, data []byte, r raw, _ fixture) {
		s := decode[GetServerResponse](t, data).Server
		checkServer(t, s, r, "server.")
		eq(t, "description", s.Description.String(), r.str("server.description"))
		eq(t, "hostname", s.Hostname, r.str("server.OS-EXT-SRV-ATTR:hostname"))
	},
	"5.2.8": checkIDList,
	"5.11.1": func(t *testing.T, data []byte, r raw, f fixture) {
		if f.Status >= 400 {
			checkErrorBody(t, data, r, f)
			return
		}
		j := decode[Job](t, data)
		eq(t, "job_id", j.JobID, r.str("job_id"))
		eq(t, "status", j.Status, r.str("status"))
		eq(t, "job_type", j.JobType, r.str("job_type"))
		eq(t, "terminal", j.Terminal(), j.Status == JobSuccess || j.Status == JobFail)
		eq(t, "sub_jobs", len(j.Entities.SubJobs), r.length("entities.sub_jobs"))
		eq(t, "sub_jobs_total", int(j.Entities.SubJobsTotal), r.num("entities.sub_jobs_total"))
		eq(t, "server_id", j.Entities.ServerID, r.str("entities.server_id"))
		for i, s := range j.Entities.SubJobs {
			p := "entities.sub_jobs." + strconv.Itoa(i) + "."
			eq(t, "sub status", s.Status, r.str(p+"status"))
			eq(t, "sub nic_id", s.Entities.NICID, r.str(p+"entities.nic_id"))
			eq(t, "sub server_id", s.Entities.ServerID, r.str(p+"entities.server_id"))
		}
		if j.Entities.ServerID != "" {
			res := j.ServerResults()
			if len(res) != 1 || res[0].ServerID != j.Entities.ServerID {
				t.Errorf("ServerResults = %+v", res)
			}
		}
	},
	"5.6.1": checkFlavors,
	"5.6.2": checkFlavors,
	"5.6.5": checkFlavors,
	"5.20.1": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			Zones []AvailabilityZone `json:"availabilityZoneInfo"`
		}](t, data)
		eq(t, "zones", len(v.Zones), r.length("availabilityZoneInfo"))
		eq(t, "zoneName", v.Zones[0].ZoneName, r.str("availabilityZoneInfo.0.zoneName"))
		eq(t, "available", bool(v.Zones[0].ZoneState.Available), r.get("availabilityZoneInfo.0.zoneState.available") == true)
	},
	"5.4.1": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[ImagesResponse](t, data)
		eq(t, "images", len(v.Images), r.length("images"))
		eq(t, "id", v.Images[0].ID, r.str("images.0.id"))
		eq(t, "name", v.Images[0].Name, r.str("images.0.name"))
	},
	"5.4.4": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			Image Image `json:"image"`
		}](t, data)
		eq(t, "id", v.Image.ID, r.str("image.id"))
		eq(t, "minDisk", int(v.Image.MinDisk), r.num("image.minDisk"))
		eq(t, "size", int(v.Image.Size), r.num("image.OS-EXT-IMG-SIZE:size"))
		eq(t, "metadata", len(v.Image.Metadata), r.length("image.metadata"))
	},
	"5.10.1": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			Absolute AbsoluteLimits `json:"absolute"`
		}](t, data)
		eq(t, "maxTotalInstances", int(v.Absolute.MaxTotalInstances), r.num("absolute.maxTotalInstances"))
		eq(t, "totalCoresUsed", int(v.Absolute.TotalCoresUsed), r.num("absolute.totalCoresUsed"))
		eq(t, "maxServerGroupMembers", int(v.Absolute.MaxServerGroupMembers), r.num("absolute.maxServerGroupMembers"))
	},
	"5.10.3": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			Limits Limits `json:"limits"`
		}](t, data)
		eq(t, "maxTotalCores", int(v.Limits.Absolute.MaxTotalCores), r.num("limits.absolute.maxTotalCores"))
		eq(t, "totalRAMUsed", int(v.Limits.Absolute.TotalRAMUsed), r.num("limits.absolute.totalRAMUsed"))
	},
	"5.7.1": checkJob,
	"5.7.2": checkJob,
	"5.7.3": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			A []InterfaceAttachment `json:"interfaceAttachments"`
		}](t, data)
		eq(t, "nics", len(v.A), r.length("interfaceAttachments"))
		eq(t, "port_id", v.A[0].PortID, r.str("interfaceAttachments.0.port_id"))
		eq(t, "ip", v.A[0].FixedIPs[0].IPAddress, r.str("interfaceAttachments.0.fixed_ips.0.ip_address"))
	},
	// 5.8.1's printed response is the request shape (see the index note):
	// check that it is exactly the client's request type.
	"5.8.1": func(t *testing.T, data []byte, r raw, _ fixture) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		var v struct {
			ServerInfo []ServerInfo `json:"serverinfo"`
		}
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		eq(t, "servers", len(v.ServerInfo), r.length("serverinfo"))
		eq(t, "server_id", v.ServerInfo[0].ServerID, r.str("serverinfo.0.server_id"))
	},
	"5.8.3": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[BlockDevices](t, data)
		eq(t, "disks", len(v.VolumeAttachments), r.length("volumeAttachments"))
		eq(t, "bootIndex", int(*v.VolumeAttachments[0].BootIndex), r.num("volumeAttachments.0.bootIndex"))
		eq(t, "system disk", v.VolumeAttachments[0].IsSystemDisk(), true)
		eq(t, "data disk without bootIndex", v.VolumeAttachments[1].BootIndex == nil && !v.VolumeAttachments[1].IsSystemDisk(), true)
		eq(t, "volumeId", v.VolumeAttachments[0].VolumeID, r.str("volumeAttachments.0.volumeId"))
		eq(t, "free_scsi", int(v.AttachableQuantity.FreeSCSI), r.num("attachableQuantity.free_scsi"))
	},
	"5.8.6": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[BlockDevices](t, data)
		eq(t, "attachments", len(v.VolumeAttachments), r.length("volumeAttachments"))
		eq(t, "device", v.VolumeAttachments[0].Device, r.str("volumeAttachments.0.device"))
	},
	"5.8.10": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			Volume Volume `json:"volume"`
		}](t, data)
		checkVolume(t, v.Volume, r, "volume.")
	},
	"5.8.13": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			Volume Volume `json:"volume"`
		}](t, data)
		checkVolume(t, v.Volume, r, "volume.")
	},
	"5.8.11": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			Volumes []Volume `json:"volumes"`
		}](t, data)
		eq(t, "volumes", len(v.Volumes), r.length("volumes"))
		checkVolume(t, v.Volumes[0], r, "volumes.0.")
	},
	"5.9.1": checkMetadata,
	"5.9.3": checkMetadata,
	"5.9.4": checkMetadata,
	"5.13.9": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			Tags []ProjectTag `json:"tags"`
		}](t, data)
		eq(t, "tags", len(v.Tags), r.length("tags"))
		eq(t, "key", v.Tags[0].Key, r.str("tags.0.key"))
		eq(t, "values", len(v.Tags[0].Values), r.length("tags.0.values"))
	},
	"5.13.10": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			Tags []Tag `json:"tags"`
		}](t, data)
		eq(t, "tags", len(v.Tags), r.length("tags"))
		eq(t, "value", v.Tags[0].Value, r.str("tags.0.value"))
	},
	"5.14.1": checkIDList,
	"5.14.3": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			Flag FlexBool `json:"resetpwd_flag"`
		}](t, data)
		eq(t, "flag", bool(v.Flag), strings.EqualFold(r.str("resetpwd_flag"), "true"))
	},
	"5.16.1": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			G ServerGroup `json:"server_group"`
		}](t, data)
		eq(t, "id", v.G.ID, r.str("server_group.id"))
		eq(t, "policy", v.G.Policies[0], r.str("server_group.policies.0"))
	},
	"5.16.2": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			G []ServerGroup `json:"server_groups"`
		}](t, data)
		eq(t, "groups", len(v.G), r.length("server_groups"))
		eq(t, "name", v.G[0].Name, r.str("server_groups.0.name"))
	},
	"5.16.5": checkJob,
	"5.21.6": checkJob,
	"5.21.7": checkJob,
	"5.30.1": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			K []struct {
				Keypair Keypair `json:"keypair"`
			} `json:"keypairs"`
		}](t, data)
		eq(t, "keypairs", len(v.K), r.length("keypairs"))
		eq(t, "fingerprint", v.K[0].Keypair.Fingerprint, r.str("keypairs.0.keypair.fingerprint"))
	},
	"5.30.2": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			K Keypair `json:"keypair"`
		}](t, data)
		eq(t, "name", v.K.Name, r.str("keypair.name"))
		eq(t, "public_key", v.K.PublicKey, r.str("keypair.public_key"))
	},
	"5.30.4": func(t *testing.T, data []byte, r raw, _ fixture) {
		v := decode[struct {
			K Keypair `json:"keypair"`
		}](t, data)
		eq(t, "name", v.K.Name, r.str("keypair.name"))
		eq(t, "id", v.K.ID.String(), r.str("keypair.id"))
	},
}

// inScope lists the sections the client covers (the brief's list).
var inScope = strings.Fields(`5.2.1 5.2.3 5.2.4 5.2.5 5.2.6 5.2.8 5.11.1 5.6.1 5.6.2 5.6.5 5.20.1 5.4.1 5.4.4
5.10.1 5.10.2 5.10.3 5.7.1 5.7.2 5.7.3 5.8.1 5.8.2 5.8.3 5.8.5 5.8.6 5.8.9 5.8.10 5.8.11 5.8.12 5.8.13
5.9.1 5.9.2 5.9.3 5.9.4 5.13.1 5.13.2 5.13.9 5.13.10 5.14.1 5.14.2 5.14.3 5.16.1 5.16.2 5.16.3 5.16.4 5.16.5
5.16.10 5.16.11 5.21.1 5.21.2 5.21.6 5.21.7 5.28.1 5.28.2 5.28.3 5.25.1 5.25.2 5.26.1 5.26.2 5.30.1 5.30.2 5.30.3 5.30.4`)

func TestReferenceResponseExamplesDecode(t *testing.T) {
	scope := map[string]bool{}
	for _, s := range inScope {
		scope[s] = true
	}
	n := 0
	for _, f := range loadIndex(t) {
		if f.Kind != "response" || !scope[f.Section] {
			continue
		}
		check, ok := responseCheckers[f.Section]
		if !ok {
			t.Errorf("%s: a response example of a covered section has no decode check", f.File)
			continue
		}
		if !strings.HasSuffix(f.File, ".json") {
			t.Errorf("%s: not JSON (%s)", f.File, f.Note)
			continue
		}
		data, err := os.ReadFile(filepath.Join(refDir, f.File))
		if err != nil {
			t.Fatal(err)
		}
		var generic any
		if err := json.Unmarshal(data, &generic); err != nil {
			t.Fatalf("%s: %v", f.File, err)
		}
		n++
		t.Run(f.File, func(t *testing.T) { check(t, data, raw{generic}, f) })
	}
	if n < 40 {
		t.Errorf("only %d response examples checked; the index lost some", n)
	}
}

// requestTypes maps a section's request example to the client's request type.
var requestTypes = map[string]func() any{
	"5.2.1": func() any { return new(CreateServersRequest) },
	"5.2.3": func() any { return new(DeleteServersRequest) },
	"5.2.6": func() any { return new(ModifyServerRequest) },
	"5.2.8": func() any { return new(RenameServersRequest) },
	"5.7.1": func() any {
		return new(struct {
			NICs []AddNIC `json:"nics"`
		})
	},
	"5.7.2": func() any {
		return new(struct {
			NICs []IDRef `json:"nics"`
		})
	},
	"5.13.1": func() any { return new(TagsActionRequest) },
	"5.13.2": func() any { return new(TagsActionRequest) },
	"5.14.1": func() any { return new(ResetPasswordsRequest) },
	"5.21.1": func() any {
		return new(struct {
			Resize ResizeSpec `json:"resize"`
		})
	},
	"5.21.6": func() any {
		return new(struct {
			Resize []BatchResizeItem `json:"resize"`
		})
	},
	"5.21.7": func() any {
		return new(struct {
			R []BatchResizeItem `json:"live-resize"`
		})
	},
	"5.26.1": func() any {
		return new(struct {
			C ChangeOS `json:"os-change"`
		})
	},
	"5.26.2": func() any {
		return new(struct {
			C ChangeOS `json:"os-reinstall"`
		})
	},
	"5.9.1": func() any {
		return new(struct {
			M map[string]string `json:"metadata"`
		})
	},
	"5.9.4": func() any {
		return new(struct {
			M map[string]string `json:"metadata"`
		})
	},
	"5.8.10": func() any {
		return new(struct {
			V CreateVolume `json:"volume"`
		})
	},
	"5.16.10": func() any {
		return new(struct {
			R map[string]string `json:"remove_member"`
		})
	},
}

func TestReferenceRequestExamplesMatchClientTypes(t *testing.T) {
	for _, f := range loadIndex(t) {
		mk, ok := requestTypes[f.Section]
		if f.Kind != "request" || !ok || !strings.HasSuffix(f.File, ".json") {
			continue
		}
		t.Run(f.File, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(refDir, f.File))
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			v := mk()
			if err := dec.Decode(v); err != nil {
				t.Fatalf("request example does not fit the client's type: %v", err)
			}
			// Re-encoding must keep every key the example set (omitempty must
			// not lose a value the reference sends).
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			json.Unmarshal(data, &a)
			json.Unmarshal(out, &b)
			for _, k := range keysOf(a, "") {
				if !hasKey(b, k) && !zeroAt(a, k) {
					t.Errorf("re-encoded request lost %s", k)
				}
			}
		})
	}
}

func keysOf(v any, p string) []string {
	var out []string
	switch c := v.(type) {
	case map[string]any:
		for k, x := range c {
			out = append(out, p+"/"+k)
			out = append(out, keysOf(x, p+"/"+k)...)
		}
	case []any:
		for i, x := range c {
			out = append(out, keysOf(x, p+"/"+strconv.Itoa(i))...)
		}
	}
	return out
}

func at(v any, path string) (any, bool) {
	for _, p := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		switch c := v.(type) {
		case map[string]any:
			x, ok := c[p]
			if !ok {
				return nil, false
			}
			v = x
		case []any:
			i, _ := strconv.Atoi(p)
			if i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func hasKey(v any, path string) bool { _, ok := at(v, path); return ok }

// zeroAt: a key the example sets to its zero value ("", false, null) may be
// omitted on re-encoding — same meaning.
func zeroAt(v any, path string) bool {
	x, _ := at(v, path)
	switch y := x.(type) {
	case nil:
		return true
	case string:
		return y == ""
	case bool:
		return !y
	case float64:
		return y == 0
	}
	return false
}
