package spec

import (
	"slices"
	"strings"
	"testing"
)

// TestIgnorePrefixes: `ignore` replaces the default prefixes (it does not
// add to them), each list independently; an empty prefix would make
// ecsfleet blind to every key and is refused; and a fleet that sets a tag or
// metadata key under an ignored prefix is warned that it will never be
// managed. The same holds in HCL.
func TestIgnorePrefixes(t *testing.T) {
	set := "servers:\n  - name: web\n    nics: [{subnet: subnet-web}]\n"

	f := mustLoad(t, base+"ignore:\n  tag_prefixes: [monitoring-]\n"+set, LoadOptions{})
	if !slices.Equal(f.Ignore.TagPrefixes, []string{"monitoring-"}) {
		t.Errorf("tag_prefixes replace the defaults: got %v", f.Ignore.TagPrefixes)
	}
	if f.Ignore.IgnoresTag("CCE-cluster") || !f.Ignore.IgnoresTag("monitoring-agent") {
		t.Errorf("IgnoresTag follows the replaced list: %+v", f.Ignore)
	}
	if !slices.Equal(f.Ignore.MetadataPrefixes, DefaultIgnorePrefixes) || !f.Ignore.IgnoresMetadata("_sys_x") {
		t.Errorf("metadata_prefixes keep the defaults when not set: got %v", f.Ignore.MetadataPrefixes)
	}

	_, diags := parseT(t, base+"ignore:\n  metadata_prefixes: [\"\"]\n"+set, LoadOptions{})
	wantError(t, diags, "an empty ignore prefix would ignore every key")

	_, diags = parseT(t, base+"servers:\n  - name: web\n    nics: [{subnet: subnet-web}]\n    tags: {CCE-owner: me}\n    metadata: {_sys_flag: x}\n", LoadOptions{})
	var warned []string
	for _, d := range diags {
		if d.Severity == Warning && strings.Contains(d.Message, "has an ignored prefix") {
			warned = append(warned, d.Message)
		}
	}
	if len(warned) != 2 {
		t.Errorf("want a warning for the tag and one for the metadata key, got %q (all: %v)", warned, diags)
	}

	h, hd := Parse("t.hcl", []byte(`name = "t"
ignore {
  tag_prefixes = ["monitoring-"]
}
`), LoadOptions{LookupEnv: func(string) (string, bool) { return "", false }})
	if hd.HasErrors() {
		t.Fatalf("HCL ignore block: %v", hd)
	}
	if !slices.Equal(h.Ignore.TagPrefixes, []string{"monitoring-"}) || !slices.Equal(h.Ignore.MetadataPrefixes, DefaultIgnorePrefixes) {
		t.Errorf("HCL ignore: %+v", h.Ignore)
	}
}
