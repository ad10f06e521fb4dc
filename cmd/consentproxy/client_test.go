package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The sites every test Main serves.
const (
	siteA = "G-TEST123"
	siteB = "G-OTHER99"
)

// User agents of real browsers and a crawler.
const (
	uaChromeWin = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
	uaIPhone    = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
	uaGooglebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
)

// client talks to a proxy the way browsers behind a CDN do: the TCP peer is
// 127.0.0.1 (a trusted proxy), the visitor's address is in X-Forwarded-For
// and the visitor's country in CF-IPCountry.
type client struct {
	t    testing.TB
	base string
	hc   *http.Client
}

func newClient(t testing.TB, base string) *client {
	return &client{t: t, base: base, hc: &http.Client{Timeout: 10 * time.Second}}
}

// browser is one visitor's request headers.
type browser struct {
	IP, UA, Lang, Country string
	Cookie                string
	Header                map[string]string // DNT, Sec-GPC, …
}

// do sends a request and returns its status, body and headers.
func (c *client) do(method, path string, h map[string]string, body string) (int, string, http.Header) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range h {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (b browser) headers() map[string]string {
	h := map[string]string{
		"User-Agent":      b.UA,
		"Accept-Language": b.Lang,
		"X-Forwarded-For": b.IP,
		"CF-IPCountry":    b.Country,
		"Cookie":          b.Cookie,
		"Content-Type":    "text/plain;charset=UTF-8",
	}
	for k, v := range b.Header {
		h[k] = v
	}
	return h
}

// collect sends one /g/collect hit: GET with the query alone, or POST with
// one event per body line. It returns the status.
func (c *client) collect(b browser, query url.Values, lines ...url.Values) int {
	c.t.Helper()
	method, body := http.MethodGet, ""
	if len(lines) > 0 {
		method = http.MethodPost
		var parts []string
		for _, l := range lines {
			parts = append(parts, l.Encode())
		}
		body = strings.Join(parts, "\n")
	}
	status, _, _ := c.do(method, "/g/collect?"+query.Encode(), b.headers(), body)
	return status
}

// mustCollect is collect expecting the 204 every well-formed hit gets,
// whatever its fate.
func (c *client) mustCollect(b browser, query url.Values, lines ...url.Values) {
	c.t.Helper()
	if status := c.collect(b, query, lines...); status != http.StatusNoContent {
		c.t.Fatalf("collect %s: status %d, want 204", query.Encode(), status)
	}
}

// consent asks the proxy for a consent cookie, as the banner does, and
// returns it as a Cookie header value.
func (c *client) consent(analytics, marketing bool, site string) string {
	c.t.Helper()
	body := `{"analytics":` + boolText(analytics) + `,"marketing":` + boolText(marketing)
	if site != "" {
		body += `,"site":"` + site + `"`
	}
	body += "}"
	status, resp, h := c.do(http.MethodPost, "/consent", map[string]string{"Content-Type": "application/json"}, body)
	if status != http.StatusOK {
		c.t.Fatalf("POST /consent: %d %s", status, resp)
	}
	return cookieFrom(c.t, h, "cp_consent")
}

// optOut asks the proxy for its opt-out cookie.
func (c *client) optOut() string {
	c.t.Helper()
	status, resp, h := c.do(http.MethodPost, "/optout", nil, "")
	if status != http.StatusOK {
		c.t.Fatalf("POST /optout: %d %s", status, resp)
	}
	return cookieFrom(c.t, h, "cp_optout")
}

func cookieFrom(t testing.TB, h http.Header, name string) string {
	t.Helper()
	for _, ck := range (&http.Response{Header: h}).Cookies() {
		if ck.Name == name && ck.Value != "" {
			return ck.Name + "=" + ck.Value
		}
	}
	t.Fatalf("no %s cookie in %v", name, h.Values("Set-Cookie"))
	return ""
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// hit builds a GA4 event's parameters: v, tid, cid, en, dl, plus pairs.
func hit(tid, cid, en, dl string, kv ...string) url.Values {
	v := url.Values{"v": {"2"}, "tid": {tid}, "cid": {cid}, "en": {en}, "dl": {dl}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}
