package redact

import (
	"bytes"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// E-mail addresses, anywhere in a text.
		{"Order confirmation for alice@example.com", "Order confirmation for (redacted)"},
		{"alice.smith+shop@mail.example.co.uk.", "(redacted)."},
		{"mailto:bob_99@example.org?subject=x", "mailto:(redacted)?subject=x"},
		{"<alice@example.com>, bob@example.com", "<(redacted)>, (redacted)"},
		{"ALICE@EXAMPLE.COM", "(redacted)"},
		{"@handle and user@localhost and a@b.c", "@handle and user@localhost and a@b.c"},
		{"alice%40example.com", "alice%40example.com"}, // encoded only counts in URLs
		// Phone numbers.
		{"Call +49 30 1234567 now", "Call (redacted) now"},
		{"+1 (555) 123-4567", "(redacted)"},
		{"(555) 123-4567", "(redacted)"},
		{"555-123-4567 or 555.123.4567", "(redacted) or (redacted)"},
		{"030 1234567", "(redacted)"},
		{"tel 01711234567", "tel (redacted)"},
		// Not phone numbers: dates, prices, sizes, short codes, versions.
		{"Sale 2024-11-27 to 2024-12-24", "Sale 2024-11-27 to 2024-12-24"},
		{"Sizes 10 12 14 16 18 20", "Sizes 10 12 14 16 18 20"},
		{"Total 1500000 EUR, order 12345", "Total 1500000 EUR, order 12345"},
		{"Chrome 143.0.7499.194", "Chrome 143.0.7499.194"},
		{"SKU A12-345-678", "SKU A12-345-678"},
		// Tokens: long, mixing letters and digits.
		{"reset 9f8e7d6c5b4a39281706f5e4d3c2b1a0 done", "reset (redacted) done"},
		{"id 550e8400-e29b-41d4-a716-446655440000", "id (redacted)"},
		{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "(redacted)"},
		{"add-property__property-address", "add-property__property-address"},
		{"Handmade ceramics — Example shop", "Handmade ceramics — Example shop"},
		{"", ""},
	} {
		got, changed := Text(nil, []byte(tc.in))
		if string(got) != tc.want || changed != (tc.in != tc.want) {
			t.Errorf("Text(%q) = %q, %v; want %q", tc.in, got, changed, tc.want)
		}
		if Sensitive([]byte(tc.in)) != (tc.in != tc.want) {
			t.Errorf("Sensitive(%q) = %v", tc.in, !(tc.in != tc.want))
		}
	}
}

func TestURL(t *testing.T) {
	keepUTM := func(name []byte) bool { return bytes.HasPrefix(name, []byte("utm_")) || string(name) == "gclid" }
	for _, tc := range []struct{ in, want string }{
		{"https://shop.example/users/alice@example.com/orders", "https://shop.example/users/(redacted)/orders"},
		{"https://shop.example/users/alice%40example.com/orders?tab=1", "https://shop.example/users/(redacted)/orders"},
		{"https://shop.example/catalog.pdf?download_token=abc&user=alice&utm_source=news#p2", "https://shop.example/catalog.pdf?utm_source=news"},
		{"https://shop.example/?utm_campaign=bob%40example.com&gclid=Cj0KCQiA", "https://shop.example/?utm_campaign=(redacted)&gclid=Cj0KCQiA"},
		{"https://alice:secret@shop.example:8443/a", "https://shop.example:8443/a"},
		{"https://shop.example/reset/9f8e7d6c5b4a39281706f5e4d3c2b1a0", "https://shop.example/reset/(redacted)"},
		{"https://shop.example/call/+4930123456", "https://shop.example/call/(redacted)"},
		{"https://shop.example/product/1234567890", "https://shop.example/product/1234567890"},
		{"https://shop.example/2024/11/27/winter-sale", "https://shop.example/2024/11/27/winter-sale"},
		{"https://shop.example", "https://shop.example"},
		{"/relative/alice@example.com", "/relative/(redacted)"},
	} {
		if got := URL(nil, []byte(tc.in), keepUTM); string(got) != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := URL(nil, []byte("https://x.example/p?utm_source=a"), nil); string(got) != "https://x.example/p" {
		t.Errorf("URL with no keep = %q", got)
	}
}

func TestIsURL(t *testing.T) {
	for in, want := range map[string]bool{"https://a.example/": true, "HTTP://A": true, "ftp://a": false, "/path": false, "": false} {
		if IsURL([]byte(in)) != want {
			t.Errorf("IsURL(%q) != %v", in, want)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	dst := make([]byte, 0, 256)
	s := []byte("Order confirmation for alice@example.com, call +49 30 1234567")
	u := []byte("https://shop.example/users/alice@example.com/orders?utm_source=x&token=y")
	keep := func(n []byte) bool { return bytes.HasPrefix(n, []byte("utm_")) }
	if n := testing.AllocsPerRun(100, func() {
		dst, _ = Text(dst[:0], s)
		dst = URL(dst[:0], u, keep)
	}); n != 0 {
		t.Errorf("%v allocations per run, want 0", n)
	}
}

// FuzzText: redaction is idempotent, never grows a clean input, and leaves
// no address behind.
func FuzzText(f *testing.F) {
	for _, s := range []string{"alice@example.com", "+49 30 1234567", "a@b@c.de", "x%40y.com", "(555) 123-4567", "550e8400-e29b-41d4-a716-446655440000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once, changed := Text(nil, []byte(s))
		if !changed && string(once) != s {
			t.Fatalf("unchanged text differs: %q → %q", s, once)
		}
		twice, _ := Text(nil, once)
		if !bytes.Equal(once, twice) {
			t.Fatalf("not idempotent: %q → %q → %q", s, once, twice)
		}
		if Sensitive(once) {
			t.Fatalf("%q still sensitive after redaction: %q", s, once)
		}
		u := URL(nil, []byte("https://h.example/"+s), nil)
		if strings.Contains(string(u), "#") {
			t.Fatalf("URL kept a fragment: %q", u)
		}
	})
}

// BenchmarkText covers the common case and inputs built to make a naive
// scan quadratic (every byte a word start of a long run); all must stay
// linear in the input's length.
func BenchmarkText(b *testing.B) {
	for name, s := range map[string]string{
		"title":   "Order confirmation for alice@example.com — Example shop",
		"dots":    strings.Repeat("a.", 32<<10) + "@x",
		"parens":  strings.Repeat("(", 64<<10),
		"digits":  strings.Repeat("1-", 32<<10),
		"atsigns": strings.Repeat("a@", 32<<10),
	} {
		b.Run(name, func(b *testing.B) {
			in, dst := []byte(s), make([]byte, 0, 2*len(s))
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				dst, _ = Text(dst[:0], in)
			}
		})
	}
}

// TestSensitiveValues: whole event-parameter values seen in real hits and
// in secrets' usual shapes.
func TestSensitiveValues(t *testing.T) {
	for v, want := range map[string]bool{
		"jane.doe@example.com":                 true,
		"JANE@EXAMPLE.CO.UK":                   true,
		"+49 170 1234567":                      true,
		"(415) 555-0132":                       true,
		"4155550132":                           true,
		"eyJhbGciOiJIUzI1NiJ9abc123XYZ":        true,
		"550e8400-e29b-41d4-a716-446655440000": true,
		"sk_live_51HG4abc123def456ghi789":      true,
		"add-property__property-address":       false,
		"text":                                 false,
		"12":                                   false,
		"2024":                                 false,
		"123456":                               false,
		"@handle":                              false,
		"user@localhost":                       false,
		"a@b.c":                                false,
		"Pricing page - Enterprise plan":       false,
		"first_field_position":                 false,
		"v1.2.3":                               false,
	} {
		if got := Sensitive([]byte(v)); got != want {
			t.Errorf("Sensitive(%q) = %v, want %v", v, got, want)
		}
	}
}
