package sim

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// fillAll sets every field of a struct (recursively) to a non-zero value,
// so a field added to serverV1View but not to appendJSON shows up as a
// difference from encoding/json.
func fillAll(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int:
		v.SetInt(7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillAll(v.Elem(), s)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fillAll(v.Index(i), s)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for _, k := range []string{"zeta", "alpha", s} {
			e := reflect.New(v.Type().Elem()).Elem()
			fillAll(e, s)
			m.SetMapIndex(reflect.ValueOf(k), e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			fillAll(v.Field(i), s)
		}
	case reflect.Interface:
		v.Set(reflect.ValueOf(map[string]any{"message": s, "code": 500}))
	}
}

// The hand-written encoder of the v1 detail writes exactly what
// encoding/json writes: for servers as the simulator renders them, for a
// view with every field set, and for strings that need escaping.
func TestServerV1JSONMatchesEncodingJSON(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(3, func(i int, s *Server) {
		switch i {
		case 1:
			s.Status, s.Fault, s.Locked = StatusError, "boom <&> \"quoted\"", true
			s.Tags["env"] = "prod"
			s.Metadata["k\u2028"] = "v\x01\\é"
			s.ServerGroups = []string{"g1"}
			s.KeyName, s.Description, s.TaskState = "kp", "d", TaskRebooting
		case 2:
			s.Status, s.NICs, s.Volumes, s.SecurityGroups = StatusBuild, nil, nil, nil
			s.Name = "bad utf8 \xff"
		}
	})
	p := ts.sim.project(ts.pid)
	var views []*serverV1View
	for _, id := range ids {
		views = append(views, ts.sim.serverV1(p, p.Servers[id]))
	}
	for _, s := range []string{"plain", "html <b>&amp;</b>", "ctl \t\n\x00", "uni ☃ \u2029", "bad \xc3\x28"} {
		full := &serverV1View{}
		fillAll(reflect.ValueOf(full).Elem(), s)
		views = append(views, full, &serverV1View{})
	}
	for i, v := range views {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.appendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("view %d:\n got %s\nwant %s", i, got, want)
		}
	}

	// The whole page equals encoding/json's map answer, newline included.
	var page []*Server
	for _, id := range ids {
		page = append(page, p.Servers[id])
	}
	view := func(srv *Server) *serverV1View { return ts.sim.serverV1(p, srv) }
	var out []*serverV1View
	for _, srv := range page {
		out = append(out, view(srv))
	}
	var want bytes.Buffer
	_ = json.NewEncoder(&want).Encode(map[string]any{"count": 42, "servers": out})
	if got := appendServerPage(nil, 42, page, view); !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("page:\n got %s\nwant %s", got, want.Bytes())
	}
	var empty bytes.Buffer
	_ = json.NewEncoder(&empty).Encode(map[string]any{"count": 0, "servers": []*serverV1View{}})
	if got := appendServerPage(nil, 0, nil, view); !bytes.Equal(got, empty.Bytes()) {
		t.Fatalf("empty page: %s, want %s", got, empty.Bytes())
	}
}
