package spec

import (
	"os"
	"testing"
)

// BenchmarkParse measures a whole Parse (syntax, decode, build, validate)
// of one example per front end, so a change to a decoder shows its cost.
func BenchmarkParse(b *testing.B) {
	for _, path := range []string{"../examples/batch-farm.yaml", "../examples/web-tier.hcl"} {
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		opts := LoadOptions{LookupEnv: exampleEnv, BaseDir: "../examples"}
		b.Run(path[len("../examples/"):], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if f, diags := Parse(path, src, opts); f == nil {
					b.Fatalf("example does not load: %v", diags)
				}
			}
		})
	}
}
