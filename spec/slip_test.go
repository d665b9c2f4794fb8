package spec

import (
	"strings"
	"testing"
)

const hclBase = `name = "t"
defaults {
  vpc    = "vpc-default"
  image  = "CentOS 8.2 64bit"
  flavor = "c6.large.2"
  root_volume { type = "SSD" }
}
`

func parseHCLT(src string, opts LoadOptions) (*Fleet, Diagnostics) {
	if opts.LookupEnv == nil {
		opts.LookupEnv = func(string) (string, bool) { return "", false }
	}
	return Parse("t.hcl", []byte(src), opts)
}

// TestPasswordAsVariableDefault: a password written as the default of a
// variable in the file is a password written in the file, refused like a
// literal one; given with --var (or allowed) it is accepted.
func TestPasswordAsVariableDefault(t *testing.T) {
	const pw = "Xy7!kq2Lp@w"
	yamlSrc := base + "variables:\n  pw: " + pw + "\nservers:\n  - name: w\n    nics: [{subnet: s}]\n    admin_password: ${var.pw}\n"
	hclSrc := hclBase + "variable \"pw\" { default = \"" + pw + "\" }\nserver \"w\" {\n  nic { subnet = \"s\" }\n  admin_password = var.pw\n}\n"
	for name, load := range map[string]func(LoadOptions) (*Fleet, Diagnostics){
		"yaml": func(o LoadOptions) (*Fleet, Diagnostics) { return parseT(t, yamlSrc, o) },
		"hcl":  func(o LoadOptions) (*Fleet, Diagnostics) { return parseHCLT(hclSrc, o) },
	} {
		t.Run(name, func(t *testing.T) {
			_, diags := load(LoadOptions{})
			d := wantError(t, diags, `admin_password of server set "w" comes from the default of variable pw, written in the file`)
			if strings.Contains(d.Message+d.Hint, pw) {
				t.Fatal("the message shows the password")
			}
			if _, diags := load(LoadOptions{Vars: map[string]string{"pw": "Other!pw2Q"}}); diags.HasErrors() {
				t.Fatalf("a password given with --var is refused: %v", diags)
			}
			if _, diags := load(LoadOptions{AllowLiteralSecrets: true}); diags.HasErrors() {
				t.Fatalf("allow_literal_secrets does not allow it: %v", diags)
			}
		})
	}
}

// TestYAMLTags: a tag YAML itself defines (!!str, !!int...) is honoured;
// any other (!include, !env, !!binary...) is an error at its place, never
// silently dropped.
func TestYAMLTags(t *testing.T) {
	f := mustLoad(t, base+"servers:\n  - name: !!str w\n    count: !!int 2\n    description: !!str 123\n    nics: !!seq [{subnet: s}]\n    tags: !!map {a: !!str b}\n", LoadOptions{})
	if s := f.Servers[0]; s.Name != "w" || s.Count != 2 || s.Description != "123" || s.Tags["a"] != "b" {
		t.Fatalf("tagged values read as %+v", s)
	}
	for src, want := range map[string]string{
		"servers: !include servers.yaml\n":                                                             `YAML tag !include is not part of the fleet language`,
		"servers:\n  - name: w\n    nics: [{subnet: s}]\n    description: !env HOME\n":                 `YAML tag !env is not part of the fleet language`,
		"servers:\n  - name: w\n    nics: [{subnet: s}]\n    user_data: !!binary aGVsbG8=\n":           `YAML tag !!binary is not part of the fleet language`,
		"servers:\n  - name: w\n    nics: [{subnet: s}]\n    tags: {!custom k: v}\n":                   `YAML tag !custom is not part of the fleet language`,
		"servers:\n  - name: w\n    nics: [{subnet: s}]\n    tags: !<tag:example.com,2000:x> {k: v}\n": `YAML tag !<tag:example.com,2000:x> is not part of the fleet language`,
	} {
		_, diags := parseT(t, base+src, LoadOptions{})
		wantError(t, diags, want)
	}
}

// TestMergeKeysInMaps: << merges work inside tags and metadata as they do
// in a server set; keys written beside the merge win.
func TestMergeKeysInMaps(t *testing.T) {
	f := mustLoad(t, base+`servers:
  - name: a
    nics: [{subnet: s}]
    tags: &common {env: prod, team: shop}
    metadata: &meta {owner: ops}
  - name: w
    nics: [{subnet: s}]
    tags:
      <<: *common
      team: web
    metadata:
      <<: [*meta, {tier: front}]
`, LoadOptions{})
	s := f.Servers[1]
	if s.Tags["env"] != "prod" || s.Tags["team"] != "web" || s.Metadata["owner"] != "ops" || s.Metadata["tier"] != "front" {
		t.Fatalf("tags %v metadata %v", s.Tags, s.Metadata)
	}
}

// TestProjectChecked: the project is a path segment of every API call, so
// a path-shaped value is refused.
func TestProjectChecked(t *testing.T) {
	for _, p := range []string{"../x", "a/b", "..", "x?y", "a b", "%2e%2e", `a\b`} {
		_, diags := parseT(t, "project: \""+p+"\"\n"+base, LoadOptions{})
		wantError(t, diags, "project")
	}
	for _, p := range []string{"shop-prod", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "cn-north-4_shop.v2"} {
		mustLoad(t, "project: "+p+"\n"+base, LoadOptions{})
	}
}

// TestHCLExpressionsRefused: the fleet language takes values and
// references; HCL's conditionals, for expressions, arithmetic, operators,
// splats, function calls and template directives are refused at their
// place, with what to write instead.
func TestHCLExpressionsRefused(t *testing.T) {
	for expr, want := range map[string]string{
		`true ? "a" : "b"`:                 "conditional expressions",
		`"%{if true}a%{endif}"`:            "template directives",
		`"%{for x in ["a"]}${x}%{endfor}"`: "template directives",
		`[for x in ["a"] : x]`:             "for expressions",
		`1 + 1`:                            "arithmetic and operators",
		`!true`:                            "arithmetic and operators",
		`var.l[*]`:                         "splat expressions",
		`upper("x")`:                       "function calls",
		`["a"][0]`:                         "indexing and attribute access",
		`("a")`:                            "parentheses",
	} {
		src := hclBase + "variable \"l\" { default = \"x\" }\nserver \"w\" {\n  nic { subnet = \"s\" }\n  description = " + expr + "\n}\n"
		_, diags := parseHCLT(src, LoadOptions{})
		d := wantError(t, diags, want)
		if d.Pos.Line != 11 {
			t.Errorf("%s: error at %v, want line 11", expr, d.Pos)
		}
	}
	// What the language does take: literals, references, templates of
	// references, negative numbers, lists and maps of them.
	f, diags := parseHCLT(hclBase+"variable \"n\" { default = \"2\" }\nserver \"w\" {\n  count = var.n\n  description = \"a-${var.n}\"\n  tags = { a = \"b\", n = -1 }\n  security_groups = [\"x\", var.n]\n  nic { subnet = \"s\" }\n}\n", LoadOptions{})
	if diags.HasErrors() || f.Servers[0].Description != "a-2" {
		t.Fatalf("a plain fleet is refused: %v", diags)
	}
}
