#!/usr/bin/env bash
# fetch-corpora.sh — fetch the public user-agent corpora that uaparse's
# corpus tests and cmd/corpusreport measure against, into .cache/corpora.
#
# Each corpus is an npm package fetched with `npm pack`, pinned by version
# AND tarball sha256 so a changed upstream artifact fails loudly; only the
# files the tests read are kept, with the package's licence. Idempotent: a
# stamp file per corpus records what is there, and a present, matching one
# is not fetched again.
#
#   crawler-user-agents  crawler-user-agents.json: bot patterns with example UAs (MIT)
#   user-agents          dist/user-agents.json: real browser UAs with device category (BSD-2-Clause)
#   ua-parser            test_resources/*.yaml: the ua-parser test fixtures (Apache-2.0);
#                        uap-core's own tests/ are not in its npm package
#   uap-core             regexes.yaml (Apache-2.0); the reference parser for agreement
#
# Usage: scripts/fetch-corpora.sh
# Environment: CONSENTPROXY_CORPORA  target directory (default .cache/corpora
#                                    in the repo root)
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${CONSENTPROXY_CORPORA:-.cache/corpora}

me=fetch-corpora
# shellcheck source=npm-fetch.sh
source scripts/npm-fetch.sh

fetch crawler-user-agents 1.60.0 355ff319e17919f1738122752c8036d605d0e1bcba81de31e84377d12b286d79 \
	crawler-user-agents.json LICENSE
fetch user-agents 2.1.198 581c4f5074669b6f125263b8ddf302d221a26a06842488c6cc8d50dc5c5c0851 \
	dist/user-agents.json LICENSE
fetch ua-parser 0.3.5 3bfcff2e8c7ffa4c5c38ee05a7d31b9f629e6cee8a5eda1415b5895337c5fbfe \
	test_resources/test_user_agent_parser.yaml test_resources/test_user_agent_parser_os.yaml \
	test_resources/test_device.yaml LICENSE.txt
fetch uap-core 0.18.0 28abde9e093be91293ac8ce7b8304557b73ef1ba48a7cf8429192c0fc720a677 \
	regexes.yaml LICENSE
