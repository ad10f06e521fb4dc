package proxy

import (
	"math/rand/v2"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// TestTruncateIPNeverKeepsAnIPv4: over random 6to4, NAT64 and Teredo
// addresses, what is forwarded never holds the embedded IPv4 address's last
// octet, in any form.
func TestTruncateIPNeverKeepsAnIPv4(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		v4 := [4]byte{byte(1 + r.IntN(223)), byte(r.IntN(256)), byte(r.IntN(256)), byte(1 + r.IntN(254))}
		var b [16]byte
		switch r.IntN(3) {
		case 0:
			b[0], b[1] = 0x20, 0x02
			copy(b[2:6], v4[:])
			b[15] = byte(r.IntN(256))
		case 1:
			b[1], b[2], b[3] = 0x64, 0xff, 0x9b
			copy(b[12:], v4[:])
		case 2:
			b[0], b[1], b[4], b[5] = 0x20, 0x01, byte(r.IntN(256)), byte(r.IntN(256))
			for i := range 4 {
				b[12+i] = ^v4[i]
			}
		}
		in := netip.AddrFrom16(b)
		out := TruncateIP(in)
		if !out.IsValid() {
			continue // a private or reserved IPv4 inside: nothing is sent
		}
		want, _ := netip.AddrFrom4(v4).Prefix(24)
		if out != want.Addr() {
			t.Fatalf("TruncateIP(%s) = %s, want %s (the /24 of the IPv4 it carries)", in, out, want.Addr())
		}
	}
}

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
		// IPv6 forms that carry an IPv4 address give it up truncated:
		// their /48 would keep all of it (6to4) or parts of it.
		"2002:0808:0808::1":                    "8.8.8.0", // 6to4
		"2002:cb00:714d:1234:5678::1":          "203.0.113.0",
		"2002:0a00:0001::1":                    "invalid IP", // 6to4 of 10.0.0.1
		"64:ff9b::808:808":                     "8.8.8.0",    // NAT64
		"64:ff9b::c0a8:101":                    "invalid IP", // NAT64 of 192.168.1.1
		"2001:0:4136:e378:8000:63bf:f7f7:f7f7": "8.8.8.0",    // Teredo, client 8.8.8.8 inverted
		"::8.8.8.8":                            "8.8.8.0",    // IPv4-compatible
		"::":                                   "invalid IP",
		"2001:4860::1":                         "2001:4860::", // not Teredo (2001:0::/32 only)
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

// minimize parses query as one hit and returns what the Minimizer forwards
// of it, and the drops it counted.
func minimize(t *testing.T, m *Minimizer, query string) (string, drops) {
	t.Helper()
	var h Hit
	if err := h.Parse([]byte(query), nil, Limits{}); err != nil {
		t.Fatalf("parse %q: %v", query, err)
	}
	var d drops
	return string(m.AppendEvent(nil, h.Shared(), &d)), d
}

func TestURLParams(t *testing.T) {
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
		"https://x.example/users/alice@example.com/orders":          "https://x.example/users/(redacted)/orders",
	} {
		got, _ := minimize(t, m, "dl="+url.QueryEscape(in))
		if want := "dl=" + string(appendEscaped(nil, []byte(want))); got != want {
			t.Errorf("dl=%q forwarded as %q, want %q", in, got, want)
		}
	}
	custom := &Minimizer{KeepURLParams: []string{"ref", "campaign_*"}}
	if got, _ := minimize(t, custom, "dr="+url.QueryEscape("/p?ref=1&utm_source=x&campaign_id=7")); got != "dr="+string(appendEscaped(nil, []byte("/p?ref=1&campaign_id=7"))) {
		t.Errorf("custom allowlist: %q", got)
	}
	// An empty, non-nil list is --keep-url-params none: no query survives.
	none := &Minimizer{KeepURLParams: []string{}}
	if got, _ := minimize(t, none, "dl="+url.QueryEscape("/p?utm_source=x&gclid=y")); got != "dl=%2Fp" {
		t.Errorf("keep none: %q, want dl=%%2Fp", got)
	}
}

// TestAllowlist: every parameter is forwarded in its class's form, or
// dropped and counted by its reason.
func TestAllowlist(t *testing.T) {
	type want struct {
		out string
		why DropReason
	}
	dropped := func(r DropReason) want { return want{"", r} }
	m := &Minimizer{}
	for in, w := range map[string]want{
		"v=2":                        {"v=2", 0},
		"cid=1.2":                    {"cid=1.2", 0},
		"tid=G-TEST1":                {"tid=G-TEST1", 0},
		"dt=Order%20for%20a%40b.com": {"dt=Order%20for%20%28redacted%29", 0},
		"ep.link_url=https%3A%2F%2Fx.example%2Fcatalog.pdf%3Fdownload_token%3Dabc%26user%3Dalice": {"ep.link_url=https%3A%2F%2Fx.example%2Fcatalog.pdf", 0},
		"ep.page_location=https%3A%2F%2Fx.example%2F%3Fq%3Dsecret%26utm_source%3Dn":               {"ep.page_location=https%3A%2F%2Fx.example%2F%3Futm_source%3Dn", 0},
		"ep.form_id=add-property__property-address":                                               {"ep.form_id=add-property__property-address", 0},
		"ep.note=call%20%2B49%2030%201234567":                                                     {"ep.note=call%20%28redacted%29", 0},
		"epn.value=12.5":                                                                          {"epn.value=12.5", 0},
		"epn.value=1e3":                                                                           {"epn.value=1e3", 0},
		"epn.value=twelve":                                                                        dropped(DropMalformed),
		"ep.search_term=alice":                                                                    dropped(DropSearch),
		"ep.q_brand=x":                                                                            dropped(DropSearch),
		"ecid=313798834":                                                                          dropped(DropIdentifier),
		"_fplc=0":                                                                                 dropped(DropIdentifier),
		"em=tv.1~em.abc":                                                                          dropped(DropIdentifier),
		"sst.rnd=1.2":                                                                             dropped(DropServer),
		"richsstsse":                                                                              dropped(DropServer),
		"uid=42":                                                                                  dropped(DropUser),
		"up.plan=gold":                                                                            dropped(DropUser),
		"_uip=198.51.100.7":                                                                       dropped(DropClientIP),
		"uip=198.51.100.7":                                                                        dropped(DropClientIP),
		"x_unknown=1":                                                                             dropped(DropUnknown),
		"ep.":                                                                                     dropped(DropUnknown),
		"pr1=id~sku1~nm~Cup":                                                                      {"pr1=id~sku1~nm~Cup", 0},
		"pr201=id~x":                                                                              dropped(DropUnknown),
		"en=page_view&en=scroll":                                                                  {"en=scroll", DropMalformed},
		"tid=G-EVIL1&tid=G-TEST1":                                                                 {"tid=G-TEST1", DropMalformed},
	} {
		got, d := minimize(t, m, in)
		if got != w.out {
			t.Errorf("%s: forwarded %q, want %q", in, got, w.out)
		}
		total := 0
		for _, n := range d {
			total += int(n)
		}
		if w.out == "" || strings.Count(in, "&") > 0 {
			if total != 1 || d[w.why] != 1 {
				t.Errorf("%s: drops %v, want one %s", in, d, w.why)
			}
		} else if total != 0 {
			t.Errorf("%s: drops %v, want none", in, d)
		}
	}
	if got, _ := minimize(t, &Minimizer{KeepSearchTerms: true}, "ep.search_term=mugs"); got != "ep.search_term=mugs" {
		t.Errorf("KeepSearchTerms: %q", got)
	}
	if got, _ := minimize(t, &Minimizer{KeepUserParams: []string{"uid", "up.plan"}}, "uid=42&up.plan=gold&up.email=x"); got != "uid=42&up.plan=gold" {
		t.Errorf("KeepUserParams: %q", got)
	}
	for _, p := range ForwardedParams() {
		if strings.Contains(p, "*") || strings.Contains(p, "…") {
			continue
		}
		if c, _ := classify([]byte(p)); c == cDrop || c == cUser || c == cProxy {
			t.Errorf("ForwardedParams lists %s, which is not forwarded", p)
		}
	}
}

// TestMaxValue: over-long values are cut at a character boundary, never
// refused, and the limit applies after cleaning.
func TestMaxValue(t *testing.T) {
	m := &Minimizer{MaxValue: 10}
	if got, _ := minimize(t, m, "dt=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"); got != "dt="+string(appendEscaped(nil, []byte("ééééé"))) {
		t.Errorf("cut inside a character: %q", got)
	}
	long := "https://x.example/p?token=" + strings.Repeat("t", 9000)
	if got, _ := minimize(t, &Minimizer{}, "dl="+url.QueryEscape(long)); got != "dl="+string(appendEscaped(nil, []byte("https://x.example/p"))) {
		t.Errorf("a long query string was cut, not cleaned: %.80q", got)
	}
	if got, _ := minimize(t, &Minimizer{}, "dt="+strings.Repeat("a", 5000)); got != "dt="+strings.Repeat("a", DefaultMaxValue) {
		t.Errorf("default cut: %d bytes", len(got)-3)
	}
}

// TestRegion: a client's ur is replaced by the proxy's region, or dropped.
func TestRegion(t *testing.T) {
	var h Hit
	if err := h.Parse([]byte("v=2&ur=IN-MH"), nil, Limits{}); err != nil {
		t.Fatal(err)
	}
	ip := netip.MustParseAddr("203.0.113.7")
	for _, tc := range []struct {
		mode   IPMode
		region string
		want   string
	}{
		{IPTruncate, "US-CA", "v=2&ur=US-CA&_uip=203.0.113.0"},
		{IPTruncate, "", "v=2&_uip=203.0.113.0"},
		{IPRedact, "US-CA", "v=2&_uip=%3A%3A"},
	} {
		var d drops
		m := &Minimizer{IPMode: tc.mode}
		if got := string(m.AppendShared(nil, h.Shared(), ip, tc.region, &d)); got != tc.want {
			t.Errorf("%v %q: %s, want %s", tc.mode, tc.region, got, tc.want)
		}
	}
	var none Hit
	none.Parse([]byte("v=2"), nil, Limits{})
	var d drops
	if got := string((&Minimizer{}).AppendShared(nil, none.Shared(), ip, "US-CA", &d)); got != "v=2&_uip=203.0.113.0" {
		t.Errorf("ur added where the client sent none: %s", got)
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
