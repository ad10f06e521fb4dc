#!/usr/bin/env bash
# gen-crawlers.sh — regenerate uaparse/crawlers_gen.txt from the maintained
# public bot lists. Run it by hand when bumping a version below, review the
# diff (the parser's tests run the new list against real browsers) and commit
# the result; builds and tests never fetch these.
#
# Sources (crawler-user-agents: MIT; isbot: the Unlicense), fetched with `npm pack` and pinned by version
# AND tarball sha256 so a changed upstream artifact fails loudly:
#   crawler-user-agents  crawler-user-agents.json (patterns, tags, examples)
#   isbot                its pattern list (read through node from the package)
#
# Usage: scripts/gen-crawlers.sh
set -euo pipefail
cd "$(dirname "$0")/.."

readonly CUA_VERSION='1.60.0'
readonly CUA_SHA256='355ff319e17919f1738122752c8036d605d0e1bcba81de31e84377d12b286d79'
readonly ISBOT_VERSION='5.2.3'
readonly ISBOT_SHA256='cfade8222da5bc658ff8dd1105fac6cf7ed1d461dab222a019a72ee779efc76a'

die() {
	printf 'gen-crawlers: error: %s\n' "$*" >&2
	exit 1
}
command -v npm >/dev/null || die "npm is needed"
command -v node >/dev/null || die "node is needed to read isbot's list"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fetch() { # name version sha256
	local tgz="$1-$2.tgz"
	(cd "$tmp" && npm pack --silent "$1@$2" >/dev/null) || die "npm pack $1@$2 failed"
	[[ $(sha256sum "$tmp/$tgz" | cut -d' ' -f1) == "$3" ]] || die "$tgz checksum mismatch"
	mkdir -p "$tmp/$1"
	tar -xzf "$tmp/$tgz" -C "$tmp/$1"
}
fetch crawler-user-agents "$CUA_VERSION" "$CUA_SHA256"
fetch isbot "$ISBOT_VERSION" "$ISBOT_SHA256"

node -e 'for (const p of require(process.argv[1]).list) console.log(p)' "$tmp/isbot/package/index.js" >"$tmp/isbot.txt"

header="Sources (their LICENSE files are in the tarballs):
  crawler-user-agents@$CUA_VERSION, npm tarball sha256 $CUA_SHA256
    MIT licence, Copyright (c) 2017 Martin Monperrus (github.com/monperrus/crawler-user-agents)
  isbot@$ISBOT_VERSION, npm tarball sha256 $ISBOT_SHA256
    the Unlicense (public domain), by Omri Lotan and contributors (github.com/omrilotan/isbot)
Converted from regular expressions to word-boundary tokens (see uaparse/internal/gen)."
go run ./uaparse/internal/gen -cua "$tmp/crawler-user-agents/package/crawler-user-agents.json" \
	-isbot "$tmp/isbot.txt" -header "$header" -o uaparse/crawlers_gen.txt
printf 'gen-crawlers: wrote uaparse/crawlers_gen.txt (%s patterns)\n' "$(grep -cv -e '^#' -e '^\[' -e '^$' uaparse/crawlers_gen.txt)" >&2
