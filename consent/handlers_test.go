package consent

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/web"
)

type choiceLog struct {
	mu  sync.Mutex
	got []string
}

// add logs site|revision|outcome, and |jurisdiction where it is known.
func (l *choiceLog) add(site, rev, outcome, jurisdiction string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := site + "|" + rev + "|" + outcome
	if jurisdiction != GroupUnknown {
		e += "|" + jurisdiction
	}
	l.got = append(l.got, e)
}

func newHandlers(t *testing.T) (*Handlers, *choiceLog, func(*http.Request) *http.Response) {
	t.Helper()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	log := &choiceLog{}
	h := &Handlers{
		Codec:    mustCodec(t, now, keyA),
		Revision: "7",
		Origins:  web.NewOrigins([]string{"https://site.example"}),
		Sites:    map[string]bool{"G-TEST123": true},
		Choice:   log.add,
	}
	app, _ := web.NewApp(web.Config{})
	h.Register(app)
	return h, log, func(r *http.Request) *http.Response {
		r.RequestURI = "" // origin-form, as a browser sends it
		resp, err := app.Test(r, -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
}

func findCookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestPostConsent(t *testing.T) {
	h, log, do := newHandlers(t)
	tests := []struct {
		name, ctype, body string
		analytics, mkt    bool
		outcome           string
	}{
		{"json accept all", "application/json", `{"analytics":true,"marketing":true,"site":"G-TEST123"}`, true, true, OutcomeAcceptAll},
		{"json custom", "application/json", `{"analytics":true,"marketing":false}`, true, false, OutcomeCustom},
		{"form reject", "application/x-www-form-urlencoded", "analytics=0&marketing=off&site=G-TEST123", false, false, OutcomeRejectAll},
		{"form checkboxes", "application/x-www-form-urlencoded", "analytics=on&site=G-UNKNOWN1", true, false, OutcomeCustom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "http://proxy.site.example/consent", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ctype)
			resp := do(req)
			if resp.StatusCode != 200 {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("status %d: %s", resp.StatusCode, b)
			}
			c := findCookie(resp, ConsentCookie)
			if c == nil || c.MaxAge != int((182*24*time.Hour)/time.Second) || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Fatalf("cookie %+v", c)
			}
			rec, err := h.Codec.Decode(c.Value, "proxy.site.example")
			if err != nil {
				t.Fatalf("cookie does not verify: %v", err)
			}
			if rec.Analytics != tt.analytics || rec.Marketing != tt.mkt || rec.Revision != "7" {
				t.Fatalf("record %+v", rec)
			}
		})
	}
	want := []string{"G-TEST123|7|accept_all", "|7|custom", "G-TEST123|7|reject_all", "|7|custom"}
	if strings.Join(log.got, ",") != strings.Join(want, ",") {
		t.Fatalf("choices %v, want %v", log.got, want)
	}
}

func TestPostConsentRefuses(t *testing.T) {
	_, log, do := newHandlers(t)
	for _, tt := range []struct {
		name, ctype, body, origin string
		status                    int
	}{
		{"malformed json", "application/json", `{"analytics":tru`, "", 400},
		{"missing field", "application/json", `{"analytics":true}`, "", 400},
		{"wrong type", "application/json", `{"analytics":"yes","marketing":false}`, "", 400},
		{"bad form value", "application/x-www-form-urlencoded", "analytics=maybe&marketing=0", "", 400},
		{"no content type", "", `{"analytics":true,"marketing":true}`, "", 400},
		{"too large", "application/json", `{"analytics":true,"marketing":true,"site":"` + strings.Repeat("x", 2000) + `"}`, "", 413},
		{"cross-site origin", "application/json", `{"analytics":true,"marketing":true}`, "https://evil.example", 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "http://proxy.site.example/consent", strings.NewReader(tt.body))
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			resp := do(req)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if findCookie(resp, ConsentCookie) != nil {
				t.Fatal("a refused choice set a cookie")
			}
		})
	}
	if len(log.got) != 0 {
		t.Fatalf("refused choices were counted: %v", log.got)
	}
}

func TestGetAndDeleteConsent(t *testing.T) {
	h, log, do := newHandlers(t)
	rec, _ := h.Codec.NewRecord("7", Categories{Analytics: true})
	cookie := h.Codec.Encode(rec, "proxy.site.example")

	req := httptest.NewRequest("GET", "http://proxy.site.example/consent", nil)
	req.Header.Set("Cookie", ConsentCookie+"="+cookie)
	req.Header.Set("Sec-GPC", "1")
	resp := do(req)
	var got struct {
		Consent  *Record `json:"consent"`
		GPC      bool    `json:"gpc"`
		OptedOut bool    `json:"opted_out"`
		Current  bool    `json:"current"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Consent == nil || got.Consent.ID != rec.ID || !got.Consent.Analytics || !got.GPC || got.OptedOut || !got.Current {
		t.Fatalf("GET /consent = %+v", got)
	}

	req = httptest.NewRequest("DELETE", "http://proxy.site.example/consent?site=G-TEST123", nil)
	req.Header.Set("Cookie", ConsentCookie+"="+cookie+"; _ga=GA1.1.1.2; _ga_ABC123=GS1.1; other=1")
	resp = do(req)
	if resp.StatusCode != 204 {
		t.Fatalf("DELETE status %d", resp.StatusCode)
	}
	expired := map[string]bool{}
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			expired[c.Name] = true
		}
	}
	for _, name := range []string{ConsentCookie, "_ga", "_ga_ABC123"} {
		if !expired[name] {
			t.Errorf("%s not expired: %v", name, resp.Header.Values("Set-Cookie"))
		}
	}
	if expired["other"] {
		t.Error("a site cookie was expired")
	}
	if strings.Join(log.got, ",") != "G-TEST123|7|withdraw" {
		t.Fatalf("choices %v", log.got)
	}
}

func TestOptOut(t *testing.T) {
	_, _, do := newHandlers(t)
	resp := do(httptest.NewRequest("POST", "http://proxy.site.example/optout", nil))
	c := findCookie(resp, OptOutCookie)
	if resp.StatusCode != 200 || c == nil || c.Value != "1" || c.MaxAge != int(OptOutMaxAge/time.Second) {
		t.Fatalf("opt-out: %d %+v", resp.StatusCode, c)
	}
	req := httptest.NewRequest("DELETE", "http://proxy.site.example/optout", nil)
	req.Header.Set("Origin", "https://evil.example")
	if resp := do(req); resp.StatusCode != 403 {
		t.Fatalf("cross-site opt-in: %d, want 403", resp.StatusCode)
	}
	req = httptest.NewRequest("DELETE", "http://proxy.site.example/optout", nil)
	req.Header.Set("Origin", "https://site.example")
	resp = do(req)
	if c := findCookie(resp, OptOutCookie); resp.StatusCode != 200 || c == nil || c.MaxAge >= 0 && c.Expires.After(time.Now()) {
		t.Fatalf("opt-in: %d %+v", resp.StatusCode, c)
	}
}

// TestPostWithdrawal: a choice that takes back a grant counts once, as a
// withdrawal, and expires Google's cookies; a choice that only adds does not.
func TestPostWithdrawal(t *testing.T) {
	h, log, do := newHandlers(t)
	granted, _ := h.Codec.NewRecord("7", Categories{Analytics: true, Marketing: true})
	post := func(cookie, body string) *http.Response {
		req := httptest.NewRequest("POST", "http://proxy.site.example/consent", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Cookie", cookie)
		return do(req)
	}
	resp := post(ConsentCookie+"="+h.Codec.Encode(granted, "proxy.site.example")+"; _ga=GA1.1.1.2; _ga_X1=GS1",
		`{"analytics":true,"marketing":false,"site":"G-TEST123"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// gtag's cookies live on the registrable domain (site.example): each is
	// expired there, on every domain in between and host-only; _ga_TEST123
	// is the served id's, which this request does not carry.
	var expired []string
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "_ga") && (c.MaxAge < 0 || c.Expires.Before(time.Now())) {
			expired = append(expired, c.Name+"@"+c.Domain)
		}
	}
	sort.Strings(expired)
	if want := "_ga@,_ga@proxy.site.example,_ga@site.example,_ga_TEST123@,_ga_TEST123@proxy.site.example,_ga_TEST123@site.example," +
		"_ga_X1@,_ga_X1@proxy.site.example,_ga_X1@site.example"; strings.Join(expired, ",") != want {
		t.Fatalf("expired %v, want %s", expired, want)
	}
	denied, _ := h.Codec.NewRecord("7", Categories{})
	post(ConsentCookie+"="+h.Codec.Encode(denied, "proxy.site.example"), `{"analytics":true,"marketing":true,"site":"G-TEST123"}`)
	post("cp_consent=tampered", `{"analytics":false,"marketing":false,"site":"G-TEST123"}`)
	want := "G-TEST123|7|withdraw,G-TEST123|7|accept_all,G-TEST123|7|reject_all"
	if got := strings.Join(log.got, ","); got != want {
		t.Fatalf("choices %s, want %s", got, want)
	}
}

func TestGADomains(t *testing.T) {
	for _, tc := range []struct{ host, extra, want string }{
		{"cp.example.com", "", ",cp.example.com,example.com"},
		{"a.b.shop.example.co.uk", "", ",a.b.shop.example.co.uk,b.shop.example.co.uk,shop.example.co.uk,example.co.uk"},
		{"example.com", ".example.com", ",example.com"},
		{"cp.example.test", "", ",cp.example.test,example.test"},
		{"203.0.113.7", "", ""},
		{"localhost", "", ""},
		{"cp.example.com", "other.example", ",cp.example.com,example.com,other.example"},
		{"co.uk", "", ""},
	} {
		if got := strings.Join(gaDomains(tc.host, tc.extra), ","); got != tc.want {
			t.Errorf("gaDomains(%q, %q) = %q, want %q", tc.host, tc.extra, got, tc.want)
		}
	}
}
