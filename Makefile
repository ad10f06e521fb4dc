# consentproxy — the two commands of the README's quick start are `make run`
# and `make test`. Everything else is a convenience.

MEASUREMENT_IDS ?= G-DEMO0001
LISTEN ?= :8080
GO ?= go

.PHONY: run test setup build bench bench-go fuzz clean

## run: fetch the embedded ClickHouse if needed and run the proxy on it in demo mode,
## offline: it prints one URL (the landing page, the demo shop, the dashboard)
run:
	scripts/setup.sh chdb
	$(GO) run ./cmd/consentproxy --demo --listen $(LISTEN) --measurement-ids $(MEASUREMENT_IDS)

## test: install what the tests need, start private ClickHouse servers, run every test with -race
test:
	scripts/test.sh

## setup: install the test dependencies (apt packages, chDB) without running tests
setup:
	scripts/setup.sh

## build: build the binary into bin/
build:
	$(GO) build -o bin/consentproxy ./cmd/consentproxy

## bench: consentproxy (ClickHouse server store, embedded store) against nginx as a plain
## proxy_pass, side by side with wrk (installs nginx and wrk first); BENCH_FLAGS=-long adds
## the memory run (RSS as hits grow from 100k visitors), see go run ./bench -help
bench:
	scripts/setup.sh bench
	$(GO) run ./bench $(BENCH_FLAGS)

## bench-go: the Go benchmarks of the hot path (ns/op, allocs/op)
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./proxy ./consent ./aggregate ./uaparse ./dims

## fuzz: run every fuzz target for FUZZTIME each (default 30s)
FUZZTIME ?= 30s
fuzz:
	scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin
