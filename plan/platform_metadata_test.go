package plan

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/ecsfleet/ecsfleet/spec"
)

// Every platform metadata key of the 5.2.4/5.2.5 examples (and the 5.9.1
// example's system keys) is ignored by the diff and by the fingerprint, so
// a converged fleet plans nothing whatever the platform writes.
func TestReferencePlatformMetadataIgnored(t *testing.T) {
	f := &spec.Fleet{}
	for _, file := range []string{"5.2.4/response-1.json", "5.2.5/response-1.json"} {
		b, err := os.ReadFile("../testdata/reference/" + file)
		if err != nil {
			t.Fatal(err)
		}
		var ex struct {
			Server  struct{ Metadata map[string]any }
			Servers []struct{ Metadata map[string]any }
		}
		if err := json.Unmarshal(b, &ex); err != nil {
			t.Fatal(err)
		}
		mds := []map[string]any{ex.Server.Metadata}
		for _, s := range ex.Servers {
			mds = append(mds, s.Metadata)
		}
		for _, md := range mds {
			for k := range md {
				if !ignoredMetadata(f, k) || !isPlatformMetadata(k) {
					t.Errorf("%s: platform metadata key %q is not ignored", file, k)
				}
			}
		}
	}
}
