package ecs

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// Flavor is a flavor as 5.6.1, 5.6.2 and 5.6.5 return it. Sizes are typed
// String in some tables and numbers in the examples: FlexInt takes both.
type Flavor struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	VCPUs       FlexInt    `json:"vcpus"`
	RAM         FlexInt    `json:"ram"` // MB
	Disk        FlexInt    `json:"disk"`
	Swap        FlexString `json:"swap"`
	Ephemeral   FlexInt    `json:"OS-FLV-EXT-DATA:ephemeral"`
	Disabled    FlexBool   `json:"OS-FLV-DISABLED:disabled"`
	IsPublic    FlexBool   `json:"os-flavor-access:is_public"`
	RxTxFactor  FlexString `json:"rxtx_factor"`
	Links       Links      `json:"links,omitempty"`
	ExtraSpecs  FlexMap    `json:"extra_specs,omitempty"`    // 5.6.1
	OSExtraSpec FlexMap    `json:"os_extra_specs,omitempty"` // 5.6.5
}

// FlavorsResponse is {"flavors": [...]}.
type FlavorsResponse struct {
	Flavors []Flavor `json:"flavors"`
}

// ResizeFlavorsOptions are the filters of 5.6.1: exactly the three query
// parameters of table 5-236 (the reference has no paging for this call, so
// none is sent).
type ResizeFlavorsOptions struct {
	InstanceUUID     string
	SourceFlavorID   string
	SourceFlavorName string
}

// ListResizeFlavors lists the flavors a server can be resized to (5.6.1).
func (c *Client) ListResizeFlavors(ctx context.Context, o ResizeFlavorsOptions) ([]Flavor, error) {
	q := url.Values{}
	setQ(q, "instance_uuid", o.InstanceUUID)
	setQ(q, "source_flavor_id", o.SourceFlavorID)
	setQ(q, "source_flavor_name", o.SourceFlavorName)
	var out FlavorsResponse
	_, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/resize_flavors"), query: q, out: &out})
	return out.Flavors, err
}

// ListFlavorsDetail lists flavors with details (5.6.2). query may carry
// is_public, minDisk, minRam, sort_key, sort_dir.
func (c *Client) ListFlavorsDetail(ctx context.Context, query url.Values) ([]Flavor, error) {
	var out FlavorsResponse
	_, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v2.1/%s/flavors/detail"), query: query, out: &out})
	return out.Flavors, err
}

// ListFlavors lists flavors with their extension info, optionally for one AZ
// (5.6.5; the URI carries availability_zone as a query parameter).
func (c *Client) ListFlavors(ctx context.Context, availabilityZone string) ([]Flavor, error) {
	q := url.Values{}
	setQ(q, "availability_zone", availabilityZone)
	var out FlavorsResponse
	_, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/flavors"), query: q, out: &out})
	return out.Flavors, err
}

// AvailabilityZone is one entry of 5.20.1. hosts is typed "Array of strings"
// in table 5-603 and null in the example (Nova's admin view is an object), so it
// is kept raw: a shape we do not use must never fail the decode.
type AvailabilityZone struct {
	ZoneName  string `json:"zoneName"`
	ZoneState struct {
		Available FlexBool `json:"available"`
	} `json:"zoneState"`
	Hosts json.RawMessage `json:"hosts,omitempty"`
}

// ListAvailabilityZones lists AZs (5.20.1).
func (c *Client) ListAvailabilityZones(ctx context.Context) ([]AvailabilityZone, error) {
	var out struct {
		Zones []AvailabilityZone `json:"availabilityZoneInfo"`
	}
	_, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v2.1/%s/os-availability-zone"), out: &out})
	return out.Zones, err
}

// Image is an image of 5.4.1 (id, name, links) or 5.4.4 (all fields).
type Image struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Status   string  `json:"status,omitempty"`
	Created  string  `json:"created,omitempty"`
	Updated  string  `json:"updated,omitempty"`
	MinDisk  FlexInt `json:"minDisk,omitempty"`
	MinRAM   FlexInt `json:"minRam,omitempty"`
	Progress FlexInt `json:"progress,omitempty"`
	Size     FlexInt `json:"OS-EXT-IMG-SIZE:size,omitempty"`
	Metadata FlexMap `json:"metadata,omitempty"`
	Links    Links   `json:"links,omitempty"`
}

// ImagesResponse is the body of 5.4.1.
type ImagesResponse struct {
	Images      []Image `json:"images"`
	ImagesLinks Links   `json:"images_links,omitempty"`
}

// ListImages lists images (5.4.1); query may carry the parameters of table
// 5-157: changes-since, minDisk, minRam, name, status (it is passed through).
func (c *Client) ListImages(ctx context.Context, query url.Values) (*ImagesResponse, error) {
	var out ImagesResponse
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v2.1/%s/images"), query: query, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetImage reads one image (5.4.4).
func (c *Client) GetImage(ctx context.Context, imageID string) (*Image, error) {
	var out struct {
		Image Image `json:"image"`
	}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v2.1/%s/images/%s", imageID), out: &out}); err != nil {
		return nil, err
	}
	return &out.Image, nil
}

// AbsoluteLimits are the quota limits and usage of 5.10.1 / 5.10.3.
type AbsoluteLimits struct {
	MaxServerMeta           FlexInt `json:"maxServerMeta"`
	MaxPersonality          FlexInt `json:"maxPersonality"`
	MaxPersonalitySize      FlexInt `json:"maxPersonalitySize"`
	MaxImageMeta            FlexInt `json:"maxImageMeta"`
	MaxSecurityGroupRules   FlexInt `json:"maxSecurityGroupRules"`
	MaxSecurityGroups       FlexInt `json:"maxSecurityGroups"`
	MaxTotalKeypairs        FlexInt `json:"maxTotalKeypairs"`
	MaxTotalCores           FlexInt `json:"maxTotalCores"`
	MaxTotalRAMSize         FlexInt `json:"maxTotalRAMSize"`
	MaxTotalInstances       FlexInt `json:"maxTotalInstances"`
	MaxTotalFloatingIps     FlexInt `json:"maxTotalFloatingIps"`
	MaxServerGroups         FlexInt `json:"maxServerGroups"`
	MaxServerGroupMembers   FlexInt `json:"maxServerGroupMembers"`
	TotalCoresUsed          FlexInt `json:"totalCoresUsed"`
	TotalRAMUsed            FlexInt `json:"totalRAMUsed"`
	TotalInstancesUsed      FlexInt `json:"totalInstancesUsed"`
	TotalFloatingIpsUsed    FlexInt `json:"totalFloatingIpsUsed"`
	TotalSecurityGroupsUsed FlexInt `json:"totalSecurityGroupsUsed"`
	TotalServerGroupsUsed   FlexInt `json:"totalServerGroupsUsed"`
}

// GetLimits reads the project's quota limits and usage (5.10.1).
func (c *Client) GetLimits(ctx context.Context) (*AbsoluteLimits, error) {
	var out struct {
		Absolute AbsoluteLimits `json:"absolute"`
	}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/cloudservers/limits"), out: &out}); err != nil {
		return nil, err
	}
	return &out.Absolute, nil
}

// QuotaSet is the body of 5.10.2.
type QuotaSet struct {
	ID                       string  `json:"id"`
	Cores                    FlexInt `json:"cores"`
	RAM                      FlexInt `json:"ram"`
	Instances                FlexInt `json:"instances"`
	KeyPairs                 FlexInt `json:"key_pairs"`
	MetadataItems            FlexInt `json:"metadata_items"`
	ServerGroups             FlexInt `json:"server_groups"`
	ServerGroupMembers       FlexInt `json:"server_group_members"`
	FixedIPs                 FlexInt `json:"fixed_ips"`
	FloatingIPs              FlexInt `json:"floating_ips"`
	SecurityGroups           FlexInt `json:"security_groups"`
	SecurityGroupRules       FlexInt `json:"security_group_rules"`
	InjectedFiles            FlexInt `json:"injected_files"`
	InjectedFileContentBytes FlexInt `json:"injected_file_content_bytes"`
	InjectedFilePathBytes    FlexInt `json:"injected_file_path_bytes"`
}

// GetQuotaSet reads the project's quota set (5.10.2). The path carries the
// project id twice, as the reference writes it.
func (c *Client) GetQuotaSet(ctx context.Context) (*QuotaSet, error) {
	var out struct {
		QuotaSet QuotaSet `json:"quota_set"`
	}
	path := c.p("/v2.1/%s/os-quota-sets/%s", c.project)
	if _, err := c.do(ctx, request{method: http.MethodGet, path: path, out: &out}); err != nil {
		return nil, err
	}
	return &out.QuotaSet, nil
}

// Limits is the body of 5.10.3.
type Limits struct {
	Absolute AbsoluteLimits `json:"absolute"`
	Rate     []any          `json:"rate"`
}

// GetLimitsCompat reads the community-compatible limits (5.10.3).
func (c *Client) GetLimitsCompat(ctx context.Context) (*Limits, error) {
	var out struct {
		Limits Limits `json:"limits"`
	}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v2.1/%s/limits"), out: &out}); err != nil {
		return nil, err
	}
	return &out.Limits, nil
}

func setQ(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}
