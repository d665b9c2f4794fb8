package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// parseCloudFlags registers the cloud's flags and parses args.
func parseCloudFlags(t *testing.T, args ...string) cloudFlags {
	t.Helper()
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var cf cloudFlags
	cf.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	return cf
}

// writeConfig writes a config file with mode 0600 and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A flag beats the environment, the environment beats the config file,
// setting by setting; a secret has no flag.
func TestCloudPrecedence(t *testing.T) {
	path := writeConfig(t, "endpoint: https://file.example\nregion: file-region\nproject-id: file-project\nsecret-key: file-sk\ninsecure: true\n")
	env := envOf(map[string]string{"HCS_REGION_NAME": "env-region", "HCS_PROJECT_ID": "env-project", "HCS_SECRET_KEY": "env-sk"})
	cf := parseCloudFlags(t, "--config", path, "--project-id", "flag-project", "--insecure=false")
	cc, err := cf.resolve(env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ key, value, from string }{
		{"endpoint", "https://file.example", "endpoint in " + path + ":1"},
		{"region", "env-region", "HCS_REGION_NAME"},
		{"project-id", "flag-project", "--project-id"},
		{"secret-key", "env-sk", "HCS_SECRET_KEY"},
		{"insecure", "false", "--insecure"},
	} {
		if got := cc[want.key]; got.value != want.value || got.from != want.from {
			t.Errorf("%s = %q from %q, want %q from %q", want.key, got.value, got.from, want.value, want.from)
		}
	}
	if _, ok := cc["access-key"]; ok {
		t.Error("access-key is set though nothing gives it")
	}
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	(&cloudFlags{}).register(fs)
	for _, secret := range []string{"secret-key", "user-password", "auth-token"} {
		if fs.Lookup(secret) != nil {
			t.Errorf("--%s exists: a secret on the command line is seen in ps and kept in shell history", secret)
		}
	}
}

// The default config file is ~/.config/ecsfleet/config.yaml (or under
// $XDG_CONFIG_HOME); when it is missing nothing is read, while a missing
// --config file is an error.
func TestCloudConfigDefaultAndMissing(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".config", "ecsfleet")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cc, err := cloudFlags{}.resolve(envOf(map[string]string{"HOME": home}), io.Discard)
	if err != nil || len(cc) != 0 {
		t.Fatalf("no default file: %v, %v; want nothing", cc, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("# the lab\nregion: lab-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cc, err = cloudFlags{}.resolve(envOf(map[string]string{"HOME": home}), io.Discard)
	if err != nil || cc.get("region") != "lab-1" || !strings.HasSuffix(cc["region"].from, "config.yaml:2") {
		t.Errorf("default file: %v, %v; want region lab-1 from line 2", cc, err)
	}
	xdg := t.TempDir()
	if got := defaultConfigPath(envOf(map[string]string{"HOME": home, "XDG_CONFIG_HOME": xdg})); got != filepath.Join(xdg, "ecsfleet", "config.yaml") {
		t.Errorf("with XDG_CONFIG_HOME the default is %s", got)
	}
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	_, err = parseCloudFlags(t, "--config", missing).resolve(envOf(nil), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "cannot read the config file") || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing --config: %v, want an error naming it", err)
	}
}

// A key the file may not have is refused at its file:line with the keys it
// may have; so are a key set twice, a list, and an insecure that is not a
// truth value. No message quotes a value.
func TestCloudConfigRefusedKeys(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"endpoint: https://e\nregoin: r1\n", `:2: unknown key "regoin"; known keys: endpoint, auth-url, vpc-endpoint, evs-endpoint, project-id, project-name, region, domain-name, access-key, secret-key, user-name, user-password, auth-token, cacert-file, insecure`},
		{"project_id: p\n", `:1: unknown key "project_id" (did you mean project-id?)`},
		{"password: SECRET-VALUE\n", `:1: unknown key "password"`},
		{"region: a\nregion: b\n", ":2: region is set twice (first on line 1)"},
		{"region: [a, b]\n", ":1: region takes one value"},
		{"insecure: SECRET-VALUE\n", ":1: insecure is true or false"},
		{"- endpoint\n", ":1: the config file is a mapping"},
		{"endpoint: [unclosed\n", ": not valid YAML: "},
	} {
		path := writeConfig(t, tc.text)
		_, err := parseCloudFlags(t, "--config", path).resolve(envOf(nil), io.Discard)
		if err == nil || !strings.Contains(err.Error(), path+tc.want) && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v\nwant it to contain %q", tc.text, err, path+tc.want)
			continue
		}
		if strings.Contains(err.Error(), "SECRET-VALUE") {
			t.Errorf("%q: the error quotes a value: %v", tc.text, err)
		}
	}
	// Empty files, comments only, and "key:" with no value set nothing.
	for _, text := range []string{"", "# nothing yet\n", "region:\n"} {
		cc, err := parseCloudFlags(t, "--config", writeConfig(t, text)).resolve(envOf(nil), io.Discard)
		if err != nil || len(cc) != 0 {
			t.Errorf("%q: %v, %v; want no settings", text, cc, err)
		}
	}
}

// A config file that holds a secret and that group or others can read is
// used, with one warning line, as ssh warns; without a secret, or private,
// there is no warning.
func TestCloudConfigPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	for _, tc := range []struct {
		text string
		mode os.FileMode
		warn bool
	}{
		{"access-key: AK\nsecret-key: SK-SECRET\n", 0o644, true},
		{"user-password: PW-SECRET\n", 0o640, true},
		{"auth-token: TOKEN-SECRET\n", 0o600, false},
		{"region: r\nendpoint: https://e\n", 0o644, false},
	} {
		path := writeConfig(t, tc.text)
		if err := os.Chmod(path, tc.mode); err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		if _, err := parseCloudFlags(t, "--config", path).resolve(envOf(nil), &stderr); err != nil {
			t.Fatal(err)
		}
		want := ""
		if tc.warn {
			want = fmt.Sprintf("ecsfleet: warning: the config file %s holds a secret (", path)
		}
		if got := stderr.String(); tc.warn && (!strings.HasPrefix(got, want) || strings.Count(got, "\n") != 1 || !strings.Contains(got, "chmod 600 "+path)) || !tc.warn && got != "" {
			t.Errorf("%q mode %04o: stderr = %q", tc.text, tc.mode, got)
		}
		if strings.Contains(stderr.String(), "SECRET") {
			t.Errorf("the warning shows the secret: %q", stderr.String())
		}
	}
}

// What is not a small regular file is refused before it is read: a
// symlink to a device, a directory, a file over 1 MiB.
func TestCloudConfigRefusedFiles(t *testing.T) {
	dir := t.TempDir()
	if runtime.GOOS != "windows" {
		link := filepath.Join(dir, "dev.yaml")
		if err := os.Symlink("/dev/zero", link); err != nil {
			t.Fatal(err)
		}
		_, err := parseCloudFlags(t, "--config", link).resolve(envOf(nil), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "is a device, not a regular file; refusing to read it") {
			t.Errorf("symlink to /dev/zero: %v", err)
		}
	}
	_, err := parseCloudFlags(t, "--config", dir).resolve(envOf(nil), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("# padding\n"), maxConfigSize/10+1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = parseCloudFlags(t, "--config", big).resolve(envOf(nil), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("a file over 1 MiB: %v", err)
	}
}

// Settings without an endpoint are a mistake, not a reason to fall back
// on the embedded simulator: the message names them and where they came
// from.
func TestConnectSettingsWithoutEndpoint(t *testing.T) {
	t.Chdir(t.TempDir())
	path := writeConfig(t, "region: lab-1\n")
	_, err := connect(context.Background(), parseCloudFlags(t, "--config", path, "--project-id", "p1"),
		envOf(map[string]string{"HCS_AUTH_URL": "https://iam.example"}), "", io.Discard)
	want := "no ECS endpoint is configured, yet HCS_AUTH_URL, --project-id, region in " + path + ":1 are set: set the endpoint (--endpoint, HCS_ECS_ENDPOINT or the config file's endpoint) to use that cloud, or remove them to use the embedded simulator"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if _, err := os.Stat(".ecsfleet"); err == nil {
		t.Error("the simulator was started")
	}
}

// With a user name and password, a project is found by its name; the
// client is scoped to its id.
func TestConnectProjectName(t *testing.T) {
	hs := sim.NewTestServer(t)
	path := writeConfig(t, fmt.Sprintf("endpoint: %s\nauth-url: %s\nproject-name: %s\ndomain-name: %s\nuser-name: %s\nuser-password: %s\n",
		hs.URL, hs.URL, hs.ProjectName, hs.DomainName, hs.User, hs.Password))
	var stderr bytes.Buffer
	c, err := connect(context.Background(), parseCloudFlags(t, "--config", path), envOf(nil), "", &stderr)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close()
	if c.client.ProjectID() != hs.ProjectID {
		t.Errorf("project id = %q, want %q", c.client.ProjectID(), hs.ProjectID)
	}
	if _, err := c.client.ListKeypairs(context.Background()); err != nil {
		t.Errorf("ListKeypairs: %v", err)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr = %q", stderr.String())
	}

	// A name IAM does not know is an error that says where the name came from.
	_, err = connect(context.Background(), parseCloudFlags(t, "--config", path, "--project-name", "nope"), envOf(nil), "", io.Discard)
	if err == nil || !strings.Contains(err.Error(), `cannot find the project named by --project-name: `) || !strings.Contains(err.Error(), `project "nope"`) {
		t.Errorf("unknown project name: %v", err)
	}

	// With AK/SK or a token, a name cannot be turned into an id.
	for env, method := range map[string]string{"HCS_ACCESS_KEY": "AK/SK", "HCS_AUTH_TOKEN": "a pre-issued token"} {
		e := map[string]string{"HCS_ECS_ENDPOINT": hs.URL, "HCS_PROJECT_NAME": "shop", env: "x-value", "HCS_SECRET_KEY": "sk-value"}
		_, err = connect(context.Background(), cloudFlags{}, envOf(e), "", io.Discard)
		want := "a project name (HCS_PROJECT_NAME) is turned into the project's id only with IAM password authentication; with " + method + " set the project id: --project-id, HCS_PROJECT_ID or the config file's project-id"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s with a project name: %v\nwant %s", method, err, want)
		}
	}
}

// A pre-issued token is used as it is; one the cloud refuses says that it
// expired and cannot be refreshed.
func TestConnectPreIssuedToken(t *testing.T) {
	hs := sim.NewTestServer(t)
	body := fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},"scope":{"project":{"id":%q}}}}`,
		hs.User, hs.Password, hs.DomainName, hs.ProjectID)
	resp, err := http.Post(hs.URL+"/v3/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tok := resp.Header.Get("X-Subject-Token")
	env := map[string]string{"HCS_ECS_ENDPOINT": hs.URL, "HCS_PROJECT_ID": hs.ProjectID, "HCS_AUTH_TOKEN": tok}
	c, err := connect(context.Background(), cloudFlags{}, envOf(env), "", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.client.ListKeypairs(context.Background()); err != nil {
		t.Errorf("ListKeypairs with the token: %v", err)
	}
	env["HCS_AUTH_TOKEN"] = "MIIstale-token-value"
	c2, err := connect(context.Background(), cloudFlags{}, envOf(env), "", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	_, err = c2.client.ListKeypairs(context.Background())
	if err == nil || !strings.HasSuffix(c2.explain(err), "cannot be refreshed: issue a new token, and give it in HCS_AUTH_TOKEN") || strings.Contains(err.Error(), "MIIstale") {
		t.Errorf("a refused token: %v", err)
	}
}

// When more than one way to log in is given, the strongest source wins
// (flag, environment, file; a tie: token, AK/SK, password), and one line
// says what is ignored, by name and source, never by value.
func TestConnectAuthChoice(t *testing.T) {
	hs := sim.NewTestServer(t)
	path := writeConfig(t, fmt.Sprintf("endpoint: %s\nauth-url: %s\nproject-id: %s\naccess-key: WRONG-AK\nsecret-key: WRONG-SK\n", hs.URL, hs.URL, hs.ProjectID))
	env := map[string]string{"HCS_USER_NAME": hs.User, "HCS_USER_PASSWORD": hs.Password, "HCS_DOMAIN_NAME": hs.DomainName}
	var stderr bytes.Buffer
	c, err := connect(context.Background(), parseCloudFlags(t, "--config", path), envOf(env), "", &stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.client.ListKeypairs(context.Background()); err != nil {
		t.Errorf("the environment's password should have been used over the file's AK/SK: %v", err)
	}
	want := fmt.Sprintf("ecsfleet: logging in with IAM password authentication; ignoring access-key in %s:4, secret-key in %s:5\n", path, path)
	if stderr.String() != want {
		t.Errorf("stderr = %q\nwant     %q", stderr.String(), want)
	}

	// A flag beats the environment: --access-key with the file's secret key.
	env["HCS_SECRET_KEY"] = hs.SK
	stderr.Reset()
	c2, err := connect(context.Background(), parseCloudFlags(t, "--config", path, "--access-key", hs.AK), envOf(env), "", &stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.client.ListKeypairs(context.Background()); err != nil {
		t.Errorf("AK/SK from --access-key and HCS_SECRET_KEY: %v", err)
	}
	if !strings.Contains(stderr.String(), "logging in with AK/SK; ignoring HCS_USER_NAME, HCS_USER_PASSWORD") {
		t.Errorf("stderr = %q", stderr.String())
	}
}
