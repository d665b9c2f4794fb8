package ecs

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The distinctive secrets of these tests.
const (
	hostilePw    = "Adm1n!HostilePw"
	hostileNewPw = "N3w!HostilePw"
	hostileOSPw  = "0s!HostilePw"
	hostileUD    = "#!/bin/sh\necho HOSTILE-UD-TOKEN\n"
	hostileMeta  = "Meta!HostilePw9"
)

// echoHandler is a hostile ECS endpoint: it answers every request with an
// error whose message quotes the request body and the token it carried,
// as JSON (status 400) or, with plain set, as text (status 409).
func echoHandler(iam *fakeIAM, plain bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if iam != nil && !iam.checkToken(w, r) {
			return
		}
		body, _ := io.ReadAll(r.Body)
		echo := "bad request: " + string(body) + " token=" + r.Header.Get("X-Auth-Token")
		if plain {
			w.WriteHeader(http.StatusConflict)
			io.WriteString(w, echo)
			return
		}
		msg, _ := json.Marshal(echo)
		writeJSON(w, http.StatusBadRequest, `{"error":{"code":"Ecs.0005","message":`+string(msg)+`}}`)
	})
}

// secretCalls are the calls that send a secret, each with its secrets.
func secretCalls() map[string]func(context.Context, *Client) error {
	ud := base64.StdEncoding.EncodeToString([]byte(hostileUD))
	return map[string]func(context.Context, *Client) error{
		"reset password (5.14.2)": func(ctx context.Context, c *Client) error {
			return c.ResetPassword(ctx, "s1", hostileNewPw)
		},
		"reset passwords (5.14.1)": func(ctx context.Context, c *Client) error {
			_, err := c.ResetPasswords(ctx, &ResetPasswordsRequest{NewPassword: hostileNewPw, Servers: []IDRef{{ID: "s1"}}})
			return err
		},
		"create with admin_pass and user_data (5.2.1)": func(ctx context.Context, c *Client) error {
			_, err := c.CreateServers(ctx, &CreateServersRequest{Server: CreateServer{
				ImageRef: "img", FlavorRef: "f", Name: "web", VPCID: "vpc", NICs: []CreateNIC{{SubnetID: "sub"}},
				AdminPass: hostilePw, UserData: ud, Metadata: map[string]string{"admin_pass": hostileMeta},
			}})
			return err
		},
		"change OS with adminpass (5.26.1)": func(ctx context.Context, c *Client) error {
			_, err := c.ChangeServerOS(ctx, "s1", ChangeOS{ImageID: "img", AdminPass: hostileOSPw})
			return err
		},
	}
}

var hostileSecrets = []string{hostilePw, hostileNewPw, hostileOSPw, "HOSTILE-UD-TOKEN", hostileMeta,
	base64.StdEncoding.EncodeToString([]byte(hostileUD)), "s3cret-Pass", "SK1-secret"}

// TestHostileServerCannotEchoOurSecrets drives every call that sends a
// secret against a server that quotes the request body (and the token)
// in its error: the error keeps the server's words but masks what we sent.
func TestHostileServerCannotEchoOurSecrets(t *testing.T) {
	for _, plain := range []bool{false, true} {
		iam := newFakeIAM()
		token := tokenClient(t, iam, echoHandler(iam, plain))
		aksk, _ := akskClient(t, echoHandler(nil, plain))
		for name, call := range secretCalls() {
			for auth, c := range map[string]*Client{"token": token, "aksk": aksk} {
				t.Run(fmt.Sprintf("%s/%s/plain=%t", name, auth, plain), func(t *testing.T) {
					err := call(context.Background(), c)
					if err == nil {
						t.Fatal("no error from a server that refuses everything")
					}
					msg := err.Error()
					for _, s := range append(hostileSecrets, "tok-") {
						if strings.Contains(msg, s) {
							t.Errorf("error leaks %q: %s", s, msg)
						}
					}
					if !strings.Contains(msg, "bad request:") || !strings.Contains(msg, redacted) {
						t.Errorf("want the server's message with our secrets masked, got: %s", msg)
					}
					mustContainNot(t, fmt.Sprintf("%v %+v %#v", err, err, err), hostileSecrets...)
				})
			}
		}
	}
}

// TestHostileIAMCannotEchoThePassword: an IAM endpoint that quotes the
// token request body in its refusal does not put the password in the error.
func TestHostileIAMCannotEchoThePassword(t *testing.T) {
	iam := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		msg, _ := json.Marshal("refused: " + string(body))
		writeJSON(w, http.StatusUnauthorized, `{"error":{"code":401,"message":`+string(msg)+`}}`)
	})
	iamSrv := httptest.NewServer(iam)
	defer iamSrv.Close()
	ecsSrv := httptest.NewServer(http.NotFoundHandler())
	defer ecsSrv.Close()
	c, err := New(Config{Endpoint: ecsSrv.URL, IAMEndpoint: iamSrv.URL, ProjectID: "proj1",
		Username: "alice", Password: "s3cret-Pass", DomainName: "dom", Retry: testRetry})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetServer(context.Background(), "s1")
	if err == nil || !strings.Contains(err.Error(), "refused:") {
		t.Fatalf("want the IAM refusal, got %v", err)
	}
	mustContainNot(t, err.Error(), "s3cret-Pass")
}

// TestSecretRequestsPrintRedacted: the request types that carry secrets,
// and the client, print and log without them, whatever the verb or
// handler; the JSON body (what is sent) still carries them.
func TestSecretRequestsPrintRedacted(t *testing.T) {
	ud := base64.StdEncoding.EncodeToString([]byte(hostileUD))
	create := &CreateServersRequest{Server: CreateServer{Name: "web", AdminPass: hostilePw, UserData: ud,
		Metadata: map[string]string{"admin_pass": hostileMeta, "role": "web"}, Personality: []Personality{{Path: "/etc/x", Contents: hostileMeta}}}}
	osChange := ChangeOS{ImageID: "img", AdminPass: hostileOSPw}
	reset := ResetPasswordsRequest{NewPassword: hostileNewPw}
	tokenReq := TokenRequest{Auth: TokenAuth{Identity: TokenIdentity{Password: TokenPassword{User: TokenUser{Name: "alice", Password: "s3cret-Pass"}}}}}
	iam := newFakeIAM()
	tc := tokenClient(t, iam, echoHandler(iam, false))
	tc.ResetPassword(context.Background(), "s1", hostileNewPw) // so the client holds a token
	ac, _ := akskClient(t, http.NotFoundHandler())

	values := []any{create, *create, create.Server, &create.Server, osChange, &osChange, reset, &reset, tokenReq, tc, ac}
	var out strings.Builder
	for _, v := range values {
		fmt.Fprintf(&out, "%v|%+v|%#v|%s\n", v, v, v, v)
	}
	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&logs, nil), slog.NewTextHandler(&logs, nil)} {
		l := slog.New(h)
		for i, v := range values {
			l.Info("request", fmt.Sprint("v", i), v)
		}
	}
	all := out.String() + logs.String()
	mustContainNot(t, all, append(hostileSecrets, "tok-1")...)
	if !strings.Contains(all, "role") || !strings.Contains(all, "/etc/x") || !strings.Contains(all, redacted) {
		t.Errorf("the redacted forms should keep the other fields: %s", all)
	}
	body, _ := json.Marshal(create)
	if !bytes.Contains(body, []byte(hostilePw)) || !bytes.Contains(body, []byte(ud)) {
		t.Fatalf("the wire body must still carry the secrets: %s", body)
	}
}

func TestRequestSecrets(t *testing.T) {
	got := requestSecrets([]byte(`{"server":{"adminPass":"a1","name":"n","metadata":{"admin_pass":"m1"},"user_data":"aGk="},"reset-password":{"new_password":"p1"},"list":[{"password":"p2"}]}`))
	want := map[string]bool{"a1": true, "m1": true, "aGk=": true, "hi": true, "p1": true, "p2": true}
	if len(got) != len(want) {
		t.Fatalf("requestSecrets = %q", got)
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("unexpected secret %q (not a secret field)", g)
		}
	}
	if requestSecrets([]byte("not json")) != nil || requestSecrets(nil) != nil {
		t.Error("a body that is not JSON has no secrets to find")
	}
}
