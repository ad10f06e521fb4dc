package dims

import (
	"strings"
	"testing"
)

// tagged builds a landing URL with the given utm_source, utm_medium and
// utm_campaign ("" leaves a tag out).
func tagged(src, med, camp string) string {
	u := "https://shop.example.com/?x=1"
	for _, kv := range [][2]string{{"utm_source", src}, {"utm_medium", med}, {"utm_campaign", camp}} {
		if kv[1] != "" {
			u += "&" + kv[0] + "=" + strings.ReplaceAll(kv[1], " ", "+")
		}
	}
	return u
}

// TestGA4Rules has one positive case per row of GA4's default channel
// group, in Google's order, then cases where two rows match and the earlier
// must win.
func TestGA4Rules(t *testing.T) {
	cases := []struct {
		name, url, ref, want string
	}{
		// one per rule row
		{"Direct", page, "", ChannelDirect},
		{"Cross-network", tagged("google", "cpc", "pmax-cross-network"), "", ChannelCrossNetwork},
		{"Paid Shopping by source", tagged("amazon", "cpc", ""), "", ChannelPaidShopping},
		{"Paid Shopping by campaign", tagged("partner", "paid", "summer-shop"), "", ChannelPaidShopping},
		{"Paid Search", tagged("bing", "ppc", ""), "", ChannelPaidSearch},
		{"Paid Social", tagged("instagram", "paid_social", ""), "", ChannelPaidSocial},
		{"Paid Video", tagged("youtube", "cpv", ""), "", ChannelPaidVideo},
		{"Display", tagged("partner", "banner", ""), "", ChannelDisplay},
		{"Paid Other", tagged("partner", "retargeting", ""), "", ChannelPaidOther},
		{"Organic Shopping by source", tagged("etsy", "", ""), "", ChannelOrganicShopping},
		{"Organic Shopping by campaign", tagged("partner", "newsletter", "eshop-launch"), "", ChannelOrganicShopping},
		{"Organic Social by source", tagged("facebook", "", ""), "", ChannelSocial},
		{"Organic Social by medium", tagged("partner", "social network", ""), "", ChannelSocial},
		{"Organic Video by source", tagged("vimeo", "", ""), "", ChannelOrganicVideo},
		{"Organic Video by medium", tagged("partner", "product-video", ""), "", ChannelOrganicVideo},
		{"Organic Search by source", tagged("duckduckgo", "", ""), "", ChannelOrganicSearch},
		{"Organic Search by medium", tagged("partner", "organic", ""), "", ChannelOrganicSearch},
		{"Referral", tagged("partner", "link", ""), "", ChannelReferral},
		{"Email by source", tagged("e_mail", "", ""), "", ChannelEmail},
		{"Email by medium", tagged("crm", "e mail", ""), "", ChannelEmail},
		{"Affiliates", tagged("partner", "affiliate", ""), "", ChannelAffiliates},
		{"Audio", tagged("spotify", "audio", ""), "", ChannelAudio},
		{"SMS by source", tagged("sms", "", ""), "", ChannelSMS},
		{"SMS by medium", tagged("twilio", "sms", ""), "", ChannelSMS},
		{"Push by suffix", tagged("app", "web-push", ""), "", ChannelMobilePushNotifications},
		{"Push by mobile", tagged("app", "mobile", ""), "", ChannelMobilePushNotifications},
		{"Push by notification", tagged("app", "in-app-notification", ""), "", ChannelMobilePushNotifications},
		{"Push by firebase", tagged("firebase", "", ""), "", ChannelMobilePushNotifications},
		{"Unassigned", tagged("partner", "newsletter", ""), "", ChannelUnassigned},

		// order: the earlier row wins
		{"cross-network over paid search", tagged("google", "cpc", "cross-network"), "", ChannelCrossNetwork},
		{"cross-network over direct-looking tags", tagged("", "", "cross-network"), "", ChannelCrossNetwork},
		{"paid shopping over paid search", tagged("google", "cpc", "shopping-q3"), "", ChannelPaidShopping},
		{"paid search over display (google / cpm)", tagged("google", "cpm", ""), "", ChannelPaidSearch},
		{"paid video over organic video", tagged("youtube", "paid", ""), "", ChannelPaidVideo},
		{"display over paid other (cpm)", tagged("partner", "cpm", ""), "", ChannelDisplay},
		{"organic shopping over organic social", tagged("facebook", "", "spring-shop"), "", ChannelOrganicShopping},
		{"organic social over organic video (medium video)", tagged("facebook", "video", ""), "", ChannelSocial},
		{"organic video over organic search (medium organic)", tagged("youtube", "organic", ""), "", ChannelOrganicVideo},
		{"organic search over referral", tagged("google", "referral", ""), "", ChannelOrganicSearch},
		{"referral over email (source email)", tagged("email", "referral", ""), "", ChannelReferral},
		{"email over affiliates", tagged("email", "affiliate", ""), "", ChannelEmail},
		{"sms over push (source sms)", tagged("sms", "push", ""), "", ChannelSMS},
		{"paid other over push (mobile-cpc)", tagged("app", "mobile-cpc", ""), "", ChannelPaidOther},

		// regex edges
		{"workshop is not shopping", tagged("partner", "cpc", "workshop"), "", ChannelPaidOther},
		{"shopping anywhere", tagged("partner", "cpc", "workshopping"), "", ChannelPaidShopping},
		{"shop after a digit", tagged("partner", "cpc", "2shop"), "", ChannelPaidShopping},
		{"newsletter-email is not email (full match)", tagged("crm", "newsletter-email", ""), "", ChannelUnassigned},
		{"Google Shopping source", tagged("Google Shopping", "", ""), "", ChannelOrganicShopping},
		{"medium only", tagged("", "email", ""), "", ChannelEmail},
		{"tags win over the referrer", tagged("newsletter", "email", ""), "https://www.google.com/", ChannelEmail},
		{"campaign with referrer keeps the referral", tagged("", "", "spring-shop"), "https://blog.example.org/", ChannelOrganicShopping},
		{"gclid wins over tags", tagged("newsletter", "email", "cross-network") + "&gclid=x", "", ChannelPaidSearch},
	}
	for _, c := range cases {
		if got := SourceOf(c.url, c.ref).Channel; got != c.want {
			t.Errorf("%s: SourceOf(%q, %q).Channel = %q, want %q", c.name, c.url, c.ref, got, c.want)
		}
	}
}

func TestAIChannelOption(t *testing.T) {
	on := Options{AIChannel: true}
	cases := []struct {
		url, ref     string
		off, withOpt string
	}{
		{page, "https://chatgpt.com/", ChannelReferral, ChannelAIAssistant},
		{page, "https://www.perplexity.ai/search", ChannelReferral, ChannelAIAssistant},
		{page, "https://gemini.google.com/app", ChannelReferral, ChannelAIAssistant},
		{page, "https://copilot.microsoft.com/", ChannelReferral, ChannelAIAssistant},
		{tagged("chatgpt.com", "", ""), "", ChannelUnassigned, ChannelAIAssistant},
		{tagged("perplexity", "referral", ""), "", ChannelReferral, ChannelAIAssistant},
		// a GA4 channel other than Referral/Unassigned stays
		{tagged("chatgpt.com", "cpc", ""), "", ChannelPaidOther, ChannelPaidOther},
		{tagged("chatgpt.com", "email", ""), "", ChannelEmail, ChannelEmail},
		// tags that are not AI win over an AI referrer
		{tagged("partner", "", ""), "https://chatgpt.com/", ChannelUnassigned, ChannelUnassigned},
		{page, "https://www.google.com/", ChannelOrganicSearch, ChannelOrganicSearch},
		{page, "https://news.example.org/", ChannelReferral, ChannelReferral},
	}
	for _, c := range cases {
		if got := SourceOf(c.url, c.ref).Channel; got != c.off {
			t.Errorf("SourceOf(%q, %q) = %q, want %q", c.url, c.ref, got, c.off)
		}
		if got := SourceWith(c.url, c.ref, on).Channel; got != c.withOpt {
			t.Errorf("SourceWith(%q, %q, AI) = %q, want %q", c.url, c.ref, got, c.withOpt)
		}
	}
}

func TestChannelLabels(t *testing.T) {
	want := []string{"Direct", "Cross-network", "Paid Shopping", "Paid Search", "Paid Social", "Paid Video",
		"Display", "Paid Other", "Organic Shopping", "Organic Social", "Organic Video", "Organic Search",
		"Referral", "Email", "Affiliates", "Audio", "SMS", "Mobile Push Notifications", "Unassigned", "AI assistant"}
	chs := Channels()
	if len(chs) != len(want) {
		t.Fatalf("Channels() has %d values, want %d", len(chs), len(want))
	}
	for i, c := range chs {
		if got := ChannelLabel(c); got != want[i] {
			t.Errorf("ChannelLabel(Channels()[%d] = %q) = %q, want %q", i, c, got, want[i])
		}
		if c != strings.ToLower(c) || strings.ContainsAny(c, " -") {
			t.Errorf("slug %q", c)
		}
	}
	if ChannelLabel("social") != "Organic Social" || ChannelLabel("nope") != "nope" {
		t.Error("ChannelLabel")
	}
}

func TestIsReferrerSpam(t *testing.T) {
	for ref, want := range map[string]bool{
		"https://0-0.fr/":                      true,
		"http://WWW.0-0.FR:8080/x?y":           true,
		"https://sub.domain.0-0.fr/":           true,
		"0-0.fr":                               true,
		"www.0-0.fr":                           true,
		"qiwi.xyz":                             true, // upper case on the list
		"https://www.google.com/":              false,
		"https://fr/":                          false,
		"https://x0-0.fr/":                     false,
		"":                                     false,
		"not a url":                            false,
		"http://203.0.113.7/":                  false,
		"android-app://com.google.android.gm/": false,
	} {
		if got := IsReferrerSpam(ref); got != want {
			t.Errorf("IsReferrerSpam(%q) = %v, want %v", ref, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = IsReferrerSpam("https://sub.0-0.fr/page") }); n != 0 {
		t.Errorf("IsReferrerSpam allocates %.0f times", n)
	}
}

func TestDataFiles(t *testing.T) {
	counts := map[category]int{}
	for _, c := range categories {
		counts[c]++
	}
	if counts[catSearch] < 100 || counts[catSocial] < 500 || counts[catShopping] < 40 || counts[catVideo] < 40 {
		t.Errorf("category counts %v", counts)
	}
	if len(spammers) < 2000 {
		t.Errorf("%d spammers", len(spammers))
	}
	for h, want := range map[string]string{"google.de": "google", "images.google.co.uk": "google",
		"uk.search.yahoo.com": "yahoo", "search.yahoo.com": "yahoo", "ya.ru": "yandex"} {
		if e, ok := engines.lookup(h); !ok || e.source != want {
			t.Errorf("engine %q = %v %v, want %q", h, e, ok, want)
		}
	}
	for _, h := range []string{"mail.google.com", "docs.google.com", "google.example.org", "yahoo.com", "x.google.de"} {
		if e, ok := engines.lookup(h); ok {
			t.Errorf("engine %q = %v, want none", h, e)
		}
	}
	for _, bad := range []string{"a b", "google organic", "x maybe y.com", "x organic *.y.*", "x organic Y.com"} {
		if _, err := parseEngines("t", bad); err == nil {
			t.Errorf("parseEngines accepted %q", bad)
		}
	}
	for _, bad := range []string{"x", "x,SOURCE_CATEGORY_NOPE", "a,SOURCE_CATEGORY_SEARCH\na,SOURCE_CATEGORY_SOCIAL"} {
		if _, err := parseCategories("t", bad); err == nil {
			t.Errorf("parseCategories accepted %q", bad)
		}
	}
	for _, bad := range []string{"localhost", "a/b.com", ".a.com"} {
		if _, err := parseHostSet("t", bad); err == nil {
			t.Errorf("parseHostSet accepted %q", bad)
		}
	}
}

func BenchmarkSourceOfReferral(b *testing.B) {
	r := "https://l.facebook.com/l.php?u=x"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = SourceOf(page, r)
	}
}

func BenchmarkIsReferrerSpam(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = IsReferrerSpam("https://news.example.org/story")
	}
}
