#!/usr/bin/env bash
# Installs what consentproxy's tests and its embedded store need on a fresh
# Debian machine. Idempotent: what is already there is not fetched again.
#
#   scripts/setup.sh          everything the tests need (apt packages + chDB)
#   scripts/setup.sh chdb     only the embedded ClickHouse library (enough to run the proxy)
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}

as_root() {
	if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_install() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[[ ${#missing[@]} -eq 0 ]] && return 0
	echo "setup: installing ${missing[*]}" >&2
	as_root apt-get update -qq
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if [[ $what == all ]]; then
	# The real ClickHouse server (18.16) the server-store tests run against.
	apt_install clickhouse-server clickhouse-client
	command -v npm >/dev/null || apt_install npm
fi
command -v npm >/dev/null || { echo "setup: npm is needed to fetch the chDB library (apt-get install npm)" >&2; exit 1; }
# The embedded ClickHouse (chDB), pinned and checksummed, into .cache/chdb.
scripts/fetch-chdb.sh >/dev/null
echo "setup: ok" >&2
