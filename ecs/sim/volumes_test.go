package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestCreateVolumeFixtureAndStates(t *testing.T) {
	ts := newTestSim(t)
	// The reference's example (5.8.10) names az1.dc1 and SATA, which exist.
	st, body := ts.do("POST", "/v2.1/"+ts.pid+"/os-volumes", xaFixture(t, "5.8.10/request-1.json"))
	if st != http.StatusOK {
		t.Fatalf("create: %d %v", st, body)
	}
	v := body["volume"].(map[string]any)
	if v["status"] != "creating" || v["displayName"] != "test" || v["size"] != float64(1) || v["volumeType"] != "SATA" {
		t.Fatalf("volume %v", v)
	}
	id := v["id"].(string)
	xaSettle(ts)
	st, body = ts.do("GET", "/v2.1/"+ts.pid+"/os-volumes/"+id, nil)
	if st != http.StatusOK {
		t.Fatalf("get: %d", st)
	}
	got := body["volume"].(map[string]any)
	md := got["metadata"].(map[string]any)
	if got["status"] != "available" || got["displayDescription"] != "test1" || md["testkey"] != "testvalue" {
		t.Fatalf("after creation: %v", got)
	}
	// Description and metadata live on the volume itself, not in the
	// create job's params.
	if vs := ts.sim.project(ts.pid).Volumes[id]; vs.Description == nil || *vs.Description != "test1" || vs.Metadata["testkey"] != "testvalue" {
		t.Fatalf("volume state: %+v", vs)
	}
	for _, path := range []string{"/v2.1/" + ts.pid + "/os-volumes", "/v2.1/" + ts.pid + "/os-volumes/detail", "/v2/" + ts.pid + "/os-volumes/detail"} {
		st, body := ts.do("GET", path, nil)
		if st != http.StatusOK || len(body["volumes"].([]any)) != 1 {
			t.Fatalf("%s: %d %v", path, st, body)
		}
	}
	// An AZ that does not exist is not a 400: the volume ends in error (5.8.10).
	st, body = ts.do("POST", "/v2.1/"+ts.pid+"/os-volumes", map[string]any{"volume": map[string]any{"availability_zone": "az9", "size": 10, "volume_type": "SAS"}})
	if st != http.StatusOK {
		t.Fatalf("unknown AZ: %d %v", st, body)
	}
	xaSettle(ts)
	if v := xaVol(ts, body["volume"].(map[string]any)["id"].(string)); v.Status != "error" {
		t.Fatalf("volume in an unknown AZ is %s", v.Status)
	}
}

func TestCreateVolumeRules(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Quotas.Gigabytes = 100 })
	vol := func(kv ...any) map[string]any {
		v := map[string]any{"availability_zone": "az1.dc1", "size": 10, "volume_type": "SSD"}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(v, kv[i].(string))
			} else {
				v[kv[i].(string)] = kv[i+1]
			}
		}
		return map[string]any{"volume": v}
	}
	cases := []struct {
		name string
		body map[string]any
		code string
	}{
		{"size 0", vol("size", 0), CodeInvalidParam},
		{"size 65537", vol("size", 65537), CodeInvalidParam},
		{"no size", vol("size", nil), CodeInvalidParam},
		{"unknown type", vol("volume_type", "GOLD"), CodeInvalidParam},
		{"no type", vol("volume_type", nil), CodeInvalidParam},
		{"no AZ", vol("availability_zone", nil), CodeInvalidParam},
		{"unknown snapshot", vol("snapshot_id", "5d1f0000-0000-4000-8000-000000000000"), CodeNotFound},
		{"unknown field", vol("iops", 3), CodeInvalidParam},
		{"over the gigabytes quota", vol("size", 101), CodeQuota},
		{"multiattach and shareable disagree", vol("multiattach", true, "shareable", false), CodeInvalidParam},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, body := ts.do("POST", "/v2.1/"+ts.pid+"/os-volumes", c.body)
			if st != http.StatusBadRequest {
				t.Fatalf("status %d %v", st, body)
			}
			// Community routes answer Nova's envelope; the message still names the rule.
			if _, ok := body["badRequest"]; !ok {
				t.Fatalf("want a badRequest envelope, got %v", body)
			}
		})
	}
}

func TestBatchAttachSharedVolume(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(17, nil)
	vid := xaNewVolume(t, ts, 20, true)
	path := ts.v1("/batchaction/attachvolumes/" + vid)
	info := func(ids []string) map[string]any {
		var l []map[string]any
		for _, id := range ids {
			l = append(l, map[string]any{"server_id": id})
		}
		return map[string]any{"serverinfo": l}
	}
	// More than 16 servers on one shared volume (5.8.1).
	st, body := ts.do("POST", path, info(ids))
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)

	job := xaJob(t, ts, "POST", path, info(ids[:10]))
	if job["status"] != JobSuccess || job["job_type"] != "batchAttachVolume" {
		t.Fatalf("job %v", job)
	}
	subs := xaSubJobs(t, job)
	if len(subs) != 10 || subs[0]["job_type"] != "attachVolumeListenSingle" {
		t.Fatalf("want 10 attachVolumeListenSingle sub-jobs, got %d %v", len(subs), subs[0])
	}
	v := xaVol(ts, vid)
	if v.Status != "in-use" || len(v.Attachments) != 10 {
		t.Fatalf("volume %+v", v)
	}
	// The 16 counts existing attachments: 10 + 7 is too many, 10 + 6 fits.
	st, body = ts.do("POST", path, info(ids[10:17]))
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
	xaJob(t, ts, "POST", path, info(ids[10:16]))
	// Already attached.
	st, body = ts.do("POST", path, info(ids[:1]))
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)

	// Each server sees the disk in 5.8.3 and 5.8.6.
	st, body = ts.do("GET", ts.v1("/cloudservers/"+ids[3]+"/block_device"), nil)
	if st != http.StatusOK {
		t.Fatalf("block_device: %d", st)
	}
	atts := body["volumeAttachments"].([]any)
	if len(atts) != 2 {
		t.Fatalf("want system + shared disk, got %v", atts)
	}
	for _, a := range atts {
		a := a.(map[string]any)
		if _, isNum := a["bootIndex"].(float64); !isNum { // C12
			t.Fatalf("bootIndex is not a number: %v", a)
		}
	}
	q := body["attachableQuantity"].(map[string]any)
	if q["free_disk"] != float64(58) || q["free_scsi"] != float64(58) || q["free_blk"] != float64(22) {
		t.Fatalf("attachableQuantity %v (the reference's example has 58/58/22 with two disks)", q)
	}
	st, body = ts.do("GET", ts.v1("/cloudservers/"+ids[3]+"/os-volume_attachments"), nil)
	if st != http.StatusOK || len(body["volumeAttachments"].([]any)) != 2 {
		t.Fatalf("os-volume_attachments: %d %v", st, body)
	}
}

func TestBatchAttachRefusesUnsharedVolume(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, nil)
	vid := xaNewVolume(t, ts, 20, false)
	st, body := ts.do("POST", ts.v1("/batchaction/attachvolumes/"+vid), map[string]any{"serverinfo": []any{map[string]any{"server_id": ids[0]}}})
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
	st, body = ts.do("POST", ts.v1("/batchaction/attachvolumes/no-such-volume"), map[string]any{"serverinfo": []any{map[string]any{"server_id": ids[0]}}})
	wantErr(t, st, body, http.StatusNotFound, CodeNotFound)
}

func TestAttachDetachVolume(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, nil)
	vid := xaNewVolume(t, ts, 20, false)
	// The reference's example (5.8.2) with a real volume.
	req := xaFixture(t, "5.8.2/request-1.json")
	req["volumeAttachment"].(map[string]any)["volumeId"] = vid
	path := ts.v1("/cloudservers/" + ids[0] + "/attachvolume")
	st, body := ts.do("POST", path, req)
	if st != http.StatusOK {
		t.Fatalf("attach: %d %v", st, body)
	}
	if v := xaVol(ts, vid); v.Status != "attaching" {
		t.Fatalf("while the job runs the volume is %s, want attaching", v.Status)
	}
	ts.waitJob(body["job_id"].(string))
	if v := xaVol(ts, vid); v.Status != "in-use" || v.Attachments[0].Device != "/dev/sda" {
		t.Fatalf("after attach: %+v", v)
	}
	// A volume that is not shared cannot go to a second server.
	st, body = ts.do("POST", ts.v1("/cloudservers/"+ids[1]+"/attachvolume"), map[string]any{"volumeAttachment": map[string]any{"volumeId": vid, "device": "/dev/vdb"}})
	wantErr(t, st, body, http.StatusBadRequest, CodeState)
	// device is required in 5.8.2, and must be free and well-formed.
	v2 := xaNewVolume(t, ts, 5, false)
	for _, dev := range []string{"", "/dev/vda", "/dev/sda", "sdb"} {
		st, body = ts.do("POST", path, map[string]any{"volumeAttachment": map[string]any{"volumeId": v2, "device": dev}})
		wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
	}

	// 5.8.17: the system disk of a running server cannot be detached.
	sys := xaServer(ts, ids[0]).Volumes[0].VolumeID
	st, body = ts.do("DELETE", ts.v1("/cloudservers/"+ids[0]+"/detachvolume/"+sys), nil)
	wantErr(t, st, body, http.StatusBadRequest, CodeState)
	st, body = ts.do("DELETE", ts.v1("/cloudservers/"+ids[0]+"/detachvolume/"+vid+"?delete_flag=2"), nil)
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
	st, body = ts.do("DELETE", ts.v1("/cloudservers/"+ids[1]+"/detachvolume/"+vid), nil)
	wantErr(t, st, body, http.StatusNotFound, CodeNotFound)

	job := xaJob(t, ts, "DELETE", ts.v1("/cloudservers/"+ids[0]+"/detachvolume/"+vid+"?delete_flag=0"), nil)
	if job["status"] != JobSuccess {
		t.Fatalf("detach job %v", job)
	}
	if v := xaVol(ts, vid); v.Status != "available" || len(v.Attachments) != 0 {
		t.Fatalf("after detach: %+v", v)
	}
	if n := len(xaServer(ts, ids[0]).Volumes); n != 1 {
		t.Fatalf("server still has %d volumes", n)
	}
}

func TestAttachRespectsDataVolumeLimit(t *testing.T) {
	ts := newTestSim(t)
	// Seed a server that already has 59 data disks (5.2.1 data_volumes 0-59).
	id := ts.createServers(1, func(_ int, s *Server) {
		for i := range 59 {
			s.Volumes = append(s.Volumes, Attach{VolumeID: fmt.Sprintf("seed-%02d", i), Device: fmt.Sprintf("/dev/sd%c%c", 'a'+i/26, 'a'+i%26), BootIndex: -1})
		}
	})[0]
	vid := xaNewVolume(t, ts, 5, false)
	st, body := ts.do("POST", ts.v1("/cloudservers/"+id+"/attachvolume"), map[string]any{"volumeAttachment": map[string]any{"volumeId": vid, "device": "/dev/vdz"}})
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
}

func TestDeleteVolume(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	vid := xaNewVolume(t, ts, 5, false)
	xaJob(t, ts, "POST", ts.v1("/cloudservers/"+id+"/attachvolume"), map[string]any{"volumeAttachment": map[string]any{"volumeId": vid, "device": "/dev/vdb"}})
	st, body := ts.do("DELETE", "/v2.1/"+ts.pid+"/os-volumes/"+vid, nil)
	if st != http.StatusBadRequest {
		t.Fatalf("deleting an attached volume: %d %v", st, body)
	}
	xaJob(t, ts, "DELETE", ts.v1("/cloudservers/"+id+"/detachvolume/"+vid), nil)
	// From microversion 2.36 the deprecated call answers 404 (5.8.12).
	resp := ts.raw("DELETE", "/v2.1/"+ts.pid+"/os-volumes/"+vid, nil, http.Header{"X-Auth-Token": {ts.token}, "X-Openstack-Nova-Api-Version": {"2.36"}})
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("microversion 2.36: %d", resp.StatusCode)
	}
	st, _ = ts.do("DELETE", "/v2.1/"+ts.pid+"/os-volumes/"+vid, nil)
	if st != http.StatusAccepted {
		t.Fatalf("delete: %d", st)
	}
	if v := xaVol(ts, vid); v == nil || v.Status != "deleting" {
		t.Fatalf("right after delete: %+v", v)
	}
	xaSettle(ts)
	if st, _ := ts.do("GET", "/v2.1/"+ts.pid+"/os-volumes/"+vid, nil); st != http.StatusNotFound {
		t.Fatalf("deleted volume: %d", st)
	}
}

func TestBlockDeviceDetail(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	vid := xaNewVolume(t, ts, 30, false)
	xaJob(t, ts, "POST", ts.v1("/cloudservers/"+id+"/attachvolume"), map[string]any{"volumeAttachment": map[string]any{"volumeId": vid, "device": "/dev/vdb"}})
	st, body := ts.do("GET", ts.v1("/cloudservers/"+id+"/block_device/"+vid), nil)
	if st != http.StatusOK {
		t.Fatalf("5.8.4: %d %v", st, body)
	}
	a := body["volumeAttachment"].(map[string]any)
	// C12: the production client needs bootIndex as a number.
	if a["bootIndex"] != float64(-1) || a["size"] != float64(30) || a["device"] != "/dev/vdb" || a["serverId"] != id {
		t.Fatalf("5.8.4: %v", a)
	}
	sys := xaServer(ts, id).Volumes[0].VolumeID
	_, body = ts.do("GET", ts.v1("/cloudservers/"+id+"/block_device/"+sys), nil)
	if body["volumeAttachment"].(map[string]any)["bootIndex"] != float64(0) {
		t.Fatalf("system disk: %v", body)
	}
	st, body = ts.do("GET", ts.v1("/cloudservers/"+id+"/block_device/no-such-volume"), nil)
	wantErr(t, st, body, http.StatusNotFound, CodeNotFound)
}

func TestCommunityVolumeAttachments(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, nil)
	vid := xaNewVolume(t, ts, 10, false)
	base := "/v2.1/" + ts.pid + "/servers/" + ids[0] + "/os-volume_attachments"
	st, body := ts.do("POST", base, map[string]any{"volumeAttachment": map[string]any{"volumeId": vid}})
	if st != http.StatusOK {
		t.Fatalf("5.8.14: %d %v", st, body)
	}
	a := body["volumeAttachment"].(map[string]any)
	if a["volumeId"] != vid || a["serverId"] != ids[0] || a["device"] != "/dev/vdb" {
		t.Fatalf("5.8.14 answer %v (device chosen after /dev/vda)", a)
	}
	if v := xaVol(ts, vid); v.Status != "in-use" {
		t.Fatalf("5.8.14 is synchronous; volume is %s", v.Status)
	}
	// The volume is in use: attaching it elsewhere conflicts (409 is listed for 5.8.14).
	st, body = ts.do("POST", "/v2.1/"+ts.pid+"/servers/"+ids[1]+"/os-volume_attachments", map[string]any{"volumeAttachment": map[string]any{"volumeId": vid}})
	wantErr(t, st, body, http.StatusConflict, "conflictingRequest")

	st, body = ts.do("GET", base+"?limit=1&offset=1", nil)
	if l := body["volumeAttachments"].([]any); st != http.StatusOK || len(l) != 1 || l[0].(map[string]any)["volumeId"] != vid {
		t.Fatalf("5.8.15 paged: %d %v", st, body)
	}
	st, body = ts.do("GET", base+"?limit=x", nil)
	wantErr(t, st, body, http.StatusBadRequest, "badRequest")
	if st, body := ts.do("GET", base+"/"+vid, nil); st != http.StatusOK || body["volumeAttachment"].(map[string]any)["device"] != "/dev/vdb" {
		t.Fatalf("5.8.16: %d %v", st, body)
	}
	// 5.8.17 is on /v2/: the system disk of a running server is a 409, a data disk 202.
	sys := xaServer(ts, ids[0]).Volumes[0].VolumeID
	v2 := "/v2/" + ts.pid + "/servers/" + ids[0] + "/os-volume_attachments/"
	st, body = ts.do("DELETE", v2+sys, nil)
	wantErr(t, st, body, http.StatusConflict, "conflictingRequest")
	if st, _ := ts.do("DELETE", v2+vid+"?delete_flag=1", nil); st != http.StatusAccepted {
		t.Fatalf("5.8.17: %d", st)
	}
	xaSettle(ts)
	if v := xaVol(ts, vid); v.Status != "available" {
		t.Fatalf("after 5.8.17 the volume is %s", v.Status)
	}
}

// TestSharedVolumeIsTheStorageServicesToCreate: 5.8.10's table has no
// field for a shared volume, so the simulator refuses one there (as it
// refuses every unknown field) and creates it through the storage
// service's Cinder-compatible create, whose answer (202) shows it shared
// and which 5.8.1 then attaches to several servers.
func TestSharedVolumeIsTheStorageServicesToCreate(t *testing.T) {
	ts := newTestSim(t)
	for _, field := range []string{"multiattach", "shareable"} {
		st, body := ts.do("POST", "/v2.1/"+ts.pid+"/os-volumes", map[string]any{"volume": map[string]any{
			"availability_zone": "az1.dc1", "size": 10, "volume_type": "SSD", field: true}})
		if st != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body), field) {
			t.Fatalf("5.8.10 with %s: %d %v, want 400 naming the field", field, st, body)
		}
	}
	st, body := ts.do("POST", "/v2/"+ts.pid+"/volumes", map[string]any{"volume": map[string]any{
		"availability_zone": "az1.dc1", "size": 10, "volume_type": "SSD", "name": "shared-logs",
		"multiattach": true, "metadata": map[string]any{"ecsfleet": "web"}}})
	if st != http.StatusAccepted {
		t.Fatalf("EVS create: %d %v", st, body)
	}
	v := body["volume"].(map[string]any)
	if v["multiattach"] != true || v["name"] != "shared-logs" || v["status"] != "creating" {
		t.Fatalf("EVS create answer: %v", v)
	}
	xaSettle(ts)
	ids := xaStopped(ts, 2)
	st, body = ts.do("POST", "/v1/"+ts.pid+"/batchaction/attachvolumes/"+v["id"].(string), map[string]any{
		"serverinfo": []map[string]any{{"server_id": ids[0]}, {"server_id": ids[1]}}})
	if st != http.StatusOK {
		t.Fatalf("5.8.1 of the shared volume: %d %v", st, body)
	}
	if st, body := ts.do("POST", "/v2/"+ts.pid+"/volumes", map[string]any{"volume": map[string]any{
		"availability_zone": "az1.dc1", "volume_type": "SSD"}}); st != http.StatusBadRequest {
		t.Fatalf("EVS create without a size: %d %v", st, body)
	}
}
