package dashboard

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/apitoken"
	"github.com/consentproxy/consentproxy/web"
)

const (
	tokenOne = "one-token-0123456789abcdefghij"
	tokenAll = "all-token-0123456789abcdefghij"
	siteA    = "G-AAAA1111"
	siteB    = "G-BBBB2222"
)

type rig struct {
	t   *testing.T
	app *fiber.App
	d   *Dashboard
	now time.Time
}

func newRig(t *testing.T) *rig {
	t.Helper()
	set, err := apitoken.Parse([]byte(`tokens:
  - name: one
    token: ` + tokenOne + `
    sites: [` + siteA + `]
    rate_per_minute: 600
  - name: all
    token: ` + tokenAll + `
    sites: ["*"]
    rate_per_minute: 2
`))
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	r.d, err = New(Config{Tokens: set, Secret: []byte("0123456789abcdef0123"), Now: func() time.Time { return r.now }})
	if err != nil {
		t.Fatal(err)
	}
	r.app, _ = web.NewApp(web.Config{})
	r.d.Register(r.app)
	// What the lead wires: the API's Authorize hook, here answering "ok <site>".
	r.app.Get("/api/v1/realtime", func(c *fiber.Ctx) error {
		if err := r.d.Authorize(c, c.Query("site")); err != nil {
			return err
		}
		return c.SendString("ok " + c.Query("site"))
	})
	return r
}

func (r *rig) do(req *http.Request) (*http.Response, string) {
	r.t.Helper()
	req.Host = "dash.test"
	resp, err := r.app.Test(req, -1)
	if err != nil {
		r.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func (r *rig) login(token string) (*http.Response, string) {
	req := httptest.NewRequest(http.MethodPost, "/dashboard/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r.do(req)
}

func sessionCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == CookieName {
			return c
		}
	}
	t.Fatalf("%s: no %s cookie in %v", resp.Status, CookieName, resp.Header.Values("Set-Cookie"))
	return nil
}

var csrfRe = regexp.MustCompile(`data-csrf="([^"]+)"`)

// signIn logs in and returns the cookie and the CSRF value the page carries.
func (r *rig) signIn(token string) (*http.Cookie, string) {
	r.t.Helper()
	resp, _ := r.login(token)
	ck := sessionCookie(r.t, resp)
	req := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
	req.AddCookie(ck)
	_, body := r.do(req)
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		r.t.Fatalf("signed-in page has no data-csrf:\n%s", body)
	}
	return ck, m[1]
}

func (r *rig) api(site string, ck *http.Cookie, csrf string) (int, string) {
	r.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/realtime?site="+site, nil)
	if ck != nil {
		req.AddCookie(ck)
	}
	if csrf != "" {
		req.Header.Set(CSRFHeader, csrf)
	}
	resp, body := r.do(req)
	return resp.StatusCode, body
}

func TestLogin(t *testing.T) {
	r := newRig(t)
	resp, _ := r.login(tokenOne)
	// The redirect is relative: it leads back to the page under any prefix
	// the proxy is mounted at.
	for base, want := range map[string]string{"https://dash.test/dashboard/login": "/dashboard", "https://example.com/cp/dashboard/login": "/cp/dashboard"} {
		b, _ := url.Parse(base)
		loc, err := b.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || err != nil || loc.Path != want {
			t.Fatalf("login: %s Location %q resolves against %s to %v, want 303 to %s", resp.Status, resp.Header.Get("Location"), base, loc, want)
		}
	}
	raw := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
	ck := sessionCookie(t, resp)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" {
		t.Errorf("cookie %q: want HttpOnly, SameSite=Strict, Path=/", raw)
	}
	if ck.Secure {
		t.Errorf("cookie on http is Secure: %q", raw)
	}
	if ck.MaxAge != int((12 * time.Hour).Seconds()) {
		t.Errorf("cookie Max-Age %d, want 12h", ck.MaxAge)
	}

	// Behind a TLS-terminating front (trusted, X-Forwarded-Proto: https)
	// the cookie is Secure.
	app := fiber.New()
	r.d.Register(app)
	req := httptest.NewRequest(http.MethodPost, "/dashboard/login", strings.NewReader("token="+tokenOne))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Host = "dash.test"
	resp2, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if c := sessionCookie(t, resp2); !c.Secure || !c.HttpOnly {
		t.Errorf("https cookie %v: want Secure and HttpOnly", resp2.Header.Values("Set-Cookie"))
	}

	// The signed-in page shows the grant and no token.
	page := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
	page.AddCookie(ck)
	presp, body := r.do(page)
	if presp.StatusCode != 200 || !strings.Contains(body, `<option>`+siteA+`</option>`) || strings.Contains(body, tokenOne) {
		t.Errorf("signed-in page %s: want the site picker with %s and never the token", presp.Status, siteA)
	}
	if !strings.Contains(body, "Sign out") || strings.Contains(body, `name="token"`) {
		t.Error("signed-in page shows the sign-in form")
	}
}

func TestLoginFailure(t *testing.T) {
	r := newRig(t)
	resp, body := r.login("wrong-token-0123456789abcdefghij")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong token: %s, want 401", resp.Status)
	}
	if len(resp.Cookies()) != 0 {
		t.Errorf("wrong token set cookies: %v", resp.Cookies())
	}
	if !strings.Contains(body, `name="token"`) || !strings.Contains(body, "not valid") || !strings.Contains(body, `role="alert"`) {
		t.Errorf("wrong token: want the sign-in form again with the error, got\n%s", body)
	}
	// Failures are rate-limited per address (10/min, burst 5; every request
	// here comes from the same one): the fifth more is refused even with the
	// right token, until time passes.
	codes := []int{}
	for range 6 {
		resp, _ := r.login("wrong-token-0123456789abcdefghij")
		codes = append(codes, resp.StatusCode)
	}
	if codes[len(codes)-1] != http.StatusTooManyRequests {
		t.Fatalf("after 7 failures: statuses %v, want the last to be 429", codes)
	}
	if resp, _ := r.login(tokenOne); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("right token while limited: %s Retry-After %q, want 429 with Retry-After", resp.Status, resp.Header.Get("Retry-After"))
	}
	r.now = r.now.Add(time.Minute)
	if resp, _ := r.login(tokenOne); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("right token a minute later: %s, want 303", resp.Status)
	}
	// A cross-origin form post is refused (login CSRF).
	req := httptest.NewRequest(http.MethodPost, "/dashboard/login", strings.NewReader("token="+tokenOne))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.test")
	if resp, _ := r.do(req); resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
		t.Errorf("cross-origin login: %s with %d cookies, want 403 and none", resp.Status, len(resp.Cookies()))
	}
	req = httptest.NewRequest(http.MethodPost, "/dashboard/login", strings.NewReader("token="+tokenOne))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "null")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, _ := r.do(req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site login (Sec-Fetch-Site): %s, want 403", resp.Status)
	}
	req = httptest.NewRequest(http.MethodPost, "/dashboard/login", strings.NewReader("token="+tokenOne))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://dash.test")
	if resp, _ := r.do(req); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin login: %s, want 303", resp.Status)
	}
}

func TestSessionHoldsNoToken(t *testing.T) {
	r := newRig(t)
	resp, _ := r.login(tokenOne)
	v := sessionCookie(t, resp).Value
	payload, _, ok := strings.Cut(v, ".")
	if !ok {
		t.Fatalf("cookie %q is not payload.signature", v)
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		ID    string         `json:"id"`
		Grant apitoken.Grant `json:"grant"`
		Exp   int64          `json:"exp"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("session payload %s: %v", b, err)
	}
	if s.Grant.Name != "one" || len(s.Grant.Sites) != 1 || s.Grant.Sites[0] != siteA || s.Exp != r.now.Add(12*time.Hour).Unix() || s.ID == "" {
		t.Errorf("session %+v: want grant one/[%s], expiry in 12h, an id", s, siteA)
	}
	for _, leak := range []string{tokenOne, tokenOne[:12], "0123456789abcdefghij"} {
		if strings.Contains(string(b), leak) || strings.Contains(v, leak) {
			t.Errorf("session carries the token (%q): %s", leak, b)
		}
	}
}

func TestAuthorize(t *testing.T) {
	r := newRig(t)
	ck, csrf := r.signIn(tokenOne)
	if code, body := r.api(siteA, ck, csrf); code != 200 || body != "ok "+siteA {
		t.Fatalf("session + CSRF for its site: %d %q, want 200", code, body)
	}
	if code, _ := r.api(siteB, ck, csrf); code != http.StatusForbidden {
		t.Errorf("site outside the grant: %d, want 403", code)
	}
	if code, _ := r.api(siteA, ck, ""); code != http.StatusForbidden {
		t.Errorf("no CSRF header: %d, want 403", code)
	}
	if code, _ := r.api(siteA, ck, flip(csrf)); code != http.StatusForbidden {
		t.Errorf("wrong CSRF header: %d, want 403", code)
	}
	// Another session's CSRF value does not fit this session.
	ck2, csrf2 := r.signIn(tokenOne)
	if csrf2 == csrf {
		t.Fatal("two sessions share a CSRF value")
	}
	if code, _ := r.api(siteA, ck, csrf2); code != http.StatusForbidden {
		t.Errorf("CSRF of another session: %d, want 403", code)
	}
	if code, _ := r.api(siteA, ck2, csrf2); code != 200 {
		t.Errorf("second session: %d, want 200", code)
	}
	if code, _ := r.api(siteA, nil, csrf); code != http.StatusUnauthorized {
		t.Errorf("no cookie: %d, want 401", code)
	}

	// Error codes, as the lead's fallback to bearer tokens reads them.
	var fctx fasthttp.RequestCtx
	c := r.app.AcquireCtx(&fctx)
	defer r.app.ReleaseCtx(c)
	if err := r.d.Authorize(c, siteA); consentproxy.ErrorCode(err) != consentproxy.EUNAUTH {
		t.Errorf("no session: %v, want EUNAUTH", err)
	}
	if r.d.HasSession(c) {
		t.Error("HasSession without a cookie")
	}
	c.Request().Header.SetCookie(CookieName, ck.Value)
	if !r.d.HasSession(c) {
		t.Error("HasSession false with a valid cookie")
	}
	if err := r.d.Authorize(c, siteA); consentproxy.ErrorCode(err) != consentproxy.EFORBIDDEN {
		t.Errorf("no CSRF: %v, want EFORBIDDEN", err)
	}
}

func TestAuthorizeAllGrantAndRate(t *testing.T) {
	r := newRig(t)
	ck, csrf := r.signIn(tokenAll) // rate_per_minute 2: a burst of 1
	if code, _ := r.api("G-ANYSITE9", ck, csrf); code != 200 {
		t.Fatalf("all-sites grant: %d, want 200", code)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/realtime?site=G-ANYSITE9", nil)
	req.AddCookie(ck)
	req.Header.Set(CSRFHeader, csrf)
	resp, _ := r.do(req)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("past the token's rate: %s Retry-After %q, want 429 with Retry-After", resp.Status, resp.Header.Get("Retry-After"))
	}
	// The all-sites page asks for the site in a text field.
	page := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
	page.AddCookie(ck)
	if _, body := r.do(page); !strings.Contains(body, `<input id="site" name="site" type="text"`) {
		t.Error("all-sites grant: no text input for the site")
	}
}

func TestTamperedAndExpired(t *testing.T) {
	r := newRig(t)
	ck, csrf := r.signIn(tokenOne)
	payload, sig, _ := strings.Cut(ck.Value, ".")
	b, _ := base64.RawURLEncoding.DecodeString(payload)
	// Widen the grant to every site, keep the signature.
	forged := strings.Replace(string(b), `"sites":["`+siteA+`"]`, `"all":true`, 1)
	if forged == string(b) {
		t.Fatalf("test did not change the payload %s", b)
	}
	cases := map[string]string{
		"forged grant":    base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + sig,
		"flipped sig":     payload + "." + flip(sig),
		"no signature":    payload,
		"empty":           "",
		"garbage":         "%%%.%%%",
		"other secret":    mustEncode(t, []byte("another-secret-0123456789"), b),
		"huge":            strings.Repeat("a", 5000) + "." + sig,
		"signed non-json": mustEncode(t, []byte("0123456789abcdef0123"), []byte("not json")),
	}
	for name, v := range cases {
		c := &http.Cookie{Name: CookieName, Value: v}
		if code, _ := r.api(siteB, c, csrf); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	if code, _ := r.api(siteA, ck, csrf); code != 200 {
		t.Fatalf("valid session: %d", code)
	}
	r.now = r.now.Add(12*time.Hour + time.Second)
	if code, _ := r.api(siteA, ck, csrf); code != http.StatusUnauthorized {
		t.Errorf("expired session: %d, want 401", code)
	}
	page := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
	page.AddCookie(ck)
	if _, body := r.do(page); !strings.Contains(body, `name="token"`) {
		t.Error("expired session: the page does not ask to sign in")
	}
}

// mustEncode signs payload with secret the way the dashboard does.
func mustEncode(t *testing.T, secret, payload []byte) string {
	t.Helper()
	d := &Dashboard{cfg: Config{Secret: secret}}
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(d.mac(sessionContext, []byte(p)))
}

func flip(s string) string {
	b := []byte(s)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

func TestLogout(t *testing.T) {
	r := newRig(t)
	ck, csrf := r.signIn(tokenOne)
	post := func(form string) *http.Response {
		req := httptest.NewRequest(http.MethodPost, "/dashboard/logout", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(ck)
		resp, _ := r.do(req)
		return resp
	}
	if resp := post("csrf=wrong"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout with a wrong csrf: %s, want 403", resp.Status)
	}
	resp := post("csrf=" + url.QueryEscape(csrf))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %s, want 303", resp.Status)
	}
	c := sessionCookie(t, resp)
	if c.Value != "" || c.MaxAge >= 0 && !c.Expires.Before(r.now) {
		t.Errorf("logout cookie %+v: want it emptied and expired", c)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("logout cookie %+v: want HttpOnly, SameSite=Strict", c)
	}
}

// TestOneTimeSignIn: the OneTime token signs in once before its deadline;
// its session then works like any other, and other tokens are unaffected.
func TestOneTimeSignIn(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration // when the first sign-in happens, after the rig's now
	}{{"within the hour", 59 * time.Minute}, {"expired", 61 * time.Minute}} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			r.d.cfg.OneTime, r.d.cfg.OneTimeUntil = "all", r.now.Add(time.Hour)
			r.now = r.now.Add(tc.after)
			resp, body := r.login(tokenAll)
			if tc.after > time.Hour {
				if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "used already or has expired") {
					t.Fatalf("expired link: %d %s", resp.StatusCode, body)
				}
				return
			}
			ck := sessionCookie(t, resp)
			req := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
			req.AddCookie(ck)
			_, page := r.do(req)
			m := csrfRe.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("the link's session shows no dashboard:\n%s", page)
			}
			if code, body := r.api(siteB, ck, m[1]); code != http.StatusOK {
				t.Errorf("the link's session reads the API: %d %s", code, body)
			}
			if resp, body := r.login(tokenAll); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "used already") {
				t.Errorf("second use of the link: %d %s", resp.StatusCode, body)
			}
			if resp, _ := r.login(tokenOne); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("another token after the link was used: %d", resp.StatusCode)
			}
		})
	}
}

// TestSignInPageLoadsTheLinkScript: the sign-in view loads the page script,
// which turns a #signin= fragment into a sign-in; after a failed one the
// form says so (data-error), and the script does not post it again.
func TestSignInPageLoadsTheLinkScript(t *testing.T) {
	r := newRig(t)
	_, page := r.do(httptest.NewRequest(http.MethodGet, "/dashboard", nil))
	if !strings.Contains(page, `id="signin"`) || !strings.Contains(page, `src="dashboard/assets/dashboard.js?v=`) {
		t.Errorf("sign-in view without the form id or the script:\n%s", page)
	}
	if strings.Contains(page, "data-error") {
		t.Error("a fresh sign-in view is marked failed")
	}
	_, page = r.login("wrong-token-0123456789abcdefghij")
	if !strings.Contains(page, `id="signin" data-error`) {
		t.Errorf("a failed sign-in is not marked, so the link would be posted in a loop:\n%s", page)
	}
}

// TestAllSitesGrantStartsOnAKnownSite: with Sites, an all-sites sign-in
// starts on the first (the page loads at once) and offers the others.
func TestAllSitesGrantStartsOnAKnownSite(t *testing.T) {
	r := newRig(t)
	r.d.cfg.Sites = []string{siteB, siteA}
	ck, _ := r.signIn(tokenAll)
	req := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
	req.AddCookie(ck)
	_, page := r.do(req)
	if !strings.Contains(page, `value="`+siteB+`" list="known-sites"`) || !strings.Contains(page, `<option value="`+siteA+`">`) {
		t.Errorf("the all-sites view does not start on %s and offer %s:\n%s", siteB, siteA, page)
	}
}
