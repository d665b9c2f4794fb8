package ecs

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"sort"
	"strings"
)

// A server's error message is data and is kept as the server wrote it,
// with one exception: what WE sent. A server (or a proxy in front of it)
// that echoes the request body into its message would otherwise put the
// admin password, the user data or the IAM password of the request into
// err.Error(), and from there into logs and terminals. So every error
// decoded from an answer has the secrets of its own request masked: the
// values under secret keys of the JSON body (secretKeys), the configured
// password, secret key and pre-issued token, and the token the request
// carried.
//
// The request types that hold secrets also print and log themselves with
// those fields redacted (String, GoString, Format, LogValue), so a request
// passed to a logger or a %v cannot leak either.

// secretKeys are the JSON keys (compared in lower case) whose string
// values are secrets: 5.2.1 adminPass and user_data, metadata admin_pass,
// 5.14 new_password, 5.26 adminpass, the IAM password.
var secretKeys = map[string]bool{
	"adminpass": true, "admin_pass": true, "new_password": true, "password": true,
	"user_data": true, "userdata": true,
}

// minSecretLen is the shortest value masked: shorter strings occur in
// messages by chance (and no valid password is that short).
const minSecretLen = 4

// requestSecrets returns the secret values of the JSON body: the string
// values under secretKeys at any depth, and for user data (sent base64)
// also the decoded text.
func requestSecrets(body []byte) []string {
	if len(body) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(v any, secret bool)
	walk = func(v any, secret bool) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(e, secret || secretKeys[strings.ToLower(k)])
			}
		case []any:
			for _, e := range x {
				walk(e, secret)
			}
		case string:
			if secret {
				out = append(out, x)
				if dec, err := base64.StdEncoding.DecodeString(x); err == nil {
					out = append(out, string(dec))
				}
			}
		}
	}
	walk(v, false)
	return out
}

// secretsOf is everything request body and token must not show in an
// error: the body's secrets, the client's own credentials, the token.
func (c *Client) secretsOf(body []byte, token string) []string {
	s := append(requestSecrets(body), c.cfg.Password, c.cfg.SecretKey, c.cfg.Token, token)
	kept := s[:0]
	for _, v := range s {
		if len(v) >= minSecretLen {
			kept = append(kept, v)
		}
	}
	// Longest first, so a value that contains another is masked whole.
	sort.Slice(kept, func(i, j int) bool { return len(kept[i]) > len(kept[j]) })
	return kept
}

// maskSecrets replaces every secret in s by [REDACTED].
func maskSecrets(s string, secrets []string) string {
	for _, v := range secrets {
		if len(v) <= len(s) {
			s = strings.ReplaceAll(s, v, redacted)
		}
	}
	return s
}

// redactCreate is a copy of cs with the secrets replaced.
func redactCreate(cs CreateServer) CreateServer {
	if cs.AdminPass != "" {
		cs.AdminPass = redacted
	}
	if cs.UserData != "" {
		cs.UserData = fmt.Sprintf("%s (%d bytes)", redacted, len(cs.UserData))
	}
	if _, ok := cs.Metadata["admin_pass"]; ok {
		cs.Metadata = maps.Clone(cs.Metadata)
		cs.Metadata["admin_pass"] = redacted
	}
	for i := range cs.Personality {
		if i == 0 {
			cs.Personality = append([]Personality(nil), cs.Personality...)
		}
		cs.Personality[i].Contents = redacted // injected files: may hold keys or passwords
	}
	return cs
}

// Format prints the request with AdminPass, UserData, metadata admin_pass
// and personality contents redacted, whatever the verb (%v, %+v, %#v ...).
func (cs CreateServer) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), redactedCreateServer(redactCreate(cs)))
}

// redactedCreateServer and redactedChangeOS are the printed forms: the
// same fields without the methods (which would recurse).
type (
	redactedCreateServer CreateServer
	redactedChangeOS     ChangeOS
)

// String is the %v form, secrets redacted.
func (cs CreateServer) String() string { return fmt.Sprint(cs) }

// GoString is the %#v form, secrets redacted.
func (cs CreateServer) GoString() string { return fmt.Sprintf("%#v", cs) }

// LogValue makes slog (text or JSON) print the redacted form.
func (cs CreateServer) LogValue() slog.Value { return slog.StringValue(fmt.Sprintf("%+v", cs)) }

// LogValue makes slog print the redacted form (the JSON handler would
// otherwise marshal the body, password included).
func (r CreateServersRequest) LogValue() slog.Value { return slog.StringValue(fmt.Sprintf("%+v", r)) }

// Format prints the OS change with AdminPass redacted, whatever the verb.
func (o ChangeOS) Format(f fmt.State, verb rune) {
	if o.AdminPass != "" {
		o.AdminPass = redacted
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), redactedChangeOS(o))
}

// String is the %v form, AdminPass redacted.
func (o ChangeOS) String() string { return fmt.Sprint(o) }

// GoString is the %#v form, AdminPass redacted.
func (o ChangeOS) GoString() string { return fmt.Sprintf("%#v", o) }

// LogValue makes slog print the redacted form.
func (o ChangeOS) LogValue() slog.Value { return slog.StringValue(fmt.Sprintf("%+v", o)) }

// GoString keeps %#v from printing the password.
func (r ResetPasswordsRequest) GoString() string { return r.String() }

// Format makes every verb print String.
func (r ResetPasswordsRequest) Format(f fmt.State, verb rune) { fmt.Fprint(f, r.String()) }

// LogValue makes slog print String (the JSON handler would otherwise
// marshal new_password).
func (r ResetPasswordsRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// LogValue makes slog print the request with the password redacted (the
// JSON handler would otherwise marshal it).
func (r TokenRequest) LogValue() slog.Value { return slog.StringValue(fmt.Sprintf("%+v", r)) }

// GoString keeps %#v from printing the password.
func (u TokenUser) GoString() string { return u.String() }

// Format makes every verb print String.
func (u TokenUser) Format(f fmt.State, verb rune) { fmt.Fprint(f, u.String()) }

// LogValue makes slog print String.
func (u TokenUser) LogValue() slog.Value { return slog.StringValue(u.String()) }

// String describes the client without its credentials or token (its
// fields are unexported, so fmt would otherwise print them raw).
func (c *Client) String() string {
	auth := "token"
	switch {
	case c.cfg.Token != "":
		auth = "pre-issued token"
	case c.cfg.AccessKey != "":
		auth = "aksk"
	}
	return fmt.Sprintf("ecs.Client{endpoint=%s project=%s auth=%s}", c.base, c.project, auth)
}

// GoString keeps %#v from printing the credentials.
func (c *Client) GoString() string { return c.String() }

// Format makes every verb print String.
func (c *Client) Format(f fmt.State, verb rune) { fmt.Fprint(f, c.String()) }

// LogValue makes slog print String.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }
