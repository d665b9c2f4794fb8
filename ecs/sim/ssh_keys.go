package sim

// SSH key material for the keypair endpoints (5.30.2).
//
// The simulator must behave like the real service when a client imports a
// public key (reject garbage with 400, compute the fingerprint the list and
// get answers show) and when it asks for a new keypair (return a private key
// that really belongs to the public key, once). Only the standard library is
// allowed in this module's simulator, so the small amount of SSH wire-format
// parsing and OpenSSH private-key writing lives here.

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// sshKeyTypes are the public-key algorithms an imported key may use, with a
// check of the algorithm-specific part of the wire blob.
var sshKeyTypes = map[string]func(r *sshReader) error{
	"ssh-rsa": func(r *sshReader) error {
		e, err := r.mpint()
		if err != nil {
			return err
		}
		n, err := r.mpint()
		if err != nil {
			return err
		}
		if e.Sign() <= 0 || n.BitLen() < 1024 {
			return errors.New("the RSA key is shorter than 1024 bits")
		}
		return nil
	},
	"ssh-ed25519": func(r *sshReader) error {
		k, err := r.str()
		if err != nil {
			return err
		}
		if len(k) != ed25519.PublicKeySize {
			return errors.New("the ed25519 key is not 32 bytes long")
		}
		return nil
	},
	"ssh-dss": func(r *sshReader) error {
		for i := 0; i < 4; i++ { // p, q, g, y
			if _, err := r.mpint(); err != nil {
				return err
			}
		}
		return nil
	},
	"ecdsa-sha2-nistp256": ecdsaCheck("nistp256", elliptic.P256()),
	"ecdsa-sha2-nistp384": ecdsaCheck("nistp384", elliptic.P384()),
	"ecdsa-sha2-nistp521": ecdsaCheck("nistp521", elliptic.P521()),
}

func ecdsaCheck(id string, curve elliptic.Curve) func(r *sshReader) error {
	return func(r *sshReader) error {
		name, err := r.str()
		if err != nil {
			return err
		}
		if string(name) != id {
			return fmt.Errorf("the ECDSA curve %q does not match the key type", name)
		}
		point, err := r.str()
		if err != nil {
			return err
		}
		byteLen := (curve.Params().BitSize + 7) / 8
		if len(point) != 1+2*byteLen || point[0] != 4 {
			return errors.New("the ECDSA point is not an uncompressed point of the curve")
		}
		x := new(big.Int).SetBytes(point[1 : 1+byteLen])
		y := new(big.Int).SetBytes(point[1+byteLen:])
		if !curve.IsOnCurve(x, y) {
			return errors.New("the ECDSA point is not on the curve")
		}
		return nil
	}
}

// sshReader reads the length-prefixed strings of the SSH wire format (RFC 4251).
type sshReader struct{ b []byte }

func (r *sshReader) str() ([]byte, error) {
	if len(r.b) < 4 {
		return nil, errors.New("the key data is truncated")
	}
	n := binary.BigEndian.Uint32(r.b)
	if uint64(n) > uint64(len(r.b)-4) {
		return nil, errors.New("the key data is truncated")
	}
	s := r.b[4 : 4+n]
	r.b = r.b[4+n:]
	return s, nil
}

func (r *sshReader) mpint() (*big.Int, error) {
	s, err := r.str()
	if err != nil {
		return nil, err
	}
	if len(s) > 0 && s[0]&0x80 != 0 {
		return nil, errors.New("the key contains a negative number")
	}
	return new(big.Int).SetBytes(s), nil
}

// parsedPublicKey is an imported public key, normalised.
type parsedPublicKey struct {
	Type        string // "ssh" or "x509"
	PublicKey   string // as stored and returned (trimmed)
	Fingerprint string
}

// parseSSHPublicKey checks an OpenSSH authorized_keys line
// ("<algorithm> <base64 blob> [comment]") and computes Nova's fingerprint:
// MD5 of the blob in colon-separated hex, the form 5.30.1 and 5.30.4 show.
func parseSSHPublicKey(text string) (parsedPublicKey, error) {
	line := strings.TrimSpace(text)
	if strings.ContainsAny(line, "\r\n") {
		return parsedPublicKey{}, errors.New("public_key must be a single line")
	}
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return parsedPublicKey{}, errors.New(`public_key is not in OpenSSH format "<type> <base64 key> [comment]"`)
	}
	check, ok := sshKeyTypes[fields[0]]
	if !ok {
		return parsedPublicKey{}, fmt.Errorf("public_key type %q is not one of ssh-rsa, ssh-ed25519, ssh-dss, ecdsa-sha2-nistp256/384/521", fields[0])
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		return parsedPublicKey{}, errors.New("public_key's key part is not valid base64")
	}
	r := &sshReader{b: blob}
	algo, err := r.str()
	if err != nil {
		return parsedPublicKey{}, fmt.Errorf("public_key is invalid: %v", err)
	}
	if string(algo) != fields[0] {
		return parsedPublicKey{}, fmt.Errorf("public_key says %q but its data is a %q key", fields[0], algo)
	}
	if err := check(r); err != nil {
		return parsedPublicKey{}, fmt.Errorf("public_key is invalid: %v", err)
	}
	if len(r.b) != 0 {
		return parsedPublicKey{}, errors.New("public_key is invalid: unexpected data after the key")
	}
	return parsedPublicKey{Type: "ssh", PublicKey: line, Fingerprint: md5Colon(blob)}, nil
}

// parseX509PublicKey checks a PEM certificate (keypair type "x509"); Nova
// fingerprints a certificate as the SHA-1 of its DER in colon hex.
func parseX509PublicKey(text string) (parsedPublicKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(text)))
	if block == nil || block.Type != "CERTIFICATE" {
		return parsedPublicKey{}, errors.New("public_key of type x509 must be a PEM certificate")
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		return parsedPublicKey{}, errors.New("public_key of type x509 is not a valid certificate")
	}
	sum := sha1.Sum(block.Bytes)
	return parsedPublicKey{Type: "x509", PublicKey: strings.TrimSpace(text), Fingerprint: colonHex(sum[:])}, nil
}

func md5Colon(b []byte) string {
	sum := md5.Sum(b)
	return colonHex(sum[:])
}

func colonHex(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02x", c)
	}
	return sb.String()
}

// generatedKey is a new keypair; PrivateKey is returned to the caller once
// and never stored by the simulator.
type generatedKey struct {
	parsedPublicKey
	PrivateKey string
}

// generateSSHKey makes a real ed25519 keypair: the public key as an
// authorized_keys line and the private key in OpenSSH format, so that the
// pair works with ssh(1). Ed25519 rather than RSA because generation is
// instant, which keeps the simulator fast under load.
func generateSSHKey(comment string) (generatedKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return generatedKey{}, err
	}
	blob := sshString(nil, []byte("ssh-ed25519"))
	blob = sshString(blob, pub)
	line := "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " " + comment

	// openssh-key-v1 (PROTOCOL.key), unencrypted.
	var check [4]byte
	if _, err := rand.Read(check[:]); err != nil {
		return generatedKey{}, err
	}
	var inner []byte
	inner = append(inner, check[:]...)
	inner = append(inner, check[:]...)
	inner = sshString(inner, []byte("ssh-ed25519"))
	inner = sshString(inner, pub)
	inner = sshString(inner, priv) // seed || public, 64 bytes
	inner = sshString(inner, []byte(comment))
	for i := byte(1); len(inner)%8 != 0; i++ {
		inner = append(inner, i)
	}
	var out []byte
	out = append(out, "openssh-key-v1\x00"...)
	out = sshString(out, []byte("none"))
	out = sshString(out, []byte("none"))
	out = sshString(out, nil)
	out = binary.BigEndian.AppendUint32(out, 1)
	out = sshString(out, blob)
	out = sshString(out, inner)
	privPEM := pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: out})

	return generatedKey{
		parsedPublicKey: parsedPublicKey{Type: "ssh", PublicKey: line, Fingerprint: md5Colon(blob)},
		PrivateKey:      string(privPEM),
	}, nil
}

// generateX509Key makes a self-signed certificate and its PKCS#8 private
// key, Nova's answer to creating a keypair of type "x509".
func generateX509Key(commonName string) (generatedKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return generatedKey{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return generatedKey{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return generatedKey{}, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return generatedKey{}, err
	}
	sum := sha1.Sum(der)
	return generatedKey{
		parsedPublicKey: parsedPublicKey{
			Type:        "x509",
			PublicKey:   strings.TrimSpace(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))),
			Fingerprint: colonHex(sum[:]),
		},
		PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
	}, nil
}

func sshString(dst, s []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}
