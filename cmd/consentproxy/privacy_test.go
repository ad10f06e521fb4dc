package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/privacy"
	"github.com/consentproxy/consentproxy/proxy"
)

// parsedConfig is what the real flag parser and validator make of args on
// top of the test flags.
func parsedConfig(t *testing.T, args ...string) Config {
	t.Helper()
	r := newRawConfig()
	r.fs.SetOutput(io.Discard)
	if err := r.parse(append(testArgs(t.TempDir(), "http://127.0.0.1:1"), args...), func(string) (string, bool) { return "", false }); err != nil {
		t.Fatal(err)
	}
	cfg, errs := r.validate()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return cfg
}

// noticeJSON renders the JSON notice for cfg and decodes it loosely.
func noticeJSON(t *testing.T, cfg Config) map[string]any {
	t.Helper()
	b, err := privacy.Render(privacyFacts(cfg), privacy.FormatJSON, "en", privacy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func field(doc map[string]any, path string) any {
	var v any = doc
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// TestPrivacyNoticeFollowsFlags: a flag a site owner changes, read by the
// real parser, changes the notice's data and its words.
func TestPrivacyNoticeFollowsFlags(t *testing.T) {
	base := parsedConfig(t)
	for _, tc := range []struct {
		flag  string
		field string // dotted path in the JSON notice
		want  any
		words string // in the English Markdown of the changed notice only
	}{
		{"--retention=400d", "stored.retention_seconds", float64(400 * 86400), "Counts are kept for 400 days"},
		{"--ip-mode=redact", "google.ip_mode", "redact", "Your IP address is not sent"},
		{"--honor-dnt=false", "signals.dnt", false, "Do Not Track (`DNT: 1`): not honoured"},
		{"--honor-gpc=false", "signals.gpc", false, "Global Privacy Control (`Sec-GPC: 1`): not honoured"},
		{"--min-count=10", "stored.min_count", float64(10), "fewer than 10 visitors"},
		{"--consent-max-age=720h", "consent_max_age_seconds", float64(30 * 86400), "is kept for 30 days"},
		{"--policy-revision=v9", "revision", "v9", "Current policy revision: `v9`"},
		{"--count-without-consent=false", "stored.count_without_consent", false, "Only measurements"},
		{"--keep-url-params=ref", "google.kept_url_params", []any{"ref"}, "every query parameter except `ref`"},
		{"--keep-user-params=uid", "google.dropped_params", []any{"up.*", "upn.*"}, "Passed on, because this site configured them: `uid`"},
		{"--banner-mode=advanced", "banner_mode", "advanced", "is loaded on every page"},
		{"--allow-opt-in-over-signals=true", "signals.opt_in_overrides_signals", true, "outweighs these signals"},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			// --store none in testArgs: retention and min-count only show with a store.
			cfg := parsedConfig(t, tc.flag, "--store=chdb://"+t.TempDir())
			baseCfg := parsedConfig(t, "--store=chdb://"+t.TempDir())
			got, was := field(noticeJSON(t, cfg), tc.field), field(noticeJSON(t, baseCfg), tc.field)
			if mustMarshal(t, got) != mustMarshal(t, tc.want) {
				t.Errorf("%s: %s = %s, want %s", tc.flag, tc.field, mustMarshal(t, got), mustMarshal(t, tc.want))
			}
			if mustMarshal(t, was) == mustMarshal(t, got) {
				t.Errorf("%s: %s is %s without the flag too: the flag changed nothing", tc.flag, tc.field, mustMarshal(t, was))
			}
			md, err := privacy.Render(privacyFacts(cfg), privacy.FormatMarkdown, "en", privacy.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(md), tc.words) {
				t.Errorf("%s: the notice does not say %q:\n%s", tc.flag, tc.words, md)
			}
		})
	}
	if field(noticeJSON(t, base), "stored.enabled") != false {
		t.Error("--store none: the notice claims a store")
	}
	// The truncation the notice states is the minimizer's own.
	f := privacyFacts(base)
	if f.Google.IPv4Prefix != 24 || f.Google.IPv6Prefix != 48 || f.Google.IPExample[1].String() != "203.0.113.0" {
		t.Errorf("truncation facts %+v", f.Google)
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPrivacyNoticeCommand: `consentproxy privacy-notice` prints exactly
// what the proxy serves for the same configuration, and refuses bad input
// with a message and exit code 1 or 2.
func TestPrivacyNoticeCommand(t *testing.T) {
	cfgFile := filepath.Join("testdata", "consentproxy.yaml")
	for _, format := range privacy.Formats() {
		for _, lang := range privacy.Languages() {
			var out, errOut bytes.Buffer
			if code := run([]string{"privacy-notice", "--config", cfgFile, "--format", format, "--lang", lang}, &out, &errOut); code != 0 {
				t.Fatalf("%s %s: exit %d: %s", format, lang, code, errOut.String())
			}
			r := newRawConfig()
			if err := r.parse([]string{"--config", cfgFile}, func(string) (string, bool) { return "", false }); err != nil {
				t.Fatal(err)
			}
			cfg, errs := r.validate()
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			want, err := privacy.Render(privacyFacts(cfg), format, lang, privacy.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("%s %s: the command's output differs from the rendered notice", format, lang)
			}
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"privacy-notice", "--config", cfgFile, "--base-url", "https://proxy.example.com"}, &out, &errOut); code != 0 ||
		!strings.Contains(out.String(), "](https://proxy.example.com/optout)") {
		t.Errorf("--base-url: exit %d, %s%s", code, errOut.String(), out.String())
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--config", cfgFile, "--format", "pdf"}, 1, `unknown format "pdf"`},
		{[]string{"--config", cfgFile, "--lang", "sv"}, 1, `no texts for language "sv"`},
		{[]string{"--config", cfgFile, "--base-url", "proxy.example.com"}, 1, "--base-url"},
		{[]string{"--measurement-ids", "not-an-id"}, 1, "--measurement-ids"},
		{[]string{"--no-such-flag"}, 2, "no-such-flag"},
	} {
		out.Reset()
		errOut.Reset()
		if code := run(append([]string{"privacy-notice"}, tc.args...), &out, &errOut); code != tc.code || !strings.Contains(errOut.String(), tc.msg) || out.Len() != 0 {
			t.Errorf("%v: exit %d (want %d), stderr %q (want %q), stdout %d bytes", tc.args, code, tc.code, errOut.String(), tc.msg, out.Len())
		}
	}
}

// TestPrivacyNoticeServed: GET /privacy answers in the visitor's language,
// with the strict headers of the other pages and no script; /privacy.json
// states the same facts.
func TestPrivacyNoticeServed(t *testing.T) {
	m := MustRunMain(t, nil)
	c := rigOf(t, m).client
	_, _, optout := c.do("GET", "/optout", nil, "")
	status, body, h := c.do("GET", "/privacy", map[string]string{"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"}, "")
	want, err := privacy.Render(privacyFacts(m.Config), privacy.FormatHTML, "de", privacy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusOK || body != string(want) || h.Get("Content-Language") != "de" {
		t.Fatalf("GET /privacy (de): %d, Content-Language %q, body equal to the rendered notice: %v", status, h.Get("Content-Language"), body == string(want))
	}
	if h.Get("Content-Security-Policy") != privacy.CSP() || strings.Contains(h.Get("Content-Security-Policy"), "script-src") {
		t.Errorf("CSP %q", h.Get("Content-Security-Policy"))
	}
	for _, k := range []string{"X-Frame-Options", "X-Content-Type-Options", "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy", "Permissions-Policy"} {
		if h.Get(k) == "" || h.Get(k) != optout.Get(k) {
			t.Errorf("%s: /privacy %q, /optout %q", k, h.Get(k), optout.Get(k))
		}
	}
	if !strings.Contains(h.Get("Content-Type"), "text/html") || !strings.Contains(h.Get("Vary"), "Accept-Language") {
		t.Errorf("headers %v", h)
	}
	if status, body, _ := c.do("GET", "/privacy?lang=en", map[string]string{"Accept-Language": "de"}, ""); status != 200 || !strings.Contains(body, `<html lang="en">`) {
		t.Errorf("?lang=en: %d %.80q", status, body)
	}
	if status, body, _ := c.do("GET", "/privacy", map[string]string{"Accept-Language": "sv, fr;q=0.8"}, ""); status != 200 || !strings.Contains(body, `<html lang="en">`) {
		t.Errorf("no language served: %d, want the English page", status)
	}
	if status, _, _ := c.do("GET", "/privacy", map[string]string{"Accept-Language": "de", "If-None-Match": h.Get("ETag")}, ""); status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", status)
	}
	status, body, h = c.do("GET", "/privacy.json", nil, "")
	var doc struct {
		Lang    string `json:"lang"`
		Cookies []struct {
			Name string `json:"name"`
		} `json:"cookies"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &doc) != nil || doc.Lang != "en" || len(doc.Cookies) == 0 || h.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("GET /privacy.json: %d %v %.200s", status, h, body)
	}
	if status, _, _ := c.do("POST", "/privacy", nil, ""); status < 400 {
		t.Errorf("POST /privacy: %d", status)
	}
}

// observed is a cookie name with what responses did to it.
type observed struct {
	set, expired bool
	maxAge       int
	httpOnly     bool
	domain       string
}

// TestPrivacyNoticeCookies: the cookies the notice lists are exactly the
// ones real requests to a booted proxy set or expire (the banner's own
// cookie, set by JavaScript, is checked in e2e/privacy_test.go), with the
// lifetimes the notice states. Google's cookies are not the proxy's: they
// are checked against the proxy's withdrawal, which must expire each one.
func TestPrivacyNoticeCookies(t *testing.T) {
	d := freshDB(t, engineChdb)
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte("tokens:\n  - name: test\n    token: "+apiToken+"\n    sites: ["+siteA+"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := runMain(t, []string{"--store=" + d.DSN, "--api-tokens=@" + tokens, "--cookie-domain=localhost"}, func(c *Config) { c.storeDatabase = d.Database })
	// Redirects are answers too: the sign-in's 303 carries the session cookie.
	c := newClient(t, rigOf(t, m).client.base)
	c.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	notice := privacyFacts(m.Config)
	own, google := notice.CookieNames()
	seen := map[string]*observed{}
	record := func(h http.Header) {
		for _, ck := range (&http.Response{Header: h}).Cookies() {
			o := seen[ck.Name]
			if o == nil {
				o = &observed{}
				seen[ck.Name] = o
			}
			if ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
				o.expired = true
				continue
			}
			o.set, o.maxAge, o.httpOnly, o.domain = true, ck.MaxAge, ck.HttpOnly, ck.Domain
		}
	}
	do := func(method, path string, hdr map[string]string, body string) (int, string, http.Header) {
		status, b, h := c.do(method, path, hdr, body)
		record(h)
		return status, b, h
	}
	// Google's cookies as gtag sets them, plus look-alikes the proxy must leave alone.
	gaCookies := "_gid=GA1.1.1.1; _gat=1; _gac_x=1; "
	for _, n := range google {
		gaCookies += n + "=GA1.1.1.1; "
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	granted := c.consent(true, true, siteA)
	do("POST", "/consent", map[string]string{"Content-Type": "application/json"}, `{"analytics":true,"marketing":true,"site":"`+siteA+`"}`)
	// A downgrade is a withdrawal: it expires Google's cookies.
	do("POST", "/consent", map[string]string{"Content-Type": "application/json", "Cookie": gaCookies + granted}, `{"analytics":false,"marketing":false}`)
	do("DELETE", "/consent", map[string]string{"Cookie": gaCookies + granted}, "")
	do("POST", "/optout", nil, "")
	do("POST", "/optout", form, "action=optin")
	do("DELETE", "/optout", nil, "")
	do("POST", "/exclude", form, "action=exclude")
	do("POST", "/exclude", form, "action=include")
	c.mustCollect(browser{IP: "203.0.113.9", UA: uaChromeWin, Lang: "en", Cookie: granted}, hit(siteA, "1.2", "page_view", "https://site.example/"))
	status, _, h := do("POST", "/dashboard/login", form, "token="+apiToken)
	if status != http.StatusSeeOther {
		t.Fatalf("dashboard sign-in: %d", status)
	}
	session := cookieFrom(t, h, "cp_dash")
	_, page, _ := c.do("GET", "/dashboard", map[string]string{"Cookie": session}, "")
	csrf := between(page, `name="csrf" value="`, `"`)
	do("POST", "/dashboard/logout", map[string]string{"Content-Type": form["Content-Type"], "Cookie": session}, "csrf="+url.QueryEscape(csrf))
	// Every other route, with Google's and the proxy's cookies along: none
	// may set or expire anything the notice does not name.
	for _, r := range m.App.GetRoutes(true) {
		path := strings.NewReplacer(":name", "x", "*", "x").Replace(r.Path)
		do(r.Method, path, map[string]string{"Cookie": gaCookies + granted + "; " + session, "User-Agent": uaChromeWin, "Content-Type": form["Content-Type"]}, "")
	}

	var names []string
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	t.Logf("observed: %v; the notice lists %v and Google's %v", names, own, google)
	for _, n := range names {
		if !slices.Contains(own, n) && !slices.Contains(google, n) {
			t.Errorf("cookie %s is set or expired by the proxy but not in the notice", n)
		}
	}
	for _, ck := range notice.Cookies {
		o := seen[ck.Name]
		switch {
		case ck.SetBy == privacy.SetByBanner:
			if o != nil {
				t.Errorf("%s is the banner's, yet the proxy touched it", ck.Name)
			}
		case o == nil || !o.set || !o.expired:
			t.Errorf("%s: in the notice, but not both set and expired by a request (%+v)", ck.Name, o)
		default:
			if time.Duration(o.maxAge)*time.Second != ck.MaxAge || o.httpOnly != ck.HTTPOnly {
				t.Errorf("%s: Max-Age %ds HttpOnly %v, the notice says %s HttpOnly %v", ck.Name, o.maxAge, o.httpOnly, ck.MaxAge, ck.HTTPOnly)
			}
			if (ck.Scope == privacy.ScopeDomain) != (o.domain != "") || o.domain != ck.Domain {
				t.Errorf("%s: Domain %q, the notice says %s %q", ck.Name, o.domain, ck.Scope, ck.Domain)
			}
		}
	}
	for _, n := range google {
		if o := seen[n]; o == nil || !o.expired || o.set {
			t.Errorf("Google's %s: listed, but withdrawing consent does not expire it (%+v)", n, o)
		}
	}
	// The rights name real routes.
	routes := map[string]bool{}
	for _, r := range m.App.GetRoutes(true) {
		routes[r.Method+" "+r.Path] = true
	}
	for _, e := range notice.Rights {
		if !routes[e.Method+" "+e.Path] {
			t.Errorf("the notice names %s %s, which is no route", e.Method, e.Path)
		}
	}
}

func between(s, start, end string) string {
	_, s, _ = strings.Cut(s, start)
	s, _, _ = strings.Cut(s, end)
	return s
}

// TestPrivacyNoticeForwarding: what the notice says reaches Google is what
// the stub Google receives: only the listed headers, the address as the
// notice's example shows it, URLs with only the kept parameters.
func TestPrivacyNoticeForwarding(t *testing.T) {
	for _, mode := range []string{"truncate", "redact"} {
		t.Run(mode, func(t *testing.T) {
			m := runMain(t, []string{"--ip-mode=" + mode}, nil)
			r := rigOf(t, m)
			f := privacyFacts(m.Config)
			ip := "203.0.113.77"
			if f.Google.IPExample[0].IsValid() {
				ip = f.Google.IPExample[0].String()
			}
			b := browser{IP: ip, UA: uaChromeWin, Lang: "de-DE", Cookie: r.consent(true, false, siteA) + "; session=secret",
				Header: map[string]string{"Authorization": "Bearer x", "Referer": "https://site.example/", "X-Real-IP": ip}}
			r.mustCollect(b, hit(siteA, "1.2", "page_view", "https://site.example/p?utm_source=a&email=x@example.com#top", "uid", "u-1"))
			eventually(t, 10*time.Second, "the forwarded hit", func() bool { return len(r.up.requests()) > 0 })
			got := r.up.requests()[0]
			transport := map[string]bool{"Host": true, "Content-Length": true, "Content-Type": true, "Accept-Encoding": true, "Connection": true}
			for k := range got.Header {
				if !transport[k] && !slices.Contains(f.Google.Headers, k) {
					t.Errorf("Google received header %s, which the notice does not list", k)
				}
			}
			_, query, _ := strings.Cut(got.URI, "?")
			q, err := url.ParseQuery(query)
			if err != nil {
				t.Fatal(err)
			}
			if line, _, _ := strings.Cut(got.Body, "\n"); line != "" { // a POST carries the event in its body
				ev, err := url.ParseQuery(line)
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range ev {
					q[k] = v
				}
			}
			if q.Get("_uip") != f.Google.IPExample[1].String() {
				t.Errorf("_uip = %q, the notice says %s", q.Get("_uip"), f.Google.IPExample[1])
			}
			if q.Has("uid") != !slices.Contains(f.Google.DroppedParams, "uid") {
				t.Errorf("uid forwarded %v, notice drops %v", q.Has("uid"), f.Google.DroppedParams)
			}
			if q.Get("dl") != "https://site.example/p?utm_source=a" || !slices.Contains(f.Google.KeptURLParams, "utm_*") {
				t.Errorf("dl = %q, kept %v", q.Get("dl"), f.Google.KeptURLParams)
			}
		})
	}
}

// TestNoticeKeepsNoURLParams: with --keep-url-params none the notice says
// no query parameter is kept, as the minimizer does; unset, the defaults.
func TestNoticeKeepsNoURLParams(t *testing.T) {
	if got := googleFacts(Config{KeepURLParams: []string{}}).KeptURLParams; len(got) != 0 {
		t.Errorf("--keep-url-params none: the notice says %q are kept", got)
	}
	if got := googleFacts(Config{}).KeptURLParams; len(got) != len(proxy.DefaultKeepURLParams) {
		t.Errorf("unset: the notice says %q, want the defaults", got)
	}
}
