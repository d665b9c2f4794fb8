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

// BenchmarkFlexDecode measures each flex type on the shape its fast path reads
// and on one that falls back to encoding/json, so a change that quietly loses
// a fast path shows up as a jump here (compare with benchstat, not in tests).
func BenchmarkFlexDecode(b *testing.B) {
	cases := []struct {
		name string
		in   string
		v    json.Unmarshaler
	}{
		{"String/plain", `"remote_rebuild"`, new(FlexString)},
		{"String/escaped", `"remote\u005frebuild"`, new(FlexString)},
		{"Int/quoted", `"1024"`, new(FlexInt)},
		{"Int/float", `1.0`, new(FlexInt)},
		{"Bool/literal", `false`, new(FlexBool)},
		{"StringList/empty", `[]`, new(FlexStringList)},
		{"StringList/plain", `["g1","g2"]`, new(FlexStringList)},
		{"Map/flat", `{"_ha_policy_type":"remote_rebuild","hw_watchdog_action":"disabled","os_type":"Linux","os_bit":"64","charging_mode":"0","server_expiry":"0"}`, new(FlexMap)},
		{"Map/nested", `{"_ha_policy_type":"remote_rebuild","hw_watchdog_action":"disabled","os_type":"Linux","os_bit":"64","charging_mode":"0","o":{"k":1}}`, new(FlexMap)},
		{"ImageRef/object", `{"id":"1e8b1d53-8206-4587-831f-f67c6a66a928"}`, new(ImageRef)},
		{"Links/array", `[{"href":"https://ecs/v2.1/p/flavors/c1","rel":"self"},{"href":"https://ecs/p/flavors/c1","rel":"bookmark"}]`, new(Links)},
	}
	for _, c := range cases {
		in := []byte(c.in)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.v.UnmarshalJSON(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
