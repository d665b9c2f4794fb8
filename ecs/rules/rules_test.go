package rules

import (
	"strings"
	"testing"
)

// check runs one table row: wantErr says whether the check must fail, and
// a failing check's message must name what it is about (want substring).
func check(t *testing.T, name string, err error, wantErr bool, want string) {
	t.Helper()
	if wantErr && err == nil {
		t.Errorf("%s: accepted, want an error", name)
		return
	}
	if !wantErr && err != nil {
		t.Errorf("%s: refused: %v", name, err)
		return
	}
	if err != nil && want != "" && !strings.Contains(err.Error(), want) {
		t.Errorf("%s: error %q does not mention %q", name, err, want)
	}
}

func TestServerName(t *testing.T) {
	tests := []struct {
		name    string
		count   int
		wantErr bool
		want    string
	}{
		{"web", 1, false, ""},
		{"web_01-a", 1000, false, ""},
		{"网页服务器", 1, false, ""},
		{"web网页-1", 3, false, ""},
		{strings.Repeat("a", 64), 1, false, ""},
		{strings.Repeat("a", 65), 1, true, "limit is 64"},
		{strings.Repeat("中", 64), 1, false, ""},
		{strings.Repeat("中", 65), 1, true, "65 characters"},
		{strings.Repeat("a", 59), 2, false, ""},
		{strings.Repeat("a", 60), 2, true, "limit is 59"},
		{strings.Repeat("a", 60), 1, false, ""},
		{"", 1, true, "empty"},
		{"web server", 1, true, "a space"},
		{"web.server", 1, true, "'.'"},
		{"web，1", 1, true, "outside A-Z"},
		{"web\x00", 1, true, "U+0000"},
		{"web\xff", 1, true, "invalid UTF-8"},
	}
	for _, tt := range tests {
		check(t, tt.name, ServerName(tt.name, tt.count), tt.wantErr, tt.want)
	}
	check(t, "rename 64", RenameName(strings.Repeat("b", 64)), false, "")
	check(t, "rename 65", RenameName(strings.Repeat("b", 65)), true, "64")
	check(t, "rename chinese", RenameName("数据库"), false, "")
	check(t, "rename space", RenameName("a b"), true, "space")
}

func TestCreateCountAndPostfix(t *testing.T) {
	for _, c := range []struct {
		count   int
		wantErr bool
	}{{0, true}, {1, false}, {1000, false}, {1001, true}, {-1, true}} {
		check(t, "count", CreateCount(c.count), c.wantErr, "1..1000")
	}
	tests := []struct {
		postfix string
		count   int
		wantErr bool
		want    string
	}{
		{"", 1000, false, ""},
		{"0001", 1, false, ""},
		{"0001", 9998, false, ""},
		{"0001", 9999, true, "at most 9999"},
		{"9998", 1, false, ""},
		{"9999", 1, true, "at most 9999"},
		{"9000", 999, false, ""},
		{"9000", 1000, true, "10000"},
		{"0000", 1, true, "below 0001"},
		{"001", 1, true, "4 digits"},
		{"00001", 1, true, "4 digits"},
		{"00a1", 1, true, "4 digits"},
		{"+001", 1, true, "4 digits"},
	}
	for _, tt := range tests {
		check(t, "postfix "+tt.postfix, Postfix(tt.postfix, tt.count), tt.wantErr, tt.want)
	}
	if got := FormatPostfix(13); got != "0013" {
		t.Errorf("FormatPostfix(13) = %q", got)
	}
}

func TestTags(t *testing.T) {
	keys := []struct {
		key     string
		wantErr bool
		want    string
	}{
		{"env", false, ""},
		{"__single_storage", false, ""},
		{"环境", false, ""},
		{strings.Repeat("k", 36), false, ""},
		{strings.Repeat("k", 37), true, "limit is 36"},
		{strings.Repeat("键", 36), false, ""},
		{"", true, "empty"},
		{"a.b", true, "'.'"},
		{"a:b", true, "outside"},
		{"a b", true, "space"},
	}
	for _, tt := range keys {
		check(t, "key "+tt.key, TagKey(tt.key), tt.wantErr, tt.want)
	}
	values := []struct {
		value   string
		wantErr bool
		want    string
	}{
		{"", false, ""},
		{"prod", false, ""},
		{"v1.2.3", false, ""},
		{"生产", false, ""},
		{strings.Repeat("v", 43), false, ""},
		{strings.Repeat("v", 44), true, "limit is 43"},
		{"a/b", true, "outside"},
		{"a=b", true, "outside"},
	}
	for _, tt := range values {
		check(t, "value "+tt.value, TagValue(tt.value), tt.wantErr, tt.want)
	}
	ten := map[string]string{}
	for i := 0; i < 10; i++ {
		ten[string(rune('a'+i))] = "v"
	}
	check(t, "10 tags", Tags(ten), false, "")
	ten["k"] = "v"
	check(t, "11 tags", Tags(ten), true, "limit is 10")
	check(t, "bad value in set", Tags(map[string]string{"ok": "bad value"}), true, `tag "ok"`)
	check(t, "bad key in set", Tags(map[string]string{"bad key": "v"}), true, "bad key")
	check(t, "nil set", Tags(nil), false, "")
}

func TestMetadata(t *testing.T) {
	keys := []struct {
		key     string
		wantErr bool
		want    string
	}{
		{"role", false, ""},
		{"ecsfleet:member", false, ""},
		{"cascaded.instance_extrainfo", false, ""},
		{"a-b_c:d.e", false, ""},
		{strings.Repeat("m", 255), false, ""},
		{strings.Repeat("m", 256), true, "limit is 255"},
		{"", true, "empty"},
		{"a/b", true, "outside"},
		{"键", true, "outside"},
		{"a b", true, "space"},
	}
	for _, tt := range keys {
		check(t, "key "+tt.key, MetadataKey(tt.key), tt.wantErr, tt.want)
	}
	check(t, "empty value", MetadataValue(""), false, "")
	check(t, "value 4095", MetadataValue(strings.Repeat("v", 4095)), false, "")
	check(t, "value 4095 chinese", MetadataValue(strings.Repeat("值", 4095)), false, "")
	check(t, "value 4096", MetadataValue(strings.Repeat("v", 4096)), true, "limit is 4095")
	check(t, "value bad utf8", MetadataValue("\xff"), true, "UTF-8")
}

func TestPassword(t *testing.T) {
	tests := []struct {
		name    string
		pw      string
		wantErr bool
		want    string
	}{
		{"upper lower digit", "Passw0rdXy", false, ""},
		{"upper lower special", "Passw@rdXy", false, ""},
		{"upper digit special", "PASSW0RD!X", false, ""},
		{"lower digit special", "passw0rd!x", false, ""},
		{"all four", "Pa55w0rd!x", false, ""},
		{"upper lower only", "PasswordXy", true, "at least 3"},
		{"lower digit only", "passw0rdxy", true, "at least 3"},
		{"upper digit only", "PASSW0RDXY", true, "at least 3"},
		{"digit special only", "1234!@%-56", true, "at least 3"},
		{"lower special only", "pass!word?", true, "at least 3"},
		{"upper special only", "PASS!WORD?", true, "at least 3"},
		{"length 8", "Pa5s!wXy", false, ""},
		{"length 7", "Pa5s!wX", true, "8 to 26"},
		{"length 26", "Pa5s!wXy" + strings.Repeat("k", 18), false, ""},
		{"length 27", "Pa5s!wXy" + strings.Repeat("k", 19), true, "8 to 26"},
		{"every allowed special", "Aa1!@%-_=+[]:./?", false, ""},
		{"hash", "Passw0rd#x", true, "not allowed"},
		{"dollar", "Passw0rd$x", true, "not allowed"},
		{"space", "Passw0rd x", true, "not allowed"},
		{"chinese", "Passw0rd密码", true, "not allowed"},
		{"fullwidth", "Passw0rd！", true, "not allowed"},
		{"contains root", "Xroot12!Ab", true, "root"},
		{"contains ROOT", "XROOT12!ab", true, "root"},
		{"contains toor", "Xtoor12!Ab", true, "reversed"},
		{"contains Administrator", "Administrator1!", true, "Administrator"},
		{"contains rotartsinimda", "Rotartsinimda1!", true, "reversed"},
		{"three of Administrator", "Xmin9!Kpqz", true, "3 consecutive"},
		{"three of Administrator upper", "XTOR9!kpqz", true, "3 consecutive"},
		{"two of Administrator ok", "Xmi9!Kpqzt", false, ""},
	}
	for _, tt := range tests {
		err := Password(tt.pw)
		check(t, tt.name, err, tt.wantErr, tt.want)
		if err != nil && strings.Contains(err.Error(), tt.pw) {
			t.Errorf("%s: error message echoes the password", tt.name)
		}
	}
}

func TestResources(t *testing.T) {
	check(t, "keypair", KeypairName("ops-key_1"), false, "")
	check(t, "keypair 64", KeypairName(strings.Repeat("k", 64)), false, "")
	check(t, "keypair 65", KeypairName(strings.Repeat("k", 65)), true, "limit is 64")
	check(t, "keypair empty", KeypairName(""), true, "empty")
	check(t, "keypair dot", KeypairName("a.b"), true, "outside")
	check(t, "keypair slash", KeypairName("a/b"), true, "outside")

	check(t, "group", ServerGroupName("web anti affinity 组"), false, "")
	check(t, "group 255", ServerGroupName(strings.Repeat("g", 255)), false, "")
	check(t, "group 256", ServerGroupName(strings.Repeat("g", 256)), true, "255 bytes")
	check(t, "group 86 chinese = 258 bytes", ServerGroupName(strings.Repeat("组", 86)), true, "bytes")
	check(t, "group empty", ServerGroupName(""), true, "empty")
	check(t, "group control", ServerGroupName("a\nb"), true, "U+000A")

	for _, p := range []string{"anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"} {
		check(t, p, ServerGroupPolicy(p), false, "")
	}
	check(t, "policy case", ServerGroupPolicy("Anti-Affinity"), true, "not one of")
	check(t, "policy empty", ServerGroupPolicy(""), true, "not one of")

	check(t, "size 0", VolumeSize(0), true, "1..65536")
	check(t, "size 1", VolumeSize(1), false, "")
	check(t, "size 65536", VolumeSize(65536), false, "")
	check(t, "size 65537", VolumeSize(65537), true, "1..65536")

	check(t, "user_data empty", UserData(nil), false, "")
	check(t, "user_data 32K", UserData(make([]byte, 32*1024)), false, "")
	check(t, "user_data 32K+1", UserData(make([]byte, 32*1024+1)), true, "32 KB")

	check(t, "description 63", Description(strings.Repeat("d", 63)), false, "")
	check(t, "description 63 chinese", Description(strings.Repeat("描", 63)), false, "")
	check(t, "description 64", Description(strings.Repeat("d", 64)), true, "limit is 63")
	check(t, "description empty", Description(""), false, "")
	check(t, "description <", Description("a <b"), true, "<")
	check(t, "description >", Description("a>b"), true, ">")

	check(t, "nics 0", NICCount(0), true, "1 to 16")
	check(t, "nics 1", NICCount(1), false, "")
	check(t, "nics 16", NICCount(16), false, "")
	check(t, "nics 17", NICCount(17), true, "1 to 16")
	check(t, "data volumes 59", DataVolumeCount(59), false, "")
	check(t, "data volumes 60", DataVolumeCount(60), true, "at most 59")
	check(t, "shared 16", SharedVolumeServers(16), false, "")
	check(t, "shared 17", SharedVolumeServers(17), true, "limit is 16")
}

// The tag endpoints (5.13.1/5.13.2) take key 1-255 and value 0-255
// characters with no character set; create's TagKey stays stricter.
func TestActionTagRules(t *testing.T) {
	for _, k := range []string{"env:prod", "app.tier", "a b", "环境", strings.Repeat("k", 255)} {
		if err := ActionTagKey(k); err != nil {
			t.Errorf("ActionTagKey(%.20q) = %v", k, err)
		}
	}
	for _, k := range []string{"", strings.Repeat("k", 256), "\xff"} {
		if ActionTagKey(k) == nil {
			t.Errorf("ActionTagKey(%.20q) accepted", k)
		}
	}
	if err := ActionTagValue(""); err != nil {
		t.Errorf("empty value: %v", err)
	}
	if err := ActionTagValue(strings.Repeat("v", 255) + "/"); err == nil {
		t.Errorf("256-character value accepted")
	}
	if TagKey("env:prod") == nil {
		t.Errorf("TagKey (5.2.1) accepted env:prod")
	}
}
