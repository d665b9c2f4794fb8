package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// Every secret of the cloud's configuration, set in the environment and in
// the config file to values found nowhere else, appears in no output and
// no file a command writes, whatever happens: an unusable configuration, a
// refused config file, an unreachable endpoint, a refused token, a wrong
// password, a project that does not exist, and runs that succeed (plan
// -out, drift --metrics-file, apply and its journal).
func TestCloudSecretsNeverPrinted(t *testing.T) {
	hs := sim.NewTestServer(t)
	dir := t.TempDir()
	t.Chdir(dir)
	for _, s := range cloudSettings {
		t.Setenv(s.env, "")
	}
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("ECSFLEET_CLOUD_TIME_SCALE", "10000")
	fleet := "name: secretive\nkeypairs:\n  - {name: k, create: true, private_key_file: k.pem}\n"
	if err := os.WriteFile("fleet.yaml", []byte(fleet), 0o644); err != nil {
		t.Fatal(err)
	}
	secrets := []string{
		"ENV-SK-c0ffee51", "ENV-PW-c0ffee52", "ENV-TOKEN-c0ffee53",
		"FILE-SK-c0ffee54", "FILE-PW-c0ffee55", "FILE-TOKEN-c0ffee56",
		hs.SK, hs.Password,
	}
	// config writes the config file: the file's secrets, then extra; or
	// extra alone when it gives secrets of its own.
	config := func(extra string) string {
		path := filepath.Join(dir, "cloud.yaml")
		text := "secret-key: FILE-SK-c0ffee54\nuser-password: FILE-PW-c0ffee55\nauth-token: FILE-TOKEN-c0ffee56\n" + extra
		if strings.Contains(extra, "user-password:") {
			text = extra
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil { // readable by others: the warning path too
			t.Fatal(err)
		}
		return path
	}
	setEnv := func(m map[string]string) {
		for _, s := range cloudSettings {
			t.Setenv(s.env, m[s.env])
		}
	}
	allSecrets := map[string]string{"HCS_SECRET_KEY": "ENV-SK-c0ffee51", "HCS_USER_PASSWORD": "ENV-PW-c0ffee52", "HCS_AUTH_TOKEN": "ENV-TOKEN-c0ffee53"}
	with := func(base map[string]string, more map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range more {
			m[k] = v
		}
		return m
	}

	for _, tc := range []struct {
		name   string
		env    map[string]string
		config string
		args   []string
		want   string // in the output: the scenario happened
	}{
		{"unusable", allSecrets, "", []string{"plan", "-f", "fleet.yaml", "--endpoint", "http://127.0.0.1:1"}, "not usable"},
		{"unknown key", allSecrets, "endpoint: http://127.0.0.1:1\npassword: FILE-PW-c0ffee55\nauth-token: FILE-TOKEN-c0ffee56\nuser-password: FILE-PW-c0ffee55\n", []string{"plan", "-f", "fleet.yaml"}, "unknown key"},
		{"unreachable", allSecrets, "endpoint: http://127.0.0.1:1\nproject-id: p1\n", []string{"drift", "-f", "fleet.yaml", "--metrics-file", "m.prom"}, "cannot reach"},
		{"token refused", with(allSecrets, map[string]string{"HCS_ECS_ENDPOINT": hs.URL, "HCS_PROJECT_ID": hs.ProjectID}), "", []string{"plan", "-f", "fleet.yaml"}, "cannot be refreshed"},
		{"wrong password", map[string]string{"HCS_ECS_ENDPOINT": hs.URL, "HCS_AUTH_URL": hs.URL, "HCS_PROJECT_ID": hs.ProjectID, "HCS_USER_NAME": hs.User, "HCS_DOMAIN_NAME": hs.DomainName, "HCS_USER_PASSWORD": "ENV-PW-c0ffee52"},
			"", []string{"plan", "-f", "fleet.yaml"}, "401"},
		{"wrong project name", map[string]string{"HCS_ECS_ENDPOINT": hs.URL, "HCS_AUTH_URL": hs.URL, "HCS_PROJECT_NAME": "no-such", "HCS_USER_NAME": hs.User, "HCS_DOMAIN_NAME": hs.DomainName, "HCS_USER_PASSWORD": hs.Password},
			"", []string{"plan", "-f", "fleet.yaml"}, "cannot find the project"},
		{"plan -out", map[string]string{"HCS_ECS_ENDPOINT": hs.URL, "HCS_PROJECT_ID": hs.ProjectID, "HCS_ACCESS_KEY": hs.AK, "HCS_SECRET_KEY": hs.SK},
			"", []string{"plan", "-f", "fleet.yaml", "-out", "fleet.plan", "--json"}, `"format_version"`},
		{"drift --metrics-file", nil, fmt.Sprintf("endpoint: %s\nauth-url: %s\nproject-name: %s\nuser-name: %s\ndomain-name: %s\nuser-password: %s\n", hs.URL, hs.URL, hs.ProjectName, hs.User, hs.DomainName, hs.Password),
			[]string{"drift", "-f", "fleet.yaml", "--metrics-file", "m.prom"}, "Drift: 0 changed, 1 missing"},
		{"apply", map[string]string{"HCS_ECS_ENDPOINT": hs.URL, "HCS_PROJECT_ID": hs.ProjectID, "HCS_ACCESS_KEY": hs.AK, "HCS_SECRET_KEY": hs.SK},
			"", []string{"apply", "-f", "fleet.yaml", "--auto-approve"}, "Apply complete"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setEnv(tc.env)
			args := append(tc.args, "--config", config(tc.config))
			var out bytes.Buffer
			code := run(args, stdio{in: strings.NewReader(""), out: &out, err: &out})
			if !strings.Contains(out.String(), tc.want) {
				t.Errorf("exit %d, output lacks %q:\n%s", code, tc.want, out.String())
			}
			for _, s := range secrets {
				if strings.Contains(out.String(), s) {
					t.Errorf("the output shows the secret %q:\n%s", s, out.String())
				}
			}
			// Every file the command wrote (the config file excepted).
			_ = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || path == "cloud.yaml" {
					return err
				}
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				for _, s := range secrets {
					if bytes.Contains(data, []byte(s)) {
						t.Errorf("%s holds the secret %q", path, s)
					}
				}
				return nil
			})
		})
	}
}
