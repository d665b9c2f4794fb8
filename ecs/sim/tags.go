package sim

// Server tags through the native tag API (5.13.1, 5.13.2, 5.13.9, 5.13.10).
// A fleet's ownership tag lives here (docs/architecture.md, Ownership), and the list filter
// `tags=` of the core matches Server.Tags, so these handlers read and write
// exactly that map: key -> value, the same one create's `tags` /
// `server_tags` fill.
//
// tags/action is all-or-nothing: every tag is checked first and the limit
// of 10 tags per server is checked against the result, so a refused call
// changes nothing and the client can fix and resend it.

import (
	"fmt"
	"net/http"
	"sort"
	"unicode/utf8"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// maxTagActionLen is 5.13.1/5.13.2's own length limit for key and value
// (maxLength 255, no character set: rules.ActionTagKey); create-time keys
// are stricter (rules.TagKey).
const maxTagActionLen = 255

// tagsActionBody is the request of 5.13.1 and 5.13.2.
type tagsActionBody struct {
	Action *string     `json:"action"`
	Tags   *[]tagEntry `json:"tags"`
}

// tagEntry is tags_action: value is optional (minLength 0).
type tagEntry struct {
	Key   string  `json:"key"`
	Value *string `json:"value,omitempty"`
}

func (t tagEntry) value() string {
	if t.Value == nil {
		return ""
	}
	return *t.Value
}

// handleTagsAction is POST /v1/{tenant_id}/cloudservers/{server_id}/tags/action.
func (s *Sim) handleTagsAction(c *Ctx, serverID string) error {
	var req tagsActionBody
	if err := c.Decode(&req); err != nil {
		return err
	}
	if req.Action == nil {
		return BadRequest(`"action" is required: "create" or "delete"`)
	}
	if req.Tags == nil {
		return BadRequest(`"tags" is required`)
	}
	// 5.25: a locked server takes no management operation at all, tags
	// included; ServerForChange also refuses a server being deleted.
	srv, err := c.ServerForChange(serverID)
	if err != nil {
		return err
	}
	var next map[string]string
	switch *req.Action {
	case "create":
		next, err = tagsAfterCreate(srv.Tags, *req.Tags)
	case "delete":
		next, err = tagsAfterDelete(srv.Tags, *req.Tags)
	default:
		return BadRequest(fmt.Sprintf("action %q is not \"create\" or \"delete\" (lower case only)", *req.Action))
	}
	if err != nil {
		return err
	}
	srv.Tags = next
	srv.Updated = c.Now
	c.Dirty()
	return c.NoContent(http.StatusNoContent)
}

// checkUniqueKeys refuses a request naming one key twice ("the tag key
// must be unique").
func checkUniqueKeys(tags []tagEntry) error {
	seen := map[string]bool{}
	for _, t := range tags {
		if seen[t.Key] {
			return BadRequest(fmt.Sprintf("tag key %q appears twice in the request; keys must be unique", t.Key))
		}
		seen[t.Key] = true
	}
	return nil
}

// tagsAfterCreate adds tags (an existing key takes the new value) and
// checks each one with 5.13.2's own rule (rules.ActionTagKey/ActionTagValue,
// not create's) and the 10-tag limit on the result.
func tagsAfterCreate(cur map[string]string, add []tagEntry) (map[string]string, error) {
	if err := checkUniqueKeys(add); err != nil {
		return nil, err
	}
	next := cloneTagMap(cur)
	for _, t := range add {
		if err := rules.ActionTagKey(t.Key); err != nil {
			return nil, BadRequest(err.Error())
		}
		if err := rules.ActionTagValue(t.value()); err != nil {
			return nil, BadRequest(fmt.Sprintf("tag %q: %v", t.Key, err))
		}
		next[t.Key] = t.value()
	}
	if len(next) > rules.MaxTagsPerServer {
		return nil, BadRequest(fmt.Sprintf("the server would have %d tags; the limit is %d per server", len(next), rules.MaxTagsPerServer))
	}
	return next, nil
}

// tagsAfterDelete removes tags by key. A tag sent with a value is removed
// only when the value matches; a key the server does not have is ignored
// (the reference is silent; deleting is idempotent so a retried call after
// a lost answer succeeds). Keys are checked only against 5.13.1's own
// limits (1-255 characters), so a tag set through another API can always
// be removed.
func tagsAfterDelete(cur map[string]string, del []tagEntry) (map[string]string, error) {
	if err := checkUniqueKeys(del); err != nil {
		return nil, err
	}
	next := cloneTagMap(cur)
	for _, t := range del {
		if t.Key == "" {
			return nil, BadRequest("tag key is empty; it needs 1 to 255 characters")
		}
		if n := utf8.RuneCountInString(t.Key); n > maxTagActionLen {
			return nil, BadRequest(fmt.Sprintf("tag key is %d characters long; the limit is %d", n, maxTagActionLen))
		}
		if n := utf8.RuneCountInString(t.value()); n > maxTagActionLen {
			return nil, BadRequest(fmt.Sprintf("tag %q: value is %d characters long; the limit is %d", t.Key, n, maxTagActionLen))
		}
		v, ok := next[t.Key]
		if !ok || (t.Value != nil && *t.Value != v) {
			continue
		}
		delete(next, t.Key)
	}
	return next, nil
}

// tagKV is one tag in 5.13.10's answer.
type tagKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// handleServerTags is 5.13.10: the server's tags as [{key, value}] (the
// example's shape; the table's "array of strings" is contradicted by it).
func (s *Sim) handleServerTags(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	out := []tagKV{}
	for _, k := range sortedMapKeys(srv.Tags) {
		out = append(out, tagKV{Key: k, Value: srv.Tags[k]})
	}
	return c.JSON(http.StatusOK, map[string]any{"tags": out})
}

// projectTag is one entry of 5.13.9's answer: a key and every value it has
// on some server of the project.
type projectTag struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// handleProjectTags is 5.13.9: every tag key used in the project with its
// distinct values, as the example shows ({"key", "values": [...]}).
func (s *Sim) handleProjectTags(c *Ctx) error {
	vals := map[string]map[string]bool{}
	for _, srv := range c.P.Servers {
		for k, v := range srv.Tags {
			if vals[k] == nil {
				vals[k] = map[string]bool{}
			}
			vals[k][v] = true
		}
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := []projectTag{}
	for _, k := range keys {
		vs := make([]string, 0, len(vals[k]))
		for v := range vals[k] {
			vs = append(vs, v)
		}
		sort.Strings(vs)
		out = append(out, projectTag{Key: k, Values: vs})
	}
	return c.JSON(http.StatusOK, map[string]any{"tags": out})
}
