package ecs

import (
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// TestWireVPCViews records what the VPC read views put on the wire. They
// are outside the ECS reference, so the table they follow is the public VPC
// API v1's: GET, no body, paging by limit (default and largest 2000) and
// marker, vpc_id as the subnet filter.
func TestWireVPCViews(t *testing.T) {
	rec := &wireRecorder{}
	c, _ := akskClient(t, rec)
	ctx := context.Background()
	page := url.Values{"limit": {"2000"}}
	cases := []struct {
		name  string
		call  func() error
		path  string
		query url.Values
	}{
		{"vpcs", func() error { _, err := c.ListVPCs(ctx); return err }, "/v1/proj1/vpcs", page},
		{"subnets", func() error { _, err := c.ListSubnets(ctx, ""); return err }, "/v1/proj1/subnets", page},
		{"subnets of a VPC", func() error { _, err := c.ListSubnets(ctx, "vpc 1"); return err },
			"/v1/proj1/subnets", url.Values{"limit": {"2000"}, "vpc_id": {"vpc 1"}}},
		{"subnet", func() error { _, err := c.GetSubnet(ctx, "s1"); return err }, "/v1/proj1/subnets/s1", url.Values{}},
		{"security groups", func() error { _, err := c.ListSecurityGroups(ctx); return err }, "/v1/proj1/security-groups", page},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if tc.name == "subnet" {
				// The recorder's {"job_id"} answer carries no subnet.
				if err == nil {
					t.Error("GetSubnet of an answer without a subnet: no error")
				}
			} else if err != nil {
				t.Fatal(err)
			}
			got := rec.last(t)
			if got.method != "GET" || got.path != tc.path {
				t.Errorf("sent %s %s, want GET %s", got.method, got.path, tc.path)
			}
			if !reflect.DeepEqual(got.query, tc.query) {
				t.Errorf("query %v, want %v", got.query, tc.query)
			}
			if got.body != nil {
				t.Errorf("body %v, want none", got.body)
			}
		})
	}
}

// TestConfigVPCEndpoint: an empty VPCEndpoint is the ECS endpoint; a set one
// must be an http(s) URL, and shows in the printed configuration.
func TestConfigVPCEndpoint(t *testing.T) {
	base := Config{Endpoint: "https://ecs.example/", ProjectID: "p", AccessKey: "AK1", SecretKey: "SK1-secret"}
	c, err := New(base)
	if err != nil || c.vpcBase != "https://ecs.example" {
		t.Fatalf("default VPC endpoint %q, %v; want the ECS endpoint", c.vpcBase, err)
	}
	cfg := base
	cfg.VPCEndpoint = "https://vpc.example/"
	if c, err = New(cfg); err != nil || c.vpcBase != "https://vpc.example" {
		t.Fatalf("VPC endpoint %q, %v", c.vpcBase, err)
	}
	if !strings.Contains(cfg.String(), "vpc=https://vpc.example/") {
		t.Errorf("String() does not show the VPC endpoint: %s", cfg)
	}
	cfg.VPCEndpoint = "vpc.example"
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "VPC endpoint") {
		t.Errorf("a VPC endpoint without scheme: %v, want an error naming it", err)
	}
}
