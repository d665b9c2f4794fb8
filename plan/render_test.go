package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// bringUpPlan is a first apply: a keypair, a server group, three members
// of set "web" and one server adopted into set "db".
func bringUpPlan() *Plan {
	p := &Plan{
		FormatVersion: FormatVersion,
		Fleet:         "demo",
		FleetFile:     "fleet.yaml",
		FleetHash:     "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Project:       "0605767ea3000fd32f2ac00d6e2a8c1c",
		CreatedAt:     "2025-06-01T12:00:00Z",
		Warnings:      []string{`server "db" (id 6e1c0f7a) exists without ecsfleet's mark; it will be adopted into set "db"`},
		Summary:       Summary{Add: 5, Adopt: 1, Calls: CallCount{Write: 4, Read: 9}},
		Estimate:      Estimate{Seconds: 130, Basis: "create 120s per batch, 2 batches in sequence"},
		Fingerprints: []Fingerprint{{Kind: KindServer, ID: "6e1c0f7a", Name: "db",
			Attrs: map[string]string{"flavor": "c6.large.2", "status": "ACTIVE", "tags": "sha256:1a2b3c"}}},
		Absent: []string{"keypair deploy", "server web-0001", "server web-0002", "server web-0003", "server_group web-aa"},
	}
	for i := 3; i >= 1; i-- { // out of order on purpose: renderers sort
		p.Changes = append(p.Changes, Change{Kind: KindServer, Action: Create, Name: fmt.Sprintf("web-%04d", i), Set: "web",
			Where: "fleet.yaml:12",
			Attrs: []AttrDiff{
				{Path: "flavor", New: "c6.large.2"},
				{Path: "image", New: "ubuntu-22.04"},
				{Path: "tags.role", New: "web"},
			}})
	}
	p.Changes = append(p.Changes,
		Change{Kind: KindServer, Action: Adopt, Name: "db", Set: "db", ID: "6e1c0f7a",
			Reason: "exists without ecsfleet's mark", Where: "fleet.yaml:30",
			Attrs: []AttrDiff{{Path: "tags.ecsfleet", New: "demo"}, {Path: "tags.ecsfleet-set", New: "db"}}},
		Change{Kind: KindKeypair, Action: Create, Name: "deploy", Where: "fleet.yaml:3"},
		Change{Kind: KindServerGroup, Action: Create, Name: "web-aa", Where: "fleet.yaml:7",
			Attrs: []AttrDiff{{Path: "policy", New: "anti-affinity"}}},
	)
	p.Ops = []Op{
		{ID: "op-0001", Kind: OpCreateKeypair, Args: OpArgs{Name: "deploy", PrivateKeyFile: "deploy.pem"}, Why: "create keypair deploy"},
		{ID: "op-0002", Kind: OpCreateServerGroup, Args: OpArgs{Name: "web-aa", Policy: "anti-affinity"}, Why: "create server group web-aa"},
		{ID: "op-0003", Kind: OpCreateServers, Set: "web", DependsOn: []string{"op-0002", "op-0001"},
			Targets: []Target{{Name: "web-0001"}, {Name: "web-0002"}, {Name: "web-0003"}},
			Args: OpArgs{Create: &CreateArgs{Name: "web", Count: 3, Postfix: "0001", ImageID: "img-1", FlavorID: "c6.large.2",
				VPCID: "vpc-1", AvailabilityZone: "az1", NICs: []NICArgs{{SubnetID: "subnet-1"}}, RootVolumeType: "SSD",
				KeyName: "deploy", ServerGroupName: "web-aa", Tags: map[string]string{"ecsfleet": "demo", "ecsfleet-set": "web", "role": "web"},
				PowerOn: true, HasPassword: true}},
			Why: "create 3 servers web-0001..web-0003"},
		{ID: "op-0004", Kind: OpAddTags, Set: "db", Targets: []Target{{Name: "db", ID: "6e1c0f7a"}},
			Args: OpArgs{Tags: map[string]string{"ecsfleet": "demo", "ecsfleet-set": "db"}}, Why: "adopt db"},
	}
	return p
}

// changePlan is a day-two plan: a 40-member flavor change in waves (two
// members start from another flavor, so they get a line of their own),
// two members and a keypair destroyed, a broken server and two members
// whose user data changed replaced, and a password reset whose attribute
// (defensively) carries values that must never print.
func changePlan() *Plan {
	p := &Plan{
		FormatVersion: FormatVersion,
		Fleet:         "demo",
		FleetFile:     "fleet.yaml",
		FleetHash:     "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
		Project:       "0605767ea3000fd32f2ac00d6e2a8c1c",
		CreatedAt:     "2025-06-02T08:30:00Z",
		Warnings:      []string{"web-0041 and web-0042 have data volumes; they are deleted with them"},
		Summary:       Summary{Change: 41, Destroy: 3, Replace: 3, Calls: CallCount{Write: 13, Read: 11}},
		Estimate:      Estimate{Seconds: 745, Basis: "4 resize waves of 150s, then deletes and creates"},
	}
	for i := 1; i <= 40; i++ {
		old := "c6.large.2"
		if i == 7 || i == 23 {
			old = "c6.large.4"
		}
		p.Changes = append(p.Changes, Change{Kind: KindServer, Action: Update, Name: fmt.Sprintf("web-%04d", i), Set: "web",
			ID: fmt.Sprintf("id-web-%04d", i), Impact: Disruptive, Reason: "offline resize, waves of 10", Where: "fleet.yaml:12",
			Attrs: []AttrDiff{
				{Path: "flavor", Old: old, New: "c6.xlarge.2", Impact: Disruptive},
				{Path: "tags.role", Old: "web", New: "api", Impact: InPlace},
				{Path: "tags.env", New: "prod", Impact: InPlace},
				{Path: "metadata.old", Old: "yes", Impact: InPlace},
			}})
	}
	for _, n := range []string{"web-0042", "web-0041"} {
		p.Changes = append(p.Changes, Change{Kind: KindServer, Action: Delete, Name: n, Set: "web", ID: "id-" + n, Impact: Replacing, Reason: "count is 40"})
	}
	p.Changes = append(p.Changes,
		Change{Kind: KindKeypair, Action: Delete, Name: "old-key", ID: "old-key", Reason: "not in the fleet file"},
		Change{Kind: KindServer, Action: Replace, Name: "db", Set: "db", ID: "id-db", Impact: Replacing, Reason: "status ERROR", Where: "fleet.yaml:30"},
		Change{Kind: KindServer, Action: Update, Name: "jump", Set: "jump", ID: "id-jump", Impact: InPlace, Where: "fleet.yaml:40",
			Attrs: []AttrDiff{{Path: "admin_password", Old: "hunter2", New: "s3cret-NEW", Sensitive: true, Impact: InPlace}}},
	)
	oldUD := "#cloud-config\npackage_update: true\npackages:\n  - nginx\n  - curl\nruncmd:\n  - systemctl enable nginx\n  - systemctl start nginx\n  - echo one\n  - echo two\n  - echo three\n  - echo four\n"
	newUD := "#cloud-config\npackage_update: true\npackages:\n  - nginx\n  - curl\n  - jq\nruncmd:\n  - systemctl enable nginx\n  - systemctl start nginx\n  - echo one\n  - echo two\n  - echo three\n  - echo 4\n"
	for _, n := range []string{"app-0002", "app-0001"} {
		p.Changes = append(p.Changes, Change{Kind: KindServer, Action: Replace, Name: n, Set: "app", ID: "id-" + n, Impact: Replacing,
			Reason: "user_data cannot change in place", Where: "fleet.yaml:50",
			Attrs: []AttrDiff{{Path: "user_data", Old: oldUD, New: newUD, Impact: Replacing}}})
	}

	targets := func(from, to int) []Target {
		var ts []Target
		for i := from; i <= to; i++ {
			n := fmt.Sprintf("web-%04d", i)
			ts = append(ts, Target{Name: n, ID: "id-" + n})
		}
		return ts
	}
	p.Ops = []Op{
		{ID: "op-0001", Kind: OpAddTags, Set: "web", Targets: targets(1, 40), Args: OpArgs{Tags: map[string]string{"role": "api", "env": "prod"}}, Why: "tag 40 servers"},
		{ID: "op-0002", Kind: OpDeleteMetadata, Set: "web", Targets: targets(1, 1), Args: OpArgs{MetadataKey: "old"}, Why: "delete metadata old of web-0001"},
	}
	for w := 1; w <= 4; w++ {
		op := Op{ID: fmt.Sprintf("op-%04d", w+2), Kind: OpResizeServers, Set: "web", Wave: w, Targets: targets(w*10-9, w*10),
			Args: OpArgs{Flavor: "c6.xlarge.2"}, Why: fmt.Sprintf("resize 10 servers to c6.xlarge.2 (wave %d)", w)}
		if w > 1 {
			op.DependsOn = []string{fmt.Sprintf("op-%04d", w+1)}
		}
		p.Ops = append(p.Ops, op)
	}
	p.Ops = append(p.Ops,
		Op{ID: "op-0007", Kind: OpDeleteServers, Set: "web", Targets: targets(41, 42), Args: OpArgs{DeleteVolumes: true}, Why: "delete 2 servers"},
		Op{ID: "op-0008", Kind: OpDeleteServers, Set: "db", Targets: []Target{{Name: "db", ID: "id-db"}}, Why: "replace db (delete)"},
		Op{ID: "op-0009", Kind: OpCreateServers, Set: "db", DependsOn: []string{"op-0008"}, Targets: []Target{{Name: "db"}},
			Args: OpArgs{Create: &CreateArgs{Name: "db", Count: 1, ImageID: "img-1", FlavorID: "c6.large.2", Tags: map[string]string{}}}, Why: "replace db (create)"},
		Op{ID: "op-0010", Kind: OpDeleteServers, Set: "app", Targets: []Target{{Name: "app-0001", ID: "id-app-0001"}, {Name: "app-0002", ID: "id-app-0002"}}, Why: "replace 2 servers (delete)"},
		Op{ID: "op-0011", Kind: OpCreateServers, Set: "app", DependsOn: []string{"op-0010"}, Targets: []Target{{Name: "app-0001"}, {Name: "app-0002"}},
			Args: OpArgs{Create: &CreateArgs{Name: "app", Count: 2, Postfix: "0001", ImageID: "img-1", FlavorID: "c6.large.2", Tags: map[string]string{}, HasUserData: true}}, Why: "replace 2 servers (create)"},
		Op{ID: "op-0012", Kind: OpResetPasswords, Set: "jump", Targets: []Target{{Name: "jump", ID: "id-jump"}}, Args: OpArgs{PasswordGeneration: 2}, Why: "reset the password of jump"},
		Op{ID: "op-0013", Kind: OpDeleteKeypair, DependsOn: []string{"op-0010", "op-0007", "op-0008"}, Args: OpArgs{ObjectName: "old-key"}, Why: "delete keypair old-key"},
	)
	return p
}

// deepCopy is an independent copy of a plan, to prove a renderer leaves
// the caller's plan as it was.
func deepCopy(t *testing.T, p *Plan) *Plan {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var cp Plan
	if err := json.Unmarshal(b, &cp); err != nil {
		t.Fatal(err)
	}
	return &cp
}

type renderer struct {
	name string
	fn   func(*bytes.Buffer, *Plan) error
}

var renderers = []renderer{
	{"txt", func(b *bytes.Buffer, p *Plan) error { return RenderText(b, p, TextOptions{}) }},
	{"drift.txt", func(b *bytes.Buffer, p *Plan) error { return RenderText(b, p, TextOptions{Drift: true}) }},
	{"md", func(b *bytes.Buffer, p *Plan) error { return RenderMarkdown(b, p) }},
	{"json", func(b *bytes.Buffer, p *Plan) error { return RenderJSON(b, p) }},
	{"dot", func(b *bytes.Buffer, p *Plan) error { return RenderDOT(b, p) }},
}

func TestRenderGolden(t *testing.T) {
	plans := map[string]func() *Plan{
		"bringup": bringUpPlan,
		"change":  changePlan,
		"empty":   func() *Plan { return &Plan{FormatVersion: FormatVersion, Fleet: "demo"} },
	}
	for name, mk := range plans {
		for _, r := range renderers {
			if name == "change" && r.name == "json" {
				continue // 40 members make 2,000 lines; TestRenderJSON and TestRenderSensitive cover it
			}
			t.Run(name+"."+r.name, func(t *testing.T) {
				p := mk()
				before := deepCopy(t, p)
				var b bytes.Buffer
				if err := r.fn(&b, p); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(deepCopy(t, p), before) {
					t.Errorf("rendering changed the caller's plan")
				}
				golden(t, "render/"+name+"."+r.name+".golden", b.Bytes())
			})
		}
	}
}

func TestRenderTextSummary(t *testing.T) {
	var b bytes.Buffer
	if err := RenderText(&b, bringUpPlan(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(b.String(), "\n")
	if want := "Plan: 5 to add, 0 to change, 0 to destroy, 0 to replace, 1 to adopt — 4 API calls, about 2m"; first != want {
		t.Errorf("summary line\n got %q\nwant %q", first, want)
	}

	b.Reset()
	if err := RenderText(&b, changePlan(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Plan: 0 to add, 41 to change, 3 to destroy, 3 to replace — 13 API calls, about 12m\n",
		"Will destroy: web-0041, web-0042, keypair old-key\n",
		"Will replace: app-0001, app-0002 (user_data cannot change in place); db (status ERROR)\n",
		"  ~ web-0001..web-0006, web-0008..web-0022, web-0024..web-0040  (disruptive: offline resize, waves of 10)\n" +
			"        flavor: c6.large.2 → c6.xlarge.2  (disruptive)\n" +
			"        tags.role: \"web\" → \"api\"\n" +
			"      + tags.env = \"prod\"\n" +
			"      - metadata.old\n",
		"  ~ web-0007, web-0023  (disruptive: offline resize, waves of 10)\n        flavor: c6.large.4 → c6.xlarge.2  (disruptive)\n",
		"  -/+ db  (status ERROR)\n",
		"  - web-0041, web-0042  (count is 40)\n", // a delete's impact goes without saying
		"        user_data:  (forces replacement)\n",
		"          +   - jq\n",
		"          -   - echo four\n          +   - echo 4\n",
		"API calls: add_tags ×1, delete_metadata ×1, resize_servers ×4 (4 waves), delete_servers ×3, create_servers ×2, reset_passwords ×1, delete_keypair ×1\n",
		"Warning: web-0041 and web-0042 have data volumes; they are deleted with them\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks\n%s\n--- output:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "web-0007"); n != 1 {
		t.Errorf("web-0007 appears %d times, want once (on its own line)", n)
	}
}

func TestRenderEmpty(t *testing.T) {
	p := &Plan{FormatVersion: FormatVersion}
	for _, c := range []struct {
		o    TextOptions
		want string
	}{
		{TextOptions{}, "No changes. The cloud matches the fleet file.\n"},
		{TextOptions{Drift: true}, "No drift. The cloud matches the fleet file.\n"},
	} {
		var b bytes.Buffer
		if err := RenderText(&b, p, c.o); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("%+v: got %q, want %q", c.o, b.String(), c.want)
		}
	}
}

func TestRenderDriftLine(t *testing.T) {
	p := changePlan()
	p.Summary = Summary{Add: 1, Change: 1, Destroy: 1, Replace: 1}
	var b bytes.Buffer
	if err := RenderText(&b, p, TextOptions{Drift: true}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if first, _, _ := strings.Cut(out, "\n"); first != "Drift: 2 changed, 1 missing, 1 extra" {
		t.Errorf("drift line %q", first)
	}
	if strings.Contains(out, "API calls") || strings.Contains(out, "Will destroy") {
		t.Errorf("drift output speaks of apply:\n%s", out)
	}
}

func TestRenderColor(t *testing.T) {
	for _, mk := range []func() *Plan{bringUpPlan, changePlan, func() *Plan { return &Plan{} }} {
		for _, drift := range []bool{false, true} {
			var plain, color bytes.Buffer
			if err := RenderText(&plain, mk(), TextOptions{Drift: drift}); err != nil {
				t.Fatal(err)
			}
			if bytes.IndexByte(plain.Bytes(), 0x1b) >= 0 {
				t.Errorf("Color=false output holds an ESC byte:\n%q", plain.String())
			}
			if err := RenderText(&color, mk(), TextOptions{Color: true, Drift: drift}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(color.Bytes(), []byte("\x1b[")) {
				t.Errorf("Color=true output has no styling:\n%s", color.String())
			}
			// Styling adds escapes and nothing else.
			stripped := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(color.String(), "")
			if stripped != plain.String() {
				t.Errorf("Color=true output without escapes differs from the plain one:\n%s\n---\n%s", stripped, plain.String())
			}
		}
	}
	var b bytes.Buffer
	if err := RenderText(&b, changePlan(), TextOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\x1b[1m" + "Plan:", "-/+"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("color output lacks %q", want)
		}
	}
}

// A name, reason or value holding an escape sequence is printed escaped:
// nothing from the plan can drive the terminal.
func TestRenderControlCharacters(t *testing.T) {
	p := &Plan{
		Changes: []Change{{Kind: KindServer, Action: Update, Name: "web-0001", Set: "web", Reason: "odd\x1b[31m",
			Attrs: []AttrDiff{{Path: "description", Old: "a\x1b]0;title\x07", New: "b"}, {Path: "tags.x", Old: "\x1b[2J", New: "y"}}}},
		Warnings: []string{"warn\x1b[0m"},
		Summary:  Summary{Change: 1},
	}
	for _, r := range renderers {
		var b bytes.Buffer
		if err := r.fn(&b, p); err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(b.Bytes(), 0x1b) >= 0 || bytes.IndexByte(b.Bytes(), 0x07) >= 0 {
			t.Errorf("%s output holds a raw control character:\n%q", r.name, b.String())
		}
	}
}

// A sensitive attribute never prints its values, even when a plan
// (wrongly) carries them; RenderJSON blanks them on a copy.
func TestRenderSensitive(t *testing.T) {
	p := changePlan()
	for _, r := range renderers {
		var b bytes.Buffer
		if err := r.fn(&b, p); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, secret := range []string{"hunter2", "s3cret-NEW"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s output holds the secret %q", r.name, secret)
			}
		}
		if (r.name == "txt" || r.name == "md" || r.name == "drift.txt") && !strings.Contains(out, "admin_password: (sensitive)") {
			t.Errorf("%s output does not show admin_password as (sensitive)", r.name)
		}
	}
	var b bytes.Buffer
	if err := RenderJSON(&b, p); err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, c := range back.Changes {
		for _, a := range c.Attrs {
			if a.Sensitive {
				found = true
				if a.Old != "" || a.New != "" {
					t.Errorf("JSON keeps the values of sensitive %s of %s", a.Path, c.Name)
				}
			}
		}
	}
	if !found {
		t.Errorf("JSON lost the sensitive attribute")
	}
	for _, c := range p.Changes {
		if c.Name == "jump" && (c.Attrs[0].Old != "hunter2" || c.Attrs[0].New != "s3cret-NEW") {
			t.Errorf("RenderJSON changed the caller's plan: %+v", c.Attrs[0])
		}
	}
}

func TestRenderJSON(t *testing.T) {
	var b bytes.Buffer
	if err := RenderJSON(&b, bringUpPlan()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("{\n  \"format_version\": \"1\",\n")) {
		t.Errorf("JSON does not start with format_version:\n%.80s", b.String())
	}
	var back Plan
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, bringUpPlan()) {
		t.Errorf("JSON does not read back to the same plan")
	}

	b.Reset()
	if err := RenderJSON(&b, &Plan{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"format_version": "1"`, `"changes": []`, `"ops": []`, `"fingerprints": []`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("empty plan's JSON lacks %s:\n%s", want, b.String())
		}
	}
}

func TestRenderMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := RenderMarkdown(&b, changePlan()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if n, m := strings.Count(out, "<details>"), strings.Count(out, "</details>"); n != 5 || m != 5 {
		t.Errorf("%d <details> and %d </details>, want 5 of each (keypairs, app, db, jump, web)", n, m)
	}
	if strings.Contains(out, "<details open") {
		t.Errorf("a details block is open")
	}
	for _, want := range []string{
		"**Plan: 0 to add, 41 to change, 3 to destroy, 3 to replace — 13 API calls, about 12m**",
		"<details><summary>server set <code>web</code>: 40 to change, 2 to destroy</summary>\n\n```diff\n~ web-0001..web-0006",
		"\n+     tags.env = \"prod\"\n-     metadata.old\n",
		"\n-/+ db  (status ERROR)\n",
		"**Will destroy:** web-0041, web-0042, keypair old-key",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks\n%s\n--- output:\n%s", want, out)
		}
	}
	if strings.Count(out, "```")%2 != 0 {
		t.Errorf("unbalanced code fences")
	}
}

func TestRenderMarkdownFence(t *testing.T) {
	p := &Plan{Summary: Summary{Replace: 1}, Changes: []Change{{Kind: KindServer, Action: Replace, Name: "doc", Set: "doc",
		Attrs: []AttrDiff{{Path: "user_data", Old: "a\n```\nb\n", New: "a\n```\nc\n"}}}}}
	var b bytes.Buffer
	if err := RenderMarkdown(&b, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "````diff\n") {
		t.Errorf("a body with ``` needs a longer fence:\n%s", b.String())
	}
}

func TestRenderUserData(t *testing.T) {
	for _, c := range []struct {
		name     string
		old, new string
		want     []string
	}{
		{"one-line", "echo a", "echo b", []string{"        user_data: echo a → echo b\n"}},
		{"one-sided", "", "#!/bin/sh\necho hi\n", []string{`      + user_data = "#!/bin/sh\necho hi\n"` + "\n"}},
		{"final newline", "a\nb", "a\nb\n", []string{"            (only the final newline differs)\n"}},
		{"context", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "1\n2\n3\n4\n5\n6\n7\n8\n9\nten\n",
			[]string{"        user_data:\n            (6 unchanged lines)\n            7\n            8\n            9\n          - 10\n          + ten\n"}},
	} {
		p := &Plan{Summary: Summary{Replace: 1}, Changes: []Change{{Kind: KindServer, Action: Replace, Name: "a", Set: "a",
			Attrs: []AttrDiff{{Path: "user_data", Old: c.old, New: c.new}}}}}
		var b bytes.Buffer
		if err := RenderText(&b, p, TextOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: output lacks\n%s--- output:\n%s", c.name, w, b.String())
			}
		}
	}
}

func TestRangeCollapse(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"web-0001"}, "web-0001"},
		{[]string{"web-0002", "web-0001"}, "web-0001, web-0002"},
		{[]string{"web-0003", "web-0001", "web-0002"}, "web-0001..web-0003"},
		{[]string{"web-0001", "web-0002", "web-0003", "web-0007"}, "web-0001..web-0003, web-0007"},
		{[]string{"web-0007", "web-0005", "web-0001", "web-0003", "web-0002", "web-0006"}, "web-0001..web-0003, web-0005..web-0007"},
		{[]string{"web-0001", "web-0001", "web-0002", "web-0003"}, "web-0001..web-0003"},
		{[]string{"db", "app-0001", "app-0002", "app-0003", "web-0001"}, "app-0001..app-0003, db, web-0001"},
		{[]string{"web-0009", "web-0010", "web-0011"}, "web-0009..web-0011"},
		{[]string{"web-9", "web-10", "web-11"}, "web-9..web-11"},
		{[]string{"web-99", "web-100", "web-101"}, "web-99..web-101"},
		{[]string{"web-0999", "web-1000", "web-1001"}, "web-0999..web-1001"},
		{[]string{"web-09", "web-10", "web-11"}, "web-09..web-11"},
		{[]string{"web-1", "web-02", "web-3"}, "web-1, web-02, web-3"}, // written differently
		{[]string{"web-0001", "web-0002", "web-0003", "web-0004", "web-0005"}, "web-0001..web-0005"},
		{[]string{"web-0001", "api-0002", "web-0002", "web-0003"}, "api-0002, web-0001..web-0003"},
		{[]string{"a-b-0001", "a-b-0002", "a-b-0003"}, "a-b-0001..a-b-0003"},
		{[]string{"web-", "web-x1", "web-0001"}, "web-, web-0001, web-x1"},
	} {
		if got := collapseNames(c.in); got != c.want {
			t.Errorf("collapseNames(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRenderShortDuration(t *testing.T) {
	for sec, want := range map[int]string{0: "", -1: "", 1: "1s", 45: "45s", 59: "59s", 60: "1m", 89: "1m", 90: "2m", 130: "2m",
		3569: "59m", 3570: "1h", 3600: "1h", 3900: "1h5m", 7200: "2h", 90000: "25h"} {
		if got := shortDuration(sec); got != want {
			t.Errorf("shortDuration(%d) = %q, want %q", sec, got, want)
		}
	}
}

func TestDOT(t *testing.T) {
	p := changePlan()
	var b bytes.Buffer
	if err := RenderDOT(&b, p); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "digraph ecsfleet {\n  rankdir=LR;\n") || !strings.HasSuffix(out, "}\n") {
		t.Errorf("not a digraph ecsfleet:\n%s", out)
	}
	// Braces balance outside quoted strings.
	depth, inQuote := 0, false
	for i := 0; i < len(out); i++ {
		switch c := out[i]; {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && c == '{':
			depth++
		case !inQuote && c == '}':
			depth--
			if depth < 0 {
				t.Fatalf("unbalanced braces at byte %d", i)
			}
		}
	}
	if depth != 0 || inQuote {
		t.Errorf("unbalanced braces (%d) or quotes (%v)", depth, inQuote)
	}
	edges := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*"([^"]+)" -> "([^"]+)";$`).FindAllStringSubmatch(out, -1) {
		edges[m[1]+"->"+m[2]] = true
	}
	n := 0
	for _, op := range p.Ops {
		if !strings.Contains(out, fmt.Sprintf("%q [label=", op.ID)) {
			t.Errorf("no node for %s", op.ID)
		}
		for _, d := range op.DependsOn {
			n++
			if !edges[d+"->"+op.ID] {
				t.Errorf("no edge %s -> %s", d, op.ID)
			}
		}
	}
	if len(edges) != n {
		t.Errorf("%d edges, want %d", len(edges), n)
	}
	for _, want := range []string{
		"subgraph cluster_web {",
		`"op-0004" [label="resize_servers\nweb (10)\nwave 2"];`,
		`"op-0013" [label="delete_keypair\nold-key"];`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("DOT lacks %s", want)
		}
	}
	// Nodes in clusters by set name, ops by id: op-0013 (no set) first.
	if i, j := strings.Index(out, `"op-0013" [`), strings.Index(out, `"op-0001" [`); i > j {
		t.Errorf("ops outside a set should come before the clusters")
	}
}

func TestDOTQuoting(t *testing.T) {
	p := &Plan{Ops: []Op{
		{ID: "node", Kind: OpStop, Set: "we\"b.1", Targets: []Target{{Name: "x"}}},
		{ID: "op 2", Kind: OpStart, DependsOn: []string{"node"}, Args: OpArgs{Name: `a\b` + "\nc"}},
		{ID: "op-10", Kind: OpStart},
		{ID: "op-9", Kind: OpStart},
	}}
	var b bytes.Buffer
	if err := RenderDOT(&b, p); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`subgraph "cluster_we\"b.1" {`,
		`label="server set we\"b.1";`,
		`"node" [label="stop\nwe\"b.1 (1)"];`,
		`"op 2" [label="start\na\\b\nc"];`,
		`"node" -> "op 2";`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("DOT lacks %s\n%s", want, out)
		}
	}
	if strings.Index(out, `"op-9" [`) > strings.Index(out, `"op-10" [`) {
		t.Errorf("op-9 should come before op-10")
	}
}

func TestRenderNil(t *testing.T) {
	var b bytes.Buffer
	for _, err := range []error{RenderText(&b, nil, TextOptions{}), RenderMarkdown(&b, nil), RenderJSON(&b, nil), RenderDOT(&b, nil)} {
		if err == nil {
			t.Errorf("a nil plan is not an error")
		}
	}
}
