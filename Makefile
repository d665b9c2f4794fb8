# Targets CI and developers share. `make test` is what .ci/run calls.
GO ?= go

.PHONY: test vet lint bench bench-scenarios fuzz fmt e2e-terraform

# FUZZTIME is how long each fuzz target runs under `make fuzz`.
FUZZTIME ?= 60s

test: vet
	$(GO) test -race -timeout 9m ./...

vet:
	$(GO) vet ./...

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

bench: bench-scenarios
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The scenario harness (docs/benchmarks.md): ecsfleet against a per-resource
# baseline (and the real Terraform provider when .cache/e2e/bin holds it) on
# the simulator; prints one table and redraws docs/bench-bringup.svg.
bench-scenarios:
	$(GO) run ./cmd/ecsfleet-bench -svg docs/bench-bringup.svg

# Fuzz both fleet-file loaders, the saved-plan reader and the journal
# reader; new crashers land in PKG/testdata/fuzz/FuzzX, which plain
# `go test` then runs as regression seeds.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseYAML$$' -fuzztime $(FUZZTIME) ./spec
	$(GO) test -run '^$$' -fuzz '^FuzzParseHCL$$' -fuzztime $(FUZZTIME) ./spec
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeSaved$$' -fuzztime $(FUZZTIME) ./plan
	$(GO) test -run '^$$' -fuzz '^FuzzParseJournal$$' -fuzztime $(FUZZTIME) ./engine

fmt:
	gofmt -w $$(git ls-files '*.go')

# Terraform's HCS provider (v2.3.7) against `ecsfleet sim serve`: plan,
# apply, change, destroy (scripts/e2e-terraform.sh; docs/simulator.md). Not
# part of `test`: it needs the Go module proxy and the provider's source
# (HCS_PROVIDER_SRC), a built provider (HCS_PROVIDER_BIN) or GitHub.
e2e-terraform:
	scripts/e2e-terraform.sh
