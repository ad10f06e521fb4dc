package consent

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/static/i18n"
)

type page struct {
	resp           *http.Response
	body           string
	state, lang    string
	action, button string
	signalLine     bool
}

var (
	reState  = regexp.MustCompile(`<p id="state" class="state" data-state="([a-z_]+)">([^<]*)</p>`)
	reLang   = regexp.MustCompile(`<html lang="([a-z-]+)">`)
	reAction = regexp.MustCompile(`<form method="post" action="([^"]*)">\s*<input type="hidden" name="action" value="([a-z]+)">`)
)

func loadPage(t *testing.T, do func(*http.Request) *http.Response, req *http.Request) page {
	t.Helper()
	resp := do(req)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /optout: %d %s", resp.StatusCode, b)
	}
	p := page{resp: resp, body: string(b), signalLine: strings.Contains(string(b), `id="signal"`)}
	if m := reState.FindStringSubmatch(p.body); m != nil {
		p.state = m[1]
	}
	if m := reLang.FindStringSubmatch(p.body); m != nil {
		p.lang = m[1]
	}
	if m := reAction.FindStringSubmatch(p.body); m != nil {
		p.action, p.button = strings.ReplaceAll(m[1], "&amp;", "&"), m[2]
	}
	return p
}

func TestOptOutPageStates(t *testing.T) {
	codec := mustCodec(t, testNow, keyA)
	cookieFor := func(rev string, cats Categories) string {
		rec, _ := codec.NewRecord(rev, cats)
		return ConsentCookie + "=" + codec.Encode(rec, "proxy.site.example")
	}
	granted, denied := cookieFor("7", Categories{Analytics: true}), cookieFor("7", Categories{Marketing: true})
	old := cookieFor("6", Categories{Analytics: true})
	noDNT := &Policy{HonorGPC: true}
	for _, tt := range []struct {
		name      string
		policy    *Policy
		allowOver bool
		headers   []string
		state     string
		signal    bool
	}{
		{"no choice", nil, false, nil, PageNone, false},
		{"granted", nil, false, []string{"Cookie", granted}, PageConsented, false},
		{"denied", nil, false, []string{"Cookie", denied}, PageDenied, false},
		{"older revision", nil, false, []string{"Cookie", old}, PageNone, false},
		{"tampered", nil, false, []string{"Cookie", granted[:len(granted)-2] + "xx"}, PageNone, false},
		{"opted out", nil, false, []string{"Cookie", OptOutCookie + "=1; " + granted}, PageOptedOut, false},
		{"gpc", nil, false, []string{"Sec-GPC", "1"}, PageSignal, false},
		{"gpc beats consent", nil, false, []string{"Sec-GPC", "1", "Cookie", granted}, PageSignal, false},
		{"explicit opt-in beats gpc where allowed", nil, true, []string{"Sec-GPC", "1", "Cookie", granted}, PageConsented, false},
		{"a denial stays under gpc", nil, true, []string{"Sec-GPC", "1", "Cookie", denied}, PageSignal, false},
		{"dnt", nil, false, []string{"DNT", "1"}, PageSignal, false},
		{"dnt not honoured", noDNT, false, []string{"DNT", "1"}, PageNone, false},
		{"gpc not honoured", &Policy{}, false, []string{"Sec-GPC", "1", "Cookie", granted}, PageConsented, false},
		{"opted out with gpc shows both", nil, false, []string{"Sec-GPC", "1", "Cookie", OptOutCookie + "=1"}, PageOptedOut, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			do := serve(t, &Handlers{Codec: codec, Revision: "7", Policy: tt.policy, AllowOptInOverSignals: tt.allowOver})
			p := loadPage(t, do, get("http://proxy.site.example/optout", tt.headers...))
			if p.state != tt.state || p.signalLine != tt.signal {
				t.Fatalf("state %q (signal line %v), want %q (%v)", p.state, p.signalLine, tt.state, tt.signal)
			}
			wantButton := "optout"
			if tt.state == PageOptedOut {
				wantButton = "optin"
			}
			if p.button != wantButton || p.action != "optout" {
				t.Fatalf("form posts action=%q to %q", p.button, p.action)
			}
			if !strings.Contains(p.body, i18n.Builtin()["en"]["state_"+tt.state]) {
				t.Fatalf("page lacks the %s text", tt.state)
			}
		})
	}
}

func TestOptOutPageLanguage(t *testing.T) {
	do := serve(t, &Handlers{Texts: i18n.Texts{"de": {"optout_title": "Messung & <Widerspruch>"}}})
	texts := i18n.Builtin()
	for _, tt := range []struct{ query, acceptLanguage, lang, action string }{
		{"", "", "en", "optout"},
		{"", "fr-CA,fr;q=0.9", "fr", "optout"},
		{"?lang=pl", "fr", "pl", "optout?lang=pl"},
		{"?lang=pt-BR", "", "pt", "optout?lang=pt"},
		{"?lang=%22%3E%3Cscript%3E", "it", "en", "optout?lang=en"},
		{"", "de-CH", "de", "optout"},
	} {
		p := loadPage(t, do, get("http://proxy.site.example/optout"+tt.query, "Accept-Language", tt.acceptLanguage))
		if p.lang != tt.lang || p.action != tt.action || p.resp.Header.Get("Content-Language") != tt.lang {
			t.Errorf("%q/%q: lang %q action %q, want %q %q", tt.query, tt.acceptLanguage, p.lang, p.action, tt.lang, tt.action)
		}
		if tt.lang != "de" && !strings.Contains(p.body, texts[tt.lang]["optout_intro"]) {
			t.Errorf("%s page lacks its intro", tt.lang)
		}
	}
	// Site texts are escaped, never markup.
	p := loadPage(t, do, get("http://proxy.site.example/optout?lang=de"))
	if !strings.Contains(p.body, "<h1>Messung &amp; &lt;Widerspruch&gt;</h1>") {
		t.Fatalf("override not escaped:\n%s", p.body)
	}
}

// TestOptOutPageCSP checks that the page works under the headers it is
// served with: its one <style> matches the CSP hash, and nothing else would
// need a source the CSP does not grant.
func TestOptOutPageCSP(t *testing.T) {
	do := serve(t, &Handlers{})
	p := loadPage(t, do, get("http://proxy.site.example/optout"))
	h := p.resp.Header
	csp := h.Get("Content-Security-Policy")
	styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(p.body, -1)
	if len(styles) != 1 {
		t.Fatalf("%d style elements", len(styles))
	}
	sum := sha256.Sum256([]byte(styles[0][1]))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	for name, want := range map[string]string{
		"default-src": "'none'", "style-src": hash, "form-action": "'self'", "frame-ancestors": "'none'", "base-uri": "'none'",
	} {
		if directives[name] != want {
			t.Errorf("CSP %s = %q, want %q (CSP: %s)", name, directives[name], want, csp)
		}
	}
	if _, ok := directives["script-src"]; ok {
		t.Error("the page needs no script-src")
	}
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`<script`), regexp.MustCompile(`\sstyle=`), regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`<link`), regexp.MustCompile(`<img`), regexp.MustCompile(`javascript:`),
		regexp.MustCompile(`action="(https?:)?//`),
	} {
		if bad.MatchString(p.body) {
			t.Errorf("page matches %s, which its CSP would block", bad)
		}
	}
	for name, want := range map[string]string{
		"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
		"Cache-Control": "no-store", "Content-Type": "text/html; charset=utf-8", "Cross-Origin-Opener-Policy": "same-origin",
	} {
		if h.Get(name) != want {
			t.Errorf("%s = %q, want %q", name, h.Get(name), want)
		}
	}
}

func TestOptOutForm(t *testing.T) {
	do := serve(t, &Handlers{Origins: nil})
	post := func(query, body string, headers ...string) *http.Response {
		req := httptest.NewRequest("POST", "http://proxy.site.example/optout"+query, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return do(req)
	}
	html := []string{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8", "Origin", "http://proxy.site.example", "Sec-Fetch-Site", "same-origin"}
	type want struct {
		status   int
		location string
		optedOut string // "set", "cleared" or "" (untouched)
		json     string
	}
	for _, tt := range []struct {
		name, query, body string
		headers           []string
		want              want
	}{
		{"browser opts out", "", "action=optout", html, want{303, "optout", "set", ""}},
		{"browser opts out, language kept", "?lang=de-AT", "action=optout", html, want{303, "optout?lang=de", "set", ""}},
		{"browser opts back in", "", "action=optin", html, want{303, "optout", "cleared", ""}},
		{"behind TLS termination: https Origin, proxy sees http", "", "action=optin",
			[]string{"Accept", "text/html", "Origin", "https://proxy.site.example", "Sec-Fetch-Site", "same-origin"}, want{303, "optout", "cleared", ""}},
		{"Origin null from a no-referrer page, same-origin fetch", "", "action=optin",
			[]string{"Accept", "text/html", "Origin", "null", "Sec-Fetch-Site", "same-origin"}, want{303, "optout", "cleared", ""}},
		{"foreign page cannot opt back in", "", "action=optin",
			[]string{"Accept", "text/html", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, want{403, "", "", ""}},
		{"foreign page without Origin", "", "action=optin", []string{"Accept", "text/html", "Sec-Fetch-Site", "cross-site"}, want{403, "", "", ""}},
		{"bad action", "", "action=maybe", html, want{400, "", "", ""}},
		{"curl, no body", "", "", nil, want{200, "", "set", `{"opted_out":true}`}},
		{"curl form opt-in", "", "action=optin", nil, want{200, "", "cleared", `{"opted_out":false}`}},
		{"json client", "", "", []string{"Content-Type", "application/json", "Accept", "application/json"}, want{200, "", "set", `{"opted_out":true}`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(tt.query, tt.body, tt.headers...)
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.want.status || resp.Header.Get("Location") != tt.want.location {
				t.Fatalf("status %d Location %q (%s), want %d %q", resp.StatusCode, resp.Header.Get("Location"), b, tt.want.status, tt.want.location)
			}
			got := ""
			if c := findCookie(resp, OptOutCookie); c != nil {
				switch {
				case c.MaxAge < 0 || !c.Expires.IsZero() && c.Expires.Before(time.Now()):
					got = "cleared"
				case c.Value == "1" && c.MaxAge == int(OptOutMaxAge/time.Second):
					got = "set"
				default:
					got = fmt.Sprintf("odd cookie %+v", c)
				}
			}
			if got != tt.want.optedOut {
				t.Fatalf("opt-out cookie %q, want %q", got, tt.want.optedOut)
			}
			if tt.want.json != "" {
				var got, want any
				_ = json.Unmarshal(b, &got)
				_ = json.Unmarshal([]byte(tt.want.json), &want)
				gb, _ := json.Marshal(got)
				wb, _ := json.Marshal(want)
				if string(gb) != string(wb) {
					t.Fatalf("body %s, want %s", b, tt.want.json)
				}
			}
			if tt.want.status == 303 && resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("303 Cache-Control %q", resp.Header.Get("Cache-Control"))
			}
		})
	}
}

// TestOptOutRoundTrip follows the no-JS flow as a browser would: page, post,
// redirect, page, post back.
func TestOptOutRoundTrip(t *testing.T) {
	do := serve(t, &Handlers{})
	jar := ""
	visit := func() page {
		return loadPage(t, do, get("http://proxy.site.example/optout?lang=es", "Cookie", jar))
	}
	submit := func(p page) string {
		req := httptest.NewRequest("POST", "http://proxy.site.example/"+p.action, strings.NewReader("action="+p.button))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "text/html")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Cookie", jar)
		resp := do(req)
		if resp.StatusCode != 303 {
			t.Fatalf("post: %d", resp.StatusCode)
		}
		if c := findCookie(resp, OptOutCookie); c != nil {
			if c.MaxAge > 0 {
				jar = OptOutCookie + "=" + c.Value
			} else {
				jar = ""
			}
		}
		return resp.Header.Get("Location")
	}
	p := visit()
	if p.state != PageNone || p.button != "optout" || p.lang != "es" {
		t.Fatalf("first visit: %+v", p.state)
	}
	if loc := submit(p); loc != "optout?lang=es" {
		t.Fatalf("redirect to %q", loc)
	}
	if p = visit(); p.state != PageOptedOut || p.button != "optin" {
		t.Fatalf("after opting out: %s/%s", p.state, p.button)
	}
	submit(p)
	if p = visit(); p.state != PageNone || jar != "" {
		t.Fatalf("after opting back in: %s, jar %q", p.state, jar)
	}
}
