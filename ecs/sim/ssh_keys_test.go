package sim

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The reference's own import example (5.30.2), joined back into one line.
const referenceRSAKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDV9luoG0IvjlGbMZs8I6pVSe0HvirOiNdB8rf5moZnEp3EIuPGeewqRiCQAnRoclr1FVmxbiN6gQuznmp37GYNHdpuXIzTT4rzo+ODxFDa3d1d7jyYP5thS3oj6hCv4+6doXQ4NUQitgl0RUt9u/dRzcc0yu8BEHAbVhactBMvvWysvuOd1Urin7EA2kNTc7ez+2CzJjiTmUIXkQaDQlwj+V6EQrbfrCF6Ng1HbKVf4qcW0JvhNcikW4LVjI1yU6SnpK7VFqvqkoSL/r+yu14IWPdpDoYhFh554vlLPzO3JGdEn4zY6ych+Fk5+3j+IppONuXhipR8bEYxdig17zeZ root@13B08932-1DD2-11B2-B852-000000821800\n"

func TestParseSSHPublicKeyAcceptsReferenceExample(t *testing.T) {
	k, err := parseSSHPublicKey(referenceRSAKey)
	if err != nil {
		t.Fatalf("reference example rejected: %v", err)
	}
	if k.Type != "ssh" || strings.HasSuffix(k.PublicKey, "\n") {
		t.Errorf("got type %q, key %q; want ssh and a trimmed key", k.Type, k.PublicKey)
	}
	if len(k.Fingerprint) != 47 || strings.Count(k.Fingerprint, ":") != 15 {
		t.Errorf("fingerprint %q is not MD5 colon hex", k.Fingerprint)
	}
}

func TestParseSSHPublicKeyRejectsBrokenKeys(t *testing.T) {
	good := strings.Fields(referenceRSAKey)[1]
	raw, _ := base64.StdEncoding.DecodeString(good)
	cases := map[string]string{
		"empty":          "",
		"one field":      "ssh-rsa",
		"unknown type":   "ssh-foo " + good,
		"not base64":     "ssh-rsa !!!notbase64",
		"type mismatch":  "ssh-ed25519 " + good,
		"truncated blob": "ssh-rsa " + base64.StdEncoding.EncodeToString(raw[:40]),
		"trailing data":  "ssh-rsa " + base64.StdEncoding.EncodeToString(append(append([]byte{}, raw...), 0, 0, 0, 0)),
		"two lines":      referenceRSAKey + referenceRSAKey,
	}
	for name, key := range cases {
		if _, err := parseSSHPublicKey(key); err == nil {
			t.Errorf("%s: accepted %q", name, key)
		}
	}
}

func TestGenerateSSHKeyIsARealPair(t *testing.T) {
	g, err := generateSSHKey("demo")
	if err != nil {
		t.Fatal(err)
	}
	again, err := parseSSHPublicKey(g.PublicKey)
	if err != nil {
		t.Fatalf("generated public key does not parse: %v", err)
	}
	if again.Fingerprint != g.Fingerprint {
		t.Errorf("fingerprint %q, reparsed %q", g.Fingerprint, again.Fingerprint)
	}

	// Walk the OpenSSH private key and check that its secret key signs
	// for the public key that was returned.
	block, _ := pem.Decode([]byte(g.PrivateKey))
	if block == nil || block.Type != "OPENSSH PRIVATE KEY" {
		t.Fatalf("private key is not an OpenSSH PEM block")
	}
	rest := block.Bytes[len("openssh-key-v1\x00"):]
	r := &sshReader{b: rest}
	for i := 0; i < 3; i++ { // cipher, kdf, kdf options
		if _, err := r.str(); err != nil {
			t.Fatal(err)
		}
	}
	r.b = r.b[4:] // number of keys
	if _, err := r.str(); err != nil {
		t.Fatal(err)
	}
	inner, err := r.str()
	if err != nil {
		t.Fatal(err)
	}
	ir := &sshReader{b: inner[8:]}
	ir.str() // key type
	pub, _ := ir.str()
	priv, _ := ir.str()
	sig := ed25519.Sign(ed25519.PrivateKey(priv), []byte("hello"))
	if !ed25519.Verify(ed25519.PublicKey(pub), []byte("hello"), sig) {
		t.Fatal("private key does not match the public key")
	}
	blob, _ := base64.StdEncoding.DecodeString(strings.Fields(g.PublicKey)[1])
	if !strings.Contains(string(blob), string(pub)) {
		t.Fatal("public key in the private key file differs from the returned one")
	}

	// If OpenSSH is installed, let it confirm the file is usable.
	if path, err := exec.LookPath("ssh-keygen"); err == nil {
		f := filepath.Join(t.TempDir(), "id")
		if err := os.WriteFile(f, []byte(g.PrivateKey), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(path, "-y", "-f", f).Output()
		if err != nil {
			t.Fatalf("ssh-keygen cannot read the private key: %v", err)
		}
		if strings.Fields(string(out))[1] != strings.Fields(g.PublicKey)[1] {
			t.Fatalf("ssh-keygen derives %q, want %q", out, g.PublicKey)
		}
	}
}

func TestGenerateX509KeyImportsBack(t *testing.T) {
	g, err := generateX509Key("demo")
	if err != nil {
		t.Fatal(err)
	}
	k, err := parseX509PublicKey(g.PublicKey)
	if err != nil {
		t.Fatalf("generated certificate does not parse: %v", err)
	}
	if k.Fingerprint != g.Fingerprint || k.Type != "x509" {
		t.Errorf("got %+v, want fingerprint %q type x509", k, g.Fingerprint)
	}
	if _, err := parseX509PublicKey(referenceRSAKey); err == nil {
		t.Error("an SSH key was accepted as an x509 certificate")
	}
}
