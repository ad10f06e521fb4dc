package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
)

// TestClientIP runs through a real app, so the peer is what Fiber's test
// connection reports (0.0.0.0) and trust is configured around it. Each
// entry of xff is one X-Forwarded-For header line.
func TestClientIP(t *testing.T) {
	tests := []struct {
		name    string
		trusted []string
		xff     []string
		want    string
	}{
		{"untrusted peer ignores XFF", nil, []string{"203.0.113.9"}, "0.0.0.0"},
		{"trusted peer, one hop", []string{"0.0.0.0/32"}, []string{"203.0.113.9"}, "203.0.113.9"},
		{"spoofed left-most entry is not believed", []string{"0.0.0.0/32"}, []string{"6.6.6.6, 203.0.113.9"}, "203.0.113.9"},
		{"trusted hops are skipped", []string{"0.0.0.0/32", "10.0.0.0/8"}, []string{"6.6.6.6, 203.0.113.9, 10.1.1.1, 10.2.2.2"}, "203.0.113.9"},
		{"all hops trusted", []string{"0.0.0.0/32", "10.0.0.0/8"}, []string{"10.1.1.1"}, "10.1.1.1"},
		{"garbage stops the walk", []string{"0.0.0.0/32"}, []string{"203.0.113.9, not-an-ip"}, "0.0.0.0"},
		{"IPv6 and mapped IPv4", []string{"0.0.0.0/32"}, []string{"::ffff:198.51.100.7"}, "198.51.100.7"},
		{"no XFF", []string{"0.0.0.0/32"}, nil, "0.0.0.0"},
		// A proxy that appends its own line (HAProxy) after the client's.
		{"spoofed first line is not believed", []string{"0.0.0.0/32"}, []string{"6.6.6.6", "203.0.113.9"}, "203.0.113.9"},
		{"lines are one list, trusted hops skipped across them", []string{"0.0.0.0/32", "10.0.0.0/8"},
			[]string{"6.6.6.6, 7.7.7.7", "203.0.113.9, 10.1.1.1", "10.2.2.2"}, "203.0.113.9"},
		{"trusted hops in every line", []string{"0.0.0.0/32", "10.0.0.0/8"}, []string{"10.1.1.1", "10.2.2.2, 10.3.3.3"}, "10.1.1.1"},
		{"garbage in the last line stops the walk", []string{"0.0.0.0/32"}, []string{"203.0.113.9", "not-an-ip"}, "0.0.0.0"},
		{"garbage in an earlier line keeps what was vouched for", []string{"0.0.0.0/32", "10.0.0.0/8"},
			[]string{"not-an-ip", "10.1.1.1"}, "10.1.1.1"},
		{"untrusted peer ignores every line", nil, []string{"6.6.6.6", "203.0.113.9"}, "0.0.0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ps []netip.Prefix
			for _, s := range tt.trusted {
				ps = append(ps, netip.MustParsePrefix(s))
			}
			trust := NewTrust(ps)
			app, _ := NewApp(Config{TrustedProxies: ps})
			app.Get("/", func(c *fiber.Ctx) error { return c.SendString(trust.ClientIP(c).String()) })
			req := httptest.NewRequest("GET", "/", nil)
			for _, line := range tt.xff {
				req.Header.Add("X-Forwarded-For", line)
			}
			resp, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			if string(b) != tt.want {
				t.Fatalf("ClientIP = %s, want %s", b, tt.want)
			}
		})
	}
}

func TestOrigins(t *testing.T) {
	o := NewOrigins([]string{" https://Site.Example/ ", "http://localhost:3000"})
	for origin, want := range map[string]bool{
		"https://site.example":      true,
		"HTTPS://SITE.EXAMPLE":      true,
		"http://localhost:3000":     true,
		"https://site.example.evil": false,
		"https://evil.site.example": false,
		"http://site.example":       false,
		"null":                      false,
		"":                          false,
		"https://site.example:8443": false,
	} {
		if got := o.Allowed([]byte(origin)); got != want {
			t.Errorf("Allowed(%q) = %v, want %v", origin, got, want)
		}
	}
}

func TestErrorHandlerHidesInternals(t *testing.T) {
	app, errs := NewApp(Config{})
	app.Get("/boom", func(c *fiber.Ctx) error { return io.ErrUnexpectedEOF })
	app.Get("/bad", func(c *fiber.Ctx) error { return consentproxy.Errorf(consentproxy.EINVALID, "Nope.") })
	resp, _ := app.Test(httptest.NewRequest("GET", "/boom", nil))
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 500 || !strings.HasPrefix(string(b), "Internal error.\nError id: ") {
		t.Fatalf("internal error answered %d %q", resp.StatusCode, b)
	}
	resp, _ = app.Test(httptest.NewRequest("GET", "/bad", nil))
	b, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || string(b) != "Nope.\n" {
		t.Fatalf("domain error answered %d %q", resp.StatusCode, b)
	}
	resp, _ = app.Test(httptest.NewRequest("GET", "/nowhere", nil))
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown path %d", resp.StatusCode)
	}
	if errs.Count(consentproxy.EINTERNAL) != 1 || errs.Count(consentproxy.EINVALID) != 1 || errs.Count(consentproxy.ENOTFOUND) != 1 {
		t.Fatalf("counters %v", errs.Snapshot())
	}
}

func TestStatusCoversEveryCode(t *testing.T) {
	for _, c := range codes {
		if s := Status(c); s < 400 || (c != consentproxy.EINTERNAL && c != consentproxy.EUNAVAIL && s >= 500) {
			t.Errorf("Status(%s) = %d", c, s)
		}
	}
}
