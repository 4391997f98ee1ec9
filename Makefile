# make test runs every suite; make bench prints the benchmark ratios.
GO ?= go
FUZZTIME ?= 10s

.PHONY: test deps lint unit nocgo race tagged fuzz bench build

# Static binaries, with the collector scripts/goexperiment.sh picks (fewer
# fresh pages in a short process).
build:
	CGO_ENABLED=0 GOEXPERIMENT=$$(GO=$(GO) scripts/goexperiment.sh) $(GO) build -o bin/serialgate ./cmd/serialgate
	CGO_ENABLED=0 GOEXPERIMENT=$$(GO=$(GO) scripts/goexperiment.sh) $(GO) build -tags decodeonly -o bin/serialgate-decode ./cmd/serialgate

deps:
	@scripts/deps.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags decodeonly ./cmd/serialgate

unit:
	$(GO) test -count=1 -timeout 45m ./...

# The default suite needs no cgo, device, browser or network.
nocgo:
	CGO_ENABLED=0 $(GO) test -count=1 -timeout 30m -short ./...

# The packages that run work side by side, under the race detector (needs a C compiler).
race:
	@if command -v gcc >/dev/null; then \
	  $(GO) test -race -count=1 -timeout 40m ./decode ./decode/lumajpeg ./scanner/... && \
	  $(GO) test -race -count=1 -run Count ./serials; \
	elif [ -n "$$CI" ]; then echo "gcc not installed: the race suite cannot run" >&2; exit 1; \
	else echo "warning: gcc not installed: race suite skipped" >&2; fi

# Suites behind build tags: the camera source needs OpenCV (cgo); the
# operator screen's tests need Chromium.
tagged:
	@if command -v chromium >/dev/null; then \
	  $(GO) test -count=1 -tags browser ./ui/...; \
	elif [ -n "$$CI" ]; then echo "chromium not installed: the browser suite cannot run" >&2; exit 1; \
	else echo "warning: chromium not installed: browser suite skipped" >&2; fi
	@if pkg-config --exists opencv4 2>/dev/null; then \
	  $(GO) vet -tags camera ./scanner/camera ./cmd/... && \
	  $(GO) test -count=1 -tags camera ./scanner/camera ./cmd/...; \
	elif [ -n "$$CI" ]; then echo "OpenCV not installed: the camera suite cannot run" >&2; exit 1; \
	else echo "warning: OpenCV not installed (run make test as root to install it): camera suite skipped" >&2; fi

test: deps lint unit nocgo race tagged

# A run of every fuzz target: FUZZTIME=30s, or FUZZTIME=1000x for execution
# counts (what CI uses; see scripts/fuzz.sh for why).
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) scripts/fuzz.sh

bench:
	bench/validate.sh
	bench/decode.sh
	bench/scanner.sh
	bench/station.sh
