package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestKeypairCreateWithoutMicroversionIs200(t *testing.T) {
	ts := newTestSim(t)
	// C10: the production client sends no microversion and expects 200.
	st, out := ts.do("POST", xbV21(ts, "/os-keypairs"), map[string]any{"keypair": map[string]string{"name": "ops-key"}})
	if st != http.StatusOK {
		t.Fatalf("create: %d %v", st, out)
	}
	kp := out["keypair"].(map[string]any)
	priv, _ := kp["private_key"].(string)
	if !strings.Contains(priv, "PRIVATE KEY") || kp["name"] != "ops-key" || kp["fingerprint"] == "" || kp["user_id"] == "" {
		t.Fatalf("create answer %v", kp)
	}
	if _, err := parseSSHPublicKey(kp["public_key"].(string)); err != nil {
		t.Fatalf("generated public key: %v", err)
	}
	// The private key is given once: neither get nor list shows it, and the
	// state does not hold it.
	st, out = ts.do("GET", xbV21(ts, "/os-keypairs/ops-key"), nil)
	if st != http.StatusOK {
		t.Fatalf("5.30.4: %d %v", st, out)
	}
	got := out["keypair"].(map[string]any)
	if _, has := got["private_key"]; has || got["fingerprint"] != kp["fingerprint"] || got["deleted"] != false {
		t.Errorf("5.30.4 answer %v", got)
	}
	if _, isNum := got["id"].(float64); !isNum {
		t.Errorf("id %v is not a number", got["id"])
	}
	st, out = ts.do("GET", xbV21(ts, "/os-keypairs"), nil)
	if st != http.StatusOK {
		t.Fatalf("5.30.1: %d %v", st, out)
	}
	list := out["keypairs"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["keypair"].(map[string]any)["name"] != "ops-key" {
		t.Errorf("5.30.1 answer %v", list)
	}
	if strings.Contains(xbErrText(out), "PRIVATE") {
		t.Error("the list shows a private key")
	}
	xbWithProject(ts, func(p *ProjectState) {
		if strings.Contains(fmt.Sprintf("%+v", *p.Keypairs["ops-key"]), "PRIVATE") {
			t.Error("the state holds the private key")
		}
	})
	// Delete without a microversion: 202; then 404.
	st, _ = ts.do("DELETE", xbV21(ts, "/os-keypairs/ops-key"), nil)
	if st != http.StatusAccepted {
		t.Fatalf("5.30.3: %d", st)
	}
	st, out = ts.do("GET", xbV21(ts, "/os-keypairs/ops-key"), nil)
	wantErr(t, st, out, http.StatusNotFound, "itemNotFound")
	st, out = ts.do("DELETE", xbV21(ts, "/os-keypairs/ops-key"), nil)
	wantErr(t, st, out, http.StatusNotFound, "itemNotFound")
}

func TestKeypairImportReferenceExampleWith260(t *testing.T) {
	ts := newTestSim(t)
	fx := xbFixtures(t, "5.30.2")
	if len(fx) != 1 {
		t.Fatalf("want the 5.30.2 example, got %d", len(fx))
	}
	for _, body := range fx {
		st, out := xbDoH(ts, "POST", xbV21(ts, "/os-keypairs"), body, xbMicro("2.60"))
		if st != http.StatusCreated {
			t.Fatalf("5.30.2 example: %d %v", st, out)
		}
		kp := out["keypair"].(map[string]any)
		if _, has := kp["private_key"]; has || kp["type"] != "ssh" || kp["name"] != "demo1" {
			t.Errorf("import answer %v", kp)
		}
		want, _ := parseSSHPublicKey(referenceRSAKey)
		if kp["fingerprint"] != want.Fingerprint {
			t.Errorf("fingerprint %v, want %s", kp["fingerprint"], want.Fingerprint)
		}
		// Same name again: 409.
		st, out = xbDoH(ts, "POST", xbV21(ts, "/os-keypairs"), body, xbMicro("2.60"))
		wantErr(t, st, out, http.StatusConflict, "conflictingRequest")
	}
	// From 2.2 the list and get show the type, and delete answers 204.
	st, out := xbDoH(ts, "GET", xbV21(ts, "/os-keypairs/demo1"), nil, http.Header{"Openstack-Api-Version": {"compute 2.60"}})
	if st != http.StatusOK || out["keypair"].(map[string]any)["type"] != "ssh" {
		t.Fatalf("get with 2.60: %d %v", st, out)
	}
	st, _ = xbDoH(ts, "DELETE", xbV21(ts, "/os-keypairs/demo1"), nil, xbMicro("2.60"))
	if st != http.StatusNoContent {
		t.Fatalf("delete with 2.60: %d", st)
	}
}

func TestKeypairX509(t *testing.T) {
	ts := newTestSim(t)
	st, out := xbDoH(ts, "POST", xbV21(ts, "/os-keypairs"), map[string]any{"keypair": map[string]string{"name": "cert", "type": "x509"}}, xbMicro("2.60"))
	if st != http.StatusCreated {
		t.Fatalf("create x509: %d %v", st, out)
	}
	kp := out["keypair"].(map[string]any)
	if kp["type"] != "x509" || !strings.Contains(kp["public_key"].(string), "CERTIFICATE") || kp["private_key"] == nil {
		t.Fatalf("x509 answer %v", kp)
	}
	// The certificate imports back under another name.
	st, out = xbDoH(ts, "POST", xbV21(ts, "/os-keypairs"), map[string]any{"keypair": map[string]string{"name": "cert2", "type": "x509", "public_key": kp["public_key"].(string)}}, xbMicro("2.60"))
	if st != http.StatusCreated || out["keypair"].(map[string]any)["fingerprint"] != kp["fingerprint"] {
		t.Fatalf("import x509: %d %v", st, out)
	}
}

func TestKeypairRules(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Quotas.KeyPairs = 1 })
	path := xbV21(ts, "/os-keypairs")
	kp := func(fields map[string]string) map[string]any { return map[string]any{"keypair": fields} }
	for name, body := range map[string]any{
		"no keypair":        map[string]any{},
		"no name":           kp(map[string]string{}),
		"empty name":        kp(map[string]string{"name": ""}),
		"name with a space": kp(map[string]string{"name": "my key"}),
		"name of 65":        kp(map[string]string{"name": strings.Repeat("k", 65)}),
		"bad type":          kp(map[string]string{"name": "k", "type": "pgp"}),
		"garbage key":       kp(map[string]string{"name": "k", "public_key": "ssh-rsa not-a-key"}),
		"empty public key":  kp(map[string]string{"name": "k", "public_key": ""}),
		"ssh key as x509":   kp(map[string]string{"name": "k", "type": "x509", "public_key": referenceRSAKey}),
		"unknown field":     map[string]any{"keypair": map[string]string{"name": "k"}, "x": "y"},
	} {
		st, out := xbDoH(ts, "POST", path, body, xbMicro("2.60"))
		if st != http.StatusBadRequest || errCode(out) != "badRequest" {
			t.Errorf("%s: got %d %v, want 400 badRequest", name, st, out)
		}
	}
	// Fields newer than the requested microversion are refused.
	st, out := xbDoH(ts, "POST", path, kp(map[string]string{"name": "k", "type": "ssh"}), xbMicro("2.1"))
	wantErr(t, st, out, http.StatusBadRequest, "badRequest")
	st, out = xbDoH(ts, "POST", path, kp(map[string]string{"name": "k", "user_id": "u"}), xbMicro("2.9"))
	wantErr(t, st, out, http.StatusBadRequest, "badRequest")
	// Malformed or unsupported microversions.
	st, out = xbDoH(ts, "POST", path, kp(map[string]string{"name": "k"}), xbMicro("two"))
	wantErr(t, st, out, http.StatusBadRequest, "badRequest")
	st, out = xbDoH(ts, "POST", path, kp(map[string]string{"name": "k"}), xbMicro("2.99"))
	if st != http.StatusNotAcceptable {
		t.Errorf("2.99: %d %v", st, out)
	}
	// Quota key_pairs (1 here).
	if st, out := xbDoH(ts, "POST", path, kp(map[string]string{"name": "k1"}), xbMicro("2.60")); st != http.StatusCreated {
		t.Fatalf("first keypair: %d %v", st, out)
	}
	st, out = xbDoH(ts, "POST", path, kp(map[string]string{"name": "k2"}), xbMicro("2.60"))
	if st != http.StatusBadRequest || !strings.Contains(xbErrText(out), "key_pairs") {
		t.Errorf("over quota: %d %v", st, out)
	}
}
