package sim

import (
	"net/http"
	"strings"
)

// The route table: every endpoint the simulator serves, one row each, with
// the section of the HCS 8.3.0 ECS API reference that specifies it. To find
// the handler of an endpoint, find its section here; to add an endpoint,
// add a row (doc.go, "Adding an endpoint"). Go's ServeMux picks the most
// specific pattern, so literal segments such as /cloudservers/detail win
// over /cloudservers/{server_id}; two rows that can match the same path
// with neither more specific make ServeMux panic at start-up, which every
// test catches.

// routeKind says how a row is registered and in which shape its errors are
// written.
type routeKind int

const (
	// native: an ECS native API, {"error":{"message","code"}} errors.
	native routeKind = iota
	// community: a Nova-compatible API, registered under both /v2/{tenant_id}
	// (chapter 4's prefix) and /v2.1/{tenant_id} (chapter 5's); the pattern
	// holds the path after the tenant. Nova-style errors.
	community
	// tenantless: a community API without a {tenant_id} segment, served by
	// the second mux (tenantless.go).
	tenantless
	// gateway: the IAM token endpoint, no authentication, gateway errors.
	gateway
	// vpc: a read view of the VPC service, outside the ECS reference, in the
	// VPC API's flat {"code","message"} error shape.
	vpc
	// view: a read view of another service (EVS, IMS), outside the ECS
	// reference, native error shape.
	view
	// admin: the simulator's own /_sim endpoints (loopback or admin token),
	// never part of any cloud API.
	admin
)

// route is one row of the table.
type route struct {
	// section is where the reference specifies the endpoint ("5.2.1"), the
	// sections a shared path dispatches to ("5.16.4 5.16.10 …"), or, for
	// endpoints outside the ECS reference, the service they belong to.
	section string
	kind    routeKind
	pattern string // "METHOD /path" in ServeMux syntax (community: after the tenant)
	h       handlerFunc
}

// routes is the table.
func (s *Sim) routes() []route {
	return []route{
		// Chapter 3: authentication (IAM).
		{"3.1 3.2", gateway, "POST /v3/auth/tokens", s.handleTokens},

		// 5.2 Lifecycle.
		{"5.2.1", native, "POST /v1.1/{tenant_id}/cloudservers", s.handleCreateServers},
		{"5.2.3", native, "POST /v1/{tenant_id}/cloudservers/delete", s.handleDeleteServers},
		{"5.2.4", native, "GET /v1/{tenant_id}/cloudservers/{server_id}", s.handleShowServer},
		{"5.2.5", native, "GET /v1/{tenant_id}/cloudservers/detail", s.handleListServers},
		{"5.2.6", native, "PUT /v1/{tenant_id}/cloudservers/{server_id}", s.handleModifyServer},
		{"5.2.7", community, "GET /servers/detail", s.handleListCompat(true)},
		{"5.2.8", native, "PUT /v1/{tenant_id}/cloudservers/server-name", s.handleRenameServers},
		{"5.2.9", community, "GET /servers", s.handleListCompat(false)},
		{"5.2.15", community, "GET /servers/{server_id}", s.handleShowCompat},
		{"5.2.16", community, "PUT /servers/{server_id}", s.handleModifyCompat},
		{"5.2.17", community, "DELETE /servers/{server_id}", s.handleDeleteCompat},
		// The one action URI; the body's single key picks the action
		// (server_actions.go): os-start 5.28.2, os-stop 5.28.1, reboot
		// 5.28.3, lock 5.25.2, unlock 5.25.1, resize 5.21.5, confirmResize
		// 5.21.3, revertResize 5.21.4, rebuild 5.26.3 (rebuild.go).
		{"5.21.3 5.21.4 5.21.5 5.25.1 5.25.2 5.26.3 5.28.1 5.28.2 5.28.3", community, "POST /servers/{server_id}/action", s.handleServerAction},

		// 5.6 Flavors.
		{"5.6.1", native, "GET /v1/{tenant_id}/cloudservers/resize_flavors", s.handleResizeFlavors},
		{"5.6.2", community, "GET /flavors/detail", s.handleFlavorsDetail},
		{"5.6.3", community, "GET /flavors/{flavor_id}", s.handleFlavor},
		{"5.6.5", native, "GET /v1/{tenant_id}/cloudservers/flavors", s.handleFlavorsExt},
		{"5.6.6", community, "GET /flavors", s.handleFlavorsList},

		// 5.4 Images (community views of the catalogue).
		{"5.4.1", community, "GET /images", s.handleImages(false)},
		{"5.4.2", community, "GET /images/detail", s.handleImages(true)},
		{"5.4.4", community, "GET /images/{image_id}", s.handleImage},

		// 5.7 NICs.
		{"5.7.1", native, "POST /v1/{tenant_id}/cloudservers/{server_id}/nics", s.handleAddNICs},
		{"5.7.2", native, "POST /v1/{tenant_id}/cloudservers/{server_id}/nics/delete", s.handleDeleteNICs},
		{"5.7.3", native, "GET /v1/{tenant_id}/cloudservers/{server_id}/os-interface", s.handleListNICs},
		{"5.7.4", community, "POST /servers/{server_id}/os-interface", s.handleAddInterface},
		{"5.7.5", community, "GET /servers/{server_id}/os-interface", s.handleListNICs},
		{"5.7.6", community, "GET /servers/{server_id}/os-interface/{port_id}", s.handleGetNIC},
		{"5.7.7", community, "DELETE /servers/{server_id}/os-interface/{port_id}", s.handleRemoveInterface},

		// 5.8 Disks and attachments.
		{"5.8.1", native, "POST /v1/{tenant_id}/batchaction/attachvolumes/{volume_id}", s.handleBatchAttach},
		{"5.8.2", native, "POST /v1/{tenant_id}/cloudservers/{server_id}/attachvolume", s.handleAttachVolume},
		{"5.8.3", native, "GET /v1/{tenant_id}/cloudservers/{server_id}/block_device", s.handleBlockDevices},
		{"5.8.4", native, "GET /v1/{tenant_id}/cloudservers/{server_id}/block_device/{volume_id}", s.handleBlockDevice},
		{"5.8.5", native, "DELETE /v1/{tenant_id}/cloudservers/{server_id}/detachvolume/{volume_id}", s.handleDetachVolume},
		{"5.8.6", native, "GET /v1/{tenant_id}/cloudservers/{server_id}/os-volume_attachments", s.handleVolumeAttachments},
		{"5.8.7", tenantless, "GET /v2.1/servers/{server_id}/block_device", s.handleBlockDeviceList},
		{"5.8.8", tenantless, "GET /v2.1/servers/{server_id}/block_device/{volume_id}", s.handleBlockDevice},
		{"5.8.9", community, "GET /os-volumes", s.handleListVolumes(true)},
		{"5.8.10", community, "POST /os-volumes", s.handleCreateVolume},
		{"5.8.11", community, "GET /os-volumes/detail", s.handleListVolumes(false)},
		{"5.8.12", community, "DELETE /os-volumes/{volume_id}", s.handleDeleteVolume},
		{"5.8.13", community, "GET /os-volumes/{volume_id}", s.handleGetVolume},
		{"5.8.14", community, "POST /servers/{server_id}/os-volume_attachments", s.handleCompatAttach},
		{"5.8.15", community, "GET /servers/{server_id}/os-volume_attachments", s.handleCompatAttachments},
		{"5.8.16", community, "GET /servers/{server_id}/os-volume_attachments/{volume_id}", s.handleCompatAttachment},
		{"5.8.17", community, "DELETE /servers/{server_id}/os-volume_attachments/{volume_id}", s.handleCompatDetach},

		// 5.9 Metadata.
		{"5.9.1", native, "POST /v1/{tenant_id}/cloudservers/{server_id}/metadata", s.handleMetadataMerge},
		{"5.9.2", native, "DELETE /v1/{tenant_id}/cloudservers/{server_id}/metadata/{key}", s.handleMetadataDeleteKey},
		{"5.9.3", community, "GET /servers/{server_id}/metadata", s.handleMetadataList},
		{"5.9.4", community, "PUT /servers/{server_id}/metadata", s.handleMetadataReplace},
		{"5.9.5", community, "POST /servers/{server_id}/metadata", s.handleMetadataMerge},
		{"5.9.6", community, "GET /servers/{server_id}/metadata/{key}", s.handleMetadataGetKey},
		{"5.9.7", community, "PUT /servers/{server_id}/metadata/{key}", s.handleMetadataPutKey},
		{"5.9.8", community, "DELETE /servers/{server_id}/metadata/{key}", s.handleMetadataDeleteKey},

		// 5.10 Quotas and limits; 5.20 availability zones.
		{"5.10.1", native, "GET /v1/{tenant_id}/cloudservers/limits", s.handleLimitsV1},
		{"5.10.2", community, "GET /os-quota-sets/{target_id}", s.handleQuotaSet(false)},
		{"5.10.3", community, "GET /limits", s.handleLimitsV21},
		{"5.10.4", community, "GET /os-quota-sets/{target_id}/defaults", s.handleQuotaSet(true)},
		{"5.20.1", community, "GET /os-availability-zone", s.handleAZs},

		// 5.11 Jobs.
		{"5.11.1", native, "GET /v1/{tenant_id}/jobs/{job_id}", s.handleGetJob},

		// 5.13 Tags (5.13.1 and 5.13.2 share a path with server group
		// members: see the dispatch rows below).
		{"5.13.3", community, "PUT /servers/{server_id}/tags", s.handleReplaceStringTags},
		{"5.13.4", community, "DELETE /servers/{server_id}/tags", s.handleDeleteAllStringTags},
		{"5.13.5", community, "GET /servers/{server_id}/tags", s.handleListStringTags},
		{"5.13.6", community, "GET /servers/{server_id}/tags/{tag}", s.handleCheckStringTag},
		{"5.13.7", community, "DELETE /servers/{server_id}/tags/{tag}", s.handleDeleteStringTag},
		{"5.13.8", community, "PUT /servers/{server_id}/tags/{tag}", s.handleAddStringTag},
		{"5.13.9", native, "GET /v1/{tenant_id}/cloudservers/tags", s.handleProjectTags},
		{"5.13.10", native, "GET /v1/{tenant_id}/cloudservers/{server_id}/tags", s.handleServerTags},

		// 5.14 Passwords.
		{"5.14.1", native, "PUT /v1/{tenant_id}/cloudservers/os-reset-passwords", s.handleBatchResetPassword},
		{"5.14.2", native, "PUT /v1/{tenant_id}/cloudservers/{server_id}/os-reset-password", s.handleResetPassword},
		{"5.14.3", native, "GET /v1/{tenant_id}/cloudservers/{server_id}/os-resetpwd-flag", s.handleResetPasswordFlag},
		{"5.14.4", native, "DELETE /v1/{tenant_id}/cloudservers/{server_id}/os-server-password", s.handleClearServerPassword(http.StatusOK)},
		{"5.14.5", native, "GET /v1/{tenant_id}/cloudservers/{server_id}/os-server-password", s.handleGetServerPassword},
		{"5.14.6", community, "GET /servers/{server_id}/os-server-password", s.handleGetServerPassword},
		{"5.14.7", community, "DELETE /servers/{server_id}/os-server-password", s.handleClearServerPassword(http.StatusNoContent)},

		// 5.16 Server groups.
		{"5.16.1", native, "POST /v1/{tenant_id}/cloudservers/os-server-groups", s.handleCreateServerGroup},
		{"5.16.2", native, "GET /v1/{tenant_id}/cloudservers/os-server-groups", s.handleListServerGroups},
		{"5.16.5", native, "POST /v1/{tenant_id}/cloudservers/{server_group_id}/server-group-action", s.handleServerGroupAction},
		{"5.16.6", community, "GET /os-server-groups", s.handleListServerGroups},
		{"5.16.7", community, "POST /os-server-groups", s.handleCreateServerGroup},
		{"5.16.8", community, "DELETE /os-server-groups/{server_group_id}", s.handleDeleteServerGroup},
		{"5.16.9", community, "GET /os-server-groups/{server_group_id}", s.handleGetServerGroupCompat},
		// Paths where the reference puts the literal os-server-groups
		// where other paths put a server id; one wildcard pattern each,
		// dispatched on the segments (path_dispatch.go).
		{"5.16.11", native, "GET /v1/{tenant_id}/cloudservers/{first}/{second}", s.dispatchGet4},
		{"5.16.3", native, "DELETE /v1/{tenant_id}/cloudservers/{first}/{second}", s.dispatchDelete4},
		{"5.13.1 5.13.2 5.16.4 5.16.10", native, "POST /v1/{tenant_id}/cloudservers/{first}/{second}/action", s.dispatchAction5},

		// 5.21 Resize (5.21.3-5.21.5 are actions, above).
		{"5.21.1", native, "POST /v1.1/{tenant_id}/cloudservers/{server_id}/resize", s.handleResize},
		{"5.21.2", native, "POST /v1/{tenant_id}/cloudservers/{server_id}/live-resize", s.handleLiveResize},
		{"5.21.6", native, "POST /v1/{tenant_id}/cloudservers/resize", s.handleBatchResize(false)},
		{"5.21.7", native, "POST /v1/{tenant_id}/cloudservers/live-resize", s.handleBatchResize(true)},

		// 5.26 Change and reinstall OS (5.26.3 is an action, above).
		{"5.26.1", native, "POST /v2/{tenant_id}/cloudservers/{server_id}/changeos", s.handleChangeOS(false)},
		{"5.26.2", native, "POST /v2/{tenant_id}/cloudservers/{server_id}/reinstallos", s.handleChangeOS(true)},

		// 5.30 Keypairs.
		{"5.30.1", community, "GET /os-keypairs", s.handleListKeypairs},
		{"5.30.2", community, "POST /os-keypairs", s.handleCreateKeypair},
		{"5.30.3", community, "DELETE /os-keypairs/{keypair_name}", s.handleDeleteKeypair},
		{"5.30.4", community, "GET /os-keypairs/{keypair_name}", s.handleGetKeypair},

		// Outside the ECS reference: read views of other services that
		// a fleet (VPC) or the Terraform HCS provider (ports, EVS, IMS)
		// needs, in those services' public shapes (docs/simulator.md).
		{"VPC API v1: list VPCs", vpc, "GET /v1/{tenant_id}/vpcs", s.handleListVPCs},
		{"VPC API v1: list subnets", vpc, "GET /v1/{tenant_id}/subnets", s.handleListSubnets},
		{"VPC API v1: show subnet", vpc, "GET /v1/{tenant_id}/subnets/{subnet_id}", s.handleGetSubnet},
		{"VPC API v1: list security groups", vpc, "GET /v1/{tenant_id}/security-groups", s.handleListSecurityGroups},
		{"VPC API v1: show port", vpc, "GET /v1/{tenant_id}/ports/{port_id}", s.handleGetPort},
		{"EVS API v2: create volume", view, "POST /v2/{tenant_id}/volumes", s.handleEVSCreateVolume},
		{"EVS API v2: show volume", view, "GET /v2/{tenant_id}/volumes/{volume_id}", s.handleEVSGetVolume},
		{"IMS API v2: list images", view, "GET /v2/cloudimages", s.handleListCloudImages},

		// The simulator's own endpoints.
		{"simulator: call counts", admin, "GET /_sim/stats", s.handleAdminStats},
		{"simulator: reset call counts", admin, "POST /_sim/stats/reset", s.handleAdminStatsReset},
		{"simulator: status history", admin, "GET /_sim/history", s.handleAdminHistory},
		{"simulator: reset status history", admin, "POST /_sim/history/reset", s.handleAdminHistoryReset},
	}
}

// registerRoutes registers the table on the main mux and the tenant-less
// mux, and a JSON 404 for every other path.
func (s *Sim) registerRoutes(mux, bare *http.ServeMux) {
	for _, rt := range s.routes() {
		switch rt.kind {
		case native:
			s.register(mux, rt.pattern, routeOpts{style: StyleNative}, rt.h)
		case community:
			method, rest, _ := strings.Cut(rt.pattern, " ")
			for _, v := range []string{"/v2/{tenant_id}", "/v2.1/{tenant_id}"} {
				s.register(mux, method+" "+v+rest, routeOpts{style: StyleCommunity}, rt.h)
			}
		case tenantless:
			s.register(bare, rt.pattern, routeOpts{style: StyleCommunity}, rt.h)
		case gateway:
			s.register(mux, rt.pattern, routeOpts{style: StyleGateway, noAuth: true}, rt.h)
		case vpc:
			s.register(mux, rt.pattern, routeOpts{style: StyleVPC}, rt.h)
		case view:
			s.register(mux, rt.pattern, routeOpts{style: StyleNative}, rt.h)
		case admin:
			s.register(mux, rt.pattern, routeOpts{style: StyleGateway, admin: true}, rt.h)
		}
	}
	// Anything else: a JSON 404 (not ServeMux's plain text), counted in the
	// stats under one pattern so a client calling a wrong path shows up.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		writeError(rec, StyleGateway, Errf(http.StatusNotFound, CodeNotFound, "no API at "+r.Method+" "+r.URL.Path))
		s.stats.record("unmatched", rec.status(), 0)
	})
}
