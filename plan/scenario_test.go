package plan

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
)

// baseFleet is the fleet every scenario starts from (brought up on the
// simulator through its own plan), and that the scenario then edits.
const baseFleet = `
name: shop
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  flavor: s6.small.1
  root_volume:
    type: SSD
  security_groups: [default]
  keypair: shop-key
keypairs:
  - name: shop-key
    public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO/6+WwPZ+wTUkjbbGm/fN6Yd7YgcTSuC43Jo4ci2iPC test
server_groups:
  - name: web-spread
    policy: soft-anti-affinity
servers:
  - name: web
    count: 3
    server_group: web-spread
    nics:
      - subnet: subnet-web
    tags:
      role: web
    metadata:
      team: shop
  - name: db
    nics:
      - subnet: subnet-db
    admin_password:
      env: DB_PASSWORD
    tags:
      role: db
`

// withoutDB is the base fleet with its db set removed.
var withoutDB = baseFleet[:strings.Index(baseFleet, "  - name: db")]

// scenario is a cloud brought to `before`, changed out of band by `oob`,
// and planned against `after`.
type scenario struct {
	name   string
	before string // "" = empty cloud
	oob    func(t *testing.T, cl *cloud)
	after  string
	check  func(t *testing.T, p *Plan)
}

// edit applies string replacements to the base fleet, each old must occur.
func edit(t *testing.T, src string, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(src, pairs[i]) {
			t.Fatalf("edit: %q not in fleet", pairs[i])
		}
		src = strings.Replace(src, pairs[i], pairs[i+1], 1)
	}
	return src
}

func serverByName(t *testing.T, cl *cloud, name string) ecs.Server {
	t.Helper()
	all, err := cl.c.ListServersDetailAll(context.Background(), ecs.ListServersOptions{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no server %s", name)
	return ecs.Server{}
}

func countOps(p *Plan, k OpKind) int { return p.CallsByKind()[k] }

func TestScenarios(t *testing.T) {
	ctx := context.Background()
	scenarios := []scenario{
		{name: "bringup", after: baseFleet, check: func(t *testing.T, p *Plan) {
			if n := countOps(p, OpCreateServers); n != 2 {
				t.Errorf("create calls = %d, want 2 (one per set)", n)
			}
		}},
		{name: "scale-up", before: baseFleet, after: "count: 3 => count: 5", check: func(t *testing.T, p *Plan) {
			if countOps(p, OpCreateServers) != 1 || p.Summary.Add != 2 {
				t.Errorf("want one create of 2, got %v, summary %+v", p.CallsByKind(), p.Summary)
			}
			for _, op := range p.Ops {
				if op.Kind == OpCreateServers && op.Args.Create.Postfix != "0004" {
					t.Errorf("postfix = %q, want 0004", op.Args.Create.Postfix)
				}
			}
		}},
		{name: "scale-down", before: "count: 3 => count: 5", after: baseFleet, check: func(t *testing.T, p *Plan) {
			if p.Summary.Destroy != 2 || countOps(p, OpDeleteServers) != 1 {
				t.Errorf("want 2 destroyed in 1 call, got %+v %v", p.Summary, p.CallsByKind())
			}
			for _, c := range p.Changes {
				if c.Action == Delete && c.Name != "web-0004" && c.Name != "web-0005" {
					t.Errorf("deletes %s; the highest members go first", c.Name)
				}
			}
		}},
		{name: "renamed-out-of-band", before: baseFleet, oob: func(t *testing.T, cl *cloud) {
			s := serverByName(t, cl, "web-0002")
			name := "hand-renamed"
			if _, err := cl.c.ModifyServer(ctx, s.ID, ecs.ModifyServer{Name: &name}); err != nil {
				t.Fatal(err)
			}
		}, after: baseFleet, check: func(t *testing.T, p *Plan) {
			if p.Summary.Add != 0 || p.Summary.Destroy != 0 || countOps(p, OpModifyServer) != 1 {
				t.Errorf("want one rename back and nothing else, got %+v %v", p.Summary, p.CallsByKind())
			}
		}},
		{name: "count-crosses-one", before: baseFleet, after: "  - name: db\n => \n  - name: db\n    count: 2\n", check: func(t *testing.T, p *Plan) {
			// db becomes db-0001 (renamed) and db-0002 (created).
			if countOps(p, OpModifyServer) != 1 || countOps(p, OpCreateServers) != 1 {
				t.Errorf("want rename db → db-0001 and one create, got %v", p.CallsByKind())
			}
		}},
		{name: "tags-metadata-foreign-keys", before: baseFleet, oob: func(t *testing.T, cl *cloud) {
			s := serverByName(t, cl, "web-0001")
			if err := cl.c.AddTags(ctx, s.ID, []ecs.Tag{{Key: "CCE-cluster", Value: "c1"}, {Key: "stray", Value: "x"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := cl.c.UpdateMetadata(ctx, s.ID, map[string]string{"cascaded.instance_extrainfo": "pcibridge:1", "charging_mode": "0", "old": "1"}); err != nil {
				t.Fatal(err)
			}
		}, after: "role: web => role: frontend|team: shop => team: shop\n      tier: gold", check: func(t *testing.T, p *Plan) {
			for _, c := range p.Changes {
				for _, a := range c.Attrs {
					if strings.Contains(a.Path, "CCE-") || strings.Contains(a.Path, "cascaded.") || strings.Contains(a.Path, "charging_mode") {
						t.Errorf("%s: foreign key %s reported as drift", c.Name, a.Path)
					}
				}
			}
			if countOps(p, OpAddTags) != 3 || countOps(p, OpDeleteTags) != 1 || countOps(p, OpUpdateMetadata) != 3 || countOps(p, OpDeleteMetadata) != 1 {
				t.Errorf("calls %v", p.CallsByKind())
			}
		}},
		{name: "nic-added", before: baseFleet, after: "      - subnet: subnet-db\n => \n      - subnet: subnet-db\n      - subnet: subnet-mgmt\n", check: func(t *testing.T, p *Plan) {
			if countOps(p, OpAddNICs) != 1 || p.Summary.Change != 1 {
				t.Errorf("want one NIC call, got %v %+v", p.CallsByKind(), p.Summary)
			}
		}},
		{name: "shared-volume", before: baseFleet, after: "servers:\n => volumes:\n  - name: shared-data\n    size: 100\n    type: SSD\n    attach_to: [web]\nservers:\n", check: func(t *testing.T, p *Plan) {
			if countOps(p, OpCreateVolume) != 1 || countOps(p, OpAttachShared) != 1 {
				t.Errorf("want one volume create and one batch attach, got %v", p.CallsByKind())
			}
		}},
		{name: "password-rotation", before: baseFleet, after: "      env: DB_PASSWORD\n => \n      env: DB_PASSWORD\n    password_generation: 1\n", check: func(t *testing.T, p *Plan) {
			if countOps(p, OpResetPasswords) != 1 {
				t.Errorf("want one reset, got %v", p.CallsByKind())
			}
		}},
		{name: "set-removed", before: baseFleet, after: withoutDB, check: func(t *testing.T, p *Plan) {
			if p.Summary.Destroy != 1 || p.Summary.Add != 0 {
				t.Errorf("want db destroyed, got %+v", p.Summary)
			}
		}},
		{name: "adopt-unowned", oob: func(t *testing.T, cl *cloud) {
			// Servers named like the fleet's members, without its marks,
			// made from the set's template but for its tags, metadata and
			// group: adopted, not created; the rest is for the next plan.
			if _, err := cl.c.CreateKeypair(ctx, "shop-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO/6+WwPZ+wTUkjbbGm/fN6Yd7YgcTSuC43Jo4ci2iPC test"); err != nil {
				t.Fatal(err)
			}
			lookalikes(t, cl, "web", 2, "shop-key")
			cl.importAll(t)
		}, after: baseFleet, check: func(t *testing.T, p *Plan) {
			if p.Summary.Destroy != 0 || p.Summary.Change != 0 || p.Summary.Add != 3 || p.Summary.Adopt != 3 {
				t.Errorf("want web-0001, web-0002 and the keypair adopted, the rest added: %+v", p.Summary)
			}
			if countOps(p, OpAddTags) != 2 || countOps(p, OpCreateServers) != 2 {
				t.Errorf("calls %v", p.CallsByKind())
			}
		}},
		{name: "other-fleets-lookalikes", oob: func(t *testing.T, cl *cloud) {
			// The same, but the servers carry another fleet's mark: never
			// adopted; the members are created beside them.
			lookalikes(t, cl, "web", 2, "", ecs.Tag{Key: "ecsfleet", Value: "other"}, ecs.Tag{Key: "ecsfleet-set", Value: "web"})
		}, after: baseFleet, check: func(t *testing.T, p *Plan) {
			if p.Summary.Destroy != 0 || p.Summary.Change != 0 || p.Summary.Add != 6 || p.Summary.Adopt != 0 {
				t.Errorf("another fleet's servers must be left alone, got %+v", p.Summary)
			}
		}},
		{name: "keypair-adopt", oob: func(t *testing.T, cl *cloud) {
			if _, err := cl.c.CreateKeypair(ctx, "shop-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO/6+WwPZ+wTUkjbbGm/fN6Yd7YgcTSuC43Jo4ci2iPC test"); err != nil {
				t.Fatal(err)
			}
		}, after: baseFleet, check: func(t *testing.T, p *Plan) {
			if p.Summary.Adopt != 1 || countOps(p, OpCreateKeypair) != 0 {
				t.Errorf("want the keypair adopted, not created: %+v %v", p.Summary, p.CallsByKind())
			}
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			cl := newCloud(t)
			if sc.before != "" {
				before := variant(t, sc.before)
				f := loadFleet(t, "fleet.yaml", before)
				cl.execute(t, f, cl.plan(t, f))
			}
			if sc.oob != nil {
				sc.oob(t, cl)
			}
			f := loadFleet(t, "fleet.yaml", variant(t, sc.after))
			p := cl.plan(t, f)
			sc.check(t, p)
			var text, md, js bytes.Buffer
			if err := RenderText(&text, p, TextOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := RenderMarkdown(&md, p); err != nil {
				t.Fatal(err)
			}
			if err := RenderJSON(&js, p); err != nil {
				t.Fatal(err)
			}
			golden(t, "scenarios/"+sc.name+".txt", text.Bytes())
			golden(t, "scenarios/"+sc.name+".md", md.Bytes())
			golden(t, "scenarios/"+sc.name+".json", js.Bytes())
			if strings.Contains(text.String()+md.String()+js.String(), "Sim-Passw0rd") {
				t.Fatal("the admin password appears in a rendering")
			}
		})
	}
}

// variant is the base fleet, or the base fleet with "old => new" edits
// separated by "|".
func variant(t *testing.T, spec string) string {
	if !strings.Contains(spec, " => ") {
		return spec
	}
	var pairs []string
	for _, e := range strings.Split(spec, "|") {
		old, new, _ := strings.Cut(e, " => ")
		pairs = append(pairs, old, new)
	}
	return edit(t, baseFleet, pairs...)
}

func imageID(t *testing.T, cl *cloud, name string) string {
	t.Helper()
	ims, err := cl.c.ListImagesDetail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, im := range ims {
		if im.Name == name {
			return im.ID
		}
	}
	t.Fatalf("no image %s", name)
	return ""
}

func waitJob(t *testing.T, cl *cloud, id string) {
	t.Helper()
	j, err := cl.c.WaitJob(context.Background(), id, fastWait)
	if err != nil || j.Status != ecs.JobSuccess {
		t.Fatalf("job %s: %v %v", id, err, j)
	}
}

// lookalikes creates count servers named like the members of set (from
// the base fleet's template for web) behind ecsfleet's back, with the
// given keypair and tags, and waits for them.
func lookalikes(t *testing.T, cl *cloud, set string, count int, keypair string, tags ...ecs.Tag) []string {
	t.Helper()
	power := true
	req := &ecs.CreateServersRequest{Server: ecs.CreateServer{FlavorRef: "s6.small.1", Name: set, Count: count,
		VPCID: "1e0f2a3b-0000-4000-8000-00000000a001", NICs: []ecs.CreateNIC{{SubnetID: "2f1a3b4c-0000-4000-8000-00000000b001"}},
		RootVolume: ecs.RootVolume{VolumeType: "SSD", Size: 40}, AvailabilityZone: "az1.dc1", PowerOn: &power,
		KeyName: keypair, ServerTags: tags}}
	req.Server.ImageRef = imageID(t, cl, "Ubuntu 22.04 server 64bit")
	jr, err := cl.c.CreateServers(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	j, err := cl.c.WaitJob(context.Background(), jr.JobID, fastWait)
	if err != nil || j.Status != ecs.JobSuccess {
		t.Fatalf("job %s: %v %v", jr.JobID, err, j)
	}
	var ids []string
	for _, r := range j.ServerResults() {
		ids = append(ids, r.ServerID)
	}
	return ids
}
