package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRepairs(t *testing.T) {
	got, n := joinWrappedStrings("{\"m\" : \"Network x \ncould not\nbe found.\", \"k\":\n 1}")
	if n != 1 || got != `{"m" : "Network x could notbe found.", "k":`+"\n 1}" {
		t.Errorf("joinWrappedStrings = %q, %d", got, n)
	}
	if got, n := stripTrailingCommas(`{"a":[1,2,],"b":1,}`); n != 2 || got != `{"a":[1,2],"b":1}` {
		t.Errorf("stripTrailingCommas = %q, %d", got, n)
	}
	if got, n := stripComments("{\"u\":\"http://x\", // note\n\"b\":1 /* c */}"); n != 2 || !json.Valid([]byte(got)) {
		t.Errorf("stripComments = %q, %d", got, n)
	}
	if got, n := stripEllipses("{\n\"a\":1\n ...\n}"); n != 1 || got != "{\n\"a\":1\n}" {
		t.Errorf("stripEllipses = %q, %d", got, n)
	}
	if got, n := stripFurniture("{\n\"a\":1,\n弹性云服务器(ECS)\nAPI 参考 5 API 参考\n文档版本 02 (2023-10-26) 版权所有\n\"b\":2}"); n != 3 || !json.Valid([]byte(got)) {
		t.Errorf("stripFurniture = %q, %d", got, n)
	}
}

func TestJSONStart(t *testing.T) {
	for line, want := range map[string]bool{
		"{":                                true,
		"● {":                              true,
		` {"a":1}`:                         true,
		`[ {`:                              true,
		"{external_global_domain_name}/v3": false,
		"[1] see table":                    false,
		"URI":                              false,
	} {
		if _, ok := jsonStart(line); ok != want {
			t.Errorf("jsonStart(%q) = %v", line, ok)
		}
	}
}

// The committed fixtures are exactly what the extractor makes from the
// reference, whose path ECSFLEET_REFERENCE gives (the text is not in the
// repository; skipped without it).
func TestFixturesAreReproducible(t *testing.T) {
	spec := os.Getenv("ECSFLEET_REFERENCE")
	if spec == "" {
		t.Skip("set ECSFLEET_REFERENCE to the reference text (hcs-8.3.0-ecs-api-reference.zh.txt) to run this")
	}
	raw, err := os.ReadFile(spec)
	if err != nil {
		t.Fatalf("ECSFLEET_REFERENCE: %v", err)
	}
	entries, files := extract(strings.Split(string(raw), "\n"))
	dir := "../../../testdata/reference"
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s differs from the extractor's output (regenerate with go run ./ecs/internal/refextract)", name)
		}
	}
	idx, _ := json.MarshalIndent(entries, "", "  ")
	got, _ := os.ReadFile(filepath.Join(dir, "index.json"))
	if string(got) != string(idx)+"\n" {
		t.Error("index.json differs from the extractor's output")
	}
	if len(entries) < 150 {
		t.Errorf("only %d examples extracted", len(entries))
	}
}
