package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/apitoken"
	"github.com/consentproxy/consentproxy/demo"
	"github.com/consentproxy/consentproxy/proxy"
	"github.com/consentproxy/consentproxy/uaparse"
)

// TestDemo: with --demo the shop embeds the README's tag for this proxy,
// a consented hit reaches the stand-in Google (and only allowlisted
// parameters do), and /demo/google.json shows it; without --demo none of
// it exists and the upstreams are Google's.
func TestDemo(t *testing.T) {
	m := MustRunMain(t, func(c *Config) { c.Demo = true })
	r := rigOf(t, m)
	if m.Google == nil || m.Config.GAUpstream != m.Google.URL() || m.Config.GTMUpstream != m.Google.URL() {
		t.Fatalf("upstreams %s, %s; want the stand-in", m.Config.GAUpstream, m.Config.GTMUpstream)
	}
	status, body, _ := r.do("GET", "/demo/", nil, "")
	tag := `<script src="` + r.base + `/consent.js" data-measurement-id="` + siteA + `" defer></script>`
	if status != http.StatusOK || !strings.Contains(body, tag) {
		t.Fatalf("/demo/: %d, want the tag %s in:\n%s", status, tag, body)
	}
	status, body, h := r.do("GET", "/", nil, "")
	if status != http.StatusOK || !strings.Contains(body, `href="/demo/"`) || !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'sha256-") {
		t.Fatalf("landing: %d %q\n%s", status, h.Get("Content-Security-Policy"), body)
	}
	// gtag.js comes from the stand-in, through the proxy.
	if status, js, _ := r.do("GET", "/gtag/js?id="+siteA, nil, ""); status != http.StatusOK || !strings.Contains(js, "__fakeGtag") {
		t.Fatalf("gtag.js through the proxy: %d", status)
	}

	b := browser{IP: "198.51.100.23", UA: uaChromeWin, Lang: "en-US", Country: "DE"}
	b.Cookie = r.consent(true, false, siteA)
	r.mustCollect(b, hit(siteA, "111.222", "page_view", r.base+"/demo/?utm_source=x&email=a@b.example", "dt", "Home"))
	eventually(t, 5*time.Second, "the stand-in Google receives the hit", func() bool { _, n := m.Google.Hits(); return n == 1 })
	hits, _ := m.Google.Hits()
	allowed := proxy.ForwardedParams()
	for _, p := range hits[0].Params {
		if p[0] == "_uip" { // the proxy's own: the truncated address
			if p[1] != "198.51.100.0" {
				t.Errorf("_uip=%s, want 198.51.100.0", p[1])
			}
			continue
		}
		if !slices.Contains(allowed, p[0]) && !strings.HasPrefix(p[0], "ep.") && !strings.HasPrefix(p[0], "epn.") {
			t.Errorf("the stand-in received %s=%s, which is not on the allowlist", p[0], p[1])
		}
		if strings.Contains(p[1], "198.51.100.23") || strings.Contains(p[1], "a@b.example") {
			t.Errorf("the stand-in received %s=%s", p[0], p[1])
		}
	}
	_, js, _ := r.do("GET", "/demo/google.json", nil, "")
	var got struct {
		Total int        `json:"total"`
		Hits  []demo.Hit `json:"hits"`
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil || got.Total != 1 || got.Hits[0].Event != "page_view" {
		t.Errorf("google.json: %v %s", err, js)
	}

	plain := MustRunMain(t, nil)
	pr := rigOf(t, plain)
	if status, _, _ := pr.do("GET", "/demo/", nil, ""); status != http.StatusNotFound {
		t.Errorf("/demo/ without --demo: %d, want 404", status)
	}
	if status, _, _ := pr.do("GET", "/demo/google.json", nil, ""); status != http.StatusNotFound {
		t.Errorf("/demo/google.json without --demo: %d, want 404", status)
	}
	if _, body, _ := pr.do("GET", "/", nil, ""); strings.Contains(body, "/demo/") || strings.Contains(body, plain.Config.DataDir) ||
		strings.Contains(body, plain.Config.GAUpstream) {
		t.Errorf("without --demo the public landing page links the demo, or names the data directory or the upstream:\n%s", body)
	}
	if plain.Google != nil || !strings.HasPrefix(plain.Config.GAUpstream, "http://127.0.0.1:") || plain.Config.GAUpstream == "" {
		t.Errorf("without --demo: Google %v, upstream %s (the test's stub)", plain.Google, plain.Config.GAUpstream)
	}
}

// TestDemoHistory: the generated history lands in the store once, and the
// API counts exactly the page views the generator made countable, on the
// embedded engine.
func TestDemoHistory(t *testing.T) {
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte("tokens:\n  - name: test\n    token: "+apiToken+"\n    sites: [\"*\"]\n    rate_per_minute: 6000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := freshDB(t, engineChdb)
	var dataDir string
	m := mustRunMainOn(t, d, func(c *Config) {
		c.Demo = true
		c.MinCount = 1
		c.APITokens, _ = apiTokensFrom(t, tokens)
		dataDir = c.DataDir
	})
	r := rigOf(t, m)
	eventually(t, 60*time.Second, "the history is written", func() bool {
		_, err := os.Stat(filepath.Join(dataDir, "demo-history"))
		return err == nil
	})
	b, _ := os.ReadFile(filepath.Join(dataDir, "demo-history"))
	end, err := time.Parse(time.RFC3339, strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	from := end.Truncate(24*time.Hour).AddDate(0, 0, -demoHistoryDays)
	// What the generator made, counted independently of the aggregator.
	want := 0
	h := demo.History{Site: siteA, Origin: m.URL(), Agents: uaparse.New(0)}
	for day := from; day.Before(end); day = day.AddDate(0, 0, 1) {
		h.Day(day, func(o *consentproxy.Observation) {
			if o.Time.Before(end) && o.Event == "page_view" && o.Reason.Countable(true) {
				want++
			}
		}, func(string, time.Time) {})
	}
	q := `{"site":"` + siteA + `","metrics":["pageviews","visitors"],"timezone":"UTC","date_range":["` +
		from.Format(time.DateOnly) + `","` + end.Format(time.DateOnly) + `"]}`
	status, body, _ := r.do("POST", "/api/v1/query", map[string]string{"Authorization": "Bearer " + apiToken, "Content-Type": "application/json"}, q)
	var res struct {
		Results []struct {
			Metrics []float64 `json:"metrics"`
		} `json:"results"`
	}
	if status != http.StatusOK || json.Unmarshal([]byte(body), &res) != nil || len(res.Results) != 1 {
		t.Fatalf("query: %d %s", status, body)
	}
	if got := int(res.Results[0].Metrics[0]); got != want || want < 1000 {
		t.Errorf("history page views: API %d, generator %d (want them equal, and over 1000)", got, want)
	}
	if v := res.Results[0].Metrics[1]; v < 500 {
		t.Errorf("history visitors %v, want a week of a small shop's", v)
	}
	t.Logf("history: %d page views, %v visitors over %s..%s", want, res.Results[0].Metrics[1], from.Format(time.DateOnly), end.Format(time.RFC3339))
}

// TestSignInLink: without --api-tokens the dashboard takes the printed
// link's code once, the API refuses it as a bearer token, and the landing
// page and start-up say so.
func TestSignInLink(t *testing.T) {
	d := freshDB(t, engineChdb)
	m := mustRunMainOn(t, d, nil)
	r := rigOf(t, m)
	if m.signInCode == "" || !strings.HasSuffix(m.OpenURL(), "/#signin="+m.signInCode) {
		t.Fatalf("open URL %q, code %q", m.OpenURL(), m.signInCode)
	}
	if status, _, _ := r.do("POST", "/api/v1/query", map[string]string{"Authorization": "Bearer " + m.signInCode, "Content-Type": "application/json"},
		`{"site":"`+siteA+`","metrics":["visitors"],"date_range":"today"}`); status != http.StatusUnauthorized {
		t.Errorf("the link's code as a bearer token: %d, want 401", status)
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": r.base}
	// The sign-in's answer is a redirect whose Set-Cookie matters.
	r.hc = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	status, body, h := r.do("POST", "/dashboard/login", form, url.Values{"token": {m.signInCode}}.Encode())
	if status != http.StatusSeeOther || !strings.Contains(strings.Join(h.Values("Set-Cookie"), " "), "cp_dash=") {
		t.Fatalf("sign-in with the link: %d %v\n%s", status, h.Values("Set-Cookie"), body)
	}
	if status, body, _ := r.do("POST", "/dashboard/login", form, url.Values{"token": {m.signInCode}}.Encode()); status != http.StatusUnauthorized || !strings.Contains(body, "used already") {
		t.Errorf("second sign-in with the link: %d", status)
	}
	if _, body, _ := r.do("GET", "/", nil, ""); !strings.Contains(body, "one-time sign-in link") || strings.Contains(body, m.signInCode) {
		t.Error("the landing page must name the sign-in link and never hold its code")
	}
}

// apiTokensFrom loads a tokens file as --api-tokens @path does.
func apiTokensFrom(t *testing.T, path string) (*apitoken.Set, string) {
	t.Helper()
	set, err := apitoken.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return set, path
}
