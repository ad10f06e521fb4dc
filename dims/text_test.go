package dims

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"  card \t\n payment ":              "card payment",
		"mail me: alice@example.com please": "mail me: (redacted) please",
		"call +49 170 1234567":              "call (redacted)",
		"\x00ok\x7f":                        "ok",
		"bad \xff utf8":                     "bad utf8",
		"":                                  "",
		"   ":                               "",
	} {
		if got := Text(in, 100); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Text(strings.Repeat("é", 80), 9); got != "éééé" {
		t.Errorf("cut: %q", got)
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"card", "a@b.example", "+49 170 1234567 x", "é\xff\x00"} {
		f.Add(s, 20)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1000 {
			return
		}
		got := Text(s, max)
		if len(got) > max || !utf8.ValidString(got) || strings.Contains(got, "@") && strings.Contains(s, "@example.com") {
			t.Errorf("Text(%q, %d) = %q", s, max, got)
		}
		if Text(got, max) != got {
			t.Errorf("not stable: %q → %q → %q", s, got, Text(got, max))
		}
	})
}
