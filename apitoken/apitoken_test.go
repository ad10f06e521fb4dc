package apitoken

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy/web"
)

const (
	plainToken  = "plain-token-0123456789abcdef"
	hashedToken = "hashed-token-abcdef0123456789"
)

func tokensFile() string {
	sum := sha256.Sum256([]byte(hashedToken))
	return `tokens:
  - name: team-a
    token: ` + plainToken + `
    sites: [G-AAAA1111]
    rate_per_minute: 6
  - name: agency
    sha256: ` + hex.EncodeToString(sum[:]) + `
    sites: ["*"]
`
}

func serve(t *testing.T, s *Set) func(site, auth string) (int, string, string) {
	t.Helper()
	app, _ := web.NewApp(web.Config{})
	app.Get("/q", func(c *fiber.Ctx) error {
		if err := s.Authorize(c, c.Query("site")); err != nil {
			return err
		}
		return c.SendString("ok " + Name(c))
	})
	return func(site, auth string) (int, string, string) {
		req := httptest.NewRequest("GET", "/q?site="+site, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header.Get("Retry-After") + resp.Header.Get("WWW-Authenticate")
	}
}

func TestAuthorize(t *testing.T) {
	s, err := Parse([]byte(tokensFile()))
	if err != nil {
		t.Fatal(err)
	}
	do := serve(t, s)
	tests := []struct {
		name, site, auth string
		status           int
		body             string
	}{
		{"no token", "G-AAAA1111", "", 401, "A valid bearer token is required.\n"},
		{"not bearer", "G-AAAA1111", "Basic " + plainToken, 401, "A valid bearer token is required.\n"},
		{"wrong token", "G-AAAA1111", "Bearer " + plainToken + "x", 401, "A valid bearer token is required.\n"},
		{"the hash itself is no token", "G-AAAA1111", "Bearer " + strings.Repeat("0", 64), 401, "A valid bearer token is required.\n"},
		{"plain token, its site", "G-AAAA1111", "Bearer " + plainToken, 200, "ok team-a"},
		{"case of the scheme", "G-AAAA1111", "bearer " + plainToken, 200, "ok team-a"},
		{"plain token, another site", "G-BBBB2222", "Bearer " + plainToken, 403, "This token may not read that site.\n"},
		{"hashed token, any site", "G-BBBB2222", "Bearer " + hashedToken, 200, "ok agency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := do(tt.site, tt.auth)
			if status != tt.status || body != tt.body {
				t.Fatalf("got %d %q, want %d %q", status, body, tt.status, tt.body)
			}
			if strings.Contains(body, plainToken) || strings.Contains(body, hashedToken) {
				t.Fatal("a token was echoed")
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	s, err := Parse([]byte(tokensFile()))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	do := serve(t, s)
	// team-a: 6 per minute, bursts of 3.
	for i := 0; i < 3; i++ {
		if st, _, _ := do("G-AAAA1111", "Bearer "+plainToken); st != 200 {
			t.Fatalf("request %d: %d", i, st)
		}
	}
	st, _, retry := do("G-AAAA1111", "Bearer "+plainToken)
	if st != 429 || retry != "10" {
		t.Fatalf("past the burst: %d, Retry-After %q; want 429, 10", st, retry)
	}
	if st, _, _ := do("G-BBBB2222", "Bearer "+hashedToken); st != 200 {
		t.Fatalf("another token is limited separately: %d", st)
	}
	now = now.Add(10 * time.Second) // one request refilled
	if st, _, _ := do("G-AAAA1111", "Bearer "+plainToken); st != 200 {
		t.Fatalf("after refill: %d", st)
	}
	if st, _, _ := do("G-AAAA1111", "Bearer "+plainToken); st != 429 {
		t.Fatalf("second after refill: %d", st)
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(`tokens:
  - token: short
    sites: [G-AAAA1111]
  - name: x
    sha256: nothex
  - name: x
    token: ` + plainToken + `
    sha256: ` + strings.Repeat("a", 64) + `
    sites: [G-A]
    rate_per_minute: -1
`))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"token 1: a name is required", "token 1: a token needs at least 24",
		"token 2 (x): sha256 must be 64 hex digits", "token 2 (x): sites is required",
		"token 3 (x): the name is used twice", "token 3 (x): give sha256 or token, not both",
		"token 3 (x): rate_per_minute must be"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), plainToken) {
		t.Error("the error echoes a token")
	}
	if _, err := Parse([]byte("tokens: []")); err == nil {
		t.Error("an empty file was accepted")
	}
}

// FuzzParse: no input panics the parser.
func FuzzParse(f *testing.F) {
	f.Add(tokensFile())
	f.Add("tokens: [{name: a, token: 0123456789012345678901234, sites: ['*']}]")
	f.Add("tokens: 7")
	f.Fuzz(func(t *testing.T, s string) {
		set, err := Parse([]byte(s))
		if err == nil && len(set.list()) == 0 {
			t.Fatal("a set without tokens")
		}
	})
}

func TestCheckAndAllow(t *testing.T) {
	s, err := Parse([]byte(tokensFile()))
	if err != nil {
		t.Fatal(err)
	}
	g, ok := s.Check(plainToken)
	if !ok || g.Name != "team-a" || g.All || !g.Allows("G-AAAA1111") || g.Allows("G-BBBB2222") {
		t.Fatalf("Check(plain) = %+v, %v", g, ok)
	}
	if g, ok := s.Check(hashedToken); !ok || !g.All || !g.Allows("G-ANY") {
		t.Fatalf("Check(hashed) = %+v, %v", g, ok)
	}
	if _, ok := s.Check("nope-nope-nope-nope-nope-nope"); ok {
		t.Fatal("unknown token accepted")
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if w := s.Allow("team-a"); w != 0 {
			t.Fatalf("request %d waits %v", i, w)
		}
	}
	if w := s.Allow("team-a"); w != 10*time.Second {
		t.Fatalf("past the burst: wait %v, want 10s", w)
	}
	if w := s.Allow("gone"); w == 0 {
		t.Fatal("a removed token's session is not limited")
	}
}

// TestShareToken: a share link's token signs the dashboard in (Check
// grants it, marked Share) but the API refuses it as a bearer token, even
// for its own site; turning a token into a share link's changes its
// revision, so its sessions end.
func TestShareToken(t *testing.T) {
	const share = "share-token-0123456789abcdef"
	file := `tokens:
  - name: board
    token: ` + share + `
    sites: [G-AAAA1111]
    share: true
`
	s, err := Parse([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	g, ok := s.Check(share)
	if !ok || !g.Share || !g.Allows("G-AAAA1111") || g.Allows("G-BBBB2222") {
		t.Fatalf("Check: %+v %v", g, ok)
	}
	do := serve(t, s)
	if status, body, _ := do("G-AAAA1111", "Bearer "+share); status != 403 || !strings.Contains(body, "share link") {
		t.Errorf("bearer share token: %d %q, want 403", status, body)
	}
	key := []byte("revision-key-0123456789")
	shared, _ := s.Revision("board", key)
	plain, err := Parse([]byte(strings.Replace(file, "share: true", "share: false", 1)))
	if err != nil {
		t.Fatal(err)
	}
	unshared, _ := plain.Revision("board", key)
	if bytes.Equal(shared, unshared) {
		t.Error("share and plain token have one revision")
	}
}
