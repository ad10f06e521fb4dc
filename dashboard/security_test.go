package dashboard

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy/apitoken"
)

// loginFrom signs in from the client address given (X-Test-Client, read by
// the ClientIP the rig's tokens are configured with).
func (r *rig) loginFrom(client, token string) *http.Response {
	req := httptest.NewRequest(http.MethodPost, "/dashboard/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Test-Client", client)
	resp, _ := r.do(req)
	return resp
}

func fromHeader(c *fiber.Ctx) netip.Addr {
	a, _ := netip.ParseAddr(c.Get("X-Test-Client"))
	return a
}

// TestLoginFailuresPerAddress: an address sending wrong tokens without
// pause is refused after its budget, while a valid token from another
// address signs in every time (issue 14: one global bucket meant one wrong
// token every 6 s kept every valid token out).
func TestLoginFailuresPerAddress(t *testing.T) {
	r := newRig(t)
	r.d.cfg.Tokens.Configure(apitoken.Options{ClientIP: fromHeader})
	const attacker, victim = "198.51.100.7", "2001:db8:5::1"
	wrong := "wrong-token-0123456789abcdefghij"
	for i := range 100 {
		resp := r.loginFrom(attacker, wrong)
		switch {
		case i < 5 && resp.StatusCode != http.StatusUnauthorized:
			t.Fatalf("wrong token %d within the budget (burst 5): %s, want 401", i, resp.Status)
		case i >= 5 && (resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == ""):
			t.Fatalf("wrong token %d past the budget: %s Retry-After %q, want 429 with Retry-After", i, resp.Status, resp.Header.Get("Retry-After"))
		}
		if resp := r.loginFrom(victim, tokenOne); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("valid token from another address after %d wrong ones: %s, want 303", i+1, resp.Status)
		}
	}
	if resp := r.loginFrom(attacker, tokenOne); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the limited address with a valid token: %s, want 429 (no oracle for guesses)", resp.Status)
	}
	if resp := r.loginFrom("198.51.100.8", wrong); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("another address's first wrong token: %s, want 401", resp.Status)
	}
	if n := r.d.LoginsRefused(); n != 96 {
		t.Errorf("LoginsRefused = %d, want 96", n)
	}
}

// TestSessionEndsWithItsToken: a reload of the tokens file that removes,
// rotates or narrows a token ends its sessions at once (issue 14: they kept
// the old grant for up to 12 h); a change that leaves the grant as it was
// (the rate) does not.
func TestSessionEndsWithItsToken(t *testing.T) {
	file := func(oneToken, oneSites string, rate int) string {
		return `tokens:
  - name: one
    token: ` + oneToken + `
    sites: ` + oneSites + `
    rate_per_minute: ` + strconv.Itoa(rate) + `
  - name: all
    token: ` + tokenAll + `
    sites: ["*"]
`
	}
	reload := func(r *rig, content string) {
		t.Helper()
		n, err := apitoken.Parse([]byte(content))
		if err != nil {
			t.Fatal(err)
		}
		r.d.cfg.Tokens.Replace(n)
	}
	const rotated = "rotated-token-0123456789abcdefgh"
	for name, tt := range map[string]struct {
		file string
		ends bool
	}{
		"removed":   {"tokens:\n  - {name: all, token: " + tokenAll + ", sites: ['*']}\n", true},
		"rotated":   {file(rotated, "["+siteA+"]", 600), true},
		"narrowed":  {file(tokenOne, "[G-CCCC3333]", 600), true},
		"widened":   {file(tokenOne, `["*"]`, 600), true},
		"rate only": {file(tokenOne, "["+siteA+"]", 60), false},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t)
			ck, csrf := r.signIn(tokenOne)
			allCk, allCSRF := r.signIn(tokenAll)
			if code, _ := r.api(siteA, ck, csrf); code != 200 {
				t.Fatalf("before the reload: %d", code)
			}
			reload(r, tt.file)
			code, _ := r.api(siteA, ck, csrf)
			if tt.ends && code != http.StatusUnauthorized || !tt.ends && code != 200 {
				t.Errorf("session after the reload: %d, want %d", code, map[bool]int{true: 401, false: 200}[tt.ends])
			}
			page := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
			page.AddCookie(ck)
			if _, body := r.do(page); strings.Contains(body, `name="token"`) != tt.ends {
				t.Errorf("page after the reload asks to sign in: %v, want %v", !tt.ends, tt.ends)
			}
			if code, _ := r.api("G-ANYSITE9", allCk, allCSRF); code != 200 {
				t.Errorf("a session of an unchanged token: %d, want 200", code)
			}
			if name == "rotated" {
				if resp, _ := r.login(rotated); resp.StatusCode != http.StatusSeeOther {
					t.Errorf("sign-in with the new token: %s", resp.Status)
				}
			}
		})
	}
}

// TestLogoutCrossSite: a sign-out from another site is refused, with the
// cookie or without (issue 14: a cross-site form could sign anyone out);
// the page's own form still signs out.
func TestLogoutCrossSite(t *testing.T) {
	r := newRig(t)
	ck, csrf := r.signIn(tokenOne)
	post := func(withCookie bool, form string, headers ...string) *http.Response {
		req := httptest.NewRequest(http.MethodPost, "/dashboard/logout", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		if withCookie {
			req.AddCookie(ck)
		}
		resp, _ := r.do(req)
		return resp
	}
	for name, resp := range map[string]*http.Response{
		"cross-site form, no cookie (Strict)": post(false, "", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.test"),
		"cross-site, with csrf and cookie":    post(true, "csrf="+url.QueryEscape(csrf), "Sec-Fetch-Site", "cross-site"),
		"sibling subdomain":                   post(true, "", "Sec-Fetch-Site", "same-site", "Origin", "http://other.dash.test"),
		"foreign Origin, old browser":         post(false, "", "Origin", "http://evil.test"),
	} {
		if resp.StatusCode != http.StatusForbidden || len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("%s: %s with Set-Cookie %q, want 403 and none", name, resp.Status, resp.Header.Values("Set-Cookie"))
		}
	}
	if code, _ := r.api(siteA, ck, csrf); code != 200 {
		t.Fatalf("the session after refused sign-outs: %d", code)
	}
	resp := post(true, "csrf="+url.QueryEscape(csrf), "Sec-Fetch-Site", "same-origin", "Origin", "http://dash.test")
	if resp.StatusCode != http.StatusSeeOther || sessionCookie(t, resp).Value != "" {
		t.Errorf("same-origin sign-out: %s, want 303 clearing the cookie", resp.Status)
	}
}
