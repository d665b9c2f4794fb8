package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// base is a valid fleet header; tests append server sets to it.
const base = `name: t
defaults:
  vpc: vpc-default
  image: CentOS 8.2 64bit
  flavor: c6.large.2
  root_volume: {type: SSD}
`

func parseT(t *testing.T, src string, opts LoadOptions) (*Fleet, Diagnostics) {
	t.Helper()
	if opts.LookupEnv == nil {
		opts.LookupEnv = func(string) (string, bool) { return "", false }
	}
	return Parse("t.yaml", []byte(src), opts)
}

// wantError asserts an error diagnostic whose message contains want.
func wantError(t *testing.T, diags Diagnostics, want string) Diagnostic {
	t.Helper()
	for _, d := range diags {
		if d.Severity == Error && strings.Contains(d.Message, want) {
			return d
		}
	}
	t.Fatalf("no error containing %q in:\n%v", want, diags)
	return Diagnostic{}
}

func mustLoad(t *testing.T, src string, opts LoadOptions) *Fleet {
	t.Helper()
	f, diags := parseT(t, src, opts)
	if diags.HasErrors() {
		t.Fatalf("unexpected errors:\n%v", diags)
	}
	return f
}

func TestDefaultsAreMergedAndRecorded(t *testing.T) {
	f := mustLoad(t, base+`  tags: {env: prod, team: a}
servers:
  - name: web
    count: 3
    nics: [{subnet: subnet-web}]
    root_volume: {size: 60}
    tags: {team: b}
  - name: db
    flavor: m6.large.8
    nics: [{subnet: subnet-db}]
`, LoadOptions{})
	web, db := f.ServerSet("web"), f.ServerSet("db")
	if web.Flavor != "c6.large.2" || !web.Inherited["flavor"] {
		t.Errorf("web flavor %q inherited=%v, want the default", web.Flavor, web.Inherited["flavor"])
	}
	if db.Flavor != "m6.large.8" || db.Inherited["flavor"] {
		t.Errorf("db flavor %q inherited=%v, want its own", db.Flavor, db.Inherited["flavor"])
	}
	if web.RootVolume != (RootVolume{Type: "SSD", SizeGB: 60}) {
		t.Errorf("root volume merged field by field: got %+v", web.RootVolume)
	}
	if web.Tags["env"] != "prod" || web.Tags["team"] != "b" || len(web.Tags) != 2 {
		t.Errorf("tags: set wins over defaults per key, got %v", web.Tags)
	}
	if web.PowerState != PowerOn || web.ResizeMode != ResizeOffline || web.UpdatePolicy.MaxUnavailable != "1" {
		t.Errorf("defaults: %q %q %q", web.PowerState, web.ResizeMode, web.UpdatePolicy.MaxUnavailable)
	}
	if got := web.MemberNames(); strings.Join(got, ",") != "web-0001,web-0002,web-0003" {
		t.Errorf("members %v", got)
	}
	if db.MemberName(1) != "db" {
		t.Errorf("a set of one is the bare name, got %q", db.MemberName(1))
	}
	if p := web.FieldPos["flavor"]; p.Line != 5 {
		t.Errorf("an inherited field points at the default's line, got %v", p)
	}
	if f.Ignore.TagPrefixes[0] != "_sys_" || !f.Ignore.IgnoresTag("CCE-cluster") || f.Ignore.IgnoresTag("env") {
		t.Errorf("default ignore prefixes: %+v", f.Ignore)
	}
}

// TestCountIsOneCreateCall: a set's count is what one create call takes
// (5.2.1 count 1..1000); 0 and more than 1000 are refused with a hint that
// says what to do instead, at the count's own line.
func TestCountIsOneCreateCall(t *testing.T) {
	set := func(n int) string {
		return base + fmt.Sprintf("servers:\n  - name: web\n    count: %d\n    nics: [{subnet: subnet-web}]\n", n)
	}
	for _, n := range []int{1, 2, 999, 1000} {
		if f := mustLoad(t, set(n), LoadOptions{}); f.TotalServers() != n {
			t.Errorf("count %d: total %d", n, f.TotalServers())
		}
	}
	for _, c := range []struct {
		count      int
		want, hint string
	}{
		{0, "count 0 is outside 1..1000", "remove the server set to delete its servers"},
		{1001, "count 1001 is outside 1..1000", "split it into several server sets of at most 1000 (one create call each)"},
		{2500, "count 2500 is outside 1..1000", "split it into several server sets of at most 1000 (one create call each)"},
		{9999, "count 9999 is outside 1..1000", "split it into several server sets of at most 1000 (one create call each)"},
		{-1, "count -1 is outside 1..1000", ""},
	} {
		_, diags := parseT(t, set(c.count), LoadOptions{})
		d := wantError(t, diags, c.want)
		if d.Hint != c.hint {
			t.Errorf("count %d: hint %q, want %q", c.count, d.Hint, c.hint)
		}
		if d.Pos.Line != 9 {
			t.Errorf("count %d: reported at line %d, want 9 (the count)", c.count, d.Pos.Line)
		}
		if n := len(diags); n != 1 {
			t.Errorf("count %d: %d diagnostics, want only the count's:\n%v", c.count, n, diags)
		}
	}
}

// TestNameLength: a set's name is also the value of its members'
// ecsfleet-set tag, so the tag value's 43 characters bind for every
// count, below the API's name limits (64; 59 with the -0001 suffix), and
// a long name is told that limit only.
func TestNameLength(t *testing.T) {
	mk := func(name string, count int) string {
		return base + fmt.Sprintf("servers:\n  - name: %s\n    count: %d\n    nics: [{subnet: subnet-web}]\n", name, count)
	}
	for _, count := range []int{1, 2, 1000} {
		mustLoad(t, mk(strings.Repeat("a", 43), count), LoadOptions{})
		mustLoad(t, mk(strings.Repeat("网", 43), count), LoadOptions{})
		for _, name := range []string{strings.Repeat("a", 44), strings.Repeat("网", 44), strings.Repeat("a", 59), strings.Repeat("a", 60), strings.Repeat("a", 65)} {
			_, diags := parseT(t, mk(name, count), LoadOptions{})
			d := wantError(t, diags, fmt.Sprintf("is %d characters long; the limit is 43, because the name is also the value of the \"ecsfleet-set\" tag", len([]rune(name))))
			if len(diags) != 1 {
				t.Errorf("count %d, %d-character name: want only the tag value's limit, got:\n%v", count, len([]rune(name)), diags)
			}
			if d.Pos.Line != 8 || d.Pos.Col != 11 {
				t.Errorf("the error is at %d:%d, not at the set's name (8:11)", d.Pos.Line, d.Pos.Col)
			}
		}
	}
	// The name rule still refuses what the tag value rule would take.
	_, diags := parseT(t, mk("web.1", 1), LoadOptions{})
	wantError(t, diags, "has a character outside A-Z a-z 0-9 _ - and Chinese ('.')")
}

func TestMemberNameCollisions(t *testing.T) {
	src := base + `servers:
  - name: web
    count: 12
    nics: [{subnet: s}]
  - name: web-0012
    nics: [{subnet: s}]
  - name: web-0013
    nics: [{subnet: s}]
  - name: web-12
    nics: [{subnet: s}]
`
	_, diags := parseT(t, src, LoadOptions{})
	d := wantError(t, diags, `"web-0012" has the same name as member 12`)
	if d.Pos.Line != 11 {
		t.Errorf("reported at line %d, want 11 (the colliding set)", d.Pos.Line)
	}
	for _, d := range diags {
		if strings.Contains(d.Message, "web-0013") || strings.Contains(d.Message, "web-12") {
			t.Errorf("false collision: %s", d.Message)
		}
	}
}

func TestSharedVolumeCountsServers(t *testing.T) {
	src := func(a, b int) string {
		return base + fmt.Sprintf(`volumes:
  - {name: shared, size: 10, type: SSD, attach_to: [a, b]}
servers:
  - {name: a, count: %d, nics: [{subnet: s}]}
  - {name: b, count: %d, nics: [{subnet: s}]}
`, a, b)
	}
	mustLoad(t, src(8, 8), LoadOptions{})
	_, diags := parseT(t, src(8, 9), LoadOptions{})
	wantError(t, diags, "attached to 17 servers")
	_, diags = parseT(t, base+"volumes:\n  - {name: v, size: 10, type: SSD, attach_to: [nope]}\nservers:\n  - {name: a, nics: [{subnet: s}]}\n", LoadOptions{})
	wantError(t, diags, `server set "nope" is not defined`)
}

func TestDataVolumesIncludeSharedSlots(t *testing.T) {
	var b strings.Builder
	b.WriteString(base + "volumes:\n  - {name: v, size: 10, type: SSD, attach_to: [a]}\nservers:\n  - name: a\n    nics: [{subnet: s}]\n    data_volumes:\n")
	for i := 0; i < 59; i++ {
		b.WriteString("      - {type: SSD, size: 10}\n")
	}
	_, diags := parseT(t, b.String(), LoadOptions{})
	wantError(t, diags, "59 data volumes and 1 shared volumes")
}

func TestTagsAfterMerge(t *testing.T) {
	src := base + `  tags: {a: "1", b: "2", c: "3", d: "4", e: "5"}
servers:
  - name: web
    nics: [{subnet: s}]
    tags: {a: "x", f: "6", g: "7", h: "8"}
`
	// 8 distinct keys (a overridden): the limit, with ecsfleet's two tags.
	mustLoad(t, src, LoadOptions{})
	_, diags := parseT(t, strings.Replace(src, `h: "8"`, `h: "8", i: "9"`, 1), LoadOptions{})
	d := wantError(t, diags, `has 9 tags after merging defaults; with ecsfleet's "ecsfleet" and "ecsfleet-set" tags that is 11, over the API's limit of 10`)
	if !strings.Contains(d.Hint, "at most 8 tags") {
		t.Errorf("hint %q does not give the limit of 8", d.Hint)
	}
	for key, what := range map[string]string{OwnerTagKey: "the fleet name", SetTagKey: "the server set's name"} {
		_, diags = parseT(t, base+"servers:\n  - {name: w, nics: [{subnet: s}], tags: {"+key+": x}}\n", LoadOptions{})
		wantError(t, diags, fmt.Sprintf("tag %q is reserved: ecsfleet writes %s there", key, what))
		_, diags = parseT(t, base+"  tags: {"+key+": x}\nservers:\n  - {name: w, nics: [{subnet: s}]}\n", LoadOptions{})
		wantError(t, diags, fmt.Sprintf("tag %q is reserved", key))
	}
	f, diags := parseT(t, base+"servers:\n  - {name: w, nics: [{subnet: s}], tags: {CCE-owned: x}}\n", LoadOptions{})
	if f == nil || len(diags) != 1 || diags[0].Severity != Warning {
		t.Errorf("a tag with an ignored prefix is a warning: %v", diags)
	}
}

// TestMetadataPrefixReserved: metadata keys starting with ecsfleet: are
// ecsfleet's own bookkeeping (the password generation, and whatever it
// keeps later); a fleet may not set one, nor the old member key.
func TestMetadataPrefixReserved(t *testing.T) {
	for _, key := range []string{PasswordGenerationKey, "ecsfleet:member", "ecsfleet:anything", MetadataPrefix + "x"} {
		_, diags := parseT(t, base+"servers:\n  - {name: w, nics: [{subnet: s}], metadata: {\""+key+"\": x}}\n", LoadOptions{})
		d := wantError(t, diags, fmt.Sprintf("metadata key %q is reserved: keys starting with \"ecsfleet:\" are ecsfleet's own bookkeeping", key))
		if d.Pos.Line != 8 {
			t.Errorf("%s: the error is on line %d, not at the key (8)", key, d.Pos.Line)
		}
	}
	// Only the prefix is reserved: keys merely like it are the fleet's.
	for _, key := range []string{"ecsfleet", "ecsfleet-set", "ecsfleet_member", "my:ecsfleet:x", "Ecsfleet:x"} {
		mustLoad(t, base+"servers:\n  - {name: w, nics: [{subnet: s}], metadata: {\""+key+"\": x}}\n", LoadOptions{})
	}
}

func TestVariablesPrecedence(t *testing.T) {
	dir := t.TempDir()
	vf := filepath.Join(dir, "v.yaml")
	os.WriteFile(vf, []byte("n: 5\nsubnet: from-file\n"), 0o644)
	src := base + `variables:
  n: "2"
  subnet: from-default
servers:
  - name: web
    count: ${var.n}
    nics: [{subnet: "${var.subnet}-x"}]
    description: "costs $${HOME} dollars"
`
	f := mustLoad(t, src, LoadOptions{})
	if f.Servers[0].Count != 2 || f.Servers[0].NICs[0].Subnet != "from-default-x" {
		t.Errorf("file defaults: %d %q", f.Servers[0].Count, f.Servers[0].NICs[0].Subnet)
	}
	if f.Servers[0].Description != "costs ${HOME} dollars" {
		t.Errorf("$${ escapes: %q", f.Servers[0].Description)
	}
	f = mustLoad(t, src, LoadOptions{VarFiles: []string{vf}})
	if f.Servers[0].Count != 5 || f.Servers[0].NICs[0].Subnet != "from-file-x" {
		t.Errorf("var file: %d %q", f.Servers[0].Count, f.Servers[0].NICs[0].Subnet)
	}
	f = mustLoad(t, src, LoadOptions{VarFiles: []string{vf}, Vars: map[string]string{"n": "7"}})
	if f.Servers[0].Count != 7 {
		t.Errorf("--var wins: %d", f.Servers[0].Count)
	}
	_, diags := parseT(t, base+"servers:\n  - {name: \"${foo.bar}\", nics: [{subnet: s}]}\n", LoadOptions{})
	wantError(t, diags, "only var. and env.")
	_, diags = parseT(t, base+"servers:\n  - {name: \"${var.x\", nics: [{subnet: s}]}\n", LoadOptions{})
	wantError(t, diags, "unterminated")
}

// TestSecretsNeverPrinted: every way of printing a secret, a server set
// and a fleet shows the reference but never the value; a diagnostic about
// a bad password does not contain it.
func TestSecretsNeverPrinted(t *testing.T) {
	const pw = "Xy7!kq2Lp@w"
	env := func(k string) (string, bool) {
		if k == "PW" {
			return pw, true
		}
		return "", false
	}
	for _, src := range []string{
		base + "servers:\n  - {name: w, nics: [{subnet: s}], admin_password: \"${env.PW}\"}\n",
		base + "allow_literal_secrets: true\nservers:\n  - {name: w, nics: [{subnet: s}], admin_password: \"" + pw + "\"}\n",
		base + "servers:\n  - {name: w, nics: [{subnet: s}], admin_password: \"${var.pw}\"}\n",
	} {
		f := mustLoad(t, src, LoadOptions{LookupEnv: env, Vars: map[string]string{"pw": pw}})
		s := f.Servers[0].AdminPassword
		if got, err := s.Resolve(); err != nil || got != pw {
			t.Fatalf("Resolve = %q, %v", got, err)
		}
		j, _ := json.Marshal(f)
		var logged bytes.Buffer
		slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "secret", s, "set", f.Servers[0])
		for _, out := range []string{
			fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x", s, s, s, s, s, s),
			fmt.Sprintf("%v %+v %#v", *s, f.Servers[0], f.Servers[0]),
			fmt.Sprintf("%+v %#v", f, f), string(j), logged.String(),
		} {
			if strings.Contains(out, pw) {
				t.Fatalf("password leaked in %q", out)
			}
		}
	}
	// A weak password's diagnostic names the rule, not the value.
	weak := "password123"
	_, diags := parseT(t, base+"servers:\n  - {name: w, nics: [{subnet: s}], admin_password: \"${env.PW}\"}\n",
		LoadOptions{LookupEnv: func(string) (string, bool) { return weak, true }})
	d := wantError(t, diags, "at least 3")
	var out bytes.Buffer
	Render(&out, diags, nil, false)
	if strings.Contains(out.String(), weak) || strings.Contains(d.Hint, weak) {
		t.Fatalf("weak password in diagnostics: %s", out.String())
	}
	// A literal is refused unless allowed.
	_, diags = parseT(t, base+"servers:\n  - {name: w, nics: [{subnet: s}], admin_password: \""+pw+"\"}\n", LoadOptions{})
	wantError(t, diags, "written in the file")
	mustLoad(t, base+"servers:\n  - {name: w, nics: [{subnet: s}], admin_password: \""+pw+"\"}\n", LoadOptions{AllowLiteralSecrets: true})
}

func TestSensitiveUserDataHiddenInJSON(t *testing.T) {
	f := mustLoad(t, base+"servers:\n  - name: w\n    nics: [{subnet: s}]\n    user_data: {content: \"token=abc123\", sensitive: true}\n", LoadOptions{})
	j, _ := json.Marshal(f)
	if strings.Contains(string(j), "abc123") {
		t.Fatalf("sensitive user data in JSON: %s", j)
	}
	if f.Servers[0].UserData.Content != "token=abc123" {
		t.Fatalf("content lost: %q", f.Servers[0].UserData.Content)
	}
}

func TestUserDataFileAndLimits(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ok.sh"), []byte("#!/bin/sh\necho hi\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "big.sh"), bytes.Repeat([]byte("x"), 32*1024+1), 0o644)
	os.WriteFile(filepath.Join(dir, "edge.sh"), bytes.Repeat([]byte("x"), 32*1024), 0o644)
	mk := func(file string) string {
		return base + "servers:\n  - {name: w, nics: [{subnet: s}], user_data: {file: " + file + "}}\n"
	}
	f := mustLoad(t, mk("ok.sh"), LoadOptions{BaseDir: dir})
	if f.Servers[0].UserData.Content != "#!/bin/sh\necho hi\n" {
		t.Errorf("content %q", f.Servers[0].UserData.Content)
	}
	mustLoad(t, mk("edge.sh"), LoadOptions{BaseDir: dir})
	_, diags := parseT(t, mk("big.sh"), LoadOptions{BaseDir: dir})
	wantError(t, diags, "32768 bytes")
	_, diags = parseT(t, mk("/dev/zero"), LoadOptions{BaseDir: dir})
	wantError(t, diags, "not a regular file")
	_, diags = parseT(t, mk("missing.sh"), LoadOptions{BaseDir: dir})
	wantError(t, diags, "cannot read user_data file")
}

func TestKeypairs(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "k.pub"), []byte("ssh-ed25519 AAAA k@x\n"), 0o644)
	f := mustLoad(t, base+"keypairs:\n  - {name: a, public_key_file: k.pub}\n  - {name: b, create: true, private_key_file: b.pem}\nservers:\n  - {name: w, keypair: a, nics: [{subnet: s}]}\n", LoadOptions{BaseDir: dir})
	if f.Keypairs[0].PublicKey != "ssh-ed25519 AAAA k@x" || f.Keypairs[1].PrivateKeyFile != filepath.Join(dir, "b.pem") {
		t.Errorf("keypairs %+v", f.Keypairs)
	}
	for src, want := range map[string]string{
		"keypairs:\n  - {name: a, create: true}\n":                                                                        "no private_key_file",
		"keypairs:\n  - {name: a, public_key: ssh-rsa AAA, create: true}\n":                                               "more than one",
		"keypairs:\n  - {name: a, public_key: hello}\n":                                                                   "OpenSSH",
		"keypairs:\n  - {name: a.b, create: true, private_key_file: k}\n":                                                 "outside A-Z",
		"keypairs:\n  - {name: a, create: true, private_key_file: k}\n  - {name: a, create: true, private_key_file: k}\n": "defined twice",
	} {
		_, diags := parseT(t, base+src+"servers:\n  - {name: w, nics: [{subnet: s}]}\n", LoadOptions{})
		wantError(t, diags, want)
	}
}

// TestHostileInput: malformed input gives a clear error, never a panic or
// a hang: binary junk, a file over the size limit, deep nesting, and a
// YAML alias bomb (each level multiplies the last by 9).
func TestHostileInput(t *testing.T) {
	bomb := "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
	prev := "a"
	for _, l := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += fmt.Sprintf("%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", l, l, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = l
	}
	bomb += "name: t\nservers: *i\n"
	cases := map[string]struct {
		name, src, want string
	}{
		"binary":      {"x.yaml", "\x00\x01\xff\xfe junk", "not UTF-8 text"},
		"too big":     {"x.yaml", "name: t\n" + strings.Repeat("#", MaxFileSize), "limited to"},
		"deep yaml":   {"x.yaml", "name: t\nservers: " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n", "must be a mapping"},
		"deep hcl":    {"x.hcl", "x = " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", "nested more than"},
		"alias bomb":  {"x.yaml", bomb, ""},
		"invalid":     {"x.yaml", "name: [\n", "invalid YAML"},
		"two docs":    {"x.yaml", "name: a\n---\nname: b\n", "more than one YAML document"},
		"not a map":   {"x.yaml", "- a\n- b\n", "must be a mapping"},
		"empty":       {"x.yaml", "", "empty"},
		"bad ext":     {"x.json", "{}", "extension"},
		"hcl invalid": {"x.hcl", "server \"a\" {", ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, diags := Parse(c.name, []byte(c.src), LoadOptions{LookupEnv: func(string) (string, bool) { return "", false }})
			if !diags.HasErrors() {
				t.Fatalf("no error")
			}
			if len(diags) > maxDiags+1 {
				t.Fatalf("%d diagnostics; the cap is %d", len(diags), maxDiags)
			}
			if c.want != "" {
				wantError(t, diags, c.want)
			}
		})
	}
}

func TestHCLSpecifics(t *testing.T) {
	const hbase = `name = "t"
defaults {
  vpc    = "vpc-default"
  image  = "CentOS 8.2 64bit"
  flavor = "c6.large.2"
  root_volume { type = "SSD" }
}
`
	env := func(k string) (string, bool) {
		if k == "PW" {
			return "Xy7!kq2Lp@w", true
		}
		return "", false
	}
	parse := func(src string) (*Fleet, Diagnostics) {
		return Parse("t.hcl", []byte(hbase+src), LoadOptions{LookupEnv: env})
	}
	for _, pw := range []string{`env.PW`, `"${env.PW}"`, `{ env = "PW" }`} {
		f, diags := parse(`server "w" {
  nic { subnet = "s" }
  admin_password = ` + pw + `
}`)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", pw, diags)
		}
		if s := f.Servers[0].AdminPassword; s.Source() != "env" || s.Ref() != "PW" {
			t.Errorf("%s: secret %v", pw, s)
		}
	}
	for src, want := range map[string]string{
		`server "w" { nics = [] }`:                      "nics",
		"server {\n  nic {\n    subnet = \"s\"\n  }\n}": "needs its name as a label",
		`server "w" {
  nic { subnet = "s" }
  count = "many"
}`: "count must be a number",
		`server "w" {
  nic { subnet = "s" }
  tags = { "a.b" = "x" }
}`: "tag key \"a.b\"",
		`server "w" {
  nic { subnet = "s" }
  flavor = foo.bar
}`: "unknown reference",
		`server "w" {
  nic { subnet = "s" }
  admin_password = "Xy7!kq2Lp@w"
}`: "written in the file",
		// An object block given twice is refused, as a repeated YAML key is.
		`server "w" {
  nic { subnet = "s" }
  update_policy { max_unavailable = "1" }
  update_policy { max_unavailable = "2" }
}`: "update_policy is set twice",
		"ignore {}\nignore {}\nserver \"w\" {\n  nic { subnet = \"s\" }\n}": "ignore is set twice",
		"defaults {}\nserver \"w\" {\n  nic { subnet = \"s\" }\n}":          "defaults is set twice",
	} {
		_, diags := parse(src)
		wantError(t, diags, want)
	}
}

func TestDiagnosticsSortedAndRendered(t *testing.T) {
	_, diags := parseT(t, `name: t
servers:
  - name: b c
    flavour: x
    nics: [{subnet: s}]
`, LoadOptions{})
	for i := 1; i < len(diags); i++ {
		if diags[i].Pos.before(diags[i-1].Pos) {
			t.Fatalf("not sorted: %v", diags)
		}
	}
	if !strings.Contains(diags.Error(), "t.yaml:3:11: error:") {
		t.Errorf("Error(): %s", diags.Error())
	}
	var plain, color bytes.Buffer
	src := map[string][]byte{"t.yaml": []byte("name: t\nservers:\n  - name: b c\n    flavour: x\n    nics: [{subnet: s}]\n")}
	Render(&plain, diags, src, false)
	if strings.Contains(plain.String(), "\x1b[") {
		t.Errorf("plain output has escape codes")
	}
	if !strings.Contains(plain.String(), "    3 |   - name: b c\n      |           ^\n") {
		t.Errorf("caret rendering:\n%s", plain.String())
	}
	Render(&color, diags, src, true)
	if !strings.Contains(color.String(), "\x1b[") {
		t.Errorf("color requested but no escape codes:\n%q", color.String())
	}
}

func TestSuggest(t *testing.T) {
	for in, want := range map[string]string{"flavour": "flavor", "imgae": "image", "sever_group": "server_group", "zzzzzz": ""} {
		if got := Suggest(in, objectOf(reflect.TypeFor[rawSet]()).yamlNames); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaxUnavailableCount(t *testing.T) {
	for _, c := range []struct {
		v           string
		count, want int
	}{{"1", 10, 1}, {"3", 10, 3}, {"25%", 10, 2}, {"25%", 2, 1}, {"100%", 7, 7}, {"50", 7, 7}, {"bad", 7, 1}} {
		if got := (UpdatePolicy{MaxUnavailable: c.v}).MaxUnavailableCount(c.count); got != c.want {
			t.Errorf("%s of %d = %d, want %d", c.v, c.count, got, c.want)
		}
	}
}

// TestMissingFieldHintNamesWhatIsMissing: the hint of "server set has no
// ..." names exactly the missing fields, each with an example, and none
// that is present.
func TestMissingFieldHintNamesWhatIsMissing(t *testing.T) {
	all := map[string]string{
		"flavor":           "flavor: c6.large.2",
		"image":            "image: CentOS 8.2 64bit",
		"vpc":              "vpc: vpc-default",
		"root_volume type": "root_volume: {type: SSD}",
	}
	for _, c := range []struct {
		src, message, hint string
	}{
		{"    image: i\n    vpc: v\n    root_volume: {type: SSD}\n", "has no flavor", "set it here or under defaults, for example flavor: c6.large.2"},
		{"    flavor: f\n    vpc: v\n    root_volume: {type: SSD}\n", "has no image", "set it here or under defaults, for example image: CentOS 8.2 64bit"},
		{"    flavor: f\n    image: i\n    root_volume: {type: SSD}\n", "has no vpc", "set it here or under defaults, for example vpc: vpc-default"},
		{"    flavor: f\n    image: i\n    vpc: v\n    root_volume: {size: 40}\n", "has no root_volume type", "set it here or under defaults, for example root_volume: {type: SSD}"},
		{"    image: i\n    root_volume: {type: SSD}\n", "has no flavor and vpc", "set them here or under defaults, for example flavor: c6.large.2; vpc: vpc-default"},
	} {
		src := "name: t\nservers:\n  - name: web\n    nics: [{subnet: s}]\n" + c.src
		_, diags := parseT(t, src, LoadOptions{})
		d := wantError(t, diags, c.message)
		if d.Hint != c.hint {
			t.Errorf("%s: hint %q, want %q", c.message, d.Hint, c.hint)
		}
		for field, example := range all {
			if !strings.Contains(c.message, field) && strings.Contains(d.Hint, example) {
				t.Errorf("%s: the hint mentions %s, which is not missing", c.message, field)
			}
		}
	}
}

// TestMissingFieldHintInHCL: an HCL file gets the example in HCL.
func TestMissingFieldHintInHCL(t *testing.T) {
	src := "name = \"t\"\nserver \"web\" {\n  image = \"i\"\n  vpc = \"v\"\n  nic { subnet = \"s\" }\n}\n"
	_, diags := Parse("t.hcl", []byte(src), LoadOptions{LookupEnv: func(string) (string, bool) { return "", false }})
	d := wantError(t, diags, "has no flavor and root_volume type")
	if want := `set them here or under defaults, for example flavor = "c6.large.2"; root_volume { type = "SSD" }`; d.Hint != want {
		t.Errorf("hint %q, want %q", d.Hint, want)
	}
}

// TestPasswordGeneration: password_generation is a set's count of
// password rotations, 0 by default, read the same from YAML and HCL;
// negative or without admin_password it is refused at its own position,
// and it is not a default.
func TestPasswordGeneration(t *testing.T) {
	env := func(k string) (string, bool) {
		if k == "PW" {
			return "Xy7!kq2Lp@w", true
		}
		return "", false
	}
	yamlSet := func(extra string) string {
		return base + "servers:\n  - name: w\n    nics: [{subnet: s}]\n" + extra
	}
	hclSet := func(extra string) string {
		return "name = \"t\"\nserver \"w\" {\n  flavor = \"f\"\n  image = \"i\"\n  vpc = \"v\"\n  root_volume { type = \"SSD\" }\n  nic { subnet = \"s\" }\n" + extra + "}\n"
	}
	parseHCL := func(src string) (*Fleet, Diagnostics) {
		return Parse("t.hcl", []byte(src), LoadOptions{LookupEnv: env})
	}

	f := mustLoad(t, yamlSet("    admin_password: ${env.PW}\n"), LoadOptions{LookupEnv: env})
	if g := f.Servers[0].PasswordGeneration; g != 0 {
		t.Errorf("default generation %d, want 0", g)
	}
	if j, _ := json.Marshal(f.Servers[0]); strings.Contains(string(j), "password_generation") {
		t.Errorf("generation 0 is shown in JSON: %s", j)
	}
	for _, g := range []string{"0", "3", "${var.gen}"} {
		f := mustLoad(t, yamlSet("    admin_password: ${env.PW}\n    password_generation: "+g+"\n"), LoadOptions{LookupEnv: env, Vars: map[string]string{"gen": "3"}})
		want := 3
		if g == "0" {
			want = 0
		}
		if got := f.Servers[0].PasswordGeneration; got != want {
			t.Errorf("password_generation: %s loaded as %d, want %d", g, got, want)
		}
	}
	fh, diags := parseHCL(hclSet("  admin_password = env.PW\n  password_generation = 3\n"))
	if diags.HasErrors() {
		t.Fatalf("HCL: %v", diags)
	}
	if got := fh.Servers[0].PasswordGeneration; got != 3 {
		t.Errorf("HCL password_generation = 3 loaded as %d", got)
	}
	if j, _ := json.Marshal(fh.Servers[0]); !strings.Contains(string(j), `"password_generation":3`) {
		t.Errorf("generation 3 is not in the JSON: %s", j)
	}

	// Refused, each at the field's own position (line 10: after the set's nics).
	for _, c := range []struct{ extra, want string }{
		{"    admin_password: ${env.PW}\n    password_generation: -1\n", "password_generation -1 is negative"},
		{"    password_generation: 1\n", `server set "w" has password_generation but no admin_password`},
		{"    password_generation: 0\n", `server set "w" has password_generation but no admin_password`},
	} {
		_, diags := parseT(t, yamlSet(c.extra), LoadOptions{LookupEnv: env})
		d := wantError(t, diags, c.want)
		if line := strings.Count(yamlSet(c.extra), "\n"); d.Pos.Line != line || d.Pos.Col != 26 {
			t.Errorf("%q: error at %d:%d, want %d:26", c.want, d.Pos.Line, d.Pos.Col, line)
		}
	}
	_, diags = parseT(t, yamlSet("    password_generation: 1\n"), LoadOptions{})
	if d := wantError(t, diags, "no admin_password"); !strings.Contains(d.Hint, "admin_password: ${env.NAME}") {
		t.Errorf("YAML hint %q does not say how to add admin_password in YAML", d.Hint)
	}
	_, diags = parseHCL(hclSet("  password_generation = 1\n"))
	if d := wantError(t, diags, "no admin_password"); !strings.Contains(d.Hint, "admin_password = env.NAME") || d.Pos.Line != 8 {
		t.Errorf("HCL: hint %q, line %d; want the HCL form, at line 8", d.Hint, d.Pos.Line)
	}
	_, diags = parseHCL(hclSet("  admin_password = env.PW\n  password_generation = -2\n"))
	wantError(t, diags, "password_generation -2 is negative")
	// Both problems at once are both reported.
	_, diags = parseT(t, yamlSet("    password_generation: -1\n"), LoadOptions{})
	wantError(t, diags, "is negative")
	wantError(t, diags, "no admin_password")

	// Set-level only: defaults do not take it.
	_, diags = parseT(t, base+"  password_generation: 1\nservers:\n  - name: w\n    nics: [{subnet: s}]\n    admin_password: ${env.PW}\n", LoadOptions{LookupEnv: env})
	wantError(t, diags, `unknown field "password_generation" in defaults`)
}

// A secret a newcomer does not have yet (an example's password) is a
// warning whose hint says that is expected and how to give it.
func TestMissingSecretHintSaysHowToSetIt(t *testing.T) {
	_, diags := parseT(t, base+"servers:\n  - {name: w, nics: [{subnet: s}], admin_password: \"${env.WEB_PW}\"}\n", LoadOptions{})
	if diags.HasErrors() || len(diags) != 1 || diags[0].Severity != Warning {
		t.Fatalf("want one warning, got:\n%v", diags)
	}
	for _, want := range []string{"expected until WEB_PW is set", "plan and apply need it", "export WEB_PW='<password>'", "8 to 26 characters"} {
		if !strings.Contains(diags[0].Hint, want) {
			t.Errorf("hint %q lacks %q", diags[0].Hint, want)
		}
	}
	dir := t.TempDir()
	src := base + "servers:\n  - {name: w, nics: [{subnet: s}], admin_password: {file: ./pw.txt}}\n"
	if err := os.WriteFile(filepath.Join(dir, "f.yaml"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	_, diags = Load(filepath.Join(dir, "f.yaml"), LoadOptions{})
	if diags.HasErrors() || len(diags) != 1 || !strings.Contains(diags[0].Hint, "expected until the file exists") {
		t.Fatalf("want one warning with the file hint, got:\n%v", diags)
	}
}
