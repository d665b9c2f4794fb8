package sim

// Server metadata (5.9). Metadata is where a fleet keeps a server's member
// identity (docs/architecture.md, Ownership), so merge (POST), replace (PUT) and delete must be
// exact: merge leaves other keys alone, replace keeps the system keys the
// platform wrote, and every key and value obeys ecs/rules.

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// metadataVMStates are the vm_state values in which 5.9.1, 5.9.2 and 5.9.4
// allow a write ("active, stopped, paused or suspended").
var metadataVMStates = []string{"active", "stopped", "paused", "suspended"}

// systemMetadataKey reports whether key is one the platform maintains
// (5.9.1's response example shows server_expiry, __instance_vwatchdog,
// _ha_policy_type, cascaded.instance_extrainfo, productId). 5.9.4 keeps
// these when it replaces the rest; the reference does not list them, so the
// rule is: a leading underscore, the "cascaded." prefix, or one of the two
// named keys.
func systemMetadataKey(key string) bool {
	return strings.HasPrefix(key, "_") || strings.HasPrefix(key, "cascaded.") ||
		key == "server_expiry" || key == "productId"
}

// metadataBody is the request of 5.9.1, 5.9.4 and 5.9.5.
type metadataBody struct {
	Metadata *map[string]string `json:"metadata"`
}

// metaBody is the request of 5.9.7 (one key).
type metaBody struct {
	Meta *map[string]string `json:"meta"`
}

// metadataServer looks up a server for a metadata write: 404, locked 409,
// being deleted 409, and vm_state outside 5.9.1's list 409.
func metadataServer(c *Ctx, id string) (*Server, error) {
	srv, err := c.ServerForChange(id)
	if err != nil {
		return nil, err
	}
	for _, st := range metadataVMStates {
		if srv.VMState == st {
			return srv, nil
		}
	}
	return nil, Errf(http.StatusConflict, CodeState, fmt.Sprintf(
		"server %s has vm_state %q; metadata can be changed only when it is active, stopped, paused or suspended", id, srv.VMState))
}

// checkMetadata checks each key and value (in key order, so the error is
// deterministic).
func checkMetadata(md map[string]string) error {
	for _, k := range sortedMapKeys(md) {
		if err := rules.MetadataKey(k); err != nil {
			return BadRequest(err.Error())
		}
		if err := rules.MetadataValue(md[k]); err != nil {
			return BadRequest(fmt.Sprintf("metadata %q: %v", k, err))
		}
	}
	return nil
}

// checkMetadataCount refuses a result with more user items than the
// project's metadata_items quota (-1: unlimited).
func checkMetadataCount(p *ProjectState, md map[string]string) error {
	limit := p.Quotas.MetadataItems
	if limit < 0 {
		return nil
	}
	n := 0
	for k := range md {
		if !systemMetadataKey(k) {
			n++
		}
	}
	if n > limit {
		return Errf(http.StatusBadRequest, CodeQuota, fmt.Sprintf("the server would have %d metadata items; the limit is %d", n, limit))
	}
	return nil
}

func decodeMetadata(c *Ctx) (map[string]string, error) {
	var req metadataBody
	if err := c.Decode(&req); err != nil {
		return nil, err
	}
	if req.Metadata == nil {
		return nil, BadRequest(`"metadata" is required`)
	}
	if err := checkMetadata(*req.Metadata); err != nil {
		return nil, err
	}
	return *req.Metadata, nil
}

// handleMetadataMerge is 5.9.1 (POST /v1/.../cloudservers/{id}/metadata) and
// 5.9.5 (POST /v2.1/.../servers/{id}/metadata): add or update the given
// keys, keep the others, answer the server's whole metadata.
func (s *Sim) handleMetadataMerge(c *Ctx) error {
	md, err := decodeMetadata(c)
	if err != nil {
		return err
	}
	srv, err := metadataServer(c, c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	merged := cloneTagMap(srv.Metadata)
	for k, v := range md {
		merged[k] = v
	}
	if err := setMetadata(c, srv, merged); err != nil {
		return err
	}
	// The answer is the server's whole metadata, with the system keys
	// 5.9.1's example shows (the platform's, as in the detail).
	out := cloneTagMap(srv.Metadata)
	for k, v := range s.detailMetadata(srv) {
		if _, set := out[k]; !set && systemMetadataKey(k) {
			out[k] = v
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"metadata": out})
}

// handleMetadataReplace is 5.9.4: drop every user key, keep the system
// keys, add the given ones; the answer is the request's metadata, as the
// reference's example shows.
func (s *Sim) handleMetadataReplace(c *Ctx) error {
	md, err := decodeMetadata(c)
	if err != nil {
		return err
	}
	srv, err := metadataServer(c, c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	if err := setMetadata(c, srv, replaceUserMetadata(srv.Metadata, md)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"metadata": orEmptyMap(md)})
}

// handleMetadataList is 5.9.3: all metadata, no paging.
func (s *Sim) handleMetadataList(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"metadata": orEmptyMap(srv.Metadata)})
}

// handleMetadataGetKey is 5.9.6: {"meta": {key: value}} or 404.
func (s *Sim) handleMetadataGetKey(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	key := c.R.PathValue("key")
	v, ok := srv.Metadata[key]
	if !ok {
		return metadataKeyNotFound(srv.ID, key)
	}
	return c.JSON(http.StatusOK, map[string]any{"meta": map[string]string{key: v}})
}

// handleMetadataPutKey is 5.9.7: set one key; the body's single key must be
// the one in the path (as Nova requires).
func (s *Sim) handleMetadataPutKey(c *Ctx) error {
	var req metaBody
	if err := c.Decode(&req); err != nil {
		return err
	}
	key := c.R.PathValue("key")
	if req.Meta == nil || len(*req.Meta) != 1 {
		return BadRequest(`"meta" must hold exactly one key`)
	}
	v, ok := (*req.Meta)[key]
	if !ok {
		return BadRequest(fmt.Sprintf("the key in \"meta\" does not match the key %q in the path", key))
	}
	if err := checkMetadata(*req.Meta); err != nil {
		return err
	}
	srv, err := metadataServer(c, c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	next := cloneTagMap(srv.Metadata)
	next[key] = v
	if err := setMetadata(c, srv, next); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"meta": map[string]string{key: v}})
}

// handleMetadataDeleteKey is 5.9.2 (and 5.9.8): 204, or 404 when the key is
// absent (the reference is silent; Nova answers 404, and a reconciler that
// re-reads state first never deletes a missing key).
func (s *Sim) handleMetadataDeleteKey(c *Ctx) error {
	// 5.9.2 documents an optional body ("metadata") without any effect; a
	// body, if sent, must still be well-formed.
	if len(strings.TrimSpace(string(c.Body))) > 0 {
		var req metadataBody
		if err := c.Decode(&req); err != nil {
			return err
		}
	}
	srv, err := metadataServer(c, c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	key := c.R.PathValue("key")
	if _, ok := srv.Metadata[key]; !ok {
		return metadataKeyNotFound(srv.ID, key)
	}
	next := cloneTagMap(srv.Metadata)
	delete(next, key)
	srv.Metadata = next
	srv.Updated = c.Now
	c.Dirty()
	return c.NoContent(http.StatusNoContent)
}

func metadataKeyNotFound(serverID, key string) error {
	return Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("server %s has no metadata key %q", serverID, key))
}

// setMetadata makes next the server's metadata after checking the item
// quota; every metadata write (5.9.x, the rebuild action) ends here.
func setMetadata(c *Ctx, srv *Server, next map[string]string) error {
	if err := checkMetadataCount(c.P, next); err != nil {
		return err
	}
	srv.Metadata = next
	srv.Updated = c.Now
	c.Dirty()
	return nil
}

// replaceUserMetadata is cur with every user item replaced by md's; the
// system keys (systemMetadataKey) stay.
func replaceUserMetadata(cur, md map[string]string) map[string]string {
	next := make(map[string]string, len(md)+2)
	for k, v := range cur {
		if systemMetadataKey(k) {
			next[k] = v
		}
	}
	for k, v := range md {
		next[k] = v
	}
	return next
}

func cloneTagMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func orEmptyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func sortedMapKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
