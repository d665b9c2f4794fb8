package sim

import (
	"net/http"
	"testing"
	"time"
)

// 5.26.3 with the reference's example body (its image id replaced by one
// of this cloud's): 200 with the server in REBUILD, the new name and
// metadata at once, the new image and the old power state when the
// sub-job ends.
func TestRebuildAction(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, func(i int, s *Server) {
		s.Metadata["__sys"] = "kept"
		s.Metadata["old"] = "dropped"
		if i == 1 {
			s.Status, s.VMState, s.PowerState = StatusShutoff, "stopped", PowerShutdown
		}
	})
	req := xaFixture(t, "5.26.3/request-1.json")
	rb := req["rebuild"].(map[string]any)
	rb["imageRef"] = ImageUbuntu2204
	for _, id := range ids {
		st, body := xaAction(ts, "v2.1", id, "rebuild", rb)
		if st != http.StatusOK {
			t.Fatalf("rebuild: %d %v", st, body)
		}
		srv := body["server"].(map[string]any)
		if srv["status"] != StatusRebuild || srv["name"] != "rebuildName" || srv["adminPass"] != nil {
			t.Fatalf("answer: %v", srv)
		}
	}
	// Busy while rebuilding.
	st, body := xaAction(ts, "v2.1", ids[0], "rebuild", rb)
	wantErr(t, st, body, http.StatusBadRequest, "badRequest")

	ts.clock.Advance(30 * time.Minute)
	ts.do("GET", ts.v1("/cloudservers/"+ids[0]), nil)
	for i, want := range []string{StatusActive, StatusShutoff} {
		s := xaServer(ts, ids[i])
		if s.Status != want || s.ImageID != ImageUbuntu2204 || s.TaskState != TaskNone {
			t.Fatalf("server %d after rebuild: %s %s %q", i, s.Status, s.ImageID, s.TaskState)
		}
		if s.Metadata["rebuild"] != "rebuild vm" || s.Metadata["__sys"] != "kept" || s.Metadata["old"] != "" {
			t.Fatalf("metadata after rebuild: %v", s.Metadata)
		}
	}
}

func TestRebuildRules(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, func(i int, s *Server) {
		if i == 1 {
			s.Status, s.VMState = StatusError, "error"
		}
	})
	long := make([]byte, 255)
	for i := range long {
		long[i] = 'v'
	}
	for name, body := range map[string]map[string]any{
		"no imageRef":        {"name": "x"},
		"unknown image":      {"imageRef": "3ed456f5-3d8f-4383-a6c9-312032afcd1a"},
		"empty name":         {"imageRef": ImageCentOS82, "name": ""},
		"value 255 bytes":    {"imageRef": ImageCentOS82, "metadata": map[string]any{"k": string(long)}},
		"diskConfig":         {"imageRef": ImageCentOS82, "OS-DCF:diskConfig": "AUTO"},
		"preserve_ephemeral": {"imageRef": ImageCentOS82, "preserve_ephemeral": true},
		"personality":        {"imageRef": ImageCentOS82, "personality": []any{}},
		"unknown field":      {"imageRef": ImageCentOS82, "colour": "blue"},
	} {
		st, out := xaAction(ts, "v2.1", ids[0], "rebuild", body)
		if st != http.StatusBadRequest {
			t.Errorf("%s: %d %v, want 400", name, st, out)
		}
	}
	// An image URL names the image by its last segment.
	st, out := xaAction(ts, "v2.1", ids[0], "rebuild", map[string]any{"imageRef": "https://ims.example/v2/images/" + ImageEulerOS29})
	if st != http.StatusOK {
		t.Fatalf("image URL: %d %v", st, out)
	}
	// A server in error cannot be rebuilt.
	st, out = xaAction(ts, "v2.1", ids[1], "rebuild", map[string]any{"imageRef": ImageCentOS82})
	wantErr(t, st, out, http.StatusBadRequest, "badRequest")
}
