package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// authRig is a Main with the API and the dashboard on (an embedded store and
// a tokens file), and loopback peers treated as trusted proxies, so that
// each test visitor is its own X-Forwarded-For address.
func authRig(t *testing.T) (*Main, *rig, string) {
	t.Helper()
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	writeTokens(t, tokens, apiToken)
	m := mustRunMainOn(t, freshDB(t, engineChdb), func(c *Config) {
		raw := newRawConfig()
		if err := raw.parse([]string{"--measurement-ids", siteA, "--api-tokens", "@" + tokens}, func(string) (string, bool) { return "", false }); err != nil {
			t.Fatal(err)
		}
		parsed, errs := raw.validate()
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		c.APITokens, c.apiTokensPath = parsed.APITokens, parsed.apiTokensPath
	})
	return m, rigOf(t, m), tokens
}

func writeTokens(t *testing.T, path string, tokens ...string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("tokens:\n")
	for i, tok := range tokens {
		b.WriteString("  - name: t" + string(rune('a'+i)) + "\n    token: " + tok + "\n    sites: [" + siteA + "]\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

const authQuery = `{"site":"` + siteA + `","metrics":["pageviews"],"date_range":"today","timezone":"UTC"}`

func (r *rig) api(ip, token, query string) (int, string, http.Header) {
	h := map[string]string{"Content-Type": "application/json", "X-Forwarded-For": ip}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return r.do("POST", "/api/v1/query", h, query)
}

// TestTokenGuessingAndLockout: an address that guesses API tokens gets 429
// after its budget, while a valid token from another address always gets
// in; the same for dashboard sign-ins, where one global bucket used to lock
// everyone out. A token removed from the file and reloaded (SIGHUP) stops
// working at once (that its dashboard sessions end too is
// dashboard.TestSessionEndsWithItsToken).
func TestTokenGuessingAndLockout(t *testing.T) {
	m, r, tokens := authRig(t)
	const attacker, victim = "198.51.100.66", "203.0.113.5"
	limited := 0
	for i := range 60 {
		status, _, h := r.api(attacker, "wrong-token-guess-0123456789-"+string(rune('a'+i%26)), authQuery)
		switch status {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			limited++
			if h.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
		default:
			t.Fatalf("guess %d: status %d", i, status)
		}
		if i%10 != 9 {
			continue // the token has a rate of its own
		}
		if status, body, _ := r.api(victim, apiToken, authQuery); status != http.StatusOK {
			t.Fatalf("the valid token from another address after guess %d: %d %s", i, status, body)
		}
	}
	if limited < 40 {
		t.Errorf("%d of 60 guesses limited; want all but the first few", limited)
	}
	if status, _, _ := r.api("2001:db8:66::1", "wrong-token-guess-0123456789-x", authQuery); status != http.StatusUnauthorized {
		t.Errorf("a fresh address's first wrong guess: %d, want 401 (the limit is per address)", status)
	}

	// Dashboard sign-in: the attacker fails, the victim signs in every time.
	noRedirect := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	login := func(ip, token string) (int, string) {
		req, _ := http.NewRequest("POST", r.base+"/dashboard/login", strings.NewReader("token="+token))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", ip)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, ck := range resp.Cookies() {
			if ck.Value != "" {
				return resp.StatusCode, ck.Name + "=" + ck.Value
			}
		}
		return resp.StatusCode, ""
	}
	lockedOut := false
	for i := range 20 {
		if status, _ := login(attacker, "not-a-token-0123456789abcdef"); status == http.StatusTooManyRequests {
			lockedOut = true
		}
		if status, ck := login(victim, apiToken); status != http.StatusSeeOther || ck == "" {
			t.Fatalf("sign-in with a valid token after %d failures elsewhere: %d", i+1, status)
		}
	}
	if !lockedOut {
		t.Errorf("20 failed sign-ins from one address never got 429")
	}
	// Rotation: the file loses the token; after the reload it opens nothing.
	writeTokens(t, tokens, "a-new-token-0123456789abcdefgh")
	if err := m.ReloadTokens(); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := r.api("203.0.113.77", apiToken, authQuery); status != http.StatusUnauthorized {
		t.Errorf("the removed token after a reload: %d, want 401", status)
	}
	if status, _, _ := r.api("203.0.113.77", "a-new-token-0123456789abcdefgh", authQuery); status != http.StatusOK {
		t.Errorf("the new token after a reload: %d, want 200", status)
	}
}

// TestEncodedBodiesRefused: a gzip bomb of a few hundred bytes (64 MiB of
// zeros inside) gets 415 on every route that takes a body, before
// authorization, and the process's heap does not grow by the bomb.
func TestEncodedBodiesRefused(t *testing.T) {
	_, r, _ := authRig(t)
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 64 {
		zw.Write(zeros)
	}
	zw.Close()
	for _, path := range []string{"/consent", "/optout", "/g/collect?v=2&tid=" + siteA + "&en=page_view", "/api/v1/query", "/dashboard/login"} {
		for _, enc := range []string{"gzip", "gzip, gzip", "br", "deflate", "GZIP"} {
			status, body, _ := r.do("POST", path, map[string]string{"Content-Encoding": enc, "Content-Type": "application/json",
				"X-Forwarded-For": "203.0.113.9"}, bomb.String())
			if status != http.StatusUnsupportedMediaType {
				t.Errorf("POST %s with Content-Encoding %q: %d %q, want 415", path, enc, status, body)
			}
		}
	}
	if n := r.m.Errors.Count("encoded_body"); n != 25 {
		t.Errorf("encoded_body counted %d times, want 25", n)
	}
}

// TestMalformedRequestNotEchoed: a request fasthttp cannot parse is answered
// with a fixed reason; its cookies and Authorization never come back.
func TestMalformedRequestNotEchoed(t *testing.T) {
	m := MustRunMain(t, nil)
	for _, raw := range []string{
		"GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: cp_consent=SECRET123\r\nAuthorization: Bearer TOKEN456\r\nBroken header line\r\n\r\n",
		"GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: cp_consent=SECRET123\r\nAuthorization: Bearer TOKEN456\r\nContent-Length: -5\r\n\r\n",
	} {
		c, err := net.DialTimeout("tcp", m.Addr(), 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, raw)
		resp, err := io.ReadAll(bufio.NewReader(c))
		c.Close()
		if len(resp) == 0 {
			t.Fatalf("no answer to %q: %v", raw, err)
		}
		if !bytes.HasPrefix(resp, []byte("HTTP/1.1 400")) {
			t.Errorf("answer %q, want a 400", resp)
		}
		for _, secret := range []string{"SECRET123", "TOKEN456", "Bearer", "cp_consent"} {
			if bytes.Contains(resp, []byte(secret)) {
				t.Errorf("the answer echoes %s: %q", secret, resp)
			}
		}
	}
}
