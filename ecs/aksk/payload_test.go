package aksk

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// The body is covered by the signature whatever the Content-Type: a request
// signed for one body does not verify with another. Only an explicit
// X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD leaves the body out.
func TestBodyCoveredWhateverContentType(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	lookup := func(ak string) (string, bool) { return "SK", ak == "AK" }
	for _, ct := range []string{"", "application/json", "text/plain", "application/octet-stream"} {
		signedBody := []byte(`{"server":{"count":1}}`)
		req, _ := http.NewRequest("POST", "http://sim/v1/p/cloudservers", bytes.NewReader(signedBody))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		Sign(req, signedBody, "AK", "SK", now)
		if got := req.Header.Get(HeaderContentSha256); got != "" {
			t.Errorf("%q: Sign set %s: %s", ct, HeaderContentSha256, got)
		}
		if _, err := Verify(req, signedBody, lookup, now, 0); err != nil {
			t.Errorf("%q: the signed body does not verify: %v", ct, err)
		}
		if _, err := Verify(req, []byte(`{"server":{"count":1000}}`), lookup, now, 0); err != ErrBadSignature {
			t.Errorf("%q: a swapped body verifies (err %v)", ct, err)
		}
	}
	req, _ := http.NewRequest("PUT", "http://sim/upload", nil)
	req.Header.Set(HeaderContentSha256, "UNSIGNED-PAYLOAD")
	Sign(req, []byte("a"), "AK", "SK", now)
	if _, err := Verify(req, []byte("b"), lookup, now, 0); err != nil {
		t.Errorf("explicit UNSIGNED-PAYLOAD: %v", err)
	}
}
