// Package e2e drives the consent banner in a real Chromium against the real
// consentproxy binary. It holds tests only: nothing imports it.
//
// Why a subprocess and not an in-process server: the binary is what site
// owners deploy, flags and all, and package main cannot be imported. Each
// test builds nothing itself; TestMain builds the binary once per run.
//
// The topology of one test, all on 127.0.0.1 with ports picked by the kernel:
//
//	Chromium ──▶ site   (httptest: the test page with a strict CSP)
//	        └──▶ front  (httptest reverse proxy: X-Forwarded-For = a public test address)
//	               └──▶ proxy  (the consentproxy binary, --store none, --trusted-proxies 127.0.0.1)
//	                      ├──▶ stub GTM (serves testdata/fake-gtag.js as /gtag/js)
//	                      └──▶ stub GA  (records the /g/collect hits the proxy forwards)
//
// By default the site and the proxy are two ports of 127.0.0.1: different
// origins of the same host and site, like a proxy mounted under the site's
// own domain. Cookies ignore ports, so the proxy's host-only cookies are
// first-party for the page and no third-party cookie rules get in the way,
// while every request the banner makes to the proxy is still cross-origin,
// so CORS and --allowed-origins are exercised for real. Tests with
// options.subdomains use www.example.test and cp.example.test instead
// (Chromium's host resolver maps both to 127.0.0.1): the page cannot read the
// proxy's cookies, and gtag's cookies on example.test are out of the proxy's
// reach, so only the banner itself can clear them.
//
// The front exists because the browser cannot add X-Forwarded-For itself:
// an extra request header turns every CORS request into a preflight.
//
// Run: scripts/setup.sh (installs chromium and fetches axe-core into
// .cache/axe), then go test ./e2e. Without chromium or axe-core the tests
// skip, or fail when CI=true. Screenshots go to $CONSENTPROXY_SCREENSHOTS
// (default: a temporary directory). $CONSENTPROXY_E2E_BIN runs a prebuilt
// binary instead of building ./cmd/consentproxy.
package e2e
