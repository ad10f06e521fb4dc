#!/usr/bin/env bash
# Runs every test on a fresh machine, exactly as CI does (.ci/run calls this
# through `make test`): installs what is missing, starts private ClickHouse
# servers on loopback (one single node, one 2-shard cluster), runs
# `go test -race ./...` against both engines, stops the servers again and
# fuzzes every native fuzz target for FUZZ_SECONDS (default 10, 0 = skip)
# each.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/consentproxy-test.XXXXXX")
cleanup() {
	scripts/clickhouse-server.sh stop "$run_dir/single" >/dev/null 2>&1 || true
	scripts/clickhouse-server.sh stop "$run_dir/cluster" >/dev/null 2>&1 || true
	rm -rf "$run_dir"
}
trap cleanup EXIT

scripts/clickhouse-server.sh start "$run_dir/single" >/dev/null
scripts/clickhouse-server.sh start-cluster "$run_dir/cluster" consentproxy_test 2 >/dev/null
export CONSENTPROXY_TEST_CLICKHOUSE=$(cat "$run_dir/single/dsn")
export CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER=$(cat "$run_dir/cluster/cluster")
export CONSENTPROXY_CHDB_LIB=$PWD/.cache/chdb/libchdb.so
# The real gtag.js the browser tests run besides the fake (e2e/realgtag_test.go):
# Google's code, kept outside this repository. Point it elsewhere (a file, a
# directory of gtag-G-XXXX.js files, or a list) to test other copies; with
# CI=true a missing copy fails the tests.
export CONSENTPROXY_REAL_GTAG=${CONSENTPROXY_REAL_GTAG:-$(cd .. && pwd)/shared/testdata/gtag}

go vet ./...
# staticcheck, pinned; `go run` fetches it through the module proxy once.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [[ -n $unformatted ]]; then
	echo "gofmt needed:" >&2
	echo "$unformatted" >&2
	exit 1
fi
# -p 1 would serialize packages; the engines are isolated per test (own
# databases), so packages run in parallel on the machine's two cores.
go test -race -count=1 -timeout 20m ./... "$@"
# Heap measurements mean nothing under the race detector: run them without it.
go test -count=1 -run 'TestMemoryBounded|TestMemoryFlatInVisitors' ./aggregate

# The unit tests above ran every seed corpus; now each fuzz target explores
# for a short, bounded time (26 targets today: about 5 min at 10 s). The
# servers are not needed for it.
cleanup
trap - EXIT
fuzz_seconds=${FUZZ_SECONDS:-10}
if [[ $fuzz_seconds != 0 ]]; then
	scripts/fuzz.sh "${fuzz_seconds}s"
fi
