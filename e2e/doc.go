// Package e2e drives the consent banner in a real Chromium against the real
// consentproxy binary. It holds tests only: nothing imports it.
//
// Why a subprocess and not an in-process server: the binary is what site
// owners deploy, flags and all, and package main cannot be imported. Each
// test builds nothing itself; TestMain builds the binary once per run.
//
// The topology of one test, all on 127.0.0.1 with ports picked by the kernel:
//
//	Chromium ──▶ web    (the test's HTTP proxy: Chromium's only network, --proxy-server;
//	   │                 ends TLS for the test's names, records every request and its status,
//	   │                 refuses every other host, Google's above all)
//	   ├──▶ site   (https://www.example.test: the test page with a strict CSP)
//	   └──▶ front  (https://cp.example.test, or https://www.example.test/cp with the
//	          │     prefix stripped: a load balancer, X-Forwarded-For = a public test address)
//	          └──▶ proxy  (the consentproxy binary, --store none, --trusted-proxies 127.0.0.1)
//	                 ├──▶ stub GTM (serves gtag.js: demo/assets/gtag.js, or a real copy)
//	                 └──▶ stub GA  (records the /g/collect hits the proxy forwards)
//
// The names are on HTTPS's default port because real gtag.js drops any other
// port of a server_container_url. By default the proxy is mounted under the
// site's own origin (/cp), where page and proxy share cookies; tests with
// options.subdomains put it on its own host, so every request the banner
// makes is cross-origin and CORS and --allowed-origins are exercised for
// real, and gtag's cookies on example.test are the registrable domain's.
//
// The front exists because the browser cannot add X-Forwarded-For itself:
// an extra request header turns every CORS request into a preflight.
//
// Real gtag.js: $CONSENTPROXY_REAL_GTAG names copies of Google's script
// (scripts/test.sh: ../shared/testdata/gtag). Every banner flow runs with the
// fake and with each copy; realgtag_test.go adds a visitor's whole journey,
// advanced Consent Mode, withdrawal and ports against the real script only.
//
// Firefox: TestFirefox runs the key flows again in Debian's firefox-esr
// over WebDriver BiDi (bidi_test.go, no geckodriver), through the same web.
//
// Run: scripts/setup.sh (installs chromium and firefox-esr and fetches
// axe-core into .cache/axe), then go test ./e2e. Without a browser or axe-core the tests
// skip, or fail when CI=true. Screenshots go to $CONSENTPROXY_SCREENSHOTS
// (default: a temporary directory). $CONSENTPROXY_E2E_BIN runs a prebuilt
// binary instead of building ./cmd/consentproxy.
package e2e
