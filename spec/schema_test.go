package spec

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// compileSchema compiles the embedded schema with a draft-07 validator.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	const url = "https://github.com/ecsfleet/ecsfleet/spec/fleet.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// yamlAsJSON decodes YAML the way an editor's YAML language server does
// (aliases and merge keys resolved) and re-reads it as JSON values.
func yamlAsJSON(t *testing.T, src []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json: %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestSchemaAcceptsExamples: every YAML example satisfies the schema, so
// an editor wired to it shows no false errors on a valid fleet.
func TestSchemaAcceptsExamples(t *testing.T) {
	s := compileSchema(t)
	files, _ := filepath.Glob("../examples/*.yaml")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(yamlAsJSON(t, src)); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// TestSchemaRejectsBrokenFleets: shape errors an editor should flag.
func TestSchemaRejectsBrokenFleets(t *testing.T) {
	s := compileSchema(t)
	for name, src := range map[string]string{
		"unknown field":          "name: t\nservers:\n  - name: web\n    flavour: c6.large.2\n    nics: [{subnet: a}]\n",
		"count not int":          "name: t\nservers:\n  - name: web\n    count: many\n    nics: [{subnet: a}]\n",
		"policy typo":            "name: t\nserver_groups: [{name: g, policy: anti-afinity}]\nservers: [{name: web, nics: [{subnet: a}]}]\n",
		"no nics":                "name: t\nservers:\n  - name: web\n    nics: []\n",
		"17 nics":                "name: t\nservers:\n  - name: web\n    nics: [{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a},{subnet: a}]\n",
		"volume too big":         "name: t\nservers:\n  - name: web\n    nics: [{subnet: a}]\n    data_volumes: [{type: SSD, size: 65537}]\n",
		"name with space":        "name: t\nservers:\n  - name: web server\n    nics: [{subnet: a}]\n",
		"count 0":                "name: t\nservers:\n  - name: web\n    count: 0\n    nics: [{subnet: a}]\n",
		"count 1001":             "name: t\nservers:\n  - name: web\n    count: 1001\n    nics: [{subnet: a}]\n",
		"nics absent":            "name: t\nservers:\n  - name: web\n",
		"no name":                "servers:\n  - name: web\n    nics: [{subnet: a}]\n",
		"keypair source":         "name: t\nkeypairs: [{name: k}]\n",
		"created key":            "name: t\nkeypairs: [{name: k, create: true}]\n",
		"user_data empty":        "name: t\nservers:\n  - name: web\n    nics: [{subnet: a}]\n    user_data: {sensitive: true}\n",
		"user_data both":         "name: t\nservers:\n  - name: web\n    nics: [{subnet: a}]\n    user_data: {content: a, file: b}\n",
		"power state":            "name: t\nservers:\n  - name: web\n    power_state: up\n    nics: [{subnet: a}]\n",
		"owner tag":              "name: t\nservers:\n  - name: web\n    nics: [{subnet: a}]\n    tags: {ecsfleet: x}\n",
		"set tag":                "name: t\ndefaults:\n  tags: {ecsfleet-set: x}\nservers:\n  - name: web\n    nics: [{subnet: a}]\n",
		"ecsfleet: key":          "name: t\nservers:\n  - name: web\n    nics: [{subnet: a}]\n    metadata: {\"ecsfleet:password_generation\": \"1\"}\n",
		"generation only":        "name: t\nservers:\n  - name: web\n    nics: [{subnet: a}]\n    password_generation: 1\n",
		"generation < 0":         "name: t\nservers:\n  - name: web\n    nics: [{subnet: a}]\n    admin_password: {env: PW}\n    password_generation: -1\n",
		"generation text":        "name: t\nservers:\n  - name: web\n    nics: [{subnet: a}]\n    admin_password: {env: PW}\n    password_generation: next\n",
		"generation in defaults": "name: t\ndefaults:\n  password_generation: 1\nservers:\n  - name: web\n    nics: [{subnet: a}]\n    admin_password: {env: PW}\n",
	} {
		if err := s.Validate(yamlAsJSON(t, []byte(src))); err == nil {
			t.Errorf("%s: the schema accepted a broken fleet", name)
		}
	}
}
