package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/consentproxy/consentproxy/dims"
)

// reportChannels prints how often dims.SourceOf's channel agrees with GA4's
// default channel group, and what SourceOf costs.
//
// No public corpus pairs hits with the channel GA4 gave them, so the
// expected channel comes from refChannel below: a second, deliberately
// naive implementation written straight from Google's rule text
// (support.google.com/analytics/answer/9756891) with regexp, sharing no code
// with dims. Only Google's source-category list is shared, as data: it is
// part of Google's definition. The corpus is every source on that list
// crossed with typical mediums and campaigns, plus click IDs and
// referrer-only hits (the list's hosts, search engines, webmail, AI
// assistants, plain sites). dir (the UA corpora) is not needed.
func reportChannels(w io.Writer, dir string) error {
	cats, err := readCategories()
	if err != nil {
		return err
	}
	cases := channelCorpus(cats)
	type miss struct {
		n        int
		examples []string
	}
	misses := map[string]*miss{}
	agree, deliberate := 0, 0
	perKind := map[string]*[2]int{} // kind → agree, total
	for _, c := range cases {
		want, deviation := refChannel(c.page, c.ref, cats)
		got := dims.SourceOf(c.page, c.ref).Channel
		k := perKind[c.kind]
		if k == nil {
			k = &[2]int{}
			perKind[c.kind] = k
		}
		k[1]++
		switch {
		case got == want:
			agree++
			k[0]++
		case deviation != "" && got == deviation:
			deliberate++
			k[1]-- // like the total: not counted either way
		default:
			key := want + " → " + got
			m := misses[key]
			if m == nil {
				m = &miss{}
				misses[key] = m
			}
			m.n++
			if len(m.examples) < 3 {
				m.examples = append(m.examples, fmt.Sprintf("%s  ref=%q", c.page, c.ref))
			}
		}
	}
	n := len(cases)
	fmt.Fprintf(w, "GA4 channel agreement: %d cases, %d agree (%.2f%%), %d deliberate webmail→email (agreement counting them: %.2f%%), %d disagree\n",
		n, agree, pct(agree, n-deliberate), deliberate, pct(agree+deliberate, n), n-agree-deliberate)
	for _, kind := range []string{"tagged", "click ID", "referrer"} {
		if k := perKind[kind]; k != nil {
			fmt.Fprintf(w, "  %-8s %6d cases, %.2f%% agree (deliberate deviations left out)\n", kind, k[1], pct(k[0], k[1]))
		}
	}
	keys := make([]string, 0, len(misses))
	for k := range misses {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return misses[keys[i]].n > misses[keys[j]].n })
	for _, k := range keys {
		fmt.Fprintf(w, "  GA4 rule %s: %d\n", k, misses[k].n)
		for _, e := range misses[k].examples {
			fmt.Fprintf(w, "      %s\n", e)
		}
	}

	// Cost: the whole corpus, several rounds, after one warm-up round.
	for _, c := range cases {
		_ = dims.SourceOf(c.page, c.ref)
	}
	const rounds = 5
	start := time.Now()
	for r := 0; r < rounds; r++ {
		for _, c := range cases {
			_ = dims.SourceOf(c.page, c.ref)
		}
	}
	el := time.Since(start)
	fmt.Fprintf(w, "SourceOf: %.0f ns/op over %d calls\n", float64(el.Nanoseconds())/float64(rounds*n), rounds*n)
	return nil
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

type channelCase struct{ kind, page, ref string }

const landing = "https://shop.example.com/landing"

// channelCorpus crosses every listed source with mediums and campaigns
// chosen to hit each rule and each pair of rules that could both match.
func channelCorpus(cats map[string]string) []channelCase {
	mediums := []string{"", "cpc", "ppc", "cpv", "cpm", "paid", "paid_social", "retargeting", "display", "banner",
		"expandable", "interstitial", "social", "social media", "sm", "video", "organic", "referral", "app", "link",
		"email", "e-mail", "e_mail", "e mail", "newsletter", "affiliate", "audio", "sms", "push", "web-push",
		"mobile", "notification", "(none)", "qr"}
	campaigns := []string{"", "spring", "summer-shop", "eshop", "workshop", "shopping", "cross-network"}
	sources := []string{"partner", "newsletter", "email", "e-mail", "sms", "firebase", "(direct)", "chatgpt.com"}
	for s := range cats {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	var cs []channelCase
	for _, s := range sources {
		for _, m := range mediums {
			for _, c := range campaigns {
				cs = append(cs, channelCase{kind: "tagged", page: tag(s, m, c, "")})
			}
		}
	}
	for _, m := range []string{"", "email", "social"} {
		for _, c := range campaigns {
			cs = append(cs, channelCase{kind: "tagged", page: tag("", m, c, "")})
			cs = append(cs, channelCase{kind: "click ID", page: tag("", m, c, "gclid"), ref: "https://www.google.com/"})
			cs = append(cs, channelCase{kind: "click ID", page: tag("newsletter", m, c, "gclid")})
			cs = append(cs, channelCase{kind: "click ID", page: tag("", m, c, "dclid")})
		}
	}
	refs := []string{"", "https://www.google.com/", "https://www.google.de/search?q=x", "https://images.google.com/",
		"https://www.google.co.uk/", "https://www.bing.com/", "https://cn.bing.com/", "https://search.yahoo.com/",
		"https://uk.search.yahoo.com/", "https://duckduckgo.com/", "https://yandex.ru/", "https://www.baidu.com/",
		"https://docs.google.com/", "https://news.google.com/", "https://mail.google.com/", "https://outlook.live.com/",
		"https://deref-gmx.net/x", "https://webmail.example.net/", "https://chatgpt.com/", "https://www.perplexity.ai/",
		"https://blog.example.org/post", "http://203.0.113.9/", "https://shop.example.com/other",
		"android-app://com.google.android.gm/", "android-app://com.google.android.googlequicksearchbox/"}
	for s := range cats {
		if strings.Contains(s, ".") && !strings.Contains(s, " ") {
			refs = append(refs, "https://"+s+"/", "https://www."+s+"/")
		}
	}
	sort.Strings(refs)
	for _, r := range refs {
		cs = append(cs, channelCase{kind: "referrer", page: landing, ref: r})
		cs = append(cs, channelCase{kind: "referrer", page: landing + "?utm_campaign=summer-shop", ref: r})
	}
	return cs
}

func tag(src, med, camp, click string) string {
	q := url.Values{}
	if src != "" {
		q.Set("utm_source", src)
	}
	if med != "" {
		q.Set("utm_medium", med)
	}
	if camp != "" {
		q.Set("utm_campaign", camp)
	}
	if click != "" {
		q.Set(click, "Cj0KCQ")
	}
	if len(q) == 0 {
		return landing
	}
	return landing + "?" + q.Encode()
}

// Google's rule text, as regular expressions. Email's "email|e-mail|e_mail|
// e mail" is anchored: GA4's "matches regex" is a full match, which is why
// Google writes ^(.*video.*)$ where it means "contains".
var (
	rePaid     = regexp.MustCompile(`^(.*cp.*|ppc|retargeting|paid.*)$`)
	reShopCamp = regexp.MustCompile(`^(.*(([^a-df-z]|^)shop|shopping).*)$`)
	reDisplay  = regexp.MustCompile(`^(display|banner|expandable|interstitial|cpm)$`)
	reSocialM  = regexp.MustCompile(`^(social|social-network|social-media|sm|social network|social media)$`)
	reVideo    = regexp.MustCompile(`^(.*video.*)$`)
	reReferral = regexp.MustCompile(`^(referral|app|link)$`)
	reEmail    = regexp.MustCompile(`^(email|e-mail|e_mail|e mail)$`)
	rePush     = regexp.MustCompile(`push$`)
	reMobile   = regexp.MustCompile(`mobile|notification`)

	// Referrers GA4 turns into a named organic source; every other
	// referrer is host / referral.
	refEngines = []struct {
		re   *regexp.Regexp
		name string
	}{
		{regexp.MustCompile(`^(images\.)?google\.(com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$`), "google"},
		{regexp.MustCompile(`^(cn\.)?bing\.com$`), "bing"},
		{regexp.MustCompile(`^([a-z]+\.)?search\.yahoo\.com$`), "yahoo"},
		{regexp.MustCompile(`^([a-z]+\.)?duckduckgo\.com$`), "duckduckgo"},
		{regexp.MustCompile(`^yandex\.[a-z]{2,3}$|^ya\.ru$`), "yandex"},
		{regexp.MustCompile(`^(m\.)?baidu\.com$`), "baidu"},
	}
	reWebmail = regexp.MustCompile(`^(mail\.google\.com|outlook\.live\.com|deref-gmx\.net|webmail\..*|com\.google\.android\.gm|mail\.yandex\.ru|email\.seznam\.cz|mail\.rambler\.ru)$`)
)

// refChannel is GA4's channel for a hit, from Google's text; deviation is
// the channel dims deliberately gives instead (webmail → email), or "".
func refChannel(page, ref string, cats map[string]string) (want, deviation string) {
	u, err := url.Parse(page)
	if err != nil {
		return "", ""
	}
	q := u.Query()
	src, med, camp := q.Get("utm_source"), q.Get("utm_medium"), q.Get("utm_campaign")
	refHost := ""
	if r, err := url.Parse(ref); err == nil && (r.Scheme == "http" || r.Scheme == "https" || r.Scheme == "android-app") {
		refHost = strings.TrimPrefix(strings.ToLower(r.Hostname()), "www.")
		if refHost == strings.TrimPrefix(u.Hostname(), "www.") {
			refHost = ""
		}
	}
	switch {
	case q.Get("gclid") != "":
		src, med, camp = "google", "cpc", ""
	case q.Get("dclid") != "":
		src, med, camp = "dfa", "cpm", ""
	case src != "" || med != "":
		if src == "" {
			src = "(not set)"
		}
		if med == "" {
			med = "(not set)"
		}
	case refHost != "":
		src, med = refHost, "referral"
		for _, e := range refEngines {
			if e.re.MatchString(refHost) {
				src, med = e.name, "organic"
			}
		}
		if reWebmail.MatchString(refHost) {
			deviation = "email"
		}
	case camp != "":
		src, med = "(not set)", "(not set)"
	default:
		src, med = "(direct)", "(none)"
	}
	cat := cats[src]
	shop := cat == "SOURCE_CATEGORY_SHOPPING" || reShopCamp.MatchString(camp)
	paid := rePaid.MatchString(med)
	switch {
	case src == "(direct)" && (med == "(none)" || med == "(not set)"):
		want = "direct"
	case strings.Contains(camp, "cross-network"):
		want = "cross_network"
	case shop && paid:
		want = "paid_shopping"
	case cat == "SOURCE_CATEGORY_SEARCH" && paid:
		want = "paid_search"
	case cat == "SOURCE_CATEGORY_SOCIAL" && paid:
		want = "paid_social"
	case cat == "SOURCE_CATEGORY_VIDEO" && paid:
		want = "paid_video"
	case reDisplay.MatchString(med):
		want = "display"
	case paid:
		want = "paid_other"
	case shop:
		want = "organic_shopping"
	case cat == "SOURCE_CATEGORY_SOCIAL" || reSocialM.MatchString(med):
		want = "social"
	case cat == "SOURCE_CATEGORY_VIDEO" || reVideo.MatchString(med):
		want = "organic_video"
	case cat == "SOURCE_CATEGORY_SEARCH" || med == "organic":
		want = "organic_search"
	case reReferral.MatchString(med):
		want = "referral"
	case reEmail.MatchString(src) || reEmail.MatchString(med):
		want = "email"
	case med == "affiliate":
		want = "affiliates"
	case med == "audio":
		want = "audio"
	case src == "sms" || med == "sms":
		want = "sms"
	case rePush.MatchString(med) || reMobile.MatchString(med) || src == "firebase":
		want = "mobile_push_notifications"
	default:
		want = "unassigned"
	}
	return want, deviation
}

// readCategories reads Google's source-category list from the repository
// (dims/data/ga4_source_categories.csv), looked up from the working
// directory upwards so that go run works from any subdirectory.
func readCategories() (map[string]string, error) {
	const rel = "dims/data/ga4_source_categories.csv"
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for d := wd; ; d = filepath.Dir(d) {
		f, err := os.Open(filepath.Join(d, rel))
		if err == nil {
			defer f.Close()
			m := map[string]string{}
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				s, c, ok := strings.Cut(strings.TrimSpace(sc.Text()), ",")
				if ok && strings.HasPrefix(c, "SOURCE_CATEGORY_") {
					m[strings.ToLower(s)] = c
				}
			}
			return m, sc.Err()
		}
		if filepath.Dir(d) == d {
			return nil, errors.New("cannot find " + rel + " above " + wd)
		}
	}
}
