package sim

// Community string tags (5.13.3-5.13.8, /v2.1/{tenant_id}/servers/{id}/tags).
//
// They are views of the same tag set as the native tag API: the reference
// writes a string tag as "key.value" (5.13.6, 5.13.7, and 5.13.9's example
// shows such tags in the project's tag list), and the core's create splits
// 5.2.1's "key.value" tags the same way (at the first dot). So a string tag
// is stored as Server.Tags[key] = value and shown as "key.value" ("key"
// when the value is empty). One set means one limit: the native API's 10
// tags per server (5.13.1/5.13.2) also bounds these calls, although 5.13.3
// and 5.13.8 allow 50 on their own; each tag obeys 5.13.8's constraints.

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ecsfleet/ecsfleet/ecs/rules"
)

// maxStringTagLen is 5.13.3/5.13.7/5.13.8's tag length limit.
const maxStringTagLen = 80

// maxStringTagsPerCall is 5.13.3's limit on the tags of one replace.
const maxStringTagsPerCall = 50

// parseStringTag checks one "key.value" tag against 5.13.8's own
// constraints (no character set beyond them; create's stricter rule is not
// applied) and splits it at the first dot.
func parseStringTag(tag string) (string, string, error) {
	switch {
	case tag == "":
		return "", "", BadRequest("a tag must not be empty")
	case utf8.RuneCountInString(tag) > maxStringTagLen:
		return "", "", BadRequest(fmt.Sprintf("tag %q is longer than %d characters", tag, maxStringTagLen))
	case strings.HasPrefix(tag, "."):
		return "", "", BadRequest(fmt.Sprintf("tag %q must not start with a period", tag))
	case strings.ContainsAny(tag, "/,"):
		return "", "", BadRequest(fmt.Sprintf("tag %q must not contain / or ,", tag))
	}
	key, value, _ := strings.Cut(tag, ".")
	if !utf8.ValidString(tag) {
		return "", "", BadRequest("a tag must be valid UTF-8")
	}
	return key, value, nil
}

// stringTags renders a server's tags as sorted "key.value" strings.
func stringTags(tags map[string]string) []string {
	out := make([]string, 0, len(tags))
	for k, v := range tags {
		if v == "" {
			out = append(out, k)
		} else {
			out = append(out, k+"."+v)
		}
	}
	sort.Strings(out)
	return out
}

// stringTagServer looks a server up for a tag change: 5.13.8 allows it only
// while the server is running or shut down.
func stringTagServer(c *Ctx) (*Server, error) {
	srv, err := c.ServerForChange(c.R.PathValue("server_id"))
	if err != nil {
		return nil, err
	}
	if err := c.RequireStatus(srv, StatusActive, StatusShutoff); err != nil {
		return nil, err
	}
	return srv, nil
}

func checkTagCount(n int) error {
	if n > rules.MaxTagsPerServer {
		return BadRequest(fmt.Sprintf("the server would have %d tags; the limit is %d per server", n, rules.MaxTagsPerServer))
	}
	return nil
}

// handleReplaceStringTags is 5.13.3: replace all tags, answer them.
func (s *Sim) handleReplaceStringTags(c *Ctx) error {
	var req struct {
		Tags *[]string `json:"tags"`
	}
	if err := c.Decode(&req); err != nil {
		return err
	}
	if req.Tags == nil {
		return BadRequest(`"tags" is required`)
	}
	if len(*req.Tags) > maxStringTagsPerCall {
		return BadRequest(fmt.Sprintf("%d tags in one call; the limit is %d", len(*req.Tags), maxStringTagsPerCall))
	}
	next := map[string]string{}
	for _, t := range *req.Tags {
		k, v, err := parseStringTag(t)
		if err != nil {
			return err
		}
		if old, dup := next[k]; dup && old != v {
			return BadRequest(fmt.Sprintf("tag key %q is given twice with different values", k))
		}
		next[k] = v
	}
	if err := checkTagCount(len(next)); err != nil {
		return err
	}
	srv, err := stringTagServer(c)
	if err != nil {
		return err
	}
	srv.Tags = next
	srv.Updated = c.Now
	c.Dirty()
	return c.JSON(http.StatusOK, map[string]any{"tags": stringTags(next)})
}

// handleDeleteAllStringTags is 5.13.4: 204.
func (s *Sim) handleDeleteAllStringTags(c *Ctx) error {
	srv, err := stringTagServer(c)
	if err != nil {
		return err
	}
	srv.Tags = map[string]string{}
	srv.Updated = c.Now
	c.Dirty()
	return c.NoContent(http.StatusNoContent)
}

// handleListStringTags is 5.13.5.
func (s *Sim) handleListStringTags(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"tags": stringTags(srv.Tags)})
}

// hasStringTag reports whether srv carries tag ("key.value", or "key" for an
// empty value).
func hasStringTag(srv *Server, tag string) (string, bool) {
	k, v, _ := strings.Cut(tag, ".")
	got, ok := srv.Tags[k]
	return k, ok && got == v
}

// handleCheckStringTag is 5.13.6: 204 when the server has the tag, 404 when
// not (the only reading that fits the API's purpose).
func (s *Sim) handleCheckStringTag(c *Ctx) error {
	srv, err := c.Server(c.R.PathValue("server_id"))
	if err != nil {
		return err
	}
	tag := c.R.PathValue("tag")
	if _, ok := hasStringTag(srv, tag); !ok {
		return Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("server %s has no tag %q", srv.ID, tag))
	}
	return c.NoContent(http.StatusNoContent)
}

// handleDeleteStringTag is 5.13.7: 204, or 404 when the server lacks it.
func (s *Sim) handleDeleteStringTag(c *Ctx) error {
	tag := c.R.PathValue("tag")
	if utf8.RuneCountInString(tag) > maxStringTagLen {
		return BadRequest(fmt.Sprintf("tag %q is longer than %d characters", tag, maxStringTagLen))
	}
	srv, err := stringTagServer(c)
	if err != nil {
		return err
	}
	k, ok := hasStringTag(srv, tag)
	if !ok {
		return Errf(http.StatusNotFound, CodeNotFound, fmt.Sprintf("server %s has no tag %q", srv.ID, tag))
	}
	next := cloneTagMap(srv.Tags)
	delete(next, k)
	srv.Tags = next
	srv.Updated = c.Now
	c.Dirty()
	return c.NoContent(http.StatusNoContent)
}

// handleAddStringTag is 5.13.8: 201 with the example's body. Adding a key
// the server has sets its value.
func (s *Sim) handleAddStringTag(c *Ctx) error {
	if len(strings.TrimSpace(string(c.Body))) > 0 {
		return BadRequest("this API takes no request body")
	}
	k, v, err := parseStringTag(c.R.PathValue("tag"))
	if err != nil {
		return err
	}
	srv, err := stringTagServer(c)
	if err != nil {
		return err
	}
	next := cloneTagMap(srv.Tags)
	next[k] = v
	if err := checkTagCount(len(next)); err != nil {
		return err
	}
	srv.Tags = next
	srv.Updated = c.Now
	c.Dirty()
	return c.JSON(http.StatusCreated, map[string]string{"message": "", "code": "201 Created", "title": "Created"})
}
