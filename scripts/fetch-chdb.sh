#!/usr/bin/env bash
# fetch-chdb.sh — download and verify libchdb.so, the embedded ClickHouse
# engine that store/chdb loads at run time.
#
# The library comes from the npm package @chdb/lib-linux-x64-gnu, fetched
# with `npm pack` from whatever registry npm is configured to use. The
# tarball is pinned by version AND sha256, so a changed upstream artifact
# fails loudly instead of silently changing the engine under us.
#
# Usage: scripts/fetch-chdb.sh [--verify]
#   --verify   re-hash an already present library instead of trusting the stamp
#
# Environment:
#   CONSENTPROXY_CHDB_DIR  cache directory (default: .cache/chdb in the repo
#                          root; a relative value is taken relative to the
#                          repo root, not to the current directory)
#
# On success the absolute path of libchdb.so is printed on stdout (and
# nothing else), so callers can do: export CONSENTPROXY_CHDB_LIB=$(scripts/fetch-chdb.sh)
set -euo pipefail

readonly PKG_NAME='@chdb/lib-linux-x64-gnu'
readonly PKG_VERSION='26.7.3-stable.1'
# sha256 of the npm tarball chdb-lib-linux-x64-gnu-26.7.3-stable.1.tgz
readonly TARBALL_SHA256='c0d32b129e988f2b9a9a31c9141aecf5e1e2453f9a079efc4d36ab8e3f92b2ad'
# sha256 of package/libchdb.so inside that tarball (566,330,096 bytes)
readonly LIB_SHA256='36ad4e999882821ef13cf2d0f52c93f48e6ee1b4498b35a201c23ce4b8d15bf5'

die() {
	printf 'fetch-chdb: error: %s\n' "$*" >&2
	exit 1
}
log() { printf 'fetch-chdb: %s\n' "$*" >&2; }

verify=0
for arg in "$@"; do
	case "$arg" in
	--verify) verify=1 ;;
	-h | --help)
		sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown argument '$arg' (try --help)" ;;
	esac
done

case "$(uname -s)/$(uname -m)" in
Linux/x86_64) ;;
*) die "this script fetches the linux-x64-gnu build; on $(uname -s)/$(uname -m) obtain libchdb for your platform and set CONSENTPROXY_CHDB_LIB to its path" ;;
esac

for tool in npm tar sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not on PATH"
done

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cache_dir="${CONSENTPROXY_CHDB_DIR:-.cache/chdb}"
case "$cache_dir" in
/*) ;;
*) cache_dir="$repo_root/$cache_dir" ;;
esac
lib="$cache_dir/libchdb.so"
stamp="$cache_dir/libchdb.so.stamp"
want_stamp="$(printf 'package=%s@%s\ntarball_sha256=%s\nlib_sha256=%s\n' \
	"$PKG_NAME" "$PKG_VERSION" "$TARBALL_SHA256" "$LIB_SHA256")"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# Fast path: the stamp is only written after a full verification, so a
# matching stamp plus the library file means there is nothing to do.
if [[ -f "$lib" && -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" ]]; then
	if ((verify)); then
		got="$(sha_of "$lib")"
		[[ "$got" == "$LIB_SHA256" ]] ||
			die "$lib is corrupt (sha256 $got, want $LIB_SHA256); delete it and re-run"
	fi
	printf '%s\n' "$lib"
	exit 0
fi

mkdir -p "$cache_dir" || die "cannot create cache directory $cache_dir"
# The temp dir lives inside the cache dir so the final rename is atomic
# (same file system) and a crash never leaves a half-written libchdb.so.
tmp="$(mktemp -d "$cache_dir/.fetch.XXXXXX")" || die "cannot create a temp dir in $cache_dir"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

log "downloading $PKG_NAME@$PKG_VERSION (about 178 MB) with npm pack"
if ! (cd "$tmp" && npm pack --silent --pack-destination "$tmp" "$PKG_NAME@$PKG_VERSION" >"$tmp/npm.out" 2>"$tmp/npm.err"); then
	cat "$tmp/npm.err" >&2 || true
	die "npm pack $PKG_NAME@$PKG_VERSION failed (is npm's registry reachable? check 'npm config get registry')"
fi
tarball="$tmp/$(tail -n1 "$tmp/npm.out")"
[[ -f "$tarball" ]] || die "npm pack reported '$(tail -n1 "$tmp/npm.out")' but no such file was written"

got="$(sha_of "$tarball")"
[[ "$got" == "$TARBALL_SHA256" ]] ||
	die "tarball checksum mismatch: got $got, want $TARBALL_SHA256 (refusing to use it)"

log "extracting libchdb.so (566 MB)"
tar -xzf "$tarball" -C "$tmp" package/libchdb.so ||
	die "the tarball has no package/libchdb.so"
rm -f "$tarball"

got="$(sha_of "$tmp/package/libchdb.so")"
[[ "$got" == "$LIB_SHA256" ]] ||
	die "libchdb.so checksum mismatch: got $got, want $LIB_SHA256"

chmod 0755 "$tmp/package/libchdb.so"
mv -f "$tmp/package/libchdb.so" "$lib"
printf '%s\n' "$want_stamp" >"$tmp/stamp"
mv -f "$tmp/stamp" "$stamp"
log "verified and installed $lib"
printf '%s\n' "$lib"
