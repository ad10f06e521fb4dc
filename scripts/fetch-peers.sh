#!/usr/bin/env bash
# fetch-peers.sh — fetch the three open-source consent banners that the
# browser test e2e.TestBannerRace measures ours against, into .cache/peers.
#
# They are other projects' code: never committed, never copied into the
# repository, only served to the test's browser from the cache. Each is an
# npm package fetched with `npm pack`, pinned by version AND tarball sha256
# so a changed upstream artifact fails loudly; only the dist files the test
# serves are kept, with the package's licence. Idempotent: a stamp file per
# package records what is there, and a present, matching one is not fetched
# again (a rerun costs nothing and needs no network).
#
#   vanilla-cookieconsent  orestbida/cookieconsent v3: dist/cookieconsent.umd.js + .css (MIT)
#   klaro                  dist/klaro.js, its default build with the CSS inside (BSD-3-Clause)
#   orejime                dist/orejime-standard-en.js + orejime-standard.css (BSD-3-Clause)
#
# Usage: scripts/fetch-peers.sh
# Environment: CONSENTPROXY_PEERS  target directory (default .cache/peers in
#                                  the repo root; the test reads the same variable)
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${CONSENTPROXY_PEERS:-.cache/peers}

me=fetch-peers
# shellcheck source=npm-fetch.sh
source scripts/npm-fetch.sh

fetch vanilla-cookieconsent 3.1.0 1d106b5f433b60d945dfed4c54f5535a8f61a30f2559b3f7548ed79e482aa4b6 \
	dist/cookieconsent.umd.js dist/cookieconsent.css LICENSE
fetch klaro 0.7.22 da7f3f4a9e3931da6c32c2667312736837e702316ae03835a0e726ae94eb3f2a \
	dist/klaro.js LICENSE
fetch orejime 3.2.1 a4d7ec8bc3b9fabe95d3ca318e8e872048c3044dd218a998bed397acd23f06a9 \
	dist/orejime-standard-en.js dist/orejime-standard.css LICENSE
