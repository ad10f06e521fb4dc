#!/usr/bin/env bash
# Runs every native fuzz target for a bounded time each, one after another:
#
#   scripts/fuzz.sh [TIME] [PACKAGE...]
#
# TIME is a Go duration per target (default 30s); packages default to ./... .
# FUZZ_PARALLEL sets the fuzz workers per target (default 1, so fuzzing
# leaves the machine's other core to whatever else runs). CI runs this from
# scripts/test.sh with FUZZ_SECONDS (default 10) per target.
#
# The seed corpora are the f.Add calls plus PACKAGE/testdata/fuzz/FuzzXxx/,
# which every plain `go test` runs as regression tests. When a target fails,
# go test writes the failing input there; the script stops with its output.
# Keep that file: after the fix it is the regression test.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."

t=${1:-30s}
if [[ $# -gt 0 ]]; then shift; fi
pkgs=("$@")
[[ ${#pkgs[@]} -gt 0 ]] || pkgs=(./...)
parallel=${FUZZ_PARALLEL:-1}

log=$(mktemp "${TMPDIR:-/tmp}/consentproxy-fuzz.XXXXXX")
trap 'rm -f "$log"' EXIT
summary=()
start=$SECONDS
# Targets are found in the sources rather than with `go test -list`, which
# would compile every package of the module just to list nothing.
while read -r dir pkg; do
	files=("$dir"/*_test.go)
	[[ ${#files[@]} -gt 0 ]] || continue
	targets=$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "${files[@]}" | sort -u)
	for target in $targets; do
		tt=$t
		if [[ $target == FuzzLiveServer && $t =~ ^([0-9]+)s$ ]]; then
			# Every input is a round trip to the running server, and each
			# new one is minimized by more of them: three times the time.
			tt=$((BASH_REMATCH[1] * 3))s
		fi
		echo "== $pkg $target ($tt, $parallel worker(s))"
		for attempt in 1 2; do
			if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$tt" -fuzzminimizetime 3s \
				-parallel "$parallel" "$pkg" >"$log" 2>&1; then
				break
			fi
			# Go before 1.27 can end a -fuzztime run with a bare "context
			# deadline exceeded" when the clock runs out while a worker is
			# mid-call (go.dev/issue/75804): no input failed, none was
			# written. That alone earns one retry; anything else, or the same
			# twice, fails.
			if [[ $attempt == 1 ]] && grep -q '^    context deadline exceeded$' "$log" &&
				! grep -q -e 'Failing input written' -e '^panic:' -e '_test.go:[0-9]*:' "$log"; then
				echo "fuzz: $target stopped with the Go fuzz engine's deadline race (go.dev/issue/75804); running it again"
				continue
			fi
			cat "$log"
			echo "fuzz: $pkg $target failed; the input is in $dir/testdata/fuzz/$target/" >&2
			exit 1
		done
		# The last progress line holds the totals: "fuzz: elapsed: 10s, execs: 123 (12/sec), …".
		last=$(grep '^fuzz: elapsed' "$log" | tail -n 1 || true)
		echo "${last:-$(tail -n 1 "$log")}"
		summary+=("$(printf '%-16s %-24s %s' "${pkg#github.com/consentproxy/consentproxy/}" "$target" "${last#fuzz: }")")
	done
done < <(go list -f '{{.Dir}} {{.ImportPath}}' "${pkgs[@]}")

echo "== fuzzed ${#summary[@]} targets in $((SECONDS - start))s"
printf '%s\n' "${summary[@]}"
