package dims

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzPath checks Path's contract on any input: no panic, starts with '/',
// no query or fragment characters, no empty segment or trailing slash,
// bounded, valid UTF-8, and idempotent.
func FuzzPath(f *testing.F) {
	for _, s := range []string{"https://example.com/a/b?x=1#y", "/caf%C3%A9/", "//h/%2e%2e/x", "/a;b=c/d",
		"/x@y.z", "\\\\a\\b", "/%", "/%f", "/\xff", "http://a/" + strings.Repeat("é", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p := Path(in)
		if p == "" || p[0] != '/' {
			t.Fatalf("Path(%q) = %q: not absolute", in, p)
		}
		if strings.ContainsAny(p, "?#\\") {
			t.Fatalf("Path(%q) = %q contains ?, # or \\", in, p)
		}
		if len(p) > MaxPathLen || !utf8.ValidString(p) {
			t.Fatalf("Path(%q) = %q: len %d, valid %v", in, p, len(p), utf8.ValidString(p))
		}
		if p != "/" && (strings.HasSuffix(p, "/") || strings.Contains(p, "//")) {
			t.Fatalf("Path(%q) = %q: empty segment", in, p)
		}
		for _, seg := range strings.Split(p[1:], "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("Path(%q) = %q: dot segment", in, p)
			}
		}
		for i := 0; i < len(p); i++ {
			if p[i] <= ' ' || p[i] == 0x7f {
				t.Fatalf("Path(%q) = %q: control or space byte", in, p)
			}
			if p[i] == '%' && (i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2])) {
				t.Fatalf("Path(%q) = %q: broken escape", in, p)
			}
		}
		if q := Path(p); q != p {
			t.Fatalf("not idempotent: Path(%q) = %q, Path(that) = %q", in, p, q)
		}
	})
}

// FuzzSourceOf checks SourceOf on any page/referrer pair: no panic, a known
// channel, bounded valid UTF-8 fields, a bare host as referrer, and no '@'
// (e-mail) anywhere; the AI option changes nothing but the channel, and
// only from Referral or Unassigned; IsReferrerSpam does not panic.
func FuzzSourceOf(f *testing.F) {
	f.Add("https://shop.example.com/?utm_source=Google&utm_medium=cpc&utm_campaign=x", "https://www.google.de/search?q=a")
	f.Add("https://a.test/?gclid=1&fbclid=2", "android-app://com.google.android.gm/")
	f.Add("/?utm_campaign=%C3%A9%00%FF+x", "http://[::1]:80/")
	f.Add("https://a.test/?utm_source=a%40b.c", "https://user@WWW.Example.COM.:8080/p?q#f")
	channels := map[string]bool{}
	for _, c := range Channels() {
		channels[c] = true
	}
	f.Fuzz(func(t *testing.T, pageURL, referrer string) {
		s := SourceOf(pageURL, referrer)
		if !channels[s.Channel] || s.Channel == ChannelAIAssistant {
			t.Fatalf("channel %q", s.Channel)
		}
		if ai := SourceWith(pageURL, referrer, Options{AIChannel: true}); ai != s {
			if ai.Channel != ChannelAIAssistant || (s.Channel != ChannelReferral && s.Channel != ChannelUnassigned) {
				t.Fatalf("AI option: %+v vs %+v", ai, s)
			}
			if ai.Referrer != s.Referrer || ai.UTMSource != s.UTMSource || ai.UTMMedium != s.UTMMedium || ai.UTMCampaign != s.UTMCampaign {
				t.Fatalf("AI option changed more than the channel: %+v vs %+v", ai, s)
			}
		}
		_ = IsReferrerSpam(referrer)
		if len(s.Referrer) > MaxHostLen || strings.ContainsAny(s.Referrer, "/?#:@ \\") ||
			s.Referrer != strings.ToLower(s.Referrer) || strings.HasPrefix(s.Referrer, "www.") {
			t.Fatalf("referrer %q", s.Referrer)
		}
		for _, v := range []string{s.Referrer, s.UTMSource, s.UTMMedium, s.UTMCampaign} {
			if !utf8.ValidString(v) || strings.IndexByte(v, '@') >= 0 {
				t.Fatalf("field %q", v)
			}
			for _, r := range v {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("control character in %q", v)
				}
			}
		}
		for _, v := range []string{s.UTMSource, s.UTMMedium, s.UTMCampaign} {
			if len(v) > MaxUTMLen || v != strings.TrimSpace(v) {
				t.Fatalf("utm value %q", v)
			}
		}
		if s.Referrer == "" && s.Channel == ChannelReferral && referrer == "" && s.UTMSource == "" && s.UTMMedium == "" {
			t.Fatalf("referral without referrer: %+v", s)
		}
	})
}

// FuzzLocale checks Language and Country stay within their forms.
func FuzzLocale(f *testing.F) {
	f.Add("en-US,en;q=0.9", "de")
	f.Fuzz(func(t *testing.T, ul, cc string) {
		if l := Language(ul); l != "" && (len(l) < 2 || len(l) > 3 || l != strings.ToLower(l) || !isASCIILetters(l)) {
			t.Fatalf("Language(%q) = %q", ul, l)
		}
		if c := Country(cc); c != "" && (len(c) != 2 || countries[c] != c) {
			t.Fatalf("Country(%q) = %q", cc, c)
		}
	})
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
