#!/usr/bin/env bash
# Installs what consentproxy's tests and its embedded store need on a fresh
# Debian machine. Idempotent: what is already there is not fetched again.
#
#   scripts/setup.sh          everything the tests need (apt packages incl. chromium and firefox-esr, chDB, axe-core, peers' banners)
#   scripts/setup.sh chdb     only the embedded ClickHouse library (enough to run the proxy)
#   scripts/setup.sh bench    what `make bench` needs: nginx and wrk (Debian's), ClickHouse, chDB
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
	# The real browser the banner tests in e2e/ drive through chromedp.
	apt_install chromium
	apt_install firefox-esr # the key banner flows again in Firefox, over WebDriver BiDi (e2e/firefox_test.go)
	# wrk runs bench/'s load script in its own test (bench/mix_test.go).
	apt_install wrk
	# ZooKeeper coordinates the replicated-cluster test (cmd/consentproxy/cluster_replicated_test.go).
	apt_install zookeeper
	# A real SMTP server for the scheduled e-mail report (cmd/consentproxy/report_mail_test.go).
	apt_install python3-aiosmtpd
fi
if [[ $what == bench ]]; then
	# The baseline (nginx as a plain proxy_pass), the load generator, and the
	# ClickHouse server the server-store target writes to. Installing nginx may
	# start Debian's default site on port 80; the harness runs its own
	# instance from a generated config and never touches that one.
	apt_install nginx wrk clickhouse-server clickhouse-client
fi
command -v npm >/dev/null || { echo "setup: npm is needed to fetch the chDB library (apt-get install npm)" >&2; exit 1; }
# The embedded ClickHouse (chDB), pinned and checksummed, into .cache/chdb.
scripts/fetch-chdb.sh >/dev/null
if [[ $what == all ]]; then
	# axe-core, which the e2e tests inject into the page for the accessibility
	# audit, pinned by version and tarball sha256 into .cache/axe/axe.min.js.
	axe_version=4.14.1
	axe_sha256=e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745
	if [[ ! -f .cache/axe/axe.min.js || $(cat .cache/axe/stamp 2>/dev/null) != "$axe_version $axe_sha256" ]]; then
		echo "setup: fetching axe-core@$axe_version" >&2
		mkdir -p .cache/axe
		axe_tmp=$(mktemp -d .cache/axe/.fetch.XXXXXX)
		(cd "$axe_tmp" && npm pack --silent "axe-core@$axe_version" >/dev/null)
		[[ $(sha256sum "$axe_tmp/axe-core-$axe_version.tgz" | cut -d' ' -f1) == "$axe_sha256" ]] ||
			{ echo "setup: axe-core tarball checksum mismatch" >&2; rm -rf "$axe_tmp"; exit 1; }
		tar -xzf "$axe_tmp/axe-core-$axe_version.tgz" -C "$axe_tmp" package/axe.min.js package/LICENSE
		mv -f "$axe_tmp/package/LICENSE" .cache/axe/LICENSE
		mv -f "$axe_tmp/package/axe.min.js" .cache/axe/axe.min.js
		echo "$axe_version $axe_sha256" >.cache/axe/stamp
		rm -rf "$axe_tmp"
	fi
	# The public user-agent corpora uaparse's tests and cmd/corpusreport measure against.
	scripts/fetch-corpora.sh
	# The consent banners e2e TestBannerRace measures ours against (pinned, checksummed) into .cache/peers.
	scripts/fetch-peers.sh
fi
echo "setup: ok" >&2
