package proxy

import (
	"bytes"
	"regexp"

	"github.com/gofiber/fiber/v2"
)

// gtag.js talks to Google by itself, past its transport_url: on a sample of
// page loads (0.5 % in the 2025 copies, every load with ?gtm_latency= in the
// page URL) it sends diagnostics pings to https://www.googletagmanager.com/a
// and /td, before any consent, and it loads further tag code from the same
// host. The host is a string in the script's own data ("21" and "3" of its
// "blob" in 2025, a literal in code in other builds). rewriteScript
// replaces every such literal with an expression that names the host and
// path prefix the script itself was loaded from, so those requests come
// back through the proxy like every hit, wherever it is mounted:
// https://cp.example.com/a?…, or https://example.com/cp/a?… behind a
// site's reverse proxy. One rewritten copy serves every host. Should a
// build ever name the host differently, the rewrite finds nothing and the
// e2e suite, which asserts that no request goes to a Google host, fails.
var (
	tagHostLiteral = regexp.MustCompile(`"www\.googletagmanager\.com"`)
	// tagURLLiteral is the start of a string literal naming the host with
	// its scheme, as older builds write "https://www.googletagmanager.com/a?id=".
	tagURLLiteral = regexp.MustCompile(`"https://www\.googletagmanager\.com`)
)

// tagHostExpr evaluates, in the browser, to "host[:port][/prefix]" of the
// script's own URL (…/gtag/js?id=…), or to a name that never resolves.
const tagHostExpr = `(function(s){try{s=document.currentScript||document.querySelector('script[src*="/gtag/js?id="]');` +
	`var u=new URL(s.src);return u.host+u.pathname.replace(/\/gtag\/js$/,"")}catch(e){return"invalid.invalid"}})()`

// gtag.js also names Google's advertising and signals endpoints in its code
// (stats.g.doubleclick.net/g/collect, www.google.<tld>/ads/ga-audiences,
// {subdomain.}analytics.google.com/g/s/collect, …). A container with Google
// signals switched on in GA's admin sends to them after ad consent even
// when the page sets allow_google_signals: false, straight from the
// visitor's browser. The proxy relays analytics, never advertising: every
// such literal is pointed at /_/drop/<host>… on the proxy, which answers
// 204 and counts them. A literal that is an object key ("…": value) is left
// alone, being no URL the script requests.
var googleURLLiteral = regexp.MustCompile(`"https://((?:[A-Za-z0-9{}.%-]*\.)?(?:doubleclick\.net|googlesyndication\.com|googleadservices\.com|google\.com|google-analytics\.com|google|goog)|www\.%)([/?;][^"]*)?"`)

// googleHostLiteral is a bare host of those endpoints, which some builds
// join to "https://" and a path themselves ("www.google.com" +
// "/measurement/conversion"). It becomes the proxy's drop, as a host and
// path prefix.
var googleHostLiteral = regexp.MustCompile(`"((?:[A-Za-z0-9-]+\.)*(?:doubleclick\.net|googlesyndication\.com|googleadservices\.com|google\.com|google-analytics\.com|merchant-center-analytics\.goog))"`)

// DropPath is where rewritten requests to Google's other endpoints arrive.
const DropPath = "/_/drop"

// rewriteScript returns a copy of Google's gtag.js whose own requests to
// its tag host go to the proxy, and whose requests to Google's other
// endpoints go to the proxy's drop.
func rewriteScript(body []byte) []byte {
	out := tagHostLiteral.ReplaceAll(bytes.Clone(body), []byte(tagHostExpr))
	out = tagURLLiteral.ReplaceAll(out, []byte(`"https://"+`+tagHostExpr+`+"`))
	var b bytes.Buffer
	last := 0
	for _, m := range googleURLLiteral.FindAllSubmatchIndex(out, -1) {
		if m[1] < len(out) && out[m[1]] == ':' {
			continue // an object key
		}
		host := out[m[2]:m[3]]
		rest := []byte(nil)
		if m[4] >= 0 {
			rest = out[m[4]:m[5]]
		}
		b.Write(out[last:m[0]])
		b.WriteString(`"https://"+` + tagHostExpr + `+"` + DropPath + "/")
		// The host becomes a path segment; placeholders gtag fills in
		// later (% for the country's Google domain, {ga4CollectionSubdomain.})
		// are dropped so they fill in nothing.
		for _, c := range host {
			if c != '%' && c != '{' && c != '}' {
				b.WriteByte(c)
			}
		}
		b.Write(rest)
		b.WriteByte('"')
		last = m[1]
	}
	b.Write(out[last:])
	out = b.Bytes()
	var h bytes.Buffer
	last = 0
	for _, m := range googleHostLiteral.FindAllSubmatchIndex(out, -1) {
		if m[1] < len(out) && out[m[1]] == ':' {
			continue // an object key
		}
		h.Write(out[last:m[0]])
		h.WriteString(`(` + tagHostExpr + `+"` + DropPath + "/")
		h.Write(out[m[2]:m[3]])
		h.WriteString(`")`)
		last = m[1]
	}
	h.Write(out[last:])
	return h.Bytes()
}

// serviceWorkerPage answers the service-worker frame gtag.js opens under a
// server_container_url (/_/service_worker/<v>/sw_iframe.html) with an empty
// page: nothing of Google's runs on the site's origin, gtag gives up on the
// worker after its timeout and sends its hits as usual, and the request is
// not a 404. The banner never sets server_container_url (it drops ports and
// turns on server-side tagging's extra identifiers); a site that sets it
// itself gets this.
func serviceWorkerPage(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; frame-ancestors *")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString("<!doctype html><title></title>\n")
}
