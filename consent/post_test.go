package consent

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy/web"
)

// limitRig serves Handlers with a clock the test moves and client addresses
// chosen per request (X-Test-Client).
func limitRig(t *testing.T, h *Handlers) (*Handlers, func(client string) *http.Response, *time.Time) {
	t.Helper()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	codec, err := NewCodec([][]byte{keyA}, 182*24*time.Hour, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	h.Codec, h.Revision = codec, "7"
	h.ClientIP = func(c *fiber.Ctx) netip.Addr {
		a, _ := netip.ParseAddr(c.Get("X-Test-Client"))
		return a
	}
	app, _ := web.NewApp(web.Config{})
	h.Register(app)
	return h, func(client string) *http.Response {
		req := httptest.NewRequest("POST", "http://proxy.site.example/consent", strings.NewReader("analytics=true&marketing=true&site=G-TEST123"))
		req.RequestURI = ""
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
		req.Header.Set("X-Test-Client", client)
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}, &now
}

// TestPostConsentLimited: POST /consent is limited per address (default 10
// a minute, bursts of 20), so one address cannot inflate the consent rate
// (issue 14: it was unlimited); other addresses are not affected.
func TestPostConsentLimited(t *testing.T) {
	var counted int
	h, post, now := limitRig(t, &Handlers{Choice: func(string, string, string, string) { counted++ }})
	const attacker = "198.51.100.7"
	for i := range DefaultPostBurst {
		if resp := post(attacker); resp.StatusCode != 200 {
			t.Fatalf("post %d within the burst: %d", i, resp.StatusCode)
		}
	}
	resp := post(attacker)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "6" || findCookie(resp, ConsentCookie) != nil {
		t.Fatalf("past the burst: %d Retry-After %q; want 429, 6 and no cookie", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if counted != DefaultPostBurst {
		t.Errorf("%d choices counted, want %d (a refused post counts none)", counted, DefaultPostBurst)
	}
	if resp := post("203.0.113.9"); resp.StatusCode != 200 {
		t.Errorf("another address: %d, want 200", resp.StatusCode)
	}
	*now = now.Add(6 * time.Second) // one choice refills
	if resp := post(attacker); resp.StatusCode != 200 {
		t.Errorf("6 s later: %d, want 200", resp.StatusCode)
	}
	if resp := post(attacker); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("and the next: %d, want 429", resp.StatusCode)
	}
	if st := h.PostStats(); st.Limited != 2 || st.Malformed != 0 {
		t.Errorf("PostStats = %+v, want 2 limited", st)
	}

	// IPv6 counts per /64.
	for i := range DefaultPostBurst {
		post("2001:db8:1:2::" + string(rune('1'+i%9)))
	}
	if resp := post("2001:db8:1:2:ffff::1"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the same /64: %d, want 429", resp.StatusCode)
	}
	if resp := post("2001:db8:1:3::1"); resp.StatusCode != 200 {
		t.Errorf("the next /64: %d, want 200", resp.StatusCode)
	}
}

func TestPostConsentLimitSettings(t *testing.T) {
	_, post, _ := limitRig(t, &Handlers{PostsPerMinute: 1, PostBurst: 1})
	if post("192.0.2.1").StatusCode != 200 {
		t.Fatal("first post refused")
	}
	if resp := post("192.0.2.1"); resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "60" {
		t.Errorf("second: %d Retry-After %q, want 429, 60", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	_, post, _ = limitRig(t, &Handlers{PostsPerMinute: -1})
	for i := range 3 * DefaultPostBurst {
		if post("192.0.2.1").StatusCode != 200 {
			t.Fatalf("no limit: post %d refused", i)
		}
	}
	if err := (&Handlers{Codec: mustCodec(t, time.Now(), keyA), PostBurst: -1}).Validate(); err == nil {
		t.Error("a negative burst passed Validate")
	}
}

func multipartBody(t *testing.T, fields map[string]string, file bool) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if file {
		f, _ := w.CreateFormFile("analytics", "x.txt")
		f.Write([]byte("true"))
	}
	w.Close()
	return w.FormDataContentType(), b.String()
}

// TestPostConsentMalformed: a body that is not a choice is a 400, counted,
// and never a refusal (issue 14: a form that failed to parse read as two
// empty fields, recorded as reject_all); what the banner and forms really
// send still works.
func TestPostConsentMalformed(t *testing.T) {
	h, log, do := newHandlers(t)
	mpCT, mpBody := multipartBody(t, map[string]string{"analytics": "on", "site": "G-TEST123"}, false)
	_, fileBody := multipartBody(t, map[string]string{"marketing": "0"}, true)
	fileCT := "multipart/form-data; boundary=" + fileBody[2:strings.Index(fileBody, "\r\n")]
	for _, tt := range []struct {
		name, ctype, body string
		status            int
		outcome           string
	}{
		// Benign: the banner's fetch (URLSearchParams), a form, JSON.
		{"banner", "application/x-www-form-urlencoded;charset=UTF-8", "analytics=true&marketing=false&site=G-TEST123", 200, "custom"},
		{"banner, no site", "application/x-www-form-urlencoded;charset=UTF-8", "analytics=false&marketing=false&site=", 200, "reject_all"},
		{"form, unchecked boxes and a named button", "application/x-www-form-urlencoded", "site=G-TEST123&save=Save", 200, "reject_all"},
		{"multipart", mpCT, mpBody, 200, "custom"},
		{"json with charset", "application/json; charset=utf-8", `{"analytics":true,"marketing":true,"site":"G-TEST123"}`, 200, "accept_all"},
		// Malformed.
		{"bad percent-encoding", "application/x-www-form-urlencoded", "analytics=%zz&marketing=0", 400, ""},
		{"semicolon separator", "application/x-www-form-urlencoded", "analytics=0;marketing=0", 400, ""},
		{"field twice", "application/x-www-form-urlencoded", "analytics=false&analytics=true&marketing=0", 400, ""},
		{"site twice", "application/x-www-form-urlencoded", "analytics=0&marketing=0&site=G-TEST123&site=G-X", 400, ""},
		{"bad value", "application/x-www-form-urlencoded", "analytics=maybe&marketing=0", 400, ""},
		{"multipart without boundary", "multipart/form-data", mpBody, 400, ""},
		{"multipart, empty boundary", "multipart/form-data; boundary=", mpBody, 400, ""},
		// (A body that does not match its boundary never gets here: the
		// server's pre-parse of multipart bodies refuses it with a 400.)
		{"multipart with a file", fileCT, fileBody, 400, ""},
		{"text/plain", "text/plain", "analytics=true&marketing=true", 400, ""},
		{"a lookalike type", "application/x-www-form-urlencodedx", "analytics=0&marketing=0", 400, ""},
		{"json missing a field", "application/json", `{"analytics":true}`, 400, ""},
		{"too large", "application/x-www-form-urlencoded", "analytics=0&marketing=0&x=" + strings.Repeat("y", 2000), 413, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(log.got)
			req := httptest.NewRequest("POST", "http://proxy.site.example/consent", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ctype)
			resp := do(req)
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, b, tt.status)
			}
			if tt.status != 200 {
				if findCookie(resp, ConsentCookie) != nil || len(log.got) != before {
					t.Fatalf("a refused post set a cookie or was counted: %v", log.got[before:])
				}
				return
			}
			if len(log.got) != before+1 || !strings.HasSuffix(log.got[before], "|"+tt.outcome) {
				t.Fatalf("counted %v, want one %s", log.got[before:], tt.outcome)
			}
		})
	}
	if st := h.PostStats(); st.Malformed != 12 || st.Limited != 0 {
		t.Errorf("PostStats = %+v, want 12 malformed (every refused case)", st)
	}
}

// TestHandlersReadEveryCookie: GET /consent and the opt-out page follow the
// duplicate-cookie rules (see OptedOut).
func TestHandlersReadEveryCookie(t *testing.T) {
	h, _, do := newHandlers(t)
	enc := func(cats Categories) string {
		r, _ := h.Codec.NewRecord("7", cats)
		return ConsentCookie + "=" + h.Codec.Encode(r, "proxy.site.example")
	}
	req := httptest.NewRequest("GET", "http://proxy.site.example/consent", nil)
	req.Header.Set("Cookie", "cp_optout=; "+enc(Categories{Analytics: true, Marketing: true})+"; cp_optout=1; "+enc(Categories{}))
	var got struct {
		OptedOut bool    `json:"opted_out"`
		Consent  *Record `json:"consent"`
	}
	if err := json.NewDecoder(do(req).Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if !got.OptedOut || got.Consent == nil || got.Consent.Analytics || got.Consent.Marketing {
		t.Errorf("GET /consent = %+v; want opted out and the refusal", got)
	}
	for cookies, want := range map[string]string{
		"cp_optout=; cp_optout=1":                                    PageOptedOut,
		enc(Categories{Analytics: true}) + "; " + enc(Categories{}):  PageDenied,
		ConsentCookie + "=junk; " + enc(Categories{Analytics: true}): PageConsented,
	} {
		req := httptest.NewRequest("GET", "http://proxy.site.example/optout", nil)
		req.Header.Set("Cookie", cookies)
		if p := loadPage(t, do, req); p.state != want {
			t.Errorf("page with %q: state %s, want %s", cookies, p.state, want)
		}
	}
}
