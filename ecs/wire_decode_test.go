package ecs

import (
	"context"
	"net/http"
	"reflect"
	"testing"
)

// Answers in the shape the reference's TABLES give where the examples show
// another (the fixture tests cover the examples): each must decode, and the
// fields must not silently stay empty.
func TestDecodesTableShapesTheExamplesLack(t *testing.T) {
	bodies := map[string]string{
		// 5.20.1 table 5-603: hosts is an Array of strings (example: null).
		"/v2.1/proj1/os-availability-zone": `{"availabilityZoneInfo":[{"zoneName":"az1","zoneState":{"available":true},"hosts":["h1","h2"]}]}`,
		// 5.30.1 table 5-733: bare keypair objects (example: wrapped).
		"/v2.1/proj1/os-keypairs": `{"keypairs":[{"name":"kp1","public_key":"ssh-rsa A","fingerprint":"f1"},{"keypair":{"name":"kp2","public_key":"ssh-rsa B","fingerprint":"f2"}}]}`,
		// 5.13.10 table 5-482: tags as strings (example: {key, value}).
		"/v1/proj1/cloudservers/s1/tags": `{"tags":["fleet=web","env.prod",{"key":"k","value":"v"},"bare"]}`,
		// 5.13.9 table 5-478: a single "value" (example: "values" array).
		"/v1/proj1/cloudservers/tags": `{"tags":[{"key":"fleet","value":"web"},{"key":"env","values":["prod","dev"]}]}`,
		// 5.8.3 table 5-326: bootIndex 0 is the system disk; absent is not.
		"/v1/proj1/cloudservers/s1/block_device": `{"volumeAttachments":[{"volumeId":"v0","bootIndex":0},{"volumeId":"v1"},{"volumeId":"v2","bootIndex":"-1"}]}`,
	}
	c, _ := akskClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b, ok := bodies[r.URL.Path]; ok {
			writeJSON(w, http.StatusOK, b)
			return
		}
		http.NotFound(w, r)
	}))
	ctx := context.Background()

	zones, err := c.ListAvailabilityZones(ctx)
	if err != nil || len(zones) != 1 || zones[0].ZoneName != "az1" || !bool(zones[0].ZoneState.Available) {
		t.Fatalf("zones %+v, %v", zones, err)
	}

	kps, err := c.ListKeypairs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(kps) != 2 || kps[0].Name != "kp1" || kps[0].Fingerprint != "f1" || kps[1].Name != "kp2" || kps[1].PublicKey != "ssh-rsa B" {
		t.Errorf("keypairs %+v", kps)
	}

	tags, err := c.ListServerTags(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	want := []Tag{{"fleet", "web"}, {"env.prod", ""}, {"k", "v"}, {"bare", ""}}
	if !reflect.DeepEqual(tags, want) {
		t.Errorf("server tags %v, want %v", tags, want)
	}

	ptags, err := c.ListProjectTags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantP := []ProjectTag{{"fleet", []string{"web"}}, {"env", []string{"prod", "dev"}}}
	if !reflect.DeepEqual(ptags, wantP) {
		t.Errorf("project tags %v, want %v", ptags, wantP)
	}

	bd, err := c.ListBlockDevices(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	var sys []bool
	for _, d := range bd.VolumeAttachments {
		sys = append(sys, d.IsSystemDisk())
	}
	if !reflect.DeepEqual(sys, []bool{true, false, false}) {
		t.Errorf("system disk flags %v, want [true false false]", sys)
	}
}
