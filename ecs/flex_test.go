package ecs

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlexTypes(t *testing.T) {
	var v struct {
		S  FlexString     `json:"s"`
		I  FlexInt        `json:"i"`
		B  FlexBool       `json:"b"`
		L  FlexStringList `json:"l"`
		M  FlexMap        `json:"m"`
		Im ImageRef       `json:"im"`
		Ln Links          `json:"ln"`
	}
	cases := []struct {
		in    string
		check func() bool
	}{
		{`{"s":"Ecs.0310"}`, func() bool { return v.S == "Ecs.0310" }},
		{`{"s":400}`, func() bool { return v.S == "400" }},
		{`{"s":null}`, func() bool { return v.S == "" }},
		{`{"i":"4"}`, func() bool { return v.I == 4 }},
		{`{"i":4}`, func() bool { return v.I == 4 }},
		{`{"i":""}`, func() bool { return v.I == 0 }},
		{`{"i":null}`, func() bool { return v.I == 0 }},
		{`{"i":"None"}`, func() bool { return v.I == 0 }},
		{`{"i":1.0}`, func() bool { return v.I == 1 }},
		{`{"b":"True"}`, func() bool { return bool(v.B) }},
		{`{"b":false}`, func() bool { return !bool(v.B) }},
		{`{"b":"0"}`, func() bool { return !bool(v.B) }},
		{`{"l":["g1","g2"]}`, func() bool { return len(v.L) == 2 && v.L[1] == "g2" }},
		{`{"l":"g1"}`, func() bool { return len(v.L) == 1 && v.L[0] == "g1" }},
		{`{"l":null}`, func() bool { return v.L == nil }},
		{`{"m":{"a":"x","n":1,"b":true,"z":null,"o":{"k":1}}}`, func() bool {
			return v.M["a"] == "x" && v.M["n"] == "1" && v.M["b"] == "true" && v.M["z"] == "" && v.M["o"] == `{"k":1}`
		}},
		{`{"m":""}`, func() bool { return len(v.M) == 0 }},
		{`{"im":""}`, func() bool { return v.Im.ID == "" }},
		{`{"im":{"id":"img-1","links":[{"href":"h","rel":"self"}]}}`, func() bool { return v.Im.ID == "img-1" && len(v.Im.Links) == 1 }},
		{`{"ln":{"href":"h","rel":"self"}}`, func() bool { return len(v.Ln) == 1 && v.Ln[0].Rel == "self" }},
		{`{"ln":[{"href":"h","rel":"self"},{"href":"b","rel":"bookmark"}]}`, func() bool { return len(v.Ln) == 2 }},
	}
	for _, c := range cases {
		v.S, v.I, v.B, v.L, v.M, v.Im, v.Ln = "", 0, false, nil, nil, ImageRef{}, nil
		if err := json.Unmarshal([]byte(c.in), &v); err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if !c.check() {
			t.Errorf("%s decoded to %+v", c.in, v)
		}
	}
	for _, bad := range []string{`{"i":"four"}`, `{"b":"maybe"}`, `{"s":{"x":1}}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func TestConfigTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"availabilityZoneInfo":[{"zoneName":"az1","zoneState":{"available":true}}]}`)
	}))
	defer srv.Close()
	base := Config{Endpoint: srv.URL, ProjectID: "p", AccessKey: "a", SecretKey: "s", Retry: testRetry}
	ctx := context.Background()

	// Verification is on by default: the test server's self-signed certificate
	// is refused, permanently (retrying cannot fix a certificate).
	c, err := New(base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAvailabilityZones(ctx); err == nil || Classify(err) != Permanent {
		t.Fatalf("untrusted certificate: err=%v class=%v", err, Classify(err))
	}

	// Trusting its CA through CAFile makes it work.
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	withCA := base
	withCA.CAFile = caFile
	if c, err = New(withCA); err != nil {
		t.Fatal(err)
	}
	if zones, err := c.ListAvailabilityZones(ctx); err != nil || len(zones) != 1 {
		t.Fatalf("with CA file: %v %v", zones, err)
	}

	// Skipping verification must be explicit.
	insecure := base
	insecure.InsecureSkipVerify = true
	if c, err = New(insecure); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAvailabilityZones(ctx); err != nil {
		t.Fatalf("insecure: %v", err)
	}

	// A CA file that is missing or holds no certificate is a configuration error.
	bad := base
	bad.CAFile = filepath.Join(dir, "missing.pem")
	if _, err := New(bad); err == nil {
		t.Error("missing CA file accepted")
	}
	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o600)
	bad.CAFile = junk
	if _, err := New(bad); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("junk CA file: %v", err)
	}
}

func TestServerTagMap(t *testing.T) {
	s := Server{Tags: []string{"fleet=web", "env.prod", "ver=1.2.3", "note.a=b", "26cb77c2-b76c-47bb-81cd-1eb28a8b6c40"}}
	m := s.TagMap()
	want := map[string]string{"fleet": "web", "env": "prod", "ver": "1.2.3", "note": "a=b", "26cb77c2-b76c-47bb-81cd-1eb28a8b6c40": ""}
	if len(m) != len(want) {
		t.Fatalf("TagMap = %v", m)
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("TagMap[%q] = %q, want %q", k, m[k], v)
		}
	}
}
