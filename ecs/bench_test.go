package ecs

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDecodeServerPage measures decoding one full 5.2.5 page (1000
// servers shaped like the reference's example) through the flexible types:
// the cost of tolerance on the hottest read path (every plan lists servers).
func BenchmarkDecodeServerPage(b *testing.B) {
	ex, err := os.ReadFile(filepath.Join(refDir, "5.2.5/response-1.json"))
	if err != nil {
		b.Fatal(err)
	}
	var one struct {
		Servers []json.RawMessage `json:"servers"`
	}
	if err := json.Unmarshal(ex, &one); err != nil || len(one.Servers) == 0 {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"count":1000,"servers":[`)
	for i := range 1000 {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(one.Servers[i%len(one.Servers)])
	}
	buf.WriteString(`]}`)
	page := buf.Bytes()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		var out ListServersResponse
		if err := json.Unmarshal(page, &out); err != nil || len(out.Servers) != 1000 {
			b.Fatal(err)
		}
	}
}
