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
		// search
		{"https://www.google.com/", "google.com", ChannelOrganicSearch},
		{"https://www.google.de/", "google.de", ChannelOrganicSearch},
		{"https://www.google.co.uk/", "google.co.uk", ChannelOrganicSearch},
		{"https://www.google.com.br/search?q=secret", "google.com.br", ChannelOrganicSearch},
		{"https://www.bing.com/search?q=x", "bing.com", ChannelOrganicSearch},
		{"https://duckduckgo.com/", "duckduckgo.com", ChannelOrganicSearch},
		{"https://www.ecosia.org/", "ecosia.org", ChannelOrganicSearch},
		{"https://yandex.ru/", "yandex.ru", ChannelOrganicSearch},
		{"https://ya.ru/", "ya.ru", ChannelOrganicSearch},
		{"https://www.baidu.com/link?url=abc", "baidu.com", ChannelOrganicSearch},
		{"https://search.yahoo.com/", "search.yahoo.com", ChannelOrganicSearch},
		{"https://uk.search.yahoo.com/", "uk.search.yahoo.com", ChannelOrganicSearch},
		{"https://search.brave.com/", "search.brave.com", ChannelOrganicSearch},
		{"https://www.qwant.com/", "qwant.com", ChannelOrganicSearch},
		{"android-app://com.google.android.googlequicksearchbox/", "com.google.android.googlequicksearchbox", ChannelOrganicSearch},
		// social
		{"https://www.facebook.com/", "facebook.com", ChannelSocial},
		{"https://l.facebook.com/l.php?u=x", "l.facebook.com", ChannelSocial},
		{"https://m.facebook.com/", "m.facebook.com", ChannelSocial},
		{"https://t.co/abc123", "t.co", ChannelSocial},
		{"https://x.com/", "x.com", ChannelSocial},
		{"https://www.linkedin.com/", "linkedin.com", ChannelSocial},
		{"https://lnkd.in/xyz", "lnkd.in", ChannelSocial},
		{"https://www.reddit.com/r/golang/", "reddit.com", ChannelSocial},
		{"https://out.reddit.com/t3_x", "out.reddit.com", ChannelSocial},
		{"https://l.instagram.com/", "l.instagram.com", ChannelSocial},
		{"https://www.youtube.com/", "youtube.com", ChannelSocial},
		{"https://news.ycombinator.com/item?id=1", "news.ycombinator.com", ChannelSocial},
		{"https://de.pinterest.com/", "de.pinterest.com", ChannelSocial},
		{"https://www.pinterest.de/", "pinterest.de", ChannelSocial},
		{"android-app://com.linkedin.android/", "com.linkedin.android", ChannelSocial},
		// e-mail
		{"https://mail.google.com/", "mail.google.com", ChannelEmail},
		{"https://outlook.live.com/", "outlook.live.com", ChannelEmail},
		{"https://outlook.office.com/mail/", "outlook.office.com", ChannelEmail},
		{"https://mail.yahoo.com/", "mail.yahoo.com", ChannelEmail},
		{"https://mail.proton.me/", "mail.proton.me", ChannelEmail},
		{"https://webmail.example-isp.net/", "webmail.example-isp.net", ChannelEmail},
		{"android-app://com.google.android.gm/", "com.google.android.gm", ChannelEmail},
		// AI assistants
		{"https://chatgpt.com/", "chatgpt.com", ChannelAIAssistant},
		{"https://chat.openai.com/", "chat.openai.com", ChannelAIAssistant},
		{"https://www.perplexity.ai/", "perplexity.ai", ChannelAIAssistant},
		{"https://gemini.google.com/app", "gemini.google.com", ChannelAIAssistant},
		{"https://copilot.microsoft.com/", "copilot.microsoft.com", ChannelAIAssistant},
		{"https://claude.ai/", "claude.ai", ChannelAIAssistant},
		{"https://edgeservices.bing.com/", "edgeservices.bing.com", ChannelAIAssistant},
		// referral
		{"https://news.example.org/story", "news.example.org", ChannelReferral},
		{"https://docs.google.com/document/d/x", "docs.google.com", ChannelReferral},
		{"https://google.example.org/", "google.example.org", ChannelReferral},
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
			"https://www.google.com/", Source{"google.com", ChannelPaidSearch, "google", "cpc", "brand"}},
		{"https://shop.example.com/?utm_source=facebook&utm_medium=paid_social",
			"", Source{"", ChannelPaidSocial, "facebook", "paid_social", ""}},
		{"https://shop.example.com/?utm_source=partner&utm_medium=cpm",
			"", Source{"", ChannelPaidOther, "partner", "cpm", ""}},
		{"https://shop.example.com/?utm_source=google&utm_medium=display",
			"", Source{"", ChannelPaidOther, "google", "display", ""}},
		{"https://shop.example.com/?utm_source=linkedin&utm_medium=social",
			"", Source{"", ChannelSocial, "linkedin", "social", ""}},
		{"https://shop.example.com/?utm_source=chatgpt.com",
			"", Source{"", ChannelAIAssistant, "chatgpt.com", "", ""}},
		{"https://shop.example.com/?utm_source=chatgpt.com",
			"https://chatgpt.com/", Source{"chatgpt.com", ChannelAIAssistant, "chatgpt.com", "", ""}},
		{"https://shop.example.com/?utm_source=bing&utm_medium=organic",
			"", Source{"", ChannelOrganicSearch, "bing", "organic", ""}},
		{"https://shop.example.com/?utm_source=blogger&utm_medium=affiliate",
			"", Source{"", ChannelReferral, "blogger", "affiliate", ""}},
		{"https://shop.example.com/?utm_source=somewhere",
			"", Source{"", ChannelUnassigned, "somewhere", "", ""}},
		{"https://shop.example.com/?utm_campaign=x",
			"https://partner.example.net/p", Source{"partner.example.net", ChannelReferral, "", "", "x"}},
		// click IDs
		{"https://shop.example.com/?gclid=abc", "https://www.google.com/", Source{"google.com", ChannelPaidSearch, "", "", ""}},
		{"https://shop.example.com/?msclkid=abc", "", Source{"", ChannelPaidSearch, "", "", ""}},
		{"https://shop.example.com/?wbraid=abc", "", Source{"", ChannelPaidSearch, "", "", ""}},
		{"https://shop.example.com/?ttclid=abc", "", Source{"", ChannelPaidSocial, "", "", ""}},
		{"https://shop.example.com/?dclid=abc", "", Source{"", ChannelPaidOther, "", "", ""}},
		{"https://shop.example.com/?gclid=", "", Source{"", ChannelDirect, "", "", ""}},
		{"https://shop.example.com/?fbclid=abc", "https://l.facebook.com/", Source{"l.facebook.com", ChannelSocial, "", "", ""}},
		{"https://shop.example.com/?fbclid=abc", "", Source{"", ChannelSocial, "", "", ""}},
		// normalization
		{"https://shop.example.com/?UTM_SOURCE=Twitter&utm_source=second", "", Source{"", ChannelSocial, "twitter", "", ""}},
		{"https://shop.example.com/?utm_source=%20Mail%43himp%20", "", Source{"", ChannelEmail, "mailchimp", "", ""}},
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
	for _, want := range []string{"direct", "organic_search", "paid_search", "social", "email", "referral", "ai_assistant"} {
		if !seen[want] {
			t.Errorf("Channels() lacks %q", want)
		}
	}
}

func TestLists(t *testing.T) {
	for name, l := range map[string]*domainList{"ai": aiList, "email": emailList, "search": searchList, "social": socialList} {
		if l.numLines < 10 {
			t.Errorf("%s list has %d entries", name, l.numLines)
		}
	}
	for _, bad := range []string{"Google.com", "a*b", ".*", "http://x.com", ".x.com", "x.com."} {
		if _, err := parseList("t", bad); err == nil {
			t.Errorf("parseList accepted %q", bad)
		}
	}
	l, err := parseList("t", "# c\nexample.com\nfoo.*\nbar\n")
	if err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]bool{"example.com": true, "a.b.example.com": true, "notexample.com": false,
		"foo.de": true, "foo.co.uk": true, "x.foo.de": false, "foo.example.org": false, "foo": false} {
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
