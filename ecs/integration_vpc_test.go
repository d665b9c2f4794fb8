package ecs_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// The VPC read views (outside the ECS reference, public VPC API v1 shapes)
// resolve a fleet file's names to the ids create takes. These tests drive
// them over HTTP against the simulator in every auth mode.

func TestClientAgainstSimulatorVPCViews(t *testing.T) {
	cat := sim.DefaultCatalogue()
	for mode, c := range clients(t) {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			vpcs, err := c.ListVPCs(ctx)
			if err != nil {
				t.Fatalf("ListVPCs: %v", err)
			}
			if len(vpcs) != 1 || vpcs[0].ID != simVPC || vpcs[0].Name != "vpc-default" || vpcs[0].CIDR != "10.0.0.0/16" || vpcs[0].Status != "OK" {
				t.Errorf("vpcs %+v", vpcs)
			}

			subnets, err := c.ListSubnets(ctx, "")
			if err != nil {
				t.Fatalf("ListSubnets: %v", err)
			}
			if len(subnets) != len(cat.Subnets) {
				t.Fatalf("subnets %+v, want %d", subnets, len(cat.Subnets))
			}
			byName := map[string]ecs.Subnet{}
			for _, s := range subnets {
				byName[s.Name] = s
			}
			web := byName["subnet-web"]
			// The id is what create takes as nics[].subnet_id.
			if web.ID != simSubnet || web.VPCID != simVPC || web.CIDR != "10.0.1.0/24" || web.GatewayIP != "10.0.1.1" ||
				web.Status != "ACTIVE" || web.NeutronNetworkID != simSubnet || web.NeutronSubnetID == "" || web.NeutronSubnetID == web.ID {
				t.Errorf("subnet-web %+v", web)
			}
			inVPC, err := c.ListSubnets(ctx, simVPC)
			if err != nil || len(inVPC) != len(cat.Subnets) {
				t.Errorf("subnets of %s: %d, %v", simVPC, len(inVPC), err)
			}
			none, err := c.ListSubnets(ctx, "1e0f2a3b-0000-4000-8000-0000000000ff")
			if err != nil || len(none) != 0 {
				t.Errorf("subnets of an unknown VPC: %+v, %v", none, err)
			}

			got, err := c.GetSubnet(ctx, simSubnet)
			if err != nil || got.Name != "subnet-web" || got.NeutronSubnetID != web.NeutronSubnetID {
				t.Errorf("GetSubnet: %+v, %v", got, err)
			}
			_, err = c.GetSubnet(ctx, "subnet-web") // a name is not an id
			var ae *ecs.Error
			if !ecs.IsNotFound(err) || !errors.As(err, &ae) || ae.Code != "VPC.0202" {
				t.Errorf("GetSubnet of a name: %v, want 404 VPC.0202", err)
			}

			groups, err := c.ListSecurityGroups(ctx)
			if err != nil {
				t.Fatalf("ListSecurityGroups: %v", err)
			}
			if len(groups) != len(cat.SecurityGroups) {
				t.Fatalf("groups %+v", groups)
			}
			for i, g := range groups {
				if g.ID != cat.SecurityGroups[i].ID || g.Name != cat.SecurityGroups[i].Name {
					t.Errorf("group %d %+v, want %+v", i, g, cat.SecurityGroups[i])
				}
			}

			// What the views resolve is what create accepts.
			req := createReq("vpc-resolved", 1, "")
			req.Server.VPCID, req.Server.NICs = vpcs[0].ID, []ecs.CreateNIC{{SubnetID: byName["subnet-app"].ID}}
			req.Server.SecurityGroups = []ecs.IDRef{{ID: groups[1].ID}}
			jr, err := c.CreateServers(ctx, req)
			if err != nil {
				t.Fatalf("create with resolved ids: %v", err)
			}
			if _, err := c.WaitJob(ctx, jr.JobID, simWait); err != nil {
				t.Fatalf("create job: %v", err)
			}
		})
	}
}

// TestClientVPCEndpoint: with Config.VPCEndpoint set, the VPC calls (and
// only they) go there, and every auth mode works against it: the AK/SK
// signature covers the VPC endpoint's host, not the ECS one's.
func TestClientVPCEndpoint(t *testing.T) {
	for _, mode := range []string{"token", "aksk", "aksk-scoped"} {
		t.Run(mode, func(t *testing.T) {
			hs := sim.NewTestServer(t)
			var vpcCalls, ecsCalls atomic.Int32
			count := func(n *atomic.Int32, h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != "/v3/auth/tokens" {
						n.Add(1)
					}
					h.ServeHTTP(w, r)
				})
			}
			// Two ports, one cloud: a distinct host:port for each service.
			ecsSrv := httptest.NewServer(count(&ecsCalls, hs.Sim.Handler()))
			t.Cleanup(ecsSrv.Close)
			vpcSrv := httptest.NewServer(count(&vpcCalls, hs.Sim.Handler()))
			t.Cleanup(vpcSrv.Close)
			cfg := simConfig(hs, mode)
			cfg.Endpoint, cfg.VPCEndpoint = ecsSrv.URL, vpcSrv.URL+"/"
			c, err := ecs.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := c.ListSubnets(ctx, simVPC); err != nil {
				t.Fatalf("ListSubnets: %v", err)
			}
			if _, err := c.GetSubnet(ctx, simSubnet); err != nil {
				t.Fatalf("GetSubnet: %v", err)
			}
			if _, err := c.ListVPCs(ctx); err != nil {
				t.Fatalf("ListVPCs: %v", err)
			}
			if _, err := c.ListSecurityGroups(ctx); err != nil {
				t.Fatalf("ListSecurityGroups: %v", err)
			}
			if _, err := c.ListFlavors(ctx, ""); err != nil {
				t.Fatalf("ListFlavors: %v", err)
			}
			if v, e := vpcCalls.Load(), ecsCalls.Load(); v != 4 || e != 1 {
				t.Errorf("VPC endpoint got %d calls (want 4), ECS endpoint %d (want 1)", v, e)
			}
		})
	}
}

// TestClientVPCViewsReadEveryPage: a cloud with more subnets, VPCs and
// groups than one page (2000) holds is read completely, page by page.
func TestClientVPCViewsReadEveryPage(t *testing.T) {
	const n = 2003
	hs := sim.NewTestServer(t, func(cfg *sim.Config) {
		cat := &cfg.Catalogue
		for i := range n {
			vpc := fmt.Sprintf("1e0f2a3b-0000-4000-8001-%012d", i)
			cat.VPCs = append(cat.VPCs, sim.VPC{ID: vpc, Name: fmt.Sprintf("vpc-%d", i), CIDR: "172.16.0.0/16"})
			cat.Subnets = append(cat.Subnets, sim.Subnet{ID: fmt.Sprintf("2f1a3b4c-0000-4000-8001-%012d", i),
				Name: fmt.Sprintf("subnet-%d", i), VPCID: simVPC, CIDR: fmt.Sprintf("10.%d.%d.0/24", 100+i/256, i%256)})
			cat.SecurityGroups = append(cat.SecurityGroups, sim.SecurityGroup{ID: fmt.Sprintf("3a2b4c5d-0000-4000-8001-%012d", i), Name: fmt.Sprintf("sg-%d", i)})
		}
	})
	c := newSimClient(t, hs, "aksk")
	ctx := context.Background()
	base := sim.DefaultCatalogue()
	vpcs, err := c.ListVPCs(ctx)
	if err != nil || len(vpcs) != n+len(base.VPCs) {
		t.Errorf("ListVPCs: %d, %v", len(vpcs), err)
	}
	subnets, err := c.ListSubnets(ctx, simVPC)
	if err != nil || len(subnets) != n+len(base.Subnets) {
		t.Errorf("ListSubnets: %d, %v", len(subnets), err)
	}
	groups, err := c.ListSecurityGroups(ctx)
	if err != nil || len(groups) != n+len(base.SecurityGroups) {
		t.Errorf("ListSecurityGroups: %d, %v", len(groups), err)
	}
	seen := map[string]bool{}
	for _, s := range subnets {
		if seen[s.ID] {
			t.Fatalf("subnet %s read twice", s.ID)
		}
		seen[s.ID] = true
	}
	if !strings.HasSuffix(subnets[len(subnets)-1].Name, fmt.Sprint(n-1)) {
		t.Errorf("last subnet %+v", subnets[len(subnets)-1])
	}
	for _, p := range []string{"GET /v1/{tenant_id}/vpcs", "GET /v1/{tenant_id}/subnets", "GET /v1/{tenant_id}/security-groups"} {
		if got := hs.Sim.Calls(p); got != 2 {
			t.Errorf("%s: %d calls, want 2 pages", p, got)
		}
	}
}
