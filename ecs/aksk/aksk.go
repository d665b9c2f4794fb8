// Package aksk signs and verifies HCS API requests with an access key / secret key
// pair (SDK-HMAC-SHA256).
//
// It is a leaf package (standard library only) shared by the client, which signs,
// and the simulator, which verifies: both must canonicalise a request in exactly
// the same way, so the canonicalisation lives in one place.
//
// Two variants exist on real HCS API gateways, and Verify accepts both:
//
//   - plain: Authorization "SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=..."
//     keyed with the SK itself (Huawei's current Go SDK; docs/api-notes.md, Client);
//   - scoped: Authorization "SDK-HMAC-SHA256 Credential=AK/YYYYMMDD/region/service/sdk_request, ..."
//     with a derived key and a four-line string to sign (the older signer a
//     production Terraform provider uses; docs/api-notes.md, Client).
package aksk

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm name HCS uses.
const Algorithm = "SDK-HMAC-SHA256"

// DateLayout is the layout of the X-Sdk-Date header.
const DateLayout = "20060102T150405Z"

// Header names used by the signature.
const (
	HeaderDate          = "X-Sdk-Date"
	HeaderContentSha256 = "X-Sdk-Content-Sha256"
	HeaderAuthorization = "Authorization"
	unsignedPayload     = "UNSIGNED-PAYLOAD"
	scopeTerminator     = "sdk_request"
)

// Errors returned by Verify. They never contain a secret key.
var (
	ErrNoSignature  = errors.New("aksk: request is not signed (no SDK-HMAC-SHA256 Authorization header)")
	ErrMalformed    = errors.New("aksk: malformed Authorization header")
	ErrUnknownKey   = errors.New("aksk: unknown access key")
	ErrBadDate      = errors.New("aksk: missing or malformed X-Sdk-Date header")
	ErrExpired      = errors.New("aksk: X-Sdk-Date is outside the accepted time window")
	ErrBadSignature = errors.New("aksk: signature does not match")
)

// Sign signs req with the plain variant: it sets X-Sdk-Date (unless the request
// already carries a parseable one) and Authorization. body must be the exact
// bytes that will be sent (nil for none); Sign does not read req.Body.
func Sign(req *http.Request, body []byte, ak, sk string, now time.Time) {
	date := ensureDate(req, now)
	payload := payloadHash(req, body)
	names := signedHeaderNames(req.Header)
	canon := canonicalRequest(req, names, payload, false)
	sts := Algorithm + "\n" + date + "\n" + hexSHA256([]byte(canon))
	sig := hex.EncodeToString(hmacSHA256([]byte(sk), []byte(sts)))
	req.Header.Set(HeaderAuthorization, fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
		Algorithm, ak, strings.Join(names, ";"), sig))
}

// SignScoped signs req with the scoped variant (derived key, credential scope
// YYYYMMDD/region/service/sdk_request). It sets Host (as a header, so that it is
// signed) and X-Sdk-Date first, then signs every header present.
func SignScoped(req *http.Request, body []byte, ak, sk, region, service string, now time.Time) {
	date := ensureDate(req, now)
	host := req.Host
	if host == "" && req.URL != nil {
		host = req.URL.Host
	}
	req.Header.Set("Host", host)
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, strings.ToLower(k))
	}
	sort.Strings(names)
	scope := date[:8] + "/" + region + "/" + service + "/" + scopeTerminator
	canon := canonicalRequest(req, names, scopedPayloadHash(req, body), true)
	sts := Algorithm + "\n" + date + "\n" + scope + "\n" + hexSHA256([]byte(canon))
	sig := hex.EncodeToString(hmacSHA256(derivedKey(sk, date[:8], region, service), []byte(sts)))
	req.Header.Set(HeaderAuthorization, fmt.Sprintf("%s Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		Algorithm, ak, scope, strings.Join(names, ";"), sig))
	// net/http sends req.Host, not a Host header; leaving it in the map is
	// harmless and keeps the request self-describing.
}

// Verify checks the signature of a received request, in either variant, and
// returns the access key that signed it. lookupSK returns the secret key of an
// access key. The X-Sdk-Date must be within window of now (window <= 0 means 15
// minutes). body is the exact received body.
func Verify(req *http.Request, body []byte, lookupSK func(ak string) (sk string, ok bool), now time.Time, window time.Duration) (string, error) {
	h, err := parseHeaders(req, lookupSK, now, window)
	if err != nil {
		return "", err
	}
	var want []byte
	if h.scope == "" {
		canon := canonicalRequest(req, h.names, payloadHash(req, body), false)
		sts := Algorithm + "\n" + h.date + "\n" + hexSHA256([]byte(canon))
		want = hmacSHA256([]byte(h.sk), []byte(sts))
	} else {
		canon := canonicalRequest(req, h.names, scopedPayloadHash(req, body), true)
		sts := Algorithm + "\n" + h.date + "\n" + h.scope + "\n" + hexSHA256([]byte(canon))
		want = hmacSHA256(derivedKey(h.sk, h.date[:8], h.region, h.service), []byte(sts))
	}
	if subtle.ConstantTimeCompare(h.sig, want) != 1 {
		return "", ErrBadSignature
	}
	return h.ak, nil
}

// Precheck is the part of Verify that needs no body: the Authorization
// header is well formed, X-Sdk-Date is within window of now and the access
// key is known. A server calls it before it reads a body, so a request that
// cannot be valid costs no body buffer; Verify must still be called.
func Precheck(req *http.Request, lookupSK func(ak string) (sk string, ok bool), now time.Time, window time.Duration) (string, error) {
	h, err := parseHeaders(req, lookupSK, now, window)
	if err != nil {
		return "", err
	}
	return h.ak, nil
}

// sigHeaders is what the headers of a signed request say.
type sigHeaders struct {
	ak, sk, date    string
	sig             []byte
	names           []string
	scope           string // "" for the plain variant
	region, service string
}

func parseHeaders(req *http.Request, lookupSK func(ak string) (sk string, ok bool), now time.Time, window time.Duration) (*sigHeaders, error) {
	auth := req.Header.Get(HeaderAuthorization)
	if !strings.HasPrefix(auth, Algorithm+" ") {
		return nil, ErrNoSignature
	}
	fields := parseAuth(strings.TrimPrefix(auth, Algorithm+" "))
	sigHex, signed := fields["Signature"], fields["SignedHeaders"]
	if sigHex == "" || signed == "" {
		return nil, ErrMalformed
	}
	got, err := hex.DecodeString(sigHex)
	if err != nil {
		return nil, ErrMalformed
	}
	date := req.Header.Get(HeaderDate)
	t, err := time.Parse(DateLayout, date)
	if err != nil {
		return nil, ErrBadDate
	}
	if window <= 0 {
		window = 15 * time.Minute
	}
	if d := now.Sub(t); d > window || d < -window {
		return nil, ErrExpired
	}
	h := &sigHeaders{date: date, sig: got, names: strings.Split(signed, ";")}
	switch {
	case fields["Access"] != "":
		h.ak = fields["Access"]
	case fields["Credential"] != "":
		parts := strings.Split(fields["Credential"], "/")
		if len(parts) != 5 || parts[4] != scopeTerminator || parts[1] != date[:8] {
			return nil, ErrMalformed
		}
		h.ak, h.region, h.service = parts[0], parts[2], parts[3]
		h.scope = strings.Join(parts[1:], "/")
	default:
		return nil, ErrMalformed
	}
	sk, ok := lookupSK(h.ak)
	if !ok {
		return nil, ErrUnknownKey
	}
	h.sk = sk
	return h, nil
}

func parseAuth(s string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			out[k] = v
		}
	}
	return out
}

func ensureDate(req *http.Request, now time.Time) string {
	if d := req.Header.Get(HeaderDate); d != "" {
		if _, err := time.Parse(DateLayout, d); err == nil {
			return d
		}
	}
	d := now.UTC().Format(DateLayout)
	req.Header.Set(HeaderDate, d)
	return d
}

// payloadHash is step 2 of the plain variant: the body's hash, or the literal
// UNSIGNED-PAYLOAD when the request says so explicitly with
// X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD (as Huawei's signer does). It is
// never chosen from the Content-Type: a body left out of the signature can
// be swapped by anyone who captured the request (docs/api-notes.md).
func payloadHash(req *http.Request, body []byte) string {
	if UnsignedPayload(req) {
		return unsignedPayload
	}
	return hexSHA256(body)
}

// UnsignedPayload reports whether req says its body is not signed
// (X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD, plain variant).
func UnsignedPayload(req *http.Request) bool {
	return req.Header.Get(HeaderContentSha256) == unsignedPayload
}

// scopedPayloadHash: the older signer hashes the encoded query string for a POST
// without a body.
func scopedPayloadHash(req *http.Request, body []byte) string {
	if req.Method == http.MethodPost && len(body) == 0 {
		return hexSHA256([]byte(req.URL.RawQuery))
	}
	return hexSHA256(body)
}

// signedHeaderNames lists the header names the plain variant signs: all, lower
// case and sorted, except Content-Type* and names with an underscore.
func signedHeaderNames(h http.Header) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "content-type") || strings.Contains(lk, "_") {
			continue
		}
		names = append(names, lk)
	}
	sort.Strings(names)
	return names
}

func canonicalRequest(req *http.Request, names []string, payload string, firstValueOnly bool) string {
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte('\n')
	b.WriteString(CanonicalURI(req.URL.Path))
	b.WriteByte('\n')
	b.WriteString(CanonicalQuery(req.URL.Query(), firstValueOnly))
	b.WriteByte('\n')
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(headerValue(req, n))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(names, ";"))
	b.WriteByte('\n')
	b.WriteString(payload)
	return b.String()
}

// headerValue reads a signed header; "host" is rebuilt from req.Host because a
// Go server removes it from the header map.
func headerValue(req *http.Request, lname string) string {
	if v := req.Header.Values(lname); len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	if lname == "host" {
		if req.Host != "" {
			return req.Host
		}
		if req.URL != nil {
			return req.URL.Host
		}
	}
	return ""
}

// CanonicalURI percent-encodes each segment of the (decoded) path and appends
// the trailing slash both variants require.
func CanonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = Escape(s)
	}
	u := strings.Join(segs, "/")
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// CanonicalQuery sorts keys (and, in the plain variant, each key's values) and
// joins escaped key=value pairs with '&'. With firstValueOnly (scoped variant)
// only each key's first value is used.
func CanonicalQuery(q url.Values, firstValueOnly bool) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		if firstValueOnly {
			if len(vals) > 1 {
				vals = vals[:1]
			}
		} else {
			sort.Strings(vals)
		}
		if len(vals) == 0 {
			vals = []string{""}
		}
		for _, v := range vals {
			parts = append(parts, Escape(k)+"="+Escape(v))
		}
	}
	return strings.Join(parts, "&")
}

// Escape percent-encodes every byte outside A-Z a-z 0-9 - _ . ~ with upper-case hex.
func Escape(s string) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}

func derivedKey(sk, day, region, service string) []byte {
	k := hmacSHA256([]byte("SDK"+sk), []byte(day))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte(scopeTerminator))
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
