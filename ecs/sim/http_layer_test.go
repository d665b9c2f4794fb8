package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
)

// rawExchange sends raw on a new connection and reads one answer.
func rawExchange(t *testing.T, url, raw string) (*http.Response, map[string]any) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, raw)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%.60q: %v", raw, err)
	}
	defer resp.Body.Close()
	var b map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		t.Fatalf("%.60q: %d %s answer is not JSON: %v", raw, resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	return resp, b
}

// The answers the HTTP layer gives on its own (non-canonical paths, a
// wrong method, oversized headers) come in the gateway's documented shape
// {"error_msg","error_code"}, not as Go's plain-text or HTML defaults.
func TestHTTPLayerErrorsInDocumentedShape(t *testing.T) {
	hs := NewTestServer(t)
	p := hs.ProjectID
	cases := []struct {
		name, raw string
		status    int
		code      string
	}{
		{"dot segments", "GET /v1/" + p + "/../x/cloudservers/detail HTTP/1.1\r\nHost: x\r\n\r\n", 404, CodeNotFound},
		{"dot segment", "GET /v1/" + p + "/./cloudservers/detail HTTP/1.1\r\nHost: x\r\n\r\n", 404, CodeNotFound},
		{"double slash", "GET /v1//" + p + "/cloudservers/detail HTTP/1.1\r\nHost: x\r\n\r\n", 404, CodeNotFound},
		{"wrong method", "DELETE /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n\r\n", 405, CodeMethod},
		{"wrong method, wildcard path", "PUT /v1/" + p + "/jobs/abc HTTP/1.1\r\nHost: x\r\n\r\n", 405, CodeMethod},
		{"oversized headers", "GET /v1/" + p + "/cloudservers/detail HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\n", 431, CodeInvalidParam},
		{"unknown path", "GET /nothing/here HTTP/1.1\r\nHost: x\r\n\r\n", 404, CodeNotFound},
	}
	for _, c := range cases {
		resp, b := rawExchange(t, hs.URL, c.raw)
		if resp.StatusCode != c.status || b["error_code"] != c.code || b["error_msg"] == nil {
			t.Errorf("%s: %d %v, want %d %s in the gateway shape", c.name, resp.StatusCode, b, c.status, c.code)
		}
		if c.status == 405 && resp.Header.Get("Allow") == "" {
			t.Errorf("%s: 405 without Allow", c.name)
		}
	}
	// A known path with its method still works (sanity).
	resp, _ := rawExchange(t, hs.URL, "GET /v1/"+p+"/jobs/abc HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET job without a token: %d, want 401", resp.StatusCode)
	}
}
