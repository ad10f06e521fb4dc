package dims

import (
	"strings"
	"testing"
)

const page = "https://shop.example.com/landing"

func TestSourceOfReferrers(t *testing.T) {
	cases := []struct {
		ref, host, channel string
	}{
		// search: GA4 names the engine (Referrer is that name since issue 15)
		{"https://www.google.com/", "google", ChannelOrganicSearch},
		{"https://www.google.de/", "google", ChannelOrganicSearch},
		{"https://www.google.co.uk/", "google", ChannelOrganicSearch},
		{"https://google.com/", "google", ChannelOrganicSearch},
		{"https://images.google.de/", "google", ChannelOrganicSearch},
		{"https://www.google.com.br/search?q=secret", "google", ChannelOrganicSearch},
		{"https://www.bing.com/search?q=x", "bing", ChannelOrganicSearch},
		{"https://duckduckgo.com/", "duckduckgo", ChannelOrganicSearch},
		{"https://html.duckduckgo.com/html", "duckduckgo", ChannelOrganicSearch},
		{"https://www.ecosia.org/", "ecosia.org", ChannelOrganicSearch}, // on Google's list as a host
		{"https://yandex.ru/", "yandex", ChannelOrganicSearch},
		{"https://ya.ru/", "yandex", ChannelOrganicSearch},
		{"https://www.baidu.com/link?url=abc", "baidu", ChannelOrganicSearch},
		{"https://search.yahoo.com/", "yahoo", ChannelOrganicSearch},
		{"https://uk.search.yahoo.com/", "yahoo", ChannelOrganicSearch},
		{"https://www.qwant.com/", "qwant.com", ChannelOrganicSearch},
		{"https://news.google.com/", "news.google.com", ChannelOrganicSearch},
		// Changed in issue 15: GA4 does not know these engines (Referral).
		{"https://search.brave.com/", "search.brave.com", ChannelReferral},
		{"https://www.startpage.com/", "startpage.com", ChannelReferral},
		// Changed in issue 15: GA4 reports the Google app as a referral
		// from its package name; we store the coarser "google".
		{"android-app://com.google.android.googlequicksearchbox/", "google", ChannelReferral},
		// social (Google's list, exact hosts)
		{"https://www.facebook.com/", "facebook.com", ChannelSocial},
		{"https://l.facebook.com/l.php?u=x", "l.facebook.com", ChannelSocial},
		{"https://lm.facebook.com/", "lm.facebook.com", ChannelSocial},
		{"https://m.facebook.com/", "m.facebook.com", ChannelSocial},
		{"https://t.co/abc123", "t.co", ChannelSocial},
		{"https://www.linkedin.com/", "linkedin.com", ChannelSocial},
		{"https://lnkd.in/xyz", "lnkd.in", ChannelSocial},
		{"https://www.reddit.com/r/golang/", "reddit.com", ChannelSocial},
		{"https://out.reddit.com/t3_x", "out.reddit.com", ChannelSocial},
		{"https://l.instagram.com/", "l.instagram.com", ChannelSocial},
		{"https://news.ycombinator.com/item?id=1", "news.ycombinator.com", ChannelSocial},
		{"https://www.pinterest.de/", "pinterest.de", ChannelSocial},
		// Changed in issue 15: not on Google's list, so Referral in GA4.
		{"https://x.com/", "x.com", ChannelReferral},
		{"https://de.pinterest.com/", "de.pinterest.com", ChannelReferral},
		{"android-app://com.linkedin.android/", "com.linkedin.android", ChannelReferral},
		// video: Organic Video comes before Organic Social (changed in issue 15)
		{"https://www.youtube.com/", "youtube.com", ChannelOrganicVideo},
		{"https://m.youtube.com/", "m.youtube.com", ChannelOrganicVideo},
		{"https://vimeo.com/1", "vimeo.com", ChannelOrganicVideo},
		// shopping
		{"https://www.amazon.com/", "amazon.com", ChannelOrganicShopping},
		{"https://checkout.stripe.com/", "checkout.stripe.com", ChannelOrganicShopping},
		// e-mail: webmail referrers (our deliberate deviation from GA4)
		{"https://mail.google.com/", "mail.google.com", ChannelEmail},
		{"https://outlook.live.com/", "outlook.live.com", ChannelEmail},
		{"https://outlook.office.com/mail/", "outlook.office.com", ChannelEmail},
		{"https://mail.yahoo.com/", "mail.yahoo.com", ChannelEmail},
		{"https://mail.aol.com/", "mail.aol.com", ChannelEmail},
		{"https://mail.proton.me/", "mail.proton.me", ChannelEmail},
		{"https://webmail.example-isp.net/", "webmail.example-isp.net", ChannelEmail},
		{"https://deref-gmx.net/mail/client/x/dereferrer/?redirectUrl=y", "deref-gmx.net", ChannelEmail},
		{"https://deref-web.de/", "deref-web.de", ChannelEmail},
		{"https://deref-web-02.de/", "deref-web-02.de", ChannelEmail},
		{"https://deref-1und1.de/", "deref-1und1.de", ChannelEmail},
		{"https://mail.ionos.de/", "mail.ionos.de", ChannelEmail},
		{"https://mail.ionos.co.uk/", "mail.ionos.co.uk", ChannelEmail},
		{"https://email.t-online.de/em", "email.t-online.de", ChannelEmail},
		{"https://webmail.bluewin.ch/", "webmail.bluewin.ch", ChannelEmail},
		{"https://mail.yandex.ru/", "mail.yandex.ru", ChannelEmail}, // on Google's search list: webmail wins
		{"android-app://com.google.android.gm/", "com.google.android.gm", ChannelEmail},
		// AI assistants: Referral by default, as in GA4 (changed in issue 15)
		{"https://chatgpt.com/", "chatgpt.com", ChannelReferral},
		{"https://www.perplexity.ai/", "perplexity.ai", ChannelReferral},
		{"https://gemini.google.com/app", "gemini.google.com", ChannelReferral},
		// referral
		{"https://news.example.org/story", "news.example.org", ChannelReferral},
		{"https://docs.google.com/document/d/x", "docs.google.com", ChannelReferral},
		{"https://google.example.org/", "google.example.org", ChannelReferral},
		{"https://mail.google.example.org/", "mail.google.example.org", ChannelReferral},
		{"https://Blog.Example.ORG:8080/x", "blog.example.org", ChannelReferral},
		{"https://user:pw@partner.example.net/", "partner.example.net", ChannelReferral},
		{"http://203.0.113.7/admin", "", ChannelReferral},
		{"http://[2001:db8::1]:8080/", "", ChannelReferral},
		{"https://example.com./", "example.com", ChannelReferral},
		// direct
		{"", "", ChannelDirect},
		{"https://shop.example.com/other", "", ChannelDirect},
		{"https://www.shop.example.com/other", "", ChannelDirect},
		{"about:blank", "", ChannelDirect},
		{"chrome-extension://abc/", "", ChannelDirect},
		{"not a url", "", ChannelDirect},
		{"https://exa mple.com/", "", ChannelDirect},
		{"https://bücher.example/", "", ChannelDirect},
	}
	for _, c := range cases {
		got := SourceOf(page, c.ref)
		if got.Referrer != c.host || got.Channel != c.channel {
			t.Errorf("SourceOf(page, %q) = {%q %q}, want {%q %q}", c.ref, got.Referrer, got.Channel, c.host, c.channel)
		}
		if got.UTMSource != "" || got.UTMMedium != "" || got.UTMCampaign != "" {
			t.Errorf("SourceOf(page, %q): utm from nowhere: %+v", c.ref, got)
		}
	}
}

func TestSourceOfUTM(t *testing.T) {
	cases := []struct {
		url, ref string
		want     Source
	}{
		{"https://shop.example.com/?utm_source=Newsletter&utm_medium=Email&utm_campaign=Spring+Sale",
			"", Source{"", ChannelEmail, "newsletter", "email", "spring sale"}},
		{"https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand",
			"https://www.google.com/", Source{"google", ChannelPaidSearch, "google", "cpc", "brand"}},
		{"https://shop.example.com/?utm_source=facebook&utm_medium=paid_social",
			"", Source{"", ChannelPaidSocial, "facebook", "paid_social", ""}},
		{"https://shop.example.com/?utm_source=partner&utm_medium=cpc",
			"", Source{"", ChannelPaidOther, "partner", "cpc", ""}},
		// Changed in issue 15: cpm is GA4's Display (was paid_other).
		{"https://shop.example.com/?utm_source=partner&utm_medium=cpm",
			"", Source{"", ChannelDisplay, "partner", "cpm", ""}},
		{"https://shop.example.com/?utm_source=google&utm_medium=display",
			"", Source{"", ChannelDisplay, "google", "display", ""}},
		{"https://shop.example.com/?utm_source=linkedin&utm_medium=social",
			"", Source{"", ChannelSocial, "linkedin", "social", ""}},
		// Changed in issue 15: AI is off by default; GA4 has no medium,
		// so (not set), and chatgpt.com on no list: Unassigned.
		{"https://shop.example.com/?utm_source=chatgpt.com",
			"", Source{"", ChannelUnassigned, "chatgpt.com", "", ""}},
		{"https://shop.example.com/?utm_source=chatgpt.com",
			"https://chatgpt.com/", Source{"chatgpt.com", ChannelUnassigned, "chatgpt.com", "", ""}},
		{"https://shop.example.com/?utm_source=bing&utm_medium=organic",
			"", Source{"", ChannelOrganicSearch, "bing", "organic", ""}},
		// Changed in issue 15: GA4's Affiliates (was referral).
		{"https://shop.example.com/?utm_source=partnerblog&utm_medium=affiliate",
			"", Source{"", ChannelAffiliates, "partnerblog", "affiliate", ""}},
		{"https://shop.example.com/?utm_source=somewhere",
			"", Source{"", ChannelUnassigned, "somewhere", "", ""}},
		{"https://shop.example.com/?utm_campaign=x",
			"https://partner.example.net/p", Source{"partner.example.net", ChannelReferral, "", "", "x"}},
		// click IDs: only Google's mean something to GA4
		{"https://shop.example.com/?gclid=abc", "https://www.google.com/", Source{"google", ChannelPaidSearch, "", "", ""}},
		{"https://shop.example.com/?wbraid=abc", "", Source{"", ChannelPaidSearch, "", "", ""}},
		{"https://shop.example.com/?gclid=abc&utm_source=newsletter&utm_medium=email", "",
			Source{"", ChannelPaidSearch, "newsletter", "email", ""}},
		// Changed in issue 15: dclid is Display (dfa / cpm), was paid_other.
		{"https://shop.example.com/?dclid=abc", "", Source{"", ChannelDisplay, "", "", ""}},
		// Changed in issue 15: GA4 ignores msclkid, ttclid and fbclid.
		{"https://shop.example.com/?msclkid=abc", "", Source{"", ChannelDirect, "", "", ""}},
		{"https://shop.example.com/?msclkid=abc", "https://www.bing.com/", Source{"bing", ChannelOrganicSearch, "", "", ""}},
		{"https://shop.example.com/?ttclid=abc", "", Source{"", ChannelDirect, "", "", ""}},
		{"https://shop.example.com/?fbclid=abc", "", Source{"", ChannelDirect, "", "", ""}},
		{"https://shop.example.com/?gclid=", "", Source{"", ChannelDirect, "", "", ""}},
		{"https://shop.example.com/?fbclid=abc", "https://l.facebook.com/", Source{"l.facebook.com", ChannelSocial, "", "", ""}},
		// normalization
		{"https://shop.example.com/?UTM_SOURCE=Twitter&utm_source=second", "", Source{"", ChannelSocial, "twitter", "", ""}},
		// Changed in issue 15: GA4's Email needs source or medium "email".
		{"https://shop.example.com/?utm_source=%20Mail%43himp%20", "", Source{"", ChannelUnassigned, "mailchimp", "", ""}},
		{"https://shop.example.com/?utm_source=E-Mail", "", Source{"", ChannelEmail, "e-mail", "", ""}},
		{"https://shop.example.com/?utm_campaign=Sch%C3%B6n", "", Source{"", ChannelUnassigned, "", "", "schön"}},
		{"https://shop.example.com/?utm_campaign=a%00b%0Ac%FF", "", Source{"", ChannelUnassigned, "", "", "abc"}},
		{"https://shop.example.com/?utm_campaign=100%", "", Source{"", ChannelUnassigned, "", "", "100%"}},
		{"https://shop.example.com/?utm_campaign=jane%40example.com&utm_source=zz", "", Source{"", ChannelUnassigned, "zz", "", ""}},
		{"https://shop.example.com/#utm_source=google", "", Source{"", ChannelDirect, "", "", ""}},
		{"https://shop.example.com/?x=1#utm_source=google", "", Source{"", ChannelDirect, "", "", ""}},
		// self-referral with utm still uses the tags
		{"https://shop.example.com/?utm_medium=email", "https://shop.example.com/", Source{"", ChannelEmail, "", "email", ""}},
	}
	for _, c := range cases {
		if got := SourceOf(c.url, c.ref); got != c.want {
			t.Errorf("SourceOf(%q, %q)\n got %+v\nwant %+v", c.url, c.ref, got, c.want)
		}
	}
}

func TestUTMCap(t *testing.T) {
	got := SourceOf("https://x.test/?utm_campaign="+strings.Repeat("%C3%A9", 200), "")
	if len(got.UTMCampaign) > MaxUTMLen || len(got.UTMCampaign) < MaxUTMLen-1 || strings.ContainsRune(got.UTMCampaign, 0xfffd) {
		t.Errorf("capped campaign: len %d %q", len(got.UTMCampaign), got.UTMCampaign)
	}
	if got := SourceOf("https://x.test/?utm_source="+strings.Repeat("a", 300), ""); len(got.UTMSource) != MaxUTMLen {
		t.Errorf("ascii cap: len %d", len(got.UTMSource))
	}
}

// TestSourceNeverStoresQueries sends marker strings in every query and path
// position: none may reach a Source field.
func TestSourceNeverStoresQueries(t *testing.T) {
	const m = "zq7marker"
	s := SourceOf("https://shop.example.com/"+m+"?token="+m+"&utm_source=ok#"+m,
		"https://ref.example.net/"+m+"?q="+m+"#"+m)
	for _, f := range []string{s.Referrer, s.Channel, s.UTMSource, s.UTMMedium, s.UTMCampaign} {
		if strings.Contains(f, m) {
			t.Fatalf("marker leaked: %+v", s)
		}
	}
	if s.Referrer != "ref.example.net" || s.UTMSource != "ok" {
		t.Fatalf("unexpected %+v", s)
	}
}

func TestChannelsClosedSet(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Channels() {
		if seen[c] {
			t.Errorf("duplicate channel %q", c)
		}
		seen[c] = true
	}
	for _, want := range []string{"direct", "organic_search", "paid_search", "social", "email", "referral", "ai_assistant",
		"paid_social", "paid_other", "unassigned"} {
		if !seen[want] {
			t.Errorf("Channels() lacks %q", want)
		}
	}
}

func TestLists(t *testing.T) {
	for name, l := range map[string]*domainList{"ai": aiList, "email": emailList} {
		if l.numLines < 10 {
			t.Errorf("%s list has %d entries", name, l.numLines)
		}
	}
	for _, bad := range []string{"Google.com", "a*b", ".*", "http://x.com", ".x.com", "x.com."} {
		if _, err := parseList("t", bad); err == nil {
			t.Errorf("parseList accepted %q", bad)
		}
	}
	l, err := parseList("t", "# c\nexample.com\nfoo.*\nmail.ionos.*\nbar\n")
	if err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]bool{"example.com": true, "a.b.example.com": true, "notexample.com": false,
		"foo.de": true, "foo.co.uk": true, "x.foo.de": false, "foo.example.org": false, "foo": false,
		"mail.ionos.de": true, "mail.ionos.co.uk": true, "x.mail.ionos.de": false, "ionos.de": false} {
		if got := l.matchHost(h); got != want {
			t.Errorf("matchHost(%q) = %v, want %v", h, got, want)
		}
	}
	if !l.matchSource("bar") || l.matchSource("baz") || !l.matchSource("www.example.com") {
		t.Error("matchSource")
	}
}

func TestSourceOfCleanInputDoesNotAllocate(t *testing.T) {
	u := "https://shop.example.com/p?utm_source=newsletter&utm_medium=email&utm_campaign=spring"
	r := "https://www.google.com/"
	if n := testing.AllocsPerRun(100, func() { _ = SourceOf(u, r) }); n != 0 {
		t.Errorf("SourceOf allocates %.0f times on clean input", n)
	}
}

func BenchmarkSourceOf(b *testing.B) {
	u := "https://shop.example.com/p?utm_source=newsletter&utm_medium=email&utm_campaign=spring"
	r := "https://www.google.com/search?q=x"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = SourceOf(u, r)
	}
}
