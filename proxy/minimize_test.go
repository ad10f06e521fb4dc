package proxy

import (
	"net/netip"
	"testing"
)

func TestTruncateIP(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.77":                "203.0.113.0",
		"8.8.8.8":                     "8.8.8.0",
		"::ffff:203.0.113.77":         "203.0.113.0",
		"2a00:1450:4001:82a::200e":    "2a00:1450:4001::",
		"2001:4860:4860::8888":        "2001:4860:4860::",
		"10.1.2.3":                    "invalid IP",
		"192.168.1.1":                 "invalid IP",
		"172.16.0.1":                  "invalid IP",
		"127.0.0.1":                   "invalid IP",
		"::1":                         "invalid IP",
		"fe80::1":                     "invalid IP",
		"fd00::1":                     "invalid IP",
		"0.0.0.0":                     "invalid IP",
		"224.0.0.1":                   "invalid IP",
		"2001:db8:1:2:3:4:5:6":        "2001:db8:1::", // documentation range is global unicast syntactically
		"100.64.0.1":                  "100.64.0.0",
		"2a00:1450:4001:82a::200e%x1": "2a00:1450:4001::",
	} {
		a, err := netip.ParseAddr(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := TruncateIP(a).String(); got != want {
			t.Errorf("TruncateIP(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestCleanURL(t *testing.T) {
	m := &Minimizer{}
	for in, want := range map[string]string{
		"https://x.example/a":                                       "https://x.example/a",
		"https://x.example/a#frag":                                  "https://x.example/a",
		"https://x.example/a?email=a@b.c":                           "https://x.example/a",
		"https://x.example/a?utm_source=n&token=t&utm_campaign=c#x": "https://x.example/a?utm_source=n&utm_campaign=c",
		"https://x.example/a?gclid=abc&gclidx=1&utm=1":              "https://x.example/a?gclid=abc",
		"https://x.example/a?=x&&utm_medium":                        "https://x.example/a?utm_medium",
		"https://x.example/a?":                                      "https://x.example/a",
		"/relative?utm_source=x&q=secret":                           "/relative?utm_source=x",
		"https://x.example/a#?utm_source=fragment-not-query":        "https://x.example/a",
		"https://x.example/a?UTM_SOURCE=upper":                      "https://x.example/a",
	} {
		if got := string(m.cleanURL(nil, []byte(in))); got != want {
			t.Errorf("cleanURL(%q) = %q, want %q", in, got, want)
		}
	}
	custom := &Minimizer{KeepURLParams: []string{"ref", "campaign_*"}}
	if got := string(custom.cleanURL(nil, []byte("/p?ref=1&utm_source=x&campaign_id=7"))); got != "/p?ref=1&campaign_id=7" {
		t.Errorf("custom allowlist: %q", got)
	}
}

func TestSensitive(t *testing.T) {
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

func TestParseIPMode(t *testing.T) {
	for s, want := range map[string]IPMode{"truncate": IPTruncate, "redact": IPRedact} {
		if m, ok := ParseIPMode(s); !ok || m != want || m.String() != s {
			t.Errorf("ParseIPMode(%q) = %v %v", s, m, ok)
		}
	}
	if _, ok := ParseIPMode("full"); ok {
		t.Error("full accepted")
	}
}
