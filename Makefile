# Targets CI and developers share. `make test` is what .ci/run calls.
GO ?= go

.PHONY: test vet lint bench fuzz fmt

test: vet
	$(GO) test -race -timeout 9m ./...

vet:
	$(GO) vet ./...

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

fmt:
	gofmt -w $$(git ls-files '*.go')
