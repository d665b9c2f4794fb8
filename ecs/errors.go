package ecs

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Error is an error answer of the API, whatever shape its body had. The
// reference documents two shapes (chapter 3: {"error_msg","error_code"};
// chapter 5: {"error":{"message","code"}}) and the Nova-compatible endpoints
// answer {"badRequest":{"message","code"}}-style bodies; all decode into this.
type Error struct {
	StatusCode int    // HTTP status
	Code       string // "Ecs.0310", "APIGW.0308", or a Nova numeric code as text
	Message    string
	RequestID  string // X-Request-Id (or X-Openstack-Request-Id / body request_id)
	Method     string
	Path       string // request path (no query, no secrets)
	// RetryAfter is the server's Retry-After hint in seconds (0 = none).
	RetryAfter int
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ecs: %s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// maxErrorBody caps how much of an error body is read and kept.
const maxErrorBody = 64 << 10

// decodeError builds an *Error from a non-2xx response.
func decodeError(resp *http.Response, method, path string) *Error {
	return decodeErrorMasked(resp, method, path, nil)
}

// decodeErrorMasked is decodeError with the request's secrets (see
// redact.go) masked in the server's message, before it is cut short so
// that no prefix of a secret survives either.
func decodeErrorMasked(resp *http.Response, method, path string, secrets []string) *Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &Error{StatusCode: resp.StatusCode, Method: method, Path: path}
	for _, h := range []string{"X-Request-Id", "X-Openstack-Request-Id", "X-Compute-Request-Id"} {
		if v := resp.Header.Get(h); v != "" {
			e.RequestID = v
			break
		}
	}
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	parseErrorBody(bytes.TrimSpace(body), e)
	if e.Message == "" && e.Code == "" && len(body) > 0 && body[0] != '{' {
		e.Message = truncate(maskSecrets(string(body), secrets), 200)
	}
	e.Message = maskSecrets(e.Message, secrets)
	e.Code = maskSecrets(e.Code, secrets)
	e.RequestID = maskSecrets(e.RequestID, secrets)
	return e
}

// errorBody covers every documented error shape at once.
type errorBody struct {
	ErrorMsg  FlexString `json:"error_msg"`
	ErrorCode FlexString `json:"error_code"`
	RequestID FlexString `json:"request_id"`
	Message   FlexString `json:"message"`
	Code      FlexString `json:"code"`
}

func parseErrorBody(body []byte, e *Error) {
	if len(body) == 0 || body[0] != '{' {
		return
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return
	}
	var flat errorBody
	_ = json.Unmarshal(body, &flat)
	e.Code, e.Message = string(flat.ErrorCode), string(flat.ErrorMsg)
	if e.Code == "" && e.Message == "" {
		e.Code, e.Message = string(flat.Code), string(flat.Message)
	}
	if e.RequestID == "" {
		e.RequestID = string(flat.RequestID)
	}
	if e.Code != "" || e.Message != "" {
		return
	}
	// Nested: {"error": {...}} or Nova's {"badRequest": {...}}, {"itemNotFound": {...}}, ...
	for _, key := range sortedKeys(top) {
		raw := bytes.TrimSpace(top[key])
		if len(raw) == 0 || raw[0] != '{' {
			continue
		}
		var inner errorBody
		if json.Unmarshal(raw, &inner) != nil {
			continue
		}
		code, msg := inner.Code, inner.Message
		if code == "" && msg == "" {
			code, msg = inner.ErrorCode, inner.ErrorMsg
		}
		if code != "" || msg != "" {
			e.Code, e.Message = string(code), string(msg)
			if e.RequestID == "" {
				e.RequestID = string(inner.RequestID)
			}
			return
		}
	}
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if k == "error" { // the documented shape first
			keys = append([]string{k}, keys...)
			continue
		}
		keys = append(keys, k)
	}
	return keys
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Class is how the engine should treat a failure.
type Class int

// The classes.
const (
	// ClassNone: no error.
	ClassNone Class = iota
	// Throttled: the request was refused before processing (429 or a
	// throttling code); it is always safe to retry after a pause.
	Throttled
	// Transient: a 5xx or a network failure; retry a read, but a mutating
	// request may or may not have been applied (ambiguous).
	Transient
	// Permanent: a 4xx other than throttling; retrying the same request will not help.
	Permanent
)

func (c Class) String() string {
	switch c {
	case ClassNone:
		return "none"
	case Throttled:
		return "throttled"
	case Transient:
		return "transient"
	case Permanent:
		return "permanent"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// throttleCodes are the API gateway / ECS codes that mean "too many requests",
// whatever HTTP status carries them.
var throttleCodes = map[string]bool{"APIGW.0308": true, "Common.0024": true, "Common.1503": true}

// Classify sorts an error into Throttled, Transient or Permanent.
func Classify(err error) Class {
	if err == nil {
		return ClassNone
	}
	var ae *Error
	if errors.As(err, &ae) {
		switch {
		case ae.StatusCode == http.StatusTooManyRequests || throttleCodes[ae.Code]:
			return Throttled
		case ae.StatusCode >= 500:
			return Transient
		default:
			return Permanent
		}
	}
	var je *JobError
	if errors.As(err, &je) {
		return Permanent
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Permanent // the caller gave up; retrying inside its context cannot help
	}
	if isNetworkError(err) {
		return Transient
	}
	return Permanent
}

func isNetworkError(err error) bool {
	// A TLS verification failure is a configuration problem, not a flaky
	// network: retrying cannot fix it.
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	if errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr) || errors.As(err, &invalid) {
		return false
	}
	// *url.Error satisfies net.Error itself; judge what it wraps.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// IsThrottled reports a throttled request.
func IsThrottled(err error) bool { return Classify(err) == Throttled }

// IsTransient reports a 5xx or network failure.
func IsTransient(err error) bool { return Classify(err) == Transient }

// IsNotFound reports a 404 answer.
func IsNotFound(err error) bool {
	var ae *Error
	return errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound
}

// ClockSkewError is a 401 to an AK/SK-signed call whose signing time (this
// machine's clock, X-Sdk-Date) is far from the cloud's time (the answer's
// Date header). A signature is only accepted within a window around the
// cloud's time (15 minutes on the simulator; 3.2 names no figure), so the
// cause is almost always the clock, which the message says.
type ClockSkewError struct {
	Err *Error
	// Skew is the cloud's time minus this machine's at signing: positive
	// when this machine's clock is behind.
	Skew time.Duration
}

func (e *ClockSkewError) Error() string {
	d, dir := e.Skew, "behind"
	if d < 0 {
		d, dir = -d, "ahead of"
	}
	return fmt.Sprintf("%s; this machine's clock is %s %s the cloud's (by the answer's Date header), and AK/SK signatures are refused when the clocks differ by more than the cloud's window: set this machine's clock right (NTP)",
		e.Err.Error(), d.Round(time.Second), dir)
}

// Unwrap returns the cloud's answer.
func (e *ClockSkewError) Unwrap() error { return e.Err }

// clockSkewThreshold is the difference from which a refused signature is
// put down to the clock: well above network delay and the Date header's
// one-second resolution, well below any signature window.
const clockSkewThreshold = 5 * time.Minute

// clockSkew returns the cloud's time minus the signing time of req, when
// both are known.
func clockSkew(req *http.Request, resp *http.Response) (time.Duration, bool) {
	signed, err := time.Parse("20060102T150405Z", req.Header.Get("X-Sdk-Date"))
	if err != nil {
		return 0, false
	}
	cloud, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return 0, false
	}
	return cloud.Sub(signed), true
}
