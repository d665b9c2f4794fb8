package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The distinctive secrets of TestNoSecretInDiagnostics: each is unique to
// one source (literal, --var, environment, sensitive user data ...), so a
// leak names its path. None passes the password rules where a case needs
// a diagnostic about it.
const (
	litPw      = "Lit3ralPw!Zq9"     // a literal admin_password
	weakLitPw  = "weakliteralsecret" // a literal that breaks the password rules
	varPw      = "varsecretvalue"    // a --var used as admin_password (weak: all lower case)
	envPw      = "envsecretvalue"    // an environment variable used as admin_password (weak)
	defaultPw  = "defaultsecretpw"   // a variable default in the file, used as admin_password
	udSecret   = "UDTOKEN-8842-secret"
	udVar      = "udvarsecret77"
	udEnv      = "udenvsecret88"
	varFilePw  = "varfilesecret55"
	syntaxPw   = "SyntaxSecr3t!"
	hclLitPw   = "HclLit3ral!Pw"
	hclHeredoc = "HCLHEREDOC-secret-line"
)

var allSecrets = []string{litPw, weakLitPw, varPw, envPw, defaultPw, udSecret, udVar, udEnv, varFilePw, syntaxPw, hclLitPw, hclHeredoc}

func leakEnv(k string) (string, bool) {
	switch k {
	case "PW":
		return envPw, true
	case "UD_TOKEN":
		return udEnv, true
	}
	return "", false
}

// TestNoSecretInDiagnostics loads broken fleets that hold distinctive
// secrets in many positions (on a line with another error, inside
// sensitive user data, through --var, the environment, a variable default,
// a --var-file, a file that does not parse) and checks that no secret
// appears in the rendered diagnostics (plain and colour), in
// Diagnostics.Error, in any fmt verb of the diagnostics, or, for fleets
// that load, in any print or the JSON of the model.
func TestNoSecretInDiagnostics(t *testing.T) {
	dir := t.TempDir()
	varFile := filepath.Join(dir, "secrets.yaml")
	os.WriteFile(varFile, []byte(`{pw: `+varFilePw+`, "bad name": 1}`+"\n"), 0o600)
	hclVarFile := filepath.Join(dir, "secrets.hcl")
	os.WriteFile(hclVarFile, []byte("pw = \""+varFilePw+"\"\nbad = [\n"), 0o600)

	cases := []struct {
		name, file, src string
		opts            LoadOptions
		masked          bool // a rendered source line must show a mask
	}{
		{"literal on a line with other errors", "a.yaml", base +
			"servers:\n  - {name: Bad_Name!, count: x, nics: [{subnet: s}], admin_password: " + litPw + "}\n",
			LoadOptions{}, true},
		{"literal refused", "a.yaml", base + "servers:\n  - name: w\n    nics: [{subnet: s}]\n    admin_password: \"" + litPw + "\"\n",
			LoadOptions{}, true},
		{"weak literal allowed", "a.yaml", base + "allow_literal_secrets: true\nservers:\n  - name: w\n    nics: [{subnet: s}]\n    admin_password: '" + weakLitPw + "'\n",
			LoadOptions{}, true},
		{"multi-line literal", "a.yaml", base + "allow_literal_secrets: true\nservers:\n  - name: w\n    nics: [{subnet: s}]\n    admin_password: |\n      " + weakLitPw + "\n    count: ${var.nope}\n",
			LoadOptions{}, false},
		{"literal with an unterminated reference", "a.yaml", base + "allow_literal_secrets: true\nservers:\n  - name: w\n    nics: [{subnet: s}]\n    admin_password: \"" + litPw + "${var.pw\"\n",
			LoadOptions{}, true},
		{"literal with a bad reference", "a.yaml", base + "allow_literal_secrets: true\nservers:\n  - name: w\n    nics: [{subnet: s}]\n    admin_password: \"${" + litPw + "}\"\n",
			LoadOptions{}, true},
		{"weak --var, also used in a bad name", "a.yaml", base + "servers:\n  - name: w\n    description: ok\n    nics: [{subnet: s}]\n    admin_password: ${var.pw}\n  - name: \"${var.pw}!\"\n    nics: [{subnet: s}]\n",
			LoadOptions{Vars: map[string]string{"pw": varPw}}, false},
		{"weak environment variable", "a.yaml", base + "servers:\n  - {name: w, nics: [{subnet: s}], admin_password: \"${env.PW}\"}\n",
			LoadOptions{}, false},
		{"variable default used as password", "a.yaml", "variables: {pw: " + defaultPw + ", 9bad: x}\n" + base +
			"servers:\n  - {name: w, nics: [{subnet: s}], admin_password: \"${var.pw}\"}\n", LoadOptions{}, true},
		{"sensitive user data with errors inside", "a.yaml", base + "servers:\n  - name: w\n    nics: [{subnet: s}]\n    user_data:\n      sensitive: true\n      content: |\n        #!/bin/sh\n        echo " + udSecret + " ${var.nope}\n        echo ${env.UD_TOKEN} ${var.ud}\n        echo " + udSecret + "${\n    count: x\n",
			LoadOptions{Vars: map[string]string{"ud": udVar}}, true},
		{"sensitive user data, flag first, too big", "a.yaml", base + "servers:\n  - name: w\n    nics: [{subnet: s}]\n    user_data: {sensitive: true, content: \"" + udSecret + strings.Repeat("x", 33*1024) + "\"}\n",
			LoadOptions{}, true},
		{"a password in metadata admin_pass", "a.yaml", base + "servers:\n  - {name: w, nics: [{subnet: s}], metadata: {admin_pass: " + litPw + "}}\n",
			LoadOptions{}, true},
		{"a password pasted as an env name", "a.yaml", base + "servers:\n  - {name: w, nics: [{subnet: s}], admin_password: {env: \"" + litPw + "\"}}\n",
			LoadOptions{}, true},
		{"a --var-file line with an error", "a.yaml", base + "servers:\n  - {name: w, nics: [{subnet: s}], admin_password: \"${var.pw}\"}\n",
			LoadOptions{VarFiles: []string{varFile}}, true},
		{"an HCL --var-file that does not parse", "a.yaml", base + "servers:\n  - {name: w, nics: [{subnet: s}]}\n",
			LoadOptions{VarFiles: []string{hclVarFile}}, false},
		{"YAML that does not parse", "a.yaml", base + "servers:\n  - name: w\n    admin_password: \"" + syntaxPw + "\n    nics: [{subnet: s}\n",
			LoadOptions{}, true},
		{"HCL literal with other errors", "a.hcl", "name = \"t\"\nserver \"w\" {\n  count = \"x\"\n  admin_password = \"" + hclLitPw + "\"\n  nic { subnet = \"s\" }\n}\n",
			LoadOptions{}, true},
		{"HCL sensitive heredoc", "a.hcl", "name = \"t\"\nvariable \"pw\" { default = \"" + defaultPw + "\" }\nserver \"w\" {\n  nic { subnet = \"s\" }\n  admin_password = var.pw\n  user_data {\n    sensitive = true\n    content = <<EOT\n" + hclHeredoc + " ${var.nope}\n${env.UD_TOKEN}\nEOT\n  }\n}\n",
			LoadOptions{}, true},
		{"HCL that does not parse", "a.hcl", "name = \"t\"\nserver \"w\" {\n  admin_password = \"" + syntaxPw + "\" \"x\"\n",
			LoadOptions{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.LookupEnv = leakEnv
			f, diags := Parse(c.file, []byte(c.src), c.opts)
			if len(diags) == 0 {
				t.Fatalf("no diagnostics: the case does not exercise anything")
			}
			srcs := map[string][]byte{c.file: []byte(c.src)}
			for _, vf := range c.opts.VarFiles {
				srcs[vf], _ = os.ReadFile(vf)
			}
			var plain, color bytes.Buffer
			Render(&plain, diags, srcs, false)
			Render(&color, diags, srcs, true)
			outs := map[string]string{
				"plain":       plain.String(),
				"colour":      color.String(),
				"Error()":     diags.Error(),
				"fmt":         fmt.Sprintf("%v %+v %#v %s", diags, diags, diags, diags),
				"diagnostics": jsonOf(t, diags),
			}
			if f != nil {
				outs["fleet"] = fmt.Sprintf("%v %+v %#v", f, f, f)
				outs["fleet JSON"] = jsonOf(t, f)
			}
			for where, out := range outs {
				for _, s := range allSecrets {
					if strings.Contains(out, s) {
						t.Errorf("secret %q leaked in %s:\n%s", s, where, out)
					}
				}
			}
			if c.masked && !maskedLineRe.MatchString(plain.String()) {
				t.Errorf("no source line was masked:\n%s", plain.String())
			}
		})
	}
}

// TestLoadedSecretsNeverPrinted: a fleet that loads with every kind of
// secret prints none of them, whatever the verb, the log or the JSON.
func TestLoadedSecretsNeverPrinted(t *testing.T) {
	src := base + "allow_literal_secrets: true\nservers:\n" +
		"  - {name: a, nics: [{subnet: s}], admin_password: \"" + litPw + "\", user_data: {content: \"" + udSecret + "\", sensitive: true}}\n" +
		"  - {name: b, nics: [{subnet: s}], admin_password: \"${var.pw}\", user_data: {content: \"${env.UD_TOKEN}\", sensitive: true}}\n"
	f, diags := Parse("a.yaml", []byte(src), LoadOptions{LookupEnv: leakEnv, Vars: map[string]string{"pw": "Var!Secr3tPw"}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if f.Servers[0].UserData.Content != udSecret || f.Servers[1].UserData.Content != udEnv {
		t.Fatalf("the content must still be loaded: %q %q", f.Servers[0].UserData.Content, f.Servers[1].UserData.Content)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "fleet", f, "set", f.Servers[0], "ud", f.Servers[0].UserData)
	for _, set := range f.Servers {
		out := fmt.Sprintf("%v %+v %#v %s|%v %+v %#v %s %q %x|%v", set, set, set, set.UserData,
			*set.UserData, *set.UserData, *set.UserData, *set.UserData, *set.UserData, *set.UserData, set.AdminPassword)
		out += jsonOf(t, f) + logged.String() + fmt.Sprintf("%+v %#v", f, f)
		for _, s := range []string{litPw, udSecret, udEnv, "Var!Secr3tPw"} {
			if strings.Contains(out, s) {
				t.Errorf("secret %q printed: %s", s, out)
			}
		}
	}
	if got := fmt.Sprint(*f.Servers[0].UserData); !strings.Contains(got, "sensitive") {
		t.Errorf("a sensitive user data prints %q; want it to say it is sensitive", got)
	}
}

// TestMaskKeepsColumns: a masked line keeps every column, so the caret
// under it still points where the diagnostic says.
func TestMaskKeepsColumns(t *testing.T) {
	line := "\tpw: 秘密ab, n: 1"
	got := maskLine(line, []Span{{From: 6, To: 10}})
	if want := "\tpw: ******, n: 1"; got != want {
		t.Fatalf("maskLine = %q, want %q", got, want)
	}
	if got := maskLine("a: secret", []Span{{From: 4}}); got != "a: ******" {
		t.Fatalf("mask to the end of the line = %q", got)
	}
	if got := maskLine("abc", nil); got != "abc" {
		t.Fatalf("no masks changed the line: %q", got)
	}
}

// maskedLineRe matches a rendered source line with a mask in it.
var maskedLineRe = regexp.MustCompile(`(?m)^ +\d+ \| .*\*`)

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMaskCoversOnlyTheSecret: on a line that holds a secret and another
// error, only the secret's characters are masked, so the other error
// stays readable, and the caret still points at it.
func TestMaskCoversOnlyTheSecret(t *testing.T) {
	for _, value := range []string{litPw, `"` + litPw + `"`, `'` + litPw + `''s'`, `"` + litPw + `\"x"`} {
		masked := strings.Repeat("*", len(value)) // the whole value as written, quotes included
		src := base + "allow_literal_secrets: true\nservers:\n  - {name: w, admin_password: " + value + ", count: x, nics: [{subnet: s}]}\n"
		_, diags := Parse("a.yaml", []byte(src), LoadOptions{LookupEnv: leakEnv})
		var out bytes.Buffer
		Render(&out, diags, map[string][]byte{"a.yaml": []byte(src)}, false)
		want := "    9 |   - {name: w, admin_password: " + masked + ", count: x, nics: [{subnet: s}]}\n" +
			"      |   " + strings.Repeat(" ", len("- {name: w, admin_password: "+masked+", count: ")) + "^\n"
		if !strings.Contains(out.String(), want) {
			t.Errorf("%s: want the line\n%s\ngot\n%s", value, want, out.String())
		}
	}
}
