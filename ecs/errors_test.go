package ecs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestErrorBodiesDecodeIntoOneType(t *testing.T) {
	cases := []struct {
		name, body     string
		status         int
		header         http.Header
		code, msg, rid string
	}{
		{"chapter 3 flat", `{"error_msg":"The format of message is error","error_code":"AS.0001"}`, 400, nil, "AS.0001", "The format of message is error", ""},
		{"chapter 5 nested", `{"error":{"message":"Network x could not be found.","code":"Ecs.0310"}}`, 400, nil, "Ecs.0310", "Network x could not be found.", ""},
		{"numeric code", `{"error":{"message":"m","code":400}}`, 400, nil, "400", "m", ""},
		{"nova badRequest", `{"badRequest":{"message":"Invalid input","code":400}}`, 400, nil, "400", "Invalid input", ""},
		{"nova itemNotFound", `{"itemNotFound":{"message":"Instance could not be found","code":404}}`, 404, nil, "404", "Instance could not be found", ""},
		{"gateway throttle with request id", `{"error_msg":"The throttling threshold has been reached","error_code":"APIGW.0308","request_id":"r-1"}`, 429, nil, "APIGW.0308", "The throttling threshold has been reached", "r-1"},
		{"request id header", `{"error":{"message":"busy","code":"Common.1503"}}`, 503, http.Header{"X-Request-Id": {"hdr-7"}}, "Common.1503", "busy", "hdr-7"},
		{"not json", `<html>Bad Gateway</html>`, 502, nil, "", "<html>Bad Gateway</html>", ""},
		{"empty", ``, 500, nil, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := c.header
			if h == nil {
				h = http.Header{}
			}
			resp := &http.Response{StatusCode: c.status, Header: h, Body: io.NopCloser(strings.NewReader(c.body))}
			e := decodeError(resp, "POST", "/v1/p/cloudservers/delete")
			if e.StatusCode != c.status || e.Code != c.code || e.Message != c.msg || e.RequestID != c.rid {
				t.Errorf("got %+v", e)
			}
			if !strings.Contains(e.Error(), fmt.Sprint(c.status)) {
				t.Errorf("message lacks the status: %s", e.Error())
			}
		})
	}
}

func TestClassify(t *testing.T) {
	netErr := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	cases := []struct {
		err  error
		want Class
	}{
		{nil, ClassNone},
		{&Error{StatusCode: 429}, Throttled},
		{&Error{StatusCode: 400, Code: "APIGW.0308"}, Throttled},
		{&Error{StatusCode: 403, Code: "Common.0024"}, Throttled},
		{&Error{StatusCode: 503, Code: "Common.1503"}, Throttled},
		{&Error{StatusCode: 500}, Transient},
		{&Error{StatusCode: 503}, Transient},
		{&Error{StatusCode: 400, Code: "Ecs.0310"}, Permanent},
		{&Error{StatusCode: 404}, Permanent},
		{&NetError{Method: "POST", Path: "/x", Err: io.ErrUnexpectedEOF}, Transient},
		{fmt.Errorf("wrapped: %w", netErr), Transient},
		{&JobError{Job: &Job{JobID: "j"}}, Permanent},
		{context.Canceled, Permanent},
		{errors.New("something else"), Permanent},
	}
	for _, c := range cases {
		if got := Classify(c.err); got != c.want {
			t.Errorf("Classify(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	if !IsNotFound(fmt.Errorf("x: %w", &Error{StatusCode: 404})) || IsNotFound(&Error{StatusCode: 400}) {
		t.Error("IsNotFound")
	}
	if !IsThrottled(&Error{StatusCode: 429}) || !IsTransient(&Error{StatusCode: 502}) {
		t.Error("IsThrottled / IsTransient")
	}
}

// scripted answers a sequence of statuses/bodies and counts calls.
type scripted struct {
	calls   atomic.Int32
	answers []func(w http.ResponseWriter, r *http.Request)
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.calls.Add(1)) - 1
	if n >= len(s.answers) {
		n = len(s.answers) - 1
	}
	s.answers[n](w, r)
}

func answer(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, status, body) }
}

// dropConnection reads the request, then closes the connection without an
// answer: the client cannot know whether the request was applied.
func dropConnection(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

const throttled = `{"error_msg":"The throttling threshold has been reached: policy user over ratelimit","error_code":"APIGW.0308"}`

func TestRetryPolicy(t *testing.T) {
	ctx := context.Background()
	create := func(c *Client) error {
		_, err := c.CreateServers(ctx, &CreateServersRequest{Server: CreateServer{Name: "web"}})
		return err
	}
	get := func(c *Client) error { _, err := c.GetServer(ctx, "s1"); return err }
	okServer := answer(200, `{"server":`+serverJSON("s1", "web")+`}`)
	cases := []struct {
		name    string
		call    func(*Client) error
		answers []func(http.ResponseWriter, *http.Request)
		calls   int32
		class   Class
	}{
		{"throttled POST is retried", create, []func(http.ResponseWriter, *http.Request){answer(429, throttled), answer(429, throttled), answer(200, `{"job_id":"j1"}`)}, 3, ClassNone},
		{"throttle code on a 400 POST is retried", create, []func(http.ResponseWriter, *http.Request){answer(400, `{"error":{"code":"Common.0024","message":"too many"}}`), answer(202, `{"job_id":"j1"}`)}, 2, ClassNone},
		{"500 POST is not retried", create, []func(http.ResponseWriter, *http.Request){answer(500, `{"error":{"code":"Ecs.0000","message":"internal"}}`), answer(200, `{"job_id":"j1"}`)}, 1, Transient},
		{"dropped POST is not retried", create, []func(http.ResponseWriter, *http.Request){dropConnection, answer(200, `{"job_id":"j1"}`)}, 1, Transient},
		{"400 POST is not retried", create, []func(http.ResponseWriter, *http.Request){answer(400, `{"error":{"code":"Ecs.0005","message":"bad"}}`)}, 1, Permanent},
		{"500 GET is retried", get, []func(http.ResponseWriter, *http.Request){answer(500, `{}`), answer(503, `{}`), okServer}, 3, ClassNone},
		{"dropped GET is retried", get, []func(http.ResponseWriter, *http.Request){dropConnection, okServer}, 2, ClassNone},
		{"404 GET is not retried", get, []func(http.ResponseWriter, *http.Request){answer(404, `{"itemNotFound":{"code":404,"message":"gone"}}`)}, 1, Permanent},
		{"attempts are bounded", get, []func(http.ResponseWriter, *http.Request){answer(503, `{}`)}, int32(testRetry.MaxAttempts), Transient},
		{"throttling is bounded too", create, []func(http.ResponseWriter, *http.Request){answer(429, throttled)}, int32(testRetry.MaxAttempts), Throttled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &scripted{answers: tc.answers}
			c, _ := akskClient(t, s)
			err := tc.call(c)
			if got := Classify(err); got != tc.class {
				t.Errorf("class = %v (%v), want %v", got, err, tc.class)
			}
			if n := s.calls.Load(); n != tc.calls {
				t.Errorf("server saw %d calls, want %d", n, tc.calls)
			}
		})
	}
}

func TestAcceptedIsSuccess(t *testing.T) {
	c, _ := akskClient(t, &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(202, `{"job_id":"j9"}`)}})
	jr, err := c.CreateServers(context.Background(), &CreateServersRequest{})
	if err != nil || jr.JobID != "j9" || !jr.Accepted {
		t.Fatalf("jr=%+v err=%v", jr, err)
	}
}

func TestBackoffHonoursRetryAfterWithinCap(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 5, BaseDelay: 100 * time.Millisecond, MaxDelay: 10 * time.Second}
	for n := 1; n <= 5; n++ {
		window := min(p.BaseDelay<<(n-1), p.MaxDelay)
		for range 50 {
			d := p.backoff(n, 0)
			if d < window/2 || d > window {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", n, d, window/2, window)
			}
		}
		if d := p.backoff(n, 3*time.Second); d < 3*time.Second {
			t.Errorf("attempt %d: backoff %v ignores Retry-After 3s", n, d)
		}
	}
	if d := p.backoff(1, time.Hour); d != p.MaxDelay {
		t.Errorf("Retry-After beyond the cap gives %v, want %v", d, p.MaxDelay)
	}
	if parseRetryAfter("7") != 7 || parseRetryAfter("") != 0 || parseRetryAfter("soon") != 0 {
		t.Error("parseRetryAfter")
	}
}

func TestRetryWaitIsCancellable(t *testing.T) {
	s := &scripted{answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "3600")
		writeJSON(w, 429, throttled)
	}}}
	c, _ := akskClient(t, s)
	c.retry = RetryPolicy{MaxAttempts: 3, BaseDelay: time.Hour, MaxDelay: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := c.GetServer(ctx, "s1"); done <- err }()
	for s.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestErrorsCarryNoRequestBody(t *testing.T) {
	c, _ := akskClient(t, &scripted{answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !bytes.Contains(body, []byte("Pa55word!x")) {
			t.Error("password not sent")
		}
		writeJSON(w, 400, `{"error":{"code":"Ecs.0005","message":"invalid password"}}`)
	}}})
	_, err := c.ResetPasswords(context.Background(), &ResetPasswordsRequest{NewPassword: "Pa55word!x", Servers: []IDRef{{ID: "s1"}}})
	if err == nil {
		t.Fatal("no error")
	}
	mustContainNot(t, err.Error(), "Pa55word!x")
	mustContainNot(t, fmt.Sprintf("%v %+v", ResetPasswordsRequest{NewPassword: "Pa55word!x"}, ResetPasswordsRequest{NewPassword: "Pa55word!x"}), "Pa55word!x")
}
