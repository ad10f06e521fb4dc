package dashboard

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/apitoken"
	"github.com/consentproxy/consentproxy/static"
)

func TestPageAndAssets(t *testing.T) {
	r := newRig(t)
	resp, body := r.do(httptest.NewRequest(http.MethodGet, "/dashboard", nil))
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("page CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("page CSP allows inline code: %q", csp)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("page Cache-Control %q, want no-store", resp.Header.Get("Cache-Control"))
	}
	// No inline script or style, no external host: the CSP would block them.
	if regexp.MustCompile(`<script>|<script [^>]*>[^<]|<style|style="|https?://`).MatchString(body) {
		t.Errorf("page has inline code or an external URL:\n%s", body)
	}
	if !strings.Contains(body, `<label for="token">`) {
		t.Error("sign-in form without a label")
	}

	ck, _ := r.signIn(tokenOne)
	page := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
	page.AddCookie(ck)
	_, body = r.do(page)
	for _, tb := range tables {
		if !strings.Contains(body, `data-dim="`+tb.Dim+`"`) {
			t.Errorf("page lacks the %s table", tb.Dim)
		}
	}
	for _, as := range []*static.Asset{r.d.assets.script, r.d.assets.style} {
		// Relative, so that a proxy mounted under /cp loads /cp/dashboard/assets/….
		if !strings.Contains(body, `"`+strings.TrimPrefix(as.URL(), "/")+`"`) {
			t.Errorf("page does not load %s relative to itself", as.URL())
		}
		req := httptest.NewRequest(http.MethodGet, as.URL(), nil)
		req.Header.Set("Accept-Encoding", "gzip")
		req.Host = "dash.test"
		resp, err := r.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		gz, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != as.ContentType ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %s %v", as.Path, resp.Status, resp.Header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatalf("%s gzip: %v", as.Path, err)
		}
		plain, _ := io.ReadAll(zr)
		if !bytes.Equal(plain, as.Raw) || len(plain) == 0 {
			t.Errorf("%s: gzip body does not decode to the asset", as.Path)
		}
		t.Logf("%s: %d bytes minified, %d gzip, %d brotli", as.Path, len(as.Raw), len(as.Gzip), len(as.Brotli))
		req = httptest.NewRequest(http.MethodGet, as.URL(), nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		if resp, _ := r.do(req); resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s revalidation: %s, want 304", as.Path, resp.Status)
		}
	}
	if resp, _ := r.do(httptest.NewRequest(http.MethodGet, "/dashboard/assets/secret.go", nil)); resp.StatusCode != 404 {
		t.Errorf("unknown asset: %s, want 404", resp.Status)
	}
	// The script must not use what the CSP forbids.
	js := string(r.d.assets.script.Raw)
	for _, bad := range []string{"eval(", "new Function", "innerHTML", `setAttribute("style"`, "cdn", "googleapis"} {
		if strings.Contains(js, bad) {
			t.Errorf("dashboard.js uses %q", bad)
		}
	}
}

func TestNewValidates(t *testing.T) {
	set, _ := apitoken.Parse([]byte("tokens:\n  - {name: a, token: " + tokenOne + ", sites: [x]}\n"))
	for name, cfg := range map[string]Config{
		"no tokens":    {Secret: make([]byte, 32)},
		"short secret": {Tokens: set, Secret: []byte("short")},
		"negative ttl": {Tokens: set, Secret: make([]byte, 32), SessionTTL: -time.Second},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}
