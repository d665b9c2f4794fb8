package ecs

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"sync"
	"testing"
)

// The fixture tests prove that the reference's examples fit our types; they
// cannot see a field we send that the reference does not have, a required
// field we drop, or a wrong method, path or query name. This test drives every
// typed call over real HTTP and compares what went on the wire with the
// request tables of the Chinese original (section and table named per row).

// wireCall is what one call put on the wire.
type wireCall struct {
	method, path string
	query        url.Values
	body         any // decoded JSON, nil when there was none
}

// wireRecorder records requests and answers each with a body every typed call
// can decode.
type wireRecorder struct {
	mu    sync.Mutex
	calls []wireCall
}

func (w *wireRecorder) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	var body any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &body); err != nil {
			body = "not JSON: " + string(data)
		}
	}
	w.mu.Lock()
	w.calls = append(w.calls, wireCall{r.Method, r.URL.Path, r.URL.Query(), body})
	w.mu.Unlock()
	writeJSON(rw, http.StatusOK, `{"job_id":"j1"}`)
}

func (w *wireRecorder) last(t *testing.T) wireCall {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.calls) == 0 {
		t.Fatal("no request was sent")
	}
	c := w.calls[len(w.calls)-1]
	w.calls = nil
	return c
}

func jsonValue(t *testing.T, s string) any {
	t.Helper()
	if s == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad expected JSON %s: %v", s, err)
	}
	return v
}

func TestWireMatchesReferenceTables(t *testing.T) {
	rec := &wireRecorder{}
	c, _ := akskClient(t, rec)
	ctx := context.Background()
	yes := true
	name := "web-01"

	cases := []struct {
		section string
		call    func() error
		method  string
		path    string
		query   url.Values
		body    string // exact JSON expected
	}{
		{"5.2.1 tables 5-6..5-19 (metadata: a table 5-18 key)", func() error {
			_, err := c.CreateServers(ctx, &CreateServersRequest{Server: CreateServer{
				ImageRef: "img", FlavorRef: "flv", Name: "web", VPCID: "vpc",
				NICs:           []CreateNIC{{SubnetID: "sub"}},
				RootVolume:     RootVolume{VolumeType: "SATA", Size: 40},
				DataVolumes:    []DataVolume{{VolumeType: "SSD", Size: 10, Multiattach: &yes, PassThrough: "true"}},
				SecurityGroups: []IDRef{{ID: "sg"}}, AvailabilityZone: "az1", Count: 2,
				ExtendParam: &ServerExtendParam{Postfix: "0001"}, Metadata: map[string]string{"_ha_policy_type": "close"},
				SchedulerHints: &CreateSchedulerHints{Group: "g"}, ServerTags: []Tag{{Key: "fleet", Value: "a"}},
				PowerOn: &yes, KeyName: "kp",
			}})
			return err
		}, "POST", "/v1.1/proj1/cloudservers", nil, `{"server":{"imageRef":"img","flavorRef":"flv","name":"web","vpcid":"vpc",
			"nics":[{"subnet_id":"sub"}],"root_volume":{"volumetype":"SATA","size":40},
			"data_volumes":[{"volumetype":"SSD","size":10,"multiattach":true,"hw:passthrough":"true"}],
			"security_groups":[{"id":"sg"}],"availability_zone":"az1","count":2,"extendparam":{"postfix":"0001"},
			"metadata":{"_ha_policy_type":"close"},"os:scheduler_hints":{"group":"g"},"server_tags":[{"key":"fleet","value":"a"}],
			"power_on":true,"key_name":"kp"}}`},
		{"5.2.3 table 5-42", func() error {
			_, err := c.DeleteServers(ctx, &DeleteServersRequest{Servers: []IDRef{{ID: "s1"}}, DeleteVolume: true})
			return err
		}, "POST", "/v1/proj1/cloudservers/delete", nil, `{"servers":[{"id":"s1"}],"delete_publicip":false,"delete_volume":true}`},
		{"5.2.4 (expect_fields as in its example)", func() error { _, err := c.GetServer(ctx, "s1", "volume", "volume_detail"); return err },
			"GET", "/v1/proj1/cloudservers/s1", url.Values{"expect_fields": {"volume,volume_detail"}}, ""},
		{"5.2.5 table 5-56", func() error {
			_, err := c.ListServersDetail(ctx, ListServersOptions{Limit: 50, Tags: "fleet=a", NotTags: "x", Status: "ACTIVE"})
			return err
		}, "GET", "/v1/proj1/cloudservers/detail",
			url.Values{"offset": {"1"}, "limit": {"50"}, "tags": {"fleet=a"}, "not-tags": {"x"}, "status": {"ACTIVE"}}, ""},
		{"5.2.6 table 5-70", func() error { _, err := c.ModifyServer(ctx, "s1", ModifyServer{Name: &name}); return err },
			"PUT", "/v1/proj1/cloudservers/s1", nil, `{"server":{"name":"web-01"}}`},
		{"5.2.8 table 5-95", func() error {
			_, err := c.RenameServers(ctx, &RenameServersRequest{Name: "web", Servers: []IDRef{{ID: "s1"}}})
			return err
		}, "PUT", "/v1/proj1/cloudservers/server-name", nil, `{"name":"web","servers":[{"id":"s1"}]}`},
		{"5.6.1 table 5-236 (no paging parameters)", func() error {
			_, err := c.ListResizeFlavors(ctx, ResizeFlavorsOptions{InstanceUUID: "s1", SourceFlavorID: "f1", SourceFlavorName: "c1"})
			return err
		}, "GET", "/v1/proj1/cloudservers/resize_flavors",
			url.Values{"instance_uuid": {"s1"}, "source_flavor_id": {"f1"}, "source_flavor_name": {"c1"}}, ""},
		{"5.6.2", func() error { _, err := c.ListFlavorsDetail(ctx, nil); return err }, "GET", "/v2.1/proj1/flavors/detail", nil, ""},
		{"5.6.5 table 5-256", func() error { _, err := c.ListFlavors(ctx, "az1"); return err },
			"GET", "/v1/proj1/cloudservers/flavors", url.Values{"availability_zone": {"az1"}}, ""},
		{"5.20.1", func() error { _, err := c.ListAvailabilityZones(ctx); return err }, "GET", "/v2.1/proj1/os-availability-zone", nil, ""},
		{"5.4.1", func() error { _, err := c.ListImages(ctx, nil); return err }, "GET", "/v2.1/proj1/images", nil, ""},
		{"5.4.4", func() error { _, err := c.GetImage(ctx, "i1"); return err }, "GET", "/v2.1/proj1/images/i1", nil, ""},
		{"5.10.1", func() error { _, err := c.GetLimits(ctx); return err }, "GET", "/v1/proj1/cloudservers/limits", nil, ""},
		{"5.10.2", func() error { _, err := c.GetQuotaSet(ctx); return err }, "GET", "/v2.1/proj1/os-quota-sets/proj1", nil, ""},
		{"5.10.3", func() error { _, err := c.GetLimitsCompat(ctx); return err }, "GET", "/v2.1/proj1/limits", nil, ""},
		{"5.11.1", func() error { _, err := c.GetJob(ctx, "j1"); return err }, "GET", "/v1/proj1/jobs/j1", nil, ""},
		{"5.7.1 tables 5-280..5-282", func() error {
			_, err := c.AddNICs(ctx, "s1", []AddNIC{{SubnetID: "sub", SecurityGroups: []IDRef{{ID: "sg"}}}})
			return err
		}, "POST", "/v1/proj1/cloudservers/s1/nics", nil, `{"nics":[{"subnet_id":"sub","security_groups":[{"id":"sg"}]}]}`},
		{"5.7.2 tables 5-286, 5-287", func() error { _, err := c.DeleteNICs(ctx, "s1", []string{"p1"}); return err },
			"POST", "/v1/proj1/cloudservers/s1/nics/delete", nil, `{"nics":[{"id":"p1"}]}`},
		{"5.7.3", func() error { _, err := c.ListNICs(ctx, "s1"); return err }, "GET", "/v1/proj1/cloudservers/s1/os-interface", nil, ""},
		{"5.8.1 tables 5-316, 5-317", func() error {
			_, err := c.AttachSharedVolume(ctx, "v1", []ServerInfo{{ServerID: "s1"}, {ServerID: "s2", Device: "/dev/sdb"}})
			return err
		}, "POST", "/v1/proj1/batchaction/attachvolumes/v1", nil, `{"serverinfo":[{"server_id":"s1"},{"server_id":"s2","device":"/dev/sdb"}]}`},
		{"5.8.2 table 5-322", func() error { _, err := c.AttachVolume(ctx, "s1", "v1", "/dev/vdb"); return err },
			"POST", "/v1/proj1/cloudservers/s1/attachvolume", nil, `{"volumeAttachment":{"volumeId":"v1","device":"/dev/vdb"}}`},
		{"5.8.3", func() error { _, err := c.ListBlockDevices(ctx, "s1"); return err }, "GET", "/v1/proj1/cloudservers/s1/block_device", nil, ""},
		{"5.8.5 table 5-333", func() error { _, err := c.DetachVolume(ctx, "s1", "v1", true); return err },
			"DELETE", "/v1/proj1/cloudservers/s1/detachvolume/v1", url.Values{"delete_flag": {"1"}}, ""},
		{"5.8.6", func() error { _, err := c.ListVolumeAttachments(ctx, "s1"); return err },
			"GET", "/v1/proj1/cloudservers/s1/os-volume_attachments", nil, ""},
		{"5.8.10 table 5-354 (volume_type required)", func() error { _, err := c.CreateVolume(ctx, CreateVolume{Size: 10, VolumeType: "SATA"}); return err },
			"POST", "/v2.1/proj1/os-volumes", nil, `{"volume":{"size":10,"volume_type":"SATA"}}`},
		{"5.8.9", func() error { _, err := c.ListVolumes(ctx, false); return err }, "GET", "/v2.1/proj1/os-volumes", nil, ""},
		{"5.8.11", func() error { _, err := c.ListVolumes(ctx, true); return err }, "GET", "/v2.1/proj1/os-volumes/detail", nil, ""},
		{"5.8.12", func() error { return c.DeleteVolume(ctx, "v1") }, "DELETE", "/v2.1/proj1/os-volumes/v1", nil, ""},
		{"5.8.13", func() error { _, err := c.GetVolume(ctx, "v1"); return err }, "GET", "/v2.1/proj1/os-volumes/v1", nil, ""},
		{"5.9.1 table 5-390", func() error { _, err := c.UpdateMetadata(ctx, "s1", map[string]string{"a": "1"}); return err },
			"POST", "/v1/proj1/cloudservers/s1/metadata", nil, `{"metadata":{"a":"1"}}`},
		{"5.9.2", func() error { return c.DeleteMetadataKey(ctx, "s1", "a:b") }, "DELETE", "/v1/proj1/cloudservers/s1/metadata/a:b", nil, ""},
		{"5.9.3", func() error { _, err := c.GetMetadata(ctx, "s1"); return err }, "GET", "/v2.1/proj1/servers/s1/metadata", nil, ""},
		{"5.9.4 table 5-401 (a required object, never null)", func() error { _, err := c.SetMetadata(ctx, "s1", nil); return err },
			"PUT", "/v2.1/proj1/servers/s1/metadata", nil, `{"metadata":{}}`},
		{"5.13.1 table 5-452", func() error { return c.DeleteTags(ctx, "s1", []Tag{{Key: "k", Value: "v"}}) },
			"POST", "/v1/proj1/cloudservers/s1/tags/action", nil, `{"action":"delete","tags":[{"key":"k","value":"v"}]}`},
		{"5.13.1 table 5-453 (value optional: empty means by key)", func() error { return c.DeleteTags(ctx, "s1", []Tag{{Key: "k"}}) },
			"POST", "/v1/proj1/cloudservers/s1/tags/action", nil, `{"action":"delete","tags":[{"key":"k"}]}`},
		{"5.13.2 table 5-456", func() error { return c.AddTags(ctx, "s1", []Tag{{Key: "k", Value: "v"}}) },
			"POST", "/v1/proj1/cloudservers/s1/tags/action", nil, `{"action":"create","tags":[{"key":"k","value":"v"}]}`},
		{"5.13.9", func() error { _, err := c.ListProjectTags(ctx); return err }, "GET", "/v1/proj1/cloudservers/tags", nil, ""},
		{"5.13.10", func() error { _, err := c.ListServerTags(ctx, "s1"); return err }, "GET", "/v1/proj1/cloudservers/s1/tags", nil, ""},
		{"5.14.1 table 5-485", func() error {
			_, err := c.ResetPasswords(ctx, &ResetPasswordsRequest{NewPassword: "Aa1-xxxxxx", Servers: []IDRef{{ID: "s1"}}})
			return err
		}, "PUT", "/v1/proj1/cloudservers/os-reset-passwords", nil, `{"new_password":"Aa1-xxxxxx","servers":[{"id":"s1"}]}`},
		{"5.14.1 table 5-485 (dry run: new_password optional)", func() error {
			_, err := c.ResetPasswords(ctx, &ResetPasswordsRequest{DryRun: true, Servers: []IDRef{{ID: "s1"}}})
			return err
		}, "PUT", "/v1/proj1/cloudservers/os-reset-passwords", nil, `{"dry_run":true,"servers":[{"id":"s1"}]}`},
		{"5.14.2 table 5-490", func() error { return c.ResetPassword(ctx, "s1", "Aa1-xxxxxx") },
			"PUT", "/v1/proj1/cloudservers/s1/os-reset-password", nil, `{"reset-password":{"new_password":"Aa1-xxxxxx"}}`},
		{"5.14.3", func() error { _, err := c.SupportsPasswordReset(ctx, "s1"); return err },
			"GET", "/v1/proj1/cloudservers/s1/os-resetpwd-flag", nil, ""},
		{"5.16.1 table 5-532", func() error { _, err := c.CreateServerGroup(ctx, "g", []string{"anti-affinity"}); return err },
			"POST", "/v1/proj1/cloudservers/os-server-groups", nil, `{"server_group":{"name":"g","policies":["anti-affinity"]}}`},
		{"5.16.2", func() error { _, err := c.ListServerGroups(ctx); return err }, "GET", "/v1/proj1/cloudservers/os-server-groups", nil, ""},
		{"5.16.11", func() error { _, err := c.GetServerGroup(ctx, "g1"); return err }, "GET", "/v1/proj1/cloudservers/os-server-groups/g1", nil, ""},
		{"5.16.3", func() error { return c.DeleteServerGroup(ctx, "g1") }, "DELETE", "/v1/proj1/cloudservers/os-server-groups/g1", nil, ""},
		{"5.16.4 table 5-544", func() error { return c.AddServerGroupMember(ctx, "g1", "s1") },
			"POST", "/v1/proj1/cloudservers/os-server-groups/g1/action", nil, `{"add_member":{"instance_uuid":"s1"}}`},
		{"5.16.10 table 5-569", func() error { return c.RemoveServerGroupMember(ctx, "g1", "s1") },
			"POST", "/v1/proj1/cloudservers/os-server-groups/g1/action", nil, `{"remove_member":{"instance_uuid":"s1"}}`},
		{"5.16.5 table 5-547", func() error { _, err := c.ModifyServerGroupMember(ctx, "g1", "add_member", "s1"); return err },
			"POST", "/v1/proj1/cloudservers/g1/server-group-action", nil, `{"operate_type":"add_member","instance_uuid":"s1"}`},
		{"5.21.1 table 5-607", func() error { _, err := c.ResizeServer(ctx, "s1", ResizeSpec{FlavorRef: "f2"}); return err },
			"POST", "/v1.1/proj1/cloudservers/s1/resize", nil, `{"resize":{"flavorRef":"f2"}}`},
		{"5.21.1 + C9 (mode withStopServer)", func() error {
			_, err := c.ResizeServer(ctx, "s1", ResizeSpec{FlavorRef: "f2", Mode: "withStopServer"})
			return err
		}, "POST", "/v1.1/proj1/cloudservers/s1/resize", nil, `{"resize":{"flavorRef":"f2","mode":"withStopServer"}}`},
		{"5.21.2 table 5-611", func() error { _, err := c.LiveResizeServer(ctx, "s1", "f2", ""); return err },
			"POST", "/v1/proj1/cloudservers/s1/live-resize", nil, `{"live-resize":{"flavorRef":"f2"}}`},
		{"5.21.6 table 5-624", func() error {
			_, err := c.ResizeServers(ctx, []BatchResizeItem{{ServerID: "s1", FlavorRef: "f2"}})
			return err
		},
			"POST", "/v1/proj1/cloudservers/resize", nil, `{"resize":[{"serverId":"s1","flavorRef":"f2"}]}`},
		{"5.21.7 table 5-627", func() error {
			_, err := c.LiveResizeServers(ctx, []BatchResizeItem{{ServerID: "s1", FlavorRef: "f2"}})
			return err
		}, "POST", "/v1/proj1/cloudservers/live-resize", nil, `{"live-resize":[{"serverId":"s1","flavorRef":"f2"}]}`},
		{"5.25.1 table 5-651", func() error { return c.UnlockServer(ctx, "s1") }, "POST", "/v2.1/proj1/servers/s1/action", nil, `{"unlock":{}}`},
		{"5.25.2 table 5-654", func() error { return c.LockServer(ctx, "s1") }, "POST", "/v2.1/proj1/servers/s1/action", nil, `{"lock":{}}`},
		{"5.26.1 table 5-658", func() error {
			_, err := c.ChangeServerOS(ctx, "s1", ChangeOS{KeyName: "kp", ImageID: "i2", Metadata: map[string]string{"user_data": "eA=="}})
			return err
		}, "POST", "/v2/proj1/cloudservers/s1/changeos", nil, `{"os-change":{"keyname":"kp","imageid":"i2","metadata":{"user_data":"eA=="}}}`},
		{"5.26.2 table 5-663", func() error {
			_, err := c.ReinstallServerOS(ctx, "s1", ChangeOS{KeyName: "kp", ImageID: "ignored"})
			return err
		},
			"POST", "/v2/proj1/cloudservers/s1/reinstallos", nil, `{"os-reinstall":{"keyname":"kp"}}`},
		{"5.28.1 table 5-692", func() error { return c.StopServer(ctx, "s1", Hard) }, "POST", "/v2.1/proj1/servers/s1/action", nil, `{"os-stop":{"type":"HARD"}}`},
		{"5.28.2 table 5-695", func() error { return c.StartServer(ctx, "s1") }, "POST", "/v2.1/proj1/servers/s1/action", nil, `{"os-start":{}}`},
		{"5.28.3 table 5-699 (type required)", func() error { return c.RebootServer(ctx, "s1", "") },
			"POST", "/v2.1/proj1/servers/s1/action", nil, `{"reboot":{"type":"SOFT"}}`},
		{"5.30.1", func() error { _, err := c.ListKeypairs(ctx); return err }, "GET", "/v2.1/proj1/os-keypairs", nil, ""},
		{"5.30.2 table 5-737", func() error { _, err := c.CreateKeypair(ctx, "kp", "ssh-rsa AAA"); return err },
			"POST", "/v2.1/proj1/os-keypairs", nil, `{"keypair":{"name":"kp","public_key":"ssh-rsa AAA"}}`},
		{"5.30.3", func() error { return c.DeleteKeypair(ctx, "kp") }, "DELETE", "/v2.1/proj1/os-keypairs/kp", nil, ""},
		{"5.30.4", func() error { _, err := c.GetKeypair(ctx, "kp"); return err }, "GET", "/v2.1/proj1/os-keypairs/kp", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.section, func(t *testing.T) {
			if err := tc.call(); err != nil {
				t.Fatal(err)
			}
			got := rec.last(t)
			if got.method != tc.method || got.path != tc.path {
				t.Errorf("sent %s %s, the reference says %s %s", got.method, got.path, tc.method, tc.path)
			}
			want := tc.query
			if want == nil {
				want = url.Values{}
			}
			if !reflect.DeepEqual(got.query, want) {
				t.Errorf("query %v, want %v", got.query, want)
			}
			if wantBody := jsonValue(t, tc.body); !reflect.DeepEqual(got.body, wantBody) {
				gb, _ := json.Marshal(got.body)
				t.Errorf("body\n got %s\nwant %s", gb, tc.body)
			}
		})
	}
}
