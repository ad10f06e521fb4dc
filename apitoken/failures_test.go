package apitoken

import (
	"fmt"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy/web"
)

// fromHeader is a ClientIP for tests: the address in X-Test-Client.
func fromHeader(c *fiber.Ctx) netip.Addr {
	a, _ := netip.ParseAddr(c.Get("X-Test-Client"))
	return a
}

// limitRig serves Authorize with a fake clock and client addresses chosen
// per request.
type limitRig struct {
	t   *testing.T
	s   *Set
	app *fiber.App
	now time.Time
}

func newLimitRig(t *testing.T, file string) *limitRig {
	t.Helper()
	s, err := Parse([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	r := &limitRig{t: t, s: s, now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	s.now = func() time.Time { return r.now }
	s.Configure(Options{ClientIP: fromHeader})
	r.app, _ = web.NewApp(web.Config{})
	r.app.Get("/q", func(c *fiber.Ctx) error {
		if err := s.Authorize(c, c.Query("site")); err != nil {
			return err
		}
		return c.SendString("ok " + Name(c))
	})
	return r
}

// do asks from client with token; it returns the status and Retry-After.
func (r *limitRig) do(client, token string) (int, string) {
	r.t.Helper()
	req := httptest.NewRequest("GET", "/q?site=G-AAAA1111", nil)
	req.Header.Set("X-Test-Client", client)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := r.app.Test(req)
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

const victimFile = `tokens:
  - name: victim
    token: ` + plainToken + `
    sites: ["*"]
    rate_per_minute: 100000
`

// TestFailuresLimitedPerAddress: wrong tokens are limited per address, and
// never keep a valid token from another address out (issue 14: the API had
// no limit at all on wrong tokens, and the dashboard one global bucket).
func TestFailuresLimitedPerAddress(t *testing.T) {
	r := newLimitRig(t, victimFile)
	const attacker, victim = "198.51.100.7", "203.0.113.9"
	wrong := plainToken + "x"
	for i := range 200 {
		st, retry := r.do(attacker, wrong)
		switch {
		case i < DefaultFailuresPerMinute && st != 401:
			t.Fatalf("wrong token %d within the budget: %d, want 401", i, st)
		case i >= DefaultFailuresPerMinute && (st != 429 || retry == ""):
			t.Fatalf("wrong token %d past the budget: %d Retry-After %q, want 429 with Retry-After", i, st, retry)
		}
		if st, _ := r.do(victim, plainToken); st != 200 {
			t.Fatalf("valid token from another address, after %d wrong ones: %d, want 200", i+1, st)
		}
	}
	if st, retry := r.do(attacker, wrong); retry != "6" {
		t.Errorf("locked address: %d Retry-After %q, want 6 (one failure refills every 6 s)", st, retry)
	}
	// Locked means locked: the address is refused before its token is looked
	// at, so a right guess is not told apart from a wrong one.
	if st, _ := r.do(attacker, plainToken); st != 429 {
		t.Errorf("locked address with the valid token: %d, want 429", st)
	}
	// Other addresses have their own budget; no token at all spends none.
	if st, _ := r.do("198.51.100.8", wrong); st != 401 {
		t.Errorf("another address's first wrong token: %d, want 401", st)
	}
	for range 3 * DefaultFailuresPerMinute {
		if st, _ := r.do("192.0.2.1", ""); st != 401 {
			t.Fatalf("no token: %d, want 401", st)
		}
	}
	// Time refills the budget, one failure per 6 s.
	r.now = r.now.Add(6 * time.Second)
	if st, _ := r.do(attacker, wrong); st != 401 {
		t.Errorf("6 s later: %d, want 401 (one more try)", st)
	}
	if st, _ := r.do(attacker, wrong); st != 429 {
		t.Errorf("the try after: %d, want 429", st)
	}
	if n := r.s.FailuresRefused(); n < 190 {
		t.Errorf("FailuresRefused = %d, want the refusals counted", n)
	}
}

// TestFailuresIPv6PerPrefix: an IPv6 client counts by its /64, so walking
// through its own addresses buys nothing; another /64 is another client.
func TestFailuresIPv6PerPrefix(t *testing.T) {
	r := newLimitRig(t, victimFile)
	wrong := plainToken + "x"
	for i := range DefaultFailuresPerMinute {
		if st, _ := r.do(fmt.Sprintf("2001:db8:1:2::%x", i+1), wrong); st != 401 {
			t.Fatalf("failure %d: %d", i, st)
		}
	}
	if st, _ := r.do("2001:db8:1:2:ffff::1", wrong); st != 429 {
		t.Errorf("the same /64, another address: %d, want 429", st)
	}
	if st, _ := r.do("2001:db8:1:3::1", wrong); st != 401 {
		t.Errorf("the next /64: %d, want 401", st)
	}
	if st, _ := r.do("2001:db8:1:3::1", plainToken); st != 200 {
		t.Errorf("the next /64 with the valid token: %d, want 200", st)
	}
}

func TestFailureLimiter(t *testing.T) {
	l := NewFailureLimiter(60, 2) // one a second, bursts of 2
	now := time.Unix(1_800_000_000, 0)
	a := netip.MustParseAddr("192.0.2.1")
	mapped := netip.MustParseAddr("::ffff:192.0.2.1")
	if w := l.Wait(a, now); w != 0 {
		t.Fatalf("fresh address waits %v", w)
	}
	l.Fail(a, now)
	l.Fail(mapped, now) // the same address
	if w := l.Wait(a, now); w != time.Second {
		t.Fatalf("after the burst: wait %v, want 1s", w)
	}
	if w := l.Wait(netip.MustParseAddr("192.0.2.2"), now); w != 0 {
		t.Fatalf("a neighbour waits %v", w)
	}
	if w := l.Wait(a, now.Add(time.Second)); w != 0 {
		t.Fatalf("a second later: wait %v", w)
	}
	if l.Refused() != 1 {
		t.Fatalf("Refused = %d, want 1", l.Refused())
	}
	l.Fail(netip.Addr{}, now) // an unknown address is a key like any other
	if w := l.Wait(netip.Addr{}, now); w != 0 {
		t.Fatalf("unknown address, one failure: wait %v", w)
	}
}

// TestReload: a token removed from the file stops working at once; one
// that stays keeps its rate bucket; an invalid file changes nothing.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.yaml")
	write := func(s string) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(tokensFile())
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	do := serve(t, s)
	for range 3 { // team-a's burst
		if st, _, _ := do("G-AAAA1111", "Bearer "+plainToken); st != 200 {
			t.Fatalf("before reload: %d", st)
		}
	}
	if st, _, _ := do("G-BBBB2222", "Bearer "+hashedToken); st != 200 {
		t.Fatalf("agency before reload: %d", st)
	}
	key := []byte("0123456789abcdef")
	revA, _ := s.Revision("team-a", key)

	// agency is removed; team-a stays as it was.
	write(`tokens:
  - name: team-a
    token: ` + plainToken + `
    sites: [G-AAAA1111]
    rate_per_minute: 6
`)
	if err := s.Reload(path); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := do("G-BBBB2222", "Bearer "+hashedToken); st != 401 {
		t.Errorf("removed token after reload: %d, want 401", st)
	}
	if _, ok := s.Revision("agency", key); ok {
		t.Error("removed token still has a revision")
	}
	if st, _, _ := do("G-AAAA1111", "Bearer "+plainToken); st != 429 {
		t.Errorf("kept token after reload: %d, want 429 (its spent bucket is kept)", st)
	}
	if rev, _ := s.Revision("team-a", key); string(rev) != string(revA) {
		t.Error("an unchanged token's revision changed")
	}

	write("tokens: [")
	if err := s.Reload(path); err == nil {
		t.Error("an invalid file was accepted")
	}
	if _, ok := s.Check(plainToken); !ok {
		t.Error("an invalid file changed the tokens")
	}
}

// TestRevision: the revision follows the token's hash and sites, not its
// rate, and depends on the key.
func TestRevision(t *testing.T) {
	key := []byte("0123456789abcdef")
	rev := func(file string) string {
		t.Helper()
		s, err := Parse([]byte(file))
		if err != nil {
			t.Fatal(err)
		}
		r, ok := s.Revision("n", key)
		if !ok {
			t.Fatal("no revision")
		}
		g, r2, ok := s.CheckRevision(plainToken, key)
		if ok && (g.Name != "n" || string(r2) != string(r)) {
			t.Fatalf("CheckRevision = %+v, %x; want n, %x", g, r2, r)
		}
		return string(r)
	}
	base := rev("tokens: [{name: n, token: " + plainToken + ", sites: [G-A, G-B]}]")
	if rev("tokens: [{name: n, token: "+plainToken+", sites: [G-B, G-A], rate_per_minute: 7}]") != base {
		t.Error("order of sites or the rate changed the revision")
	}
	for name, file := range map[string]string{
		"rotated":  "tokens: [{name: n, token: " + hashedToken + ", sites: [G-A, G-B]}]",
		"narrowed": "tokens: [{name: n, token: " + plainToken + ", sites: [G-A]}]",
		"all":      "tokens: [{name: n, token: " + plainToken + ", sites: ['*']}]",
		"joined":   "tokens: [{name: n, token: " + plainToken + ", sites: [G-AG-B]}]",
	} {
		if rev(file) == base {
			t.Errorf("%s: the revision did not change", name)
		}
	}
	s, _ := Parse([]byte("tokens: [{name: n, token: " + plainToken + ", sites: [G-A, G-B]}]"))
	if r, _ := s.Revision("n", []byte("another-key-0123")); string(r) == base {
		t.Error("the revision does not depend on the key")
	}
}
