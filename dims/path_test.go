package dims

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPath(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://example.com/pricing", "/pricing"},
		{"https://example.com/pricing/", "/pricing"},
		{"https://example.com/", "/"},
		{"https://example.com", "/"},
		{"https://example.com?x=1", "/"},
		{"https://example.com/a/b?utm_source=x&token=secret#frag", "/a/b"},
		{"https://example.com/a#x?y", "/a"},
		{"https://user:pw@example.com:8443/a", "/a"},
		{"HTTP://EXAMPLE.COM/Pricing", "/Pricing"},
		{"//example.com/a", "/a"},
		{"/a//b///c/", "/a/b/c"},
		{"/a/./b/../c", "/a/c"},
		{"/../../a", "/a"},
		{"/a/%2E%2E/b", "/b"},
		{"/caf%c3%a9", "/café"},
		{"/café", "/café"},
		{"/a%2fb", "/a%2Fb"},
		{"/a%3Fb%23c", "/a%3Fb%23c"},
		{"/100%", "/100%25"},
		{"/100%25", "/100%25"},
		{"/%zz", "/%25zz"},
		{"/a%20b", "/a%20b"},
		{"/a b", "/a%20b"},
		{"/tab\there", "/tab%09here"},
		{"/%ff", "/%FF"},
		{"/\xff\xfe", "/%FF%FE"},
		{"/%41%42", "/AB"},
		{"\\a\\b", "/a/b"},
		{"https://example.com\\a\\b", "/a/b"},
		{"/cart;jsessionid=ABC123/items", "/cart/items"},
		{"/a;b", "/a"},
		{"/user/jane.doe@example.com/settings", "/user/(redacted)/settings"},
		{"/user/jane.doe%40example.com", "/user/(redacted)"},
		{"/reset/9f8e7d6c5b4a39281706f5e4d3c2b1a0", "/reset/(redacted)"},
		{"/call/+4930123456", "/call/(redacted)"},
		{"/product/1234567890", "/product/1234567890"},
		{"/@handle", "/@handle"},
		{"/@jane.doe", "/@jane.doe"},
		{"  https://example.com/a  ", "/a"},
		{"", "/"},
		{"   ", "/"},
		{"pricing", "/"},
		{"javascript:alert(1)", "/"},
		{"mailto:a@b.c", "/"},
		{"ftp://example.com/a", "/"},
		{"about:blank", "/"},
		{"https:/example.com/a", "/"},
		{"?x=1", "/"},
		{"#top", "/"},
	}
	for _, c := range cases {
		if got := Path(c.in); got != c.want {
			t.Errorf("Path(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPathLengthCap(t *testing.T) {
	long := "/" + strings.Repeat("abcdefghij/", 100)
	got := Path(long)
	if len(got) > MaxPathLen || !strings.HasPrefix(got, "/abcdefghij/abcdefghij") || strings.HasSuffix(got, "/") {
		t.Fatalf("Path(long) = %q (len %d)", got, len(got))
	}
	// Multi-byte runes and escapes are never split.
	for pad := 0; pad < 8; pad++ {
		in := "/" + strings.Repeat("x", pad) + strings.Repeat("é%2F", 300)
		got := Path(in)
		if len(got) > MaxPathLen || !utf8.ValidString(got) {
			t.Fatalf("pad %d: len %d valid %v", pad, len(got), utf8.ValidString(got))
		}
		if i := strings.LastIndexByte(got, '%'); i >= 0 && i+3 > len(got) {
			t.Fatalf("pad %d: escape split at the end: %q", pad, got[len(got)-6:])
		}
		if Path(got) != got {
			t.Fatalf("pad %d: not idempotent", pad)
		}
	}
	if got := Path("/" + strings.Repeat("a", 20000)); len(got) != MaxPathLen {
		t.Errorf("single long segment: len %d, want %d", len(got), MaxPathLen)
	}
}

func TestPathFastPathDoesNotAllocate(t *testing.T) {
	u := "https://example.com/blog/2024/hello-world?utm_source=x"
	if n := testing.AllocsPerRun(100, func() { _ = Path(u) }); n != 0 {
		t.Errorf("Path on a normal URL allocates %.0f times", n)
	}
}

func BenchmarkPath(b *testing.B) {
	for _, u := range []string{
		"https://example.com/blog/2024/hello-world?utm_source=newsletter&utm_medium=email",
		"https://example.com/Caf%C3%A9/menu/?x=1",
	} {
		b.Run("", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_ = Path(u)
			}
		})
	}
}
