package sim_test

// The examples promise they run on the embedded simulator's default
// catalogue (issue 3). This test keeps that promise honest: every name an
// example uses must exist in sim.DefaultCatalogue(), and quickstart must fit
// the default quotas. It lives in package sim_test so that sim itself never
// imports spec.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/spec"
)

// examplePassword stands in for the secrets the examples read from the
// environment (*_PASSWORD); it satisfies the password rules.
func examplePassword(name string) (string, bool) {
	if strings.HasSuffix(name, "PASSWORD") {
		return "Xy7!kq2Lp@w", true
	}
	return "", false
}

func exampleFiles(t *testing.T) []string {
	t.Helper()
	yamls, _ := filepath.Glob("../../examples/*.yaml")
	hcls, _ := filepath.Glob("../../examples/*.hcl")
	files := append(yamls, hcls...)
	if len(files) == 0 {
		t.Fatal("no examples found under ../../examples")
	}
	return files
}

func loadExample(t *testing.T, path string) *spec.Fleet {
	t.Helper()
	f, diags := spec.Load(path, spec.LoadOptions{LookupEnv: examplePassword})
	if f == nil || diags.HasErrors() {
		var b bytes.Buffer
		src, _ := os.ReadFile(path)
		spec.Render(&b, diags, map[string][]byte{path: src}, false)
		t.Fatalf("%s does not load:\n%s", filepath.Base(path), b.String())
	}
	return f
}

// catalogueProblems lists every name the fleet uses that the catalogue
// lacks, as "<field>: <name>" with the server set or volume it is in.
func catalogueProblems(f *spec.Fleet, cat *sim.Catalogue) []string {
	var out []string
	miss := func(where, field, name string) {
		out = append(out, fmt.Sprintf("%s: %s %q is not in the default catalogue", where, field, name))
	}
	for _, s := range f.Servers {
		where := "servers[" + s.Name + "]"
		if cat.Flavor(s.Flavor) == nil {
			miss(where, "flavor", s.Flavor)
		}
		img := cat.Image(s.Image)
		if img == nil {
			miss(where, "image", s.Image)
		}
		if cat.AZ(s.AvailabilityZone) == nil {
			miss(where, "availability_zone", s.AvailabilityZone)
		}
		vpc := cat.VPC(s.VPC)
		if vpc == nil {
			miss(where, "vpc", s.VPC)
		}
		for _, sg := range s.SecurityGroups {
			if cat.SecurityGroup(sg) == nil {
				miss(where, "security_groups", sg)
			}
		}
		for i, n := range s.NICs {
			sn := cat.Subnet(n.Subnet)
			switch {
			case sn == nil:
				miss(where, fmt.Sprintf("nics[%d].subnet", i), n.Subnet)
			case vpc != nil && sn.VPCID != vpc.ID:
				out = append(out, fmt.Sprintf("%s: nics[%d].subnet %q is not in vpc %q", where, i, n.Subnet, s.VPC))
			}
			for _, sg := range n.SecurityGroups {
				if cat.SecurityGroup(sg) == nil {
					miss(where, fmt.Sprintf("nics[%d].security_groups", i), sg)
				}
			}
		}
		if cat.VolumeType(s.RootVolume.Type) == nil {
			miss(where, "root_volume.type", s.RootVolume.Type)
		}
		if img != nil && s.RootVolume.SizeGB != 0 && s.RootVolume.SizeGB < img.MinDisk {
			out = append(out, fmt.Sprintf("%s: root_volume.size %d GB is below image %q's min_disk %d GB", where, s.RootVolume.SizeGB, s.Image, img.MinDisk))
		}
		for i, d := range s.DataVolumes {
			if cat.VolumeType(d.Type) == nil {
				miss(where, fmt.Sprintf("data_volumes[%d].type", i), d.Type)
			}
		}
	}
	for _, v := range f.Volumes {
		if cat.VolumeType(v.Type) == nil {
			miss("volumes["+v.Name+"]", "type", v.Type)
		}
	}
	return out
}

// TestExamplesUseTheDefaultCatalogue: every flavor, image, AZ, VPC, subnet,
// security group and volume type an example names exists in
// sim.DefaultCatalogue() (by name or id), each subnet lies in the set's VPC
// and no root volume is smaller than its image.
func TestExamplesUseTheDefaultCatalogue(t *testing.T) {
	cat := sim.DefaultCatalogue()
	for _, path := range exampleFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f := loadExample(t, path)
			for _, p := range catalogueProblems(f, &cat) {
				t.Errorf("%s: %s", filepath.Base(path), p)
			}
		})
	}
}

// fleetUsage is what creating the whole fleet would consume, counted the
// way the simulator counts quota usage (ProjectState.Usage): servers with
// their flavor's cores and RAM, one volume per root and data disk plus the
// shared volumes, and their gigabytes (a root volume without a size takes
// the image's min_disk).
func fleetUsage(t *testing.T, f *spec.Fleet, cat *sim.Catalogue) (sim.Usage, map[string]int) {
	t.Helper()
	var u sim.Usage
	members := map[string]int{}
	for _, s := range f.Servers {
		fl, img := cat.Flavor(s.Flavor), cat.Image(s.Image)
		if fl == nil || img == nil {
			t.Fatalf("servers[%s]: flavor %q or image %q is not in the default catalogue", s.Name, s.Flavor, s.Image)
		}
		root := s.RootVolume.SizeGB
		if root == 0 {
			root = img.MinDisk
		}
		perServer := root
		for _, d := range s.DataVolumes {
			perServer += d.SizeGB
		}
		u.Instances += s.Count
		u.Cores += s.Count * fl.VCPUs
		u.RAM += s.Count * fl.RAM
		u.Volumes += s.Count * (1 + len(s.DataVolumes))
		u.Gigabytes += s.Count * perServer
		if s.ServerGroup != "" {
			members[s.ServerGroup] += s.Count
		}
	}
	for _, v := range f.Volumes {
		u.Volumes++
		u.Gigabytes += v.SizeGB
	}
	u.KeyPairs = len(f.Keypairs)
	u.ServerGroups = len(f.ServerGroups)
	return u, members
}

// quotaProblems lists every quota the usage would exceed.
func quotaProblems(u sim.Usage, members map[string]int, q sim.Quotas) []string {
	var out []string
	for _, c := range []struct {
		quota       string
		used, limit int
	}{
		{"instances", u.Instances, q.Instances},
		{"cores", u.Cores, q.Cores},
		{"ram (MB)", u.RAM, q.RAM},
		{"key_pairs", u.KeyPairs, q.KeyPairs},
		{"server_groups", u.ServerGroups, q.ServerGroups},
		{"volumes", u.Volumes, q.Volumes},
		{"gigabytes", u.Gigabytes, q.Gigabytes},
	} {
		if c.limit >= 0 && c.used > c.limit {
			out = append(out, fmt.Sprintf("needs %d %s, the quota is %d", c.used, c.quota, c.limit))
		}
	}
	for g, n := range members {
		if q.ServerGroupMembers >= 0 && n > q.ServerGroupMembers {
			out = append(out, fmt.Sprintf("server group %q gets %d members, the quota is %d", g, n, q.ServerGroupMembers))
		}
	}
	return out
}

// TestQuickstartFitsTheDefaultQuotas: the quickstart fleet can be created
// in one empty project of the default simulator without hitting a quota.
func TestQuickstartFitsTheDefaultQuotas(t *testing.T) {
	cat := sim.DefaultCatalogue()
	q := sim.DefaultConfig().Quotas
	for _, name := range []string{"quickstart.yaml", "quickstart.hcl"} {
		f := loadExample(t, filepath.Join("../../examples", name))
		u, members := fleetUsage(t, f, &cat)
		if u.Instances == 0 {
			t.Fatalf("%s: no servers", name)
		}
		for _, p := range quotaProblems(u, members, q) {
			t.Errorf("%s: %s (default quotas)", name, p)
		}
	}
}

// TestExampleCheckersFindProblems proves the two checkers above are not
// vacuous: a fleet naming things the catalogue lacks, and quickstart under
// a quota it cannot fit, are both reported, naming the field and the name.
func TestExampleCheckersFindProblems(t *testing.T) {
	src := []byte(`name: broken
defaults:
  availability_zone: az9.nowhere
  vpc: vpc-default
  image: Plan9 64bit
  flavor: x9.huge.4
  root_volume:
    type: GOLD
  security_groups: [default, missing-sg]
servers:
  - name: web
    nics:
      - subnet: subnet-nope
`)
	f, diags := spec.Parse("broken.yaml", src, spec.LoadOptions{LookupEnv: examplePassword})
	if f == nil || diags.HasErrors() {
		t.Fatalf("the broken fleet should load (only the catalogue lacks its names): %v", diags)
	}
	cat := sim.DefaultCatalogue()
	got := strings.Join(catalogueProblems(f, &cat), "\n")
	for _, want := range []string{`flavor "x9.huge.4"`, `image "Plan9 64bit"`, `availability_zone "az9.nowhere"`,
		`security_groups "missing-sg"`, `nics[0].subnet "subnet-nope"`, `root_volume.type "GOLD"`} {
		if !strings.Contains(got, "servers[web]: "+want) {
			t.Errorf("missing report of %s in:\n%s", want, got)
		}
	}
	if strings.Contains(got, `"default"`) || strings.Contains(got, `"vpc-default"`) {
		t.Errorf("names that exist were reported:\n%s", got)
	}

	qs := loadExample(t, "../../examples/quickstart.yaml")
	u, members := fleetUsage(t, qs, &cat)
	q := sim.DefaultConfig().Quotas
	q.Instances, q.RAM = u.Instances-1, u.RAM-1
	got = strings.Join(quotaProblems(u, members, q), "\n")
	if !strings.Contains(got, "instances") || !strings.Contains(got, "ram (MB)") || strings.Contains(got, "cores") {
		t.Errorf("quota problems under a too-small quota: %q", got)
	}
}
