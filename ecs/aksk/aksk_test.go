package aksk

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

func vectorRequest(t *testing.T, method, target string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, "https://example.huaweicloud.com"+target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Sdk-Date", "20060102T150405Z")
	req.Header["TEST_UNDERSCORE"] = []string{"TEST_VALUE"}
	return req
}

// The two vectors of Huawei's Go SDK tests (docs/api-notes.md, Client).
func TestSignVectors(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // ignored: the request has a date
	cases := []struct {
		name, method, target, ctype string
		body                        []byte
		want                        string
	}{
		{"get", "GET", "/path?limit=1", "", nil,
			"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"},
		{"post", "POST", "/path?key=value", "application/json", []byte("{\"Name\":\"test\",\"Id\":1}\n"),
			"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := vectorRequest(t, c.method, c.target, c.body)
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			Sign(req, c.body, "AccessKey", "SecretKey", now)
			if got := req.Header.Get("Authorization"); got != c.want {
				t.Errorf("Authorization\n got %s\nwant %s", got, c.want)
			}
			if got := req.Header.Get("X-Sdk-Date"); got != "20060102T150405Z" {
				t.Errorf("X-Sdk-Date replaced: %s", got)
			}
		})
	}
}

func TestCanonicalQueryVector(t *testing.T) {
	q := url.Values{
		"limit":  {"1"},
		"enable": {"true"},
		"test":   {"一 (&=?!#%.*)"},
		"path":   {"/tmp/123"},
		"multi":  {"1", "2", "3"},
	}
	want := "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
	if got := CanonicalQuery(q, false); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := CanonicalQuery(url.Values{"m": {"2", "1"}}, true); got != "m=2" {
		t.Errorf("scoped variant keeps the first value only, got %s", got)
	}
}

func TestCanonicalURI(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "/",
		"/v1/p/cloudservers":     "/v1/p/cloudservers/",
		"/v1/p/tags/a b":         "/v1/p/tags/a%20b/",
		"/v2.1/p/os-keypairs/k/": "/v2.1/p/os-keypairs/k/",
	} {
		if got := CanonicalURI(in); got != want {
			t.Errorf("CanonicalURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func lookup(ak string) (string, bool) {
	if ak == "AK1" {
		return "SK1-secret", true
	}
	return "", false
}

// roundTrip signs a request with the client-side function, sends it over real
// HTTP and verifies it on the server as the simulator will.
func roundTrip(t *testing.T, sign func(*http.Request, []byte), method, target string, body []byte, now time.Time, window time.Duration) error {
	t.Helper()
	var verr error
	var gotAK string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := new(bytes.Buffer)
		b.ReadFrom(r.Body)
		gotAK, verr = Verify(r, b.Bytes(), lookup, now, window)
	}))
	defer srv.Close()
	req, err := http.NewRequest(method, srv.URL+target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ecsfleet-test")
	sign(req, body)
	req.Header.Set("X-Project-Id", "p1") // added after signing, unsigned (as the production client does)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if verr == nil && gotAK != "AK1" {
		t.Errorf("Verify returned access key %q", gotAK)
	}
	return verr
}

func TestRoundTripBothVariants(t *testing.T) {
	now := time.Now()
	variants := map[string]func(*http.Request, []byte){
		"plain":  func(r *http.Request, b []byte) { Sign(r, b, "AK1", "SK1-secret", now) },
		"scoped": func(r *http.Request, b []byte) { SignScoped(r, b, "AK1", "SK1-secret", "", "", now) },
		"scoped-region": func(r *http.Request, b []byte) {
			SignScoped(r, b, "AK1", "SK1-secret", "region-1", "ecs", now)
		},
	}
	reqs := []struct{ method, target, body string }{
		{"GET", "/v1/p1/cloudservers/detail?offset=1&limit=50&tags=fleet%3Dweb", ""},
		{"POST", "/v1.1/p1/cloudservers", `{"server":{"name":"web"}}`},
		{"POST", "/v1/p1/cloudservers/x/action?x=1", ""},
		{"PUT", "/v1/p1/cloudservers/server-name", `{"name":"a b"}`},
	}
	for name, sign := range variants {
		for _, rq := range reqs {
			if err := roundTrip(t, sign, rq.method, rq.target, []byte(rq.body), now, time.Minute); err != nil {
				t.Errorf("%s %s %s: %v", name, rq.method, rq.target, err)
			}
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	now := time.Now()
	good := func(r *http.Request, b []byte) { Sign(r, b, "AK1", "SK1-secret", now) }
	body := []byte(`{"a":1}`)
	// Tampered body.
	err := roundTrip(t, func(r *http.Request, b []byte) { good(r, []byte(`{"a":2}`)) }, "POST", "/x", body, now, time.Minute)
	if !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered body: %v", err)
	}
	// Wrong secret.
	err = roundTrip(t, func(r *http.Request, b []byte) { Sign(r, b, "AK1", "other", now) }, "GET", "/x", nil, now, time.Minute)
	if !errors.Is(err, ErrBadSignature) {
		t.Errorf("wrong secret: %v", err)
	}
	// Unknown access key.
	err = roundTrip(t, func(r *http.Request, b []byte) { Sign(r, b, "AK2", "x", now) }, "GET", "/x", nil, now, time.Minute)
	if !errors.Is(err, ErrUnknownKey) {
		t.Errorf("unknown key: %v", err)
	}
	// Replayed outside the window.
	old := now.Add(-time.Hour)
	err = roundTrip(t, func(r *http.Request, b []byte) { Sign(r, b, "AK1", "SK1-secret", old) }, "GET", "/x", nil, now, 15*time.Minute)
	if !errors.Is(err, ErrExpired) {
		t.Errorf("old date: %v", err)
	}
	// Not signed at all.
	err = roundTrip(t, func(*http.Request, []byte) {}, "GET", "/x", nil, now, time.Minute)
	if !errors.Is(err, ErrNoSignature) {
		t.Errorf("unsigned: %v", err)
	}
	// Tampered query in the scoped variant.
	err = roundTrip(t, func(r *http.Request, b []byte) {
		SignScoped(r, b, "AK1", "SK1-secret", "", "", now)
		r.URL.RawQuery = "limit=2"
	}, "GET", "/x?limit=1", nil, now, time.Minute)
	if !errors.Is(err, ErrBadSignature) {
		t.Errorf("scoped tampered query: %v", err)
	}
}
