package spec

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The schema and the loader must agree on what is required: an editor that
// flags a field as missing when validate accepts the file (or stays silent
// when validate refuses it for a missing field) teaches people to ignore
// one of them. These tests compare the two on the same documents.

// TestSchemaAndLoaderAcceptFleetsWithoutServers: a fleet of only keypairs
// and server groups (or of nothing but a name) is legitimate, for example
// to own keypairs that other fleets refer to.
func TestSchemaAndLoaderAcceptFleetsWithoutServers(t *testing.T) {
	s := compileSchema(t)
	for name, src := range map[string]string{
		"name only":                "name: t\n",
		"keypairs and groups only": "name: shared\nkeypairs:\n  - name: ops\n    public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB ops\nserver_groups:\n  - name: spread\n    policy: anti-affinity\n",
		"empty servers list":       "name: t\nservers: []\n",
	} {
		if _, diags := parseT(t, src, LoadOptions{}); diags.HasErrors() {
			t.Errorf("%s: the loader refused it:\n%v", name, diags)
		}
		if err := s.Validate(yamlAsJSON(t, []byte(src))); err != nil {
			t.Errorf("%s: the schema refused it: %v", name, err)
		}
	}
}

// fullFleet is a valid fleet that writes every field the language has, in
// every object, at least once. Values are written in both defaults and the
// set where a set may inherit them, so deleting one copy leaves a valid
// fleet: only a field that is required in its own object makes a deletion
// invalid.
const fullFleet = `name: full
project: p
allow_literal_secrets: false
variables: {unused: "1"}
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: CentOS 8.2 64bit
  flavor: c6.large.2
  root_volume: {type: SSD, size: 40}
  security_groups: [sg-a]
  keypair: ops
  tags: {env: prod}
keypairs:
  - name: ops
    create: true
    private_key_file: ./ops.pem
server_groups:
  - name: spread
    policy: anti-affinity
volumes:
  - name: shared
    size: 100
    type: SSD
    attach_to: [web]
servers:
  - name: web
    count: 1
    flavor: c6.large.2
    image: CentOS 8.2 64bit
    availability_zone: az1.dc1
    vpc: vpc-default
    security_groups: [sg-a]
    nics: [{subnet: subnet-web, ip: 10.0.0.5, security_groups: [sg-b]}]
    root_volume: {type: SSD, size: 40}
    data_volumes: [{type: SSD, size: 10}]
    keypair: ops
    server_group: spread
    tags: {team: a}
    metadata: {role: web}
    user_data: {content: "#cloud-config", sensitive: true}
    admin_password: {env: WEB_PW}
    password_generation: 1
    power_state: on
    resize_mode: offline
    update_policy: {max_unavailable: 1}
    prevent_destroy: false
    description: web tier
ignore:
  tag_prefixes: [_sys_]
  metadata_prefixes: [_sys_]
`

// notComparable are deletions whose loader error is not about a missing
// field but about a reference the deletion breaks; the schema cannot see
// references. Each is covered elsewhere.
var notComparable = map[string]string{
	"servers":       "volume shared attaches to set web (no-servers fleets: TestSchemaAndLoaderAcceptFleetsWithoutServers)",
	"keypairs":      "defaults and web name keypair ops",
	"server_groups": "web names server group spread",
}

// TestSchemaRequiredMatchesLoader deletes each field of fullFleet in turn
// and checks the schema accepts the result exactly when the loader does.
func TestSchemaRequiredMatchesLoader(t *testing.T) {
	s := compileSchema(t)
	var doc any
	if err := yaml.Unmarshal([]byte(fullFleet), &doc); err != nil {
		t.Fatal(err)
	}
	check := func(what string, v any) {
		src, err := yaml.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		_, diags := parseT(t, string(src), LoadOptions{})
		loaderOK := !diags.HasErrors()
		schemaErr := s.Validate(yamlAsJSON(t, src))
		if loaderOK != (schemaErr == nil) {
			t.Errorf("%s: loader accepts=%v, schema accepts=%v\nloader: %v\nschema: %v", what, loaderOK, schemaErr == nil, diags, schemaErr)
		}
	}
	check("the full fleet", doc)
	paths := fieldPaths(doc, nil)
	if len(paths) < 60 {
		t.Fatalf("only %d fields found in the full fleet", len(paths))
	}
	for _, p := range paths {
		key := strings.Join(p, ".")
		if _, skip := notComparable[key]; skip {
			continue
		}
		check("without "+key, without(doc, p))
	}
}

// fieldPaths lists the path of every mapping key in v (list items by index).
func fieldPaths(v any, prefix []string) [][]string {
	var out [][]string
	switch n := v.(type) {
	case map[string]any:
		for k, e := range n {
			p := append(slices.Clone(prefix), k)
			out = append(out, p)
			out = append(out, fieldPaths(e, p)...)
		}
	case []any:
		for i, e := range n {
			out = append(out, fieldPaths(e, append(slices.Clone(prefix), fmt.Sprint(i)))...)
		}
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(strings.Join(a, "."), strings.Join(b, ".")) })
	return out
}

// without returns a deep copy of v with the key at path deleted.
func without(v any, path []string) any {
	switch n := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(n))
		for k, e := range n {
			switch {
			case len(path) == 1 && k == path[0]:
			case len(path) > 1 && k == path[0]:
				m[k] = without(e, path[1:])
			default:
				m[k] = e
			}
		}
		return m
	case []any:
		l := slices.Clone(n)
		for i := range l {
			if len(path) > 1 && fmt.Sprint(i) == path[0] {
				l[i] = without(l[i], path[1:])
			}
		}
		return l
	}
	return v
}
