package consent

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestStaffExclusion(t *testing.T) {
	do := serve(t, &Handlers{StaffExclusion: true})
	post := func(action string, headers ...string) *http.Response {
		r := httptest.NewRequest("POST", "http://proxy.site.example/exclude", strings.NewReader("action="+action))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(headers); i += 2 {
			r.Header.Set(headers[i], headers[i+1])
		}
		return do(r)
	}
	state := func(headers ...string) string {
		t.Helper()
		resp := do(get("http://proxy.site.example/exclude", headers...))
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET /exclude: %d %s", resp.StatusCode, b)
		}
		if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET /exclude headers: %v", resp.Header)
		}
		m := reState.FindStringSubmatch(string(b))
		if m == nil {
			t.Fatalf("no state in %s", b)
		}
		return m[1]
	}
	if s := state(); s != "counted" {
		t.Errorf("without the cookie: %s", s)
	}
	if s := state("Cookie", StaffCookie+"=1"); s != "excluded" {
		t.Errorf("with the cookie: %s", s)
	}

	resp := post("exclude", "Sec-Fetch-Site", "same-origin")
	var set *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == StaffCookie {
			set = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "exclude" || set == nil ||
		set.Value != "1" || set.MaxAge != int(StaffMaxAge.Seconds()) || set.SameSite != http.SameSiteLaxMode {
		t.Fatalf("exclude: %d %v, cookie %+v", resp.StatusCode, resp.Header, set)
	}
	resp = post("include", "Origin", "http://proxy.site.example")
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 || resp.Cookies()[0].Name != StaffCookie ||
		resp.Cookies()[0].MaxAge >= 0 {
		t.Fatalf("include: %d %v", resp.StatusCode, resp.Cookies())
	}

	// Another site must not silence a visitor by posting at them.
	for _, h := range [][]string{{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}} {
		if resp := post("exclude", h...); resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
			t.Errorf("cross-site %v: %d, cookies %v", h, resp.StatusCode, resp.Cookies())
		}
	}
	if resp := post("delete"); resp.StatusCode != http.StatusBadRequest || len(resp.Cookies()) != 0 {
		t.Errorf("unknown action: %d", resp.StatusCode)
	}

	// Off: no page, and no cookie can be set.
	off := serve(t, &Handlers{})
	if resp := off(get("http://proxy.site.example/exclude")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /exclude while off: %d", resp.StatusCode)
	}
}

func TestStaffExcluded(t *testing.T) {
	for cookie, want := range map[string]bool{"": false, StaffCookie + "=1": true, "a=b; " + StaffCookie + "=1": true,
		StaffCookie + "=": false, "cp_excluded=1": false, OptOutCookie + "=1": false} {
		var h fasthttp.RequestHeader
		if cookie != "" {
			h.Set("Cookie", cookie)
		}
		if got := StaffExcluded(&h); got != want {
			t.Errorf("%q: %v, want %v", cookie, got, want)
		}
	}
}
