package spec

import (
	"strings"
	"testing"
)

// TestRefusedValueIsNotAlsoMissing: a field written with a value the loader
// refuses (wrong shape, unknown variable, misplaced HCL form) gets exactly
// its own error, never a second "has no ..." / "needs ..." error that would
// send the reader looking for a field they did write.
func TestRefusedValueIsNotAlsoMissing(t *testing.T) {
	const set = "    flavor: f\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: s}]\n"
	for _, c := range []struct {
		name, file, src, want string
	}{
		{"fleet name list", "t.yaml", "name: [a]\n", "single value"},
		{"fleet name unknown var", "t.yaml", "name: ${var.nope}\n", "unknown variable var.nope"},
		{"fleet name invalid", "t.yaml", "name: \"my fleet\"\n", "a space"},
		{"set name", "t.yaml", "name: t\nservers:\n  - name: [x]\n" + set, "single value"},
		{"set name unknown var", "t.yaml", "name: t\nservers:\n  - name: ${var.n}\n" + set, "unknown variable var.n"},
		{"flavor", "t.yaml", "name: t\nservers:\n  - name: w\n    flavor: [f]\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: s}]\n", "single value"},
		{"root_volume not a mapping", "t.yaml", "name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: SSD\n    nics: [{subnet: s}]\n", "must be a mapping"},
		{"root_volume type", "t.yaml", "name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: {type: [SSD]}\n    nics: [{subnet: s}]\n", "single value"},
		{"nic subnet", "t.yaml", "name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: [s]}]\n", "single value"},
		{"nics not a list", "t.yaml", "name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: s\n", "must be a list"},
		{"data volume size", "t.yaml", "name: t\nservers:\n  - name: w\n" + set + "    data_volumes: [{type: SSD, size: big}]\n", "whole number"},
		{"data volume type", "t.yaml", "name: t\nservers:\n  - name: w\n" + set + "    data_volumes: [{type: [SSD], size: 10}]\n", "single value"},
		{"user_data content", "t.yaml", "name: t\nservers:\n  - name: w\n" + set + "    user_data: {content: [x]}\n", "single value"},
		{"admin_password env", "t.yaml", "name: t\nservers:\n  - name: w\n" + set + "    admin_password: {env: [x]}\n", "single value"},
		{"admin_password refused, with password_generation", "t.yaml", "name: t\nservers:\n  - name: w\n" + set + "    admin_password: {env: [x]}\n    password_generation: 1\n", "single value"},
		{"admin_password unknown var, with password_generation", "t.yaml", "name: t\nservers:\n  - name: w\n" + set + "    admin_password: ${var.pw}\n    password_generation: 1\n", "unknown variable var.pw"},
		{"admin_password both, with password_generation", "t.yaml", "name: t\nservers:\n  - name: w\n" + set + "    admin_password: {env: A, file: b}\n    password_generation: 1\n", "both env and file"},
		{"admin_pasword, with password_generation", "t.yaml", "name: t\nservers:\n  - name: w\n" + set + "    admin_pasword: ${env.PW}\n    password_generation: 1\n", "unknown field \"admin_pasword\""},
		{"password_generation not a number", "t.yaml", "name: t\nservers:\n  - name: w\n" + set + "    password_generation: next\n", "whole number"},
		{"hcl admin_password refused, with password_generation", "t.hcl", "name = \"t\"\nserver \"w\" {\n  flavor = \"f\"\n  image = \"i\"\n  vpc = \"v\"\n  root_volume { type = \"SSD\" }\n  nic { subnet = \"s\" }\n  admin_password = { env = \"A\", file = \"b\" }\n  password_generation = 1\n}\n", "both env and file"},
		{"hcl admin_pasword, with password_generation", "t.hcl", "name = \"t\"\nserver \"w\" {\n  flavor = \"f\"\n  image = \"i\"\n  vpc = \"v\"\n  root_volume { type = \"SSD\" }\n  nic { subnet = \"s\" }\n  admin_pasword = env.PW\n  password_generation = 1\n}\n", "unknown field \"admin_pasword\""},
		{"keypair name", "t.yaml", "name: t\nkeypairs:\n  - name: {a: 1}\n    create: true\n    private_key_file: k\n", "single value"},
		{"keypair create", "t.yaml", "name: t\nkeypairs:\n  - name: k\n    create: maybe\n", "true or false"},
		{"keypair public_key", "t.yaml", "name: t\nkeypairs:\n  - name: k\n    public_key: [x]\n", "single value"},
		{"keypair private_key_file", "t.yaml", "name: t\nkeypairs:\n  - name: k\n    create: true\n    private_key_file: [x]\n", "single value"},
		{"group policy", "t.yaml", "name: t\nserver_groups:\n  - name: g\n    policy: [x]\n", "single value"},
		{"volume size", "t.yaml", "name: t\nservers:\n  - name: w\n" + set + "volumes:\n  - name: v\n    size: big\n    type: SSD\n    attach_to: [w]\n", "whole number"},
		{"volume type", "t.yaml", "name: t\nservers:\n  - name: w\n" + set + "volumes:\n  - name: v\n    size: 10\n    type: [SSD]\n    attach_to: [w]\n", "single value"},
		{"volume attach_to", "t.yaml", "name: t\nvolumes:\n  - name: v\n    size: 10\n    type: SSD\n    attach_to: w\n", "must be a list"},
		{"defaults flavor", "t.yaml", "name: t\ndefaults:\n  flavor: [f]\nservers:\n  - name: w\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: s}]\n", "single value"},
		{"defaults root_volume type", "t.yaml", "name: t\ndefaults:\n  root_volume: {type: [SSD]}\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    nics: [{subnet: s}]\n", "single value"},
		{"flavour in defaults", "t.yaml", "name: t\ndefaults:\n  flavour: f\nservers:\n  - name: w\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: s}]\n", "unknown field \"flavour\" in defaults"},
		{"flavour in the set", "t.yaml", "name: t\nservers:\n  - name: w\n    flavour: f\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: s}]\n", "unknown field \"flavour\""},
		{"root_volum in the set", "t.yaml", "name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volum: {type: SSD}\n    nics: [{subnet: s}]\n", "unknown field \"root_volum\""},
		{"nic typo", "t.yaml", "name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nic: [{subnet: s}]\n", "unknown field \"nic\""},
		{"hcl flavour", "t.hcl", "name = \"t\"\nserver \"w\" {\n  flavour = \"f\"\n  image = \"i\"\n  vpc = \"v\"\n  root_volume { type = \"SSD\" }\n  nic { subnet = \"s\" }\n}\n", "unknown field \"flavour\""},
		{"hcl root_volum block", "t.hcl", "name = \"t\"\nserver \"w\" {\n  flavor = \"f\"\n  image = \"i\"\n  vpc = \"v\"\n  root_volum { type = \"SSD\" }\n  nic { subnet = \"s\" }\n}\n", "unknown block \"root_volum\""},
		{"hcl fleet name", "t.hcl", "name = [\"a\"]\n", "name"},
		{"hcl root_volume attribute", "t.hcl", "name = \"t\"\nserver \"w\" {\n  flavor = \"f\"\n  image = \"i\"\n  vpc = \"v\"\n  root_volume = \"SSD\"\n  nic { subnet = \"s\" }\n}\n", "unknown field \"root_volume\""},
		{"hcl flavor block", "t.hcl", "name = \"t\"\nserver \"w\" {\n  flavor { }\n  image = \"i\"\n  vpc = \"v\"\n  root_volume { type = \"SSD\" }\n  nic { subnet = \"s\" }\n}\n", "unknown block \"flavor\""},
		{"hcl nics attribute", "t.hcl", "name = \"t\"\nserver \"w\" {\n  flavor = \"f\"\n  image = \"i\"\n  vpc = \"v\"\n  root_volume { type = \"SSD\" }\n  nics = []\n}\n", "unknown field \"nics\""},
		{"hcl volume size", "t.hcl", "name = \"t\"\nserver \"w\" {\n  flavor = \"f\"\n  image = \"i\"\n  vpc = \"v\"\n  root_volume { type = \"SSD\" }\n  nic { subnet = \"s\" }\n}\nvolume \"v\" {\n  size = \"big\"\n  type = \"SSD\"\n  attach_to = [\"w\"]\n}\n", "size"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, diags := Parse(c.file, []byte(c.src), LoadOptions{LookupEnv: func(string) (string, bool) { return "", false }})
			var errs []Diagnostic
			for _, d := range diags {
				if d.Severity == Error {
					errs = append(errs, d)
				}
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Message, c.want) {
				t.Errorf("want exactly one error containing %q, got:\n%v", c.want, diags)
			}
		})
	}
}

// TestMissingIsStillReported: the same fields, absent, are still reported
// as missing (the cascade fix must not hide a real omission), also next to
// an unknown key that suggests no field.
func TestMissingIsStillReported(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"servers: []\n", "the fleet has no name"},
		{"name: t\nservers:\n  - count: 1\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: s}]\n", "this server set has no name"},
		{"name: t\nservers:\n  - name: w\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: s}]\n", "has no flavor"},
		{"name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: {size: 40}\n    nics: [{subnet: s}]\n", "has no root_volume type"},
		{"name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{ip: 10.0.0.1}]\n", "has no subnet"},
		{"name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: \"\"}]\n", "has no subnet"},
		{"name: t\nservers:\n  - name: w\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: s}]\n    zzzzzz: 1\n", "has no flavor"},
		{"name: t\nkeypairs:\n  - name: k\n", "needs public_key"},
		{"name: t\nkeypairs:\n  - name: k\n    create: true\n", "no private_key_file"},
		{"name: t\nserver_groups:\n  - name: g\n", "has no policy"},
		{"name: t\nvolumes:\n  - name: v\n    type: SSD\n    attach_to: [w]\n", "has no size"},
		{"name: t\nvolumes:\n  - name: v\n    size: 10\n    attach_to: [w]\n", "has no type"},
		{"name: t\nvolumes:\n  - name: v\n    size: 10\n    type: SSD\n", "attached to no server set"},
		{"name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: s}]\n    user_data: {sensitive: true}\n", "needs content or file"},
		{"name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: s}]\n    admin_password: {}\n", "admin_password needs"},
		{"name: t\nservers:\n  - name: w\n    flavor: f\n    image: i\n    vpc: v\n    root_volume: {type: SSD}\n    nics: [{subnet: s}]\n    password_generation: 1\n    zzzzzz: 1\n", "has password_generation but no admin_password"},
	} {
		_, diags := parseT(t, c.src, LoadOptions{})
		wantError(t, diags, c.want)
	}
}
