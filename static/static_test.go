package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/consentproxy/consentproxy/web"
)

// testBanner stands in for consent.Handlers.Banner (which imports this
// package, so its tests cannot be here): two languages, each config naming
// its own language. The size budget is measured with the real configs, in
// consent's TestBannerBudget.
func testBanner() Banner {
	conf := func(lang string) []byte {
		return []byte(`{"lang":"` + lang + `","languages":["de","en"],"texts":{"title":"title in ` + lang + `"}}`)
	}
	return Banner{
		Configs: map[string][]byte{"en": conf("en"), "de": conf("de")},
		Version: "cfgv1",
		Pick: func(list string) string {
			if strings.HasPrefix(list, "de") {
				return "de"
			}
			return "xx" // a language without a copy: the default's is served
		},
	}
}

func mustAssets(t testing.TB) *Assets {
	t.Helper()
	a, err := New(Config{Banner: testBanner()})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCopiesPerLanguage(t *testing.T) {
	a := mustAssets(t)
	if len(a.Scripts) != 2 || a.Script != a.Scripts["en"] || a.Scripts["de"].Hash == a.Script.Hash {
		t.Fatalf("copies %v", a.Scripts)
	}
	for lang, s := range a.Scripts {
		js := string(s.Raw)
		if !strings.Contains(js, `"title":"title in `+lang+`"`) || strings.Contains(js, "__CP_") {
			t.Errorf("%s copy lacks its config or keeps a placeholder", lang)
		}
		if !strings.Contains(js, "&v=cfgv1") || !strings.Contains(js, "/consent.css?v="+a.Style.Hash) || !strings.Contains(js, "adoptedStyleSheets") {
			t.Errorf("%s copy lacks the config version, the stylesheet's hash or the stylesheet", lang)
		}
		if !strings.Contains(js, strings.TrimSuffix(string(a.Style.Raw[:40]), "}")) {
			t.Errorf("%s copy does not carry the stylesheet", lang)
		}
	}
	if _, err := New(Config{Banner: Banner{Configs: map[string][]byte{"de": []byte(`{}`)}}}); err == nil {
		t.Error("built without a config for the default language")
	}
	if _, err := New(Config{Banner: Banner{Configs: map[string][]byte{"en": []byte(`{"a":`)}}}); err == nil {
		t.Error("built with a config that is not JSON")
	}
}

// TestScriptIsCSPSafe guards what a strict CSP (and Trusted Types) forbids:
// the minified script must not evaluate strings, write HTML or set inline
// styles.
func TestScriptIsCSPSafe(t *testing.T) {
	js := string(mustAssets(t).Script.Raw)
	for _, bad := range []string{"eval(", "new Function", "Function(", "innerHTML", "outerHTML", "insertAdjacentHTML",
		"document.write", ".style.", "cssText", `setAttribute("style"`, "setTimeout(\"", "setInterval(\""} {
		if strings.Contains(js, bad) {
			t.Errorf("minified consent.js contains %q", bad)
		}
	}
	css := string(mustAssets(t).Style.Raw)
	for _, bad := range []string{"@import", "url(", "expression("} {
		if strings.Contains(css, bad) {
			t.Errorf("consent.css contains %q: it would need another CSP source", bad)
		}
	}
}

// TestScriptKeepsContract holds the minified script to the banner contract of docs/banner.md: the
// browser tests and site owners rely on these names, and minification must
// not rename any of them.
func TestScriptKeepsContract(t *testing.T) {
	a := mustAssets(t)
	js := string(a.Script.Raw)
	for _, want := range []string{
		`"cp-banner"`, `"cp-modal"`, `"cp-notice"`, `"cp-open"`, `"data-cp-action"`, `"[data-consentproxy-open]"`,
		`"accept"`, `"reject"`, `"preferences"`, `"close"`, `"save"`, `"dismiss"`,
		`"aria-modal"`, `"consentproxy:change"`, `"/consent/config.json?lang="`, `"/gtag/js?id="`,
		`"consent-proxy"`, `attachShadow({mode:"open"})`, `role:"switch"`,
		`transport_url:`, `allow_google_signals:!1`, `wait_for_update:500`,
		`ad_storage:`, `analytics_storage:`, `ad_user_data:`, `ad_personalization:`,
		`open:`, `state:`, `accept:`, `reject:`, `save:`, `.consentproxy=`,
		`"/consent.css?v=` + a.Style.Hash + `"`, `"cp_consent"`, `"cp_optout"`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("minified consent.js lacks %s", want)
		}
	}
	// server_container_url makes gtag.js drop the proxy's port and turn on
	// server-side tagging's identifiers; the banner never sets it.
	if strings.Contains(js, "server_container_url") {
		t.Error("consent.js sets server_container_url")
	}
	// Consent Mode's default must be the first thing the script does with
	// the page: nothing may touch the DOM or the network before it.
	def := strings.Index(js, `"consent","default"`)
	for _, later := range []string{"fetch(", "createElement(", "querySelector("} {
		if i := strings.Index(js, later); i >= 0 && (def < 0 || i < def) {
			t.Errorf("%s comes before the Consent Mode default", later)
		}
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	a, b := mustAssets(t), mustAssets(t)
	if a.Script.Hash != b.Script.Hash || a.Style.Hash != b.Style.Hash || !bytes.Equal(a.Script.Brotli, b.Script.Brotli) {
		t.Fatal("two builds of the same sources differ")
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{12}$`).MatchString(a.Script.Hash) {
		t.Fatalf("hash %q", a.Script.Hash)
	}
	if a.Script.URL() != "/consent.js?v="+a.Script.Hash {
		t.Fatalf("URL %q", a.Script.URL())
	}
}

func decode(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "":
		return body
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	default:
		t.Fatalf("unexpected encoding %q", enc)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestServe(t *testing.T) {
	a := mustAssets(t)
	app, _ := web.NewApp(web.Config{})
	app.Use(web.SecurityHeaders())
	a.Register(app)
	js, css, de := a.Script, a.Style, a.Scripts["de"]
	const short, long = "public, max-age=3600", "public, max-age=31536000, immutable"
	tests := []struct {
		name, method, url, acceptEnc, ifNoneMatch string
		status                                    int
		enc, cache, etag                          string
		asset                                     *Asset
	}{
		{"plain", "GET", "/consent.js", "", "", 200, "", short, `"` + js.Hash + `"`, js},
		{"gzip", "GET", "/consent.js", "gzip, deflate", "", 200, "gzip", short, `"` + js.Hash + `-gz"`, js},
		{"brotli preferred", "GET", "/consent.js", "gzip, deflate, br, zstd", "", 200, "br", short, `"` + js.Hash + `-br"`, js},
		{"brotli refused", "GET", "/consent.js", "br;q=0, gzip", "", 200, "gzip", short, `"` + js.Hash + `-gz"`, js},
		{"gzip preferred by q", "GET", "/consent.js", "br;q=0.5, gzip;q=0.9", "", 200, "gzip", short, `"` + js.Hash + `-gz"`, js},
		{"star", "GET", "/consent.js", "*", "", 200, "br", short, `"` + js.Hash + `-br"`, js},
		{"identity only", "GET", "/consent.js", "identity", "", 200, "", short, `"` + js.Hash + `"`, js},
		{"current hash immutable", "GET", "/consent.js?v=" + js.Hash, "br", "", 200, "br", long, `"` + js.Hash + `-br"`, js},
		{"old hash short", "GET", "/consent.js?v=AAAAAAAAAAAA", "br", "", 200, "br", short, `"` + js.Hash + `-br"`, js},
		{"css immutable", "GET", "/consent.css?v=" + css.Hash, "gzip", "", 200, "gzip", long, `"` + css.Hash + `-gz"`, css},
		{"not modified", "GET", "/consent.js", "br", `"` + js.Hash + `-br"`, 304, "", short, `"` + js.Hash + `-br"`, nil},
		{"not modified weak, other encoding, in a list", "GET", "/consent.js", "br", `"x", W/"` + js.Hash + `-gz"`, 304, "", short, `"` + js.Hash + `-br"`, nil},
		{"stale etag", "GET", "/consent.js", "", `"` + css.Hash + `"`, 200, "", short, `"` + js.Hash + `"`, js},
		{"head", "HEAD", "/consent.js", "gzip", "", 200, "gzip", short, `"` + js.Hash + `-gz"`, nil},
		{"language by ?lang=", "GET", "/consent.js?lang=de-AT", "br", "", 200, "br", short, `"` + de.Hash + `-br"`, de},
		{"language by Accept-Language", "GET", "/consent.js?al=de", "br", "", 200, "br", short, `"` + de.Hash + `-br"`, de},
		{"a language without a copy", "GET", "/consent.js?al=ja", "br", "", 200, "br", short, `"` + js.Hash + `-br"`, js},
		{"another language's etag", "GET", "/consent.js?al=de", "br", `"` + js.Hash + `-br"`, 200, "br", short, `"` + de.Hash + `-br"`, de},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, al, _ := strings.Cut(tt.url, "?al=")
			req := httptest.NewRequest(tt.method, "http://proxy.example"+u, nil)
			req.RequestURI = "" // origin-form, as a browser sends it
			if al != "" {
				req.Header.Set("Accept-Language", al)
			}
			if tt.acceptEnc != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEnc)
			}
			if tt.ifNoneMatch != "" {
				req.Header.Set("If-None-Match", tt.ifNoneMatch)
			}
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			h := resp.Header
			vary := "Accept-Encoding"
			if strings.HasPrefix(tt.url, "/consent.js") && !strings.Contains(tt.url, "lang=") {
				vary += ", Accept-Language" // the copy is the browser's language
			}
			if resp.StatusCode != tt.status || h.Get("Cache-Control") != tt.cache || h.Get("ETag") != tt.etag ||
				strings.Join(h.Values("Vary"), ", ") != vary || h.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatalf("status %d, headers %v", resp.StatusCode, h)
			}
			if tt.status == 304 || tt.method == "HEAD" {
				if len(body) != 0 {
					t.Fatalf("%d bytes of body on a %s %d", len(body), tt.method, tt.status)
				}
				return
			}
			if got := h.Get("Content-Encoding"); got != tt.enc {
				t.Fatalf("Content-Encoding %q, want %q", got, tt.enc)
			}
			if ct := h.Get("Content-Type"); ct != tt.asset.ContentType {
				t.Fatalf("Content-Type %q", ct)
			}
			if !bytes.Equal(decode(t, tt.enc, body), tt.asset.Raw) {
				t.Fatal("decoded body differs from the built asset")
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   encoding
	}{
		{"", encIdentity},
		{"gzip", encGzip},
		{"x-gzip", encGzip},
		{"GZIP", encGzip},
		{"br", encBrotli},
		{"gzip, br", encBrotli},
		{"gzip;q=1, br;q=1", encBrotli},
		{"gzip;q=1.0, br;q=0.999", encGzip},
		{"br;q=0", encIdentity},
		{"*;q=0", encIdentity},
		{"*", encBrotli},
		{"br;q=0, *", encGzip},
		{"gzip;q=0, *;q=0.5", encBrotli},
		{"br;q=2, gzip", encGzip},      // malformed q: entry ignored
		{"br;q=0.1234, gzip", encGzip}, // too many decimals
		{"br; Q=0.5 ; foo=bar, gzip;q=0.4", encBrotli},
		{"deflate, compress", encIdentity},
		{",,, ;q=1, br", encBrotli},
	} {
		if got := negotiate(tt.header); got != tt.want {
			t.Errorf("negotiate(%q) = %d, want %d", tt.header, got, tt.want)
		}
	}
}

// FuzzNegotiate: any header picks an encoding the header allows.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"gzip, deflate, br, zstd", "br;q=0, gzip;q=0.5", "*;q=0.1", "identity", ";;;q=,", "br;q=1.000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		got := negotiate(header)
		lower := strings.ToLower(header)
		switch got {
		case encBrotli:
			if !strings.Contains(lower, "br") && !strings.Contains(lower, "*") {
				t.Fatalf("brotli chosen for %q", header)
			}
		case encGzip:
			if !strings.Contains(lower, "gzip") && !strings.Contains(lower, "*") {
				t.Fatalf("gzip chosen for %q", header)
			}
		case encIdentity:
		default:
			t.Fatalf("unknown encoding %d", got)
		}
	})
}

func TestETagMatch(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   bool
	}{
		{`"h"`, true}, {`"h-gz"`, true}, {`W/"h-br"`, true}, {`*`, true}, {` "x" , "h" `, true},
		{`"h2"`, false}, {`h`, false}, {`"h-zz"`, false}, {``, false}, {`W/`, false},
	} {
		if got := etagMatch(tt.header, "h"); got != tt.want {
			t.Errorf("etagMatch(%q) = %v", tt.header, got)
		}
	}
}

func BenchmarkServeBrotli(b *testing.B) {
	a := mustAssets(b)
	app, _ := web.NewApp(web.Config{})
	a.Register(app)
	req := httptest.NewRequest("GET", "http://proxy.example/consent.js", nil)
	req.RequestURI = ""
	req.Header.Set("Accept-Encoding", "gzip, br")
	for b.Loop() {
		resp, err := app.Test(req, -1)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuild(b *testing.B) {
	for b.Loop() {
		if _, err := New(Config{Banner: testBanner()}); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzETagMatch: any If-None-Match header is parsed without panicking, and a
// match always names the asset (or is "*").
func FuzzETagMatch(f *testing.F) {
	for _, s := range []string{`"h-br"`, `W/"h", "x"`, `*`, `,,W/,"`, `"h-gz" , W/"h-zz"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if etagMatch(header, "h") && !strings.Contains(header, `"h`) && !strings.Contains(header, "*") {
			t.Fatalf("%q matched", header)
		}
	})
}
