package spec

import (
	"bytes"
	"strings"
	"testing"
)

// ciSecret stands for a CI secret a pull request copies into a field.
const ciSecret = "Ci/Deploy+Token:9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddccbbaa"

func ciEnv(name string) (string, bool) {
	switch name {
	case "CI_TOKEN":
		return ciSecret, true
	case "SHORT":
		return "a/b!", true
	}
	return "", false
}

// rendered is everything a user sees of a load: each message and hint,
// and the rendered diagnostics with their source lines.
func rendered(name, src string, diags Diagnostics) string {
	var b bytes.Buffer
	Render(&b, diags, map[string][]byte{name: []byte(src)}, false)
	for _, d := range diags {
		b.WriteString(d.Message + "\n" + d.Hint + "\n")
	}
	return b.String()
}

// TestEnvValueNeverShown: a value that came from ${env.X} is shown as
// ${env.X} in every message, never expanded: a refused field used to print
// the environment's value, so a pull request could copy a CI secret into
// the CI log.
func TestEnvValueNeverShown(t *testing.T) {
	cases := map[string]string{
		"t.yaml": base + `project: ${env.CI_TOKEN}
servers:
  - name: ${env.CI_TOKEN}
    count: ${env.CI_TOKEN}
    description: "<${env.CI_TOKEN}>"
    power_state: x${env.CI_TOKEN}
    tags: {k: "${env.CI_TOKEN}", s: "${env.SHORT}"}
    metadata: {"${env.SHORT}": v}
    nics: [{subnet: s, ip: "${env.CI_TOKEN}"}]
`,
		"t.hcl": `name = "t"
project = env.CI_TOKEN
defaults {
  vpc    = "vpc-default"
  image  = "CentOS 8.2 64bit"
  flavor = "c6.large.2"
  root_volume { type = "SSD" }
}
server "w" {
  count       = env.CI_TOKEN
  description = "<${env.CI_TOKEN}>"
  power_state = "x${env.CI_TOKEN}"
  tags        = { k = env.CI_TOKEN, s = env.SHORT }
  nic {
    subnet = "s"
    ip     = "${env.CI_TOKEN}"
  }
}
`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			_, diags := Parse(name, []byte(src), LoadOptions{LookupEnv: ciEnv})
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			out := rendered(name, src, diags)
			for _, leak := range []string{ciSecret, ciSecret[:30], "a/b!", `a/b\u0021`} {
				if strings.Contains(out, leak) {
					t.Errorf("the output shows the environment's value %q:\n%s", leak, out)
				}
			}
			if testing.Verbose() {
				t.Log(out)
			}
			if !strings.Contains(out, "${env.CI_TOKEN}") {
				t.Errorf("the output never names ${env.CI_TOKEN}:\n%s", out)
			}
			if n := strings.Count(out, "error:"); n < 5 {
				t.Errorf("%d errors, want one per refused field:\n%s", n, out)
			}
		})
	}
}
