package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/consentproxy/consentproxy/consent"
)

// The hit mix: what wrk sends. A template is one visitor's hit minus the
// visitor's address; wrk's script glues template (v mod templates) and IP v
// together for visitor v, so a run has as many distinct visitors (IP + user
// agent) as it has IPs, whatever the number of templates.

// Who a template's visitor is, which decides what the proxy must forward.
type kind uint8

const (
	kindConsented kind = iota // valid signed cookie granting analytics: every event forwarded
	kindNoCookie              // no consent cookie
	kindDenied                // valid cookie without analytics
	kindGCSDenied             // granting cookie, but the hit's gcs denies analytics_storage
	kindDNT                   // DNT: 1 (with or without a granting cookie)
	kindGPC                   // Sec-GPC: 1 (with or without a granting cookie)
	kindOptOut                // opt-out cookie (next to a granting cookie)
	kindBot                   // crawler user agent, or a client without Accept-Language
	numKinds
)

var kindNames = [numKinds]string{"consented", "no_cookie", "denied", "gcs_denied", "dnt", "gpc", "opt_out", "bot"}

func (k kind) String() string { return kindNames[k] }

// kindWeights are the mix's shares in percent. Roughly what a European
// e-commerce site with a banner sees: half consent, a fifth never answers.
var kindWeights = [numKinds]int{
	kindConsented: 53, kindNoCookie: 20, kindDenied: 5, kindGCSDenied: 2,
	kindDNT: 5, kindGPC: 5, kindOptOut: 3, kindBot: 7,
}

// hitTemplate is one hit of the mix.
type hitTemplate struct {
	Kind kind
	// Head is the request line and headers, ending with "X-Forwarded-For: "
	// so that the script appends the visitor's address, CRLF CRLF and Body.
	Head string
	Body string
	// Events is how many events the hit carries; Forwarded how many of them
	// consentproxy must forward (all or none).
	Events, Forwarded int
}

// mixConfig says what to generate.
type mixConfig struct {
	Templates int // distinct hits (user agent, cookie, page, event mix)
	Visitors  int // distinct IPs; with the template, the visitor
	Sites     []string
	Host      string
	Revision  string
	Secret    []byte
	Seed      uint64
	Now       time.Time
}

// mix is a generated hit mix.
type mix struct {
	Templates []hitTemplate
	IPs       []string
}

// genMix builds the mix. It is deterministic for a seed, except for the
// consent cookies' random ids.
func genMix(cfg mixConfig) (*mix, error) {
	if cfg.Templates <= 0 || cfg.Visitors <= 0 || len(cfg.Sites) == 0 {
		return nil, errors.New("mix: templates, visitors and sites must be positive")
	}
	codec, err := consent.NewCodec([][]byte{cfg.Secret}, 4368*time.Hour, func() time.Time { return cfg.Now })
	if err != nil {
		return nil, fmt.Errorf("mix: consent codec: %w", err)
	}
	scope := consent.Scope("", cfg.Host)
	cookie := func(analytics bool) (string, error) {
		r, err := codec.NewRecord(cfg.Revision, consent.Categories{Analytics: analytics})
		if err != nil {
			return "", err
		}
		return consent.ConsentCookie + "=" + codec.Encode(r, scope), nil
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	g := &gen{rng: rng, cfg: cfg, uas: userAgents(rng, 3000)}
	m := &mix{}
	for i := range cfg.Templates {
		k := pickKind(rng)
		t, err := g.template(i, k, cookie)
		if err != nil {
			return nil, err
		}
		m.Templates = append(m.Templates, t)
	}
	m.IPs = visitorIPs(rng, cfg.Visitors)
	return m, nil
}

func pickKind(rng *rand.Rand) kind {
	n := rng.IntN(100)
	for k, w := range kindWeights {
		if n < w {
			return kind(k)
		}
		n -= w
	}
	return kindConsented
}

type gen struct {
	rng *rand.Rand
	cfg mixConfig
	uas []string
}

var (
	languages = []string{"de-DE,de;q=0.9,en;q=0.8", "en-US,en;q=0.9", "en-GB,en;q=0.8", "fr-FR,fr;q=0.9", "es-ES,es;q=0.9",
		"it-IT,it;q=0.9", "nl-NL,nl;q=0.9,en;q=0.7", "pl-PL,pl;q=0.9", "sv-SE,sv;q=0.9", "de-AT,de;q=0.9", "pt-BR,pt;q=0.9"}
	referrers = []string{"", "", "", "https://www.google.com/", "https://www.google.de/", "https://www.bing.com/",
		"https://duckduckgo.com/", "https://l.facebook.com/", "https://t.co/", "https://news.ycombinator.com/",
		"https://www.reddit.com/r/shopping/", "https://blog.partner.example/review?id=12"}
	events   = []string{"scroll", "user_engagement", "click", "view_item", "add_to_cart", "form_start", "view_search_results", "file_download"}
	sections = []string{"products", "blog", "docs", "help", "category", "brand"}
	crawlers = []string{
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
		"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
		"Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36",
		"python-requests/2.31.0",
		"curl/8.5.0",
	}
)

// userAgents makes n distinct, plausible browser user agents: real shapes
// with varying versions, builds and device models. Their popularity is
// skewed (see pickUA), as on a real site.
func userAgents(rng *rand.Rand, n int) []string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		chrome := 118 + rng.IntN(13)
		build := 5993 + rng.IntN(900)
		patch := rng.IntN(250)
		var ua string
		switch rng.IntN(8) {
		case 0, 1:
			ua = fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Safari/537.36", chrome, build, patch)
		case 2:
			ua = fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Safari/537.36 Edg/%d.0.%d.%d", chrome, build, patch, chrome, 2000+rng.IntN(500), rng.IntN(100))
		case 3:
			ua = fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.%d Safari/605.1.15", 15+rng.IntN(4), rng.IntN(7))
		case 4:
			v := 15 + rng.IntN(4)
			ua = fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS %d_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.%d Mobile/15E148 Safari/604.1", v, rng.IntN(7), v, rng.IntN(7))
		case 5:
			models := []string{"SM-S918B", "SM-A546B", "SM-G991B", "Pixel 8", "Pixel 7a", "M2101K20AG", "CPH2411", "moto g54 5G"}
			ua = fmt.Sprintf("Mozilla/5.0 (Linux; Android %d; %s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Mobile Safari/537.36", 11+rng.IntN(4), models[rng.IntN(len(models))], chrome, build, patch)
		case 6:
			ff := 115 + rng.IntN(16)
			ua = fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0", ff, ff)
			if rng.IntN(2) == 0 {
				ua = fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.0", ff, ff)
			}
		default:
			ua = fmt.Sprintf("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/%d.0 Chrome/%d.0.0.0 Mobile Safari/537.36", 20+rng.IntN(6), chrome)
		}
		if !seen[ua] {
			seen[ua] = true
			out = append(out, ua)
		}
	}
	return out
}

// pickUA is skewed: half the visitors share the 50 most common agents.
func (g *gen) pickUA() string {
	if g.rng.IntN(2) == 0 {
		return g.uas[g.rng.IntN(min(50, len(g.uas)))]
	}
	return g.uas[g.rng.IntN(len(g.uas))]
}

// page is a page URL: a few thousand distinct paths, some with campaign
// parameters (kept) and click ids or personal data (dropped).
func (g *gen) page() string {
	var p string
	switch n := g.rng.IntN(10); {
	case n == 0:
		p = "/"
	case n == 1:
		p = []string{"/pricing", "/about", "/contact", "/cart", "/checkout", "/search"}[g.rng.IntN(6)]
	default:
		p = fmt.Sprintf("/%s/item-%d", sections[g.rng.IntN(len(sections))], g.rng.IntN(600))
	}
	u := "https://" + g.cfg.Host + p
	switch g.rng.IntN(12) {
	case 0:
		u += "?utm_source=newsletter&utm_medium=email&utm_campaign=spring_" + strconv.Itoa(g.rng.IntN(20))
	case 1:
		u += "?gclid=Cj0KCQjw" + strconv.FormatUint(g.rng.Uint64(), 36)
	case 2:
		u += "?q=running+shoes&email=someone%40mail.example"
	case 3:
		u += "#reviews"
	}
	return u
}

func (g *gen) shared(b *strings.Builder, site, gcs, cid, lang string, sct int) {
	fmt.Fprintf(b, "v=2&tid=%s&gtm=45je5ca0v9&_p=%d&gcs=%s&gcd=13r3r3r3r5l1&npa=0&dma=0&cid=%s&ul=%s&sr=%s&uaa=x86&uab=64&uamb=0&_s=%d&sid=%d&sct=%d&seg=1",
		site, 1760000000000+g.rng.Int64N(1e10), gcs, cid, strings.ToLower(strings.SplitN(lang, ",", 2)[0]),
		[]string{"1920x1080", "1536x864", "390x844", "412x915", "2560x1440"}[g.rng.IntN(5)],
		1+g.rng.IntN(12), 1760000000+g.rng.IntN(1e7), sct)
}

// template builds hit i of kind k.
func (g *gen) template(i int, k kind, cookie func(bool) (string, error)) (hitTemplate, error) {
	rng := g.rng
	site := g.cfg.Sites[0]
	if len(g.cfg.Sites) > 1 && rng.IntN(10) == 0 {
		site = g.cfg.Sites[1+rng.IntN(len(g.cfg.Sites)-1)]
	}
	ua := g.pickUA()
	lang := languages[rng.IntN(len(languages))]
	cid := fmt.Sprintf("%d.%d", 100000000+rng.IntN(9e8), 1750000000+rng.IntN(1e7))
	gcs := "G111"
	var cookies []string
	var extra []string
	granted := func() error {
		c, err := cookie(true)
		cookies = append(cookies, c)
		return err
	}
	var err error
	switch k {
	case kindConsented:
		err = granted()
	case kindNoCookie:
		gcs = "G100"
	case kindDenied:
		var c string
		c, err = cookie(false)
		cookies = append(cookies, c)
		gcs = "G100"
	case kindGCSDenied:
		err = granted()
		gcs = "G110"
	case kindDNT, kindGPC:
		if rng.IntN(2) == 0 {
			err = granted()
		}
		if k == kindDNT {
			extra = append(extra, "DNT: 1")
		} else {
			extra = append(extra, "Sec-GPC: 1")
		}
	case kindOptOut:
		err = granted()
		cookies = append(cookies, consent.OptOutCookie+"=1")
	case kindBot:
		if rng.IntN(3) == 0 {
			lang = "" // a browser-shaped client that sends no Accept-Language
		} else {
			ua = crawlers[rng.IntN(len(crawlers))]
			if rng.IntN(2) == 0 {
				lang = ""
			}
		}
	}
	if err != nil {
		return hitTemplate{}, fmt.Errorf("mix: cookie: %w", err)
	}
	if k != kindBot || rng.IntN(2) == 0 {
		cookies = append(cookies, "_ga=GA1.1."+cid, fmt.Sprintf("_ga_%s=GS1.1.%d.3.1.%d.0.0.0", strings.TrimPrefix(site, "G-"), 1760000000+rng.IntN(1e7), 1760000000+rng.IntN(1e7)))
	}

	dl := g.page()
	dr := referrers[rng.IntN(len(referrers))]
	var q strings.Builder
	g.shared(&q, site, gcs, cid, lang, 1+rng.IntN(40))
	q.WriteString("&dl=" + url.QueryEscape(dl))
	if dr != "" {
		q.WriteString("&dr=" + url.QueryEscape(dr))
	}
	q.WriteString("&dt=" + url.QueryEscape("Item "+strconv.Itoa(i%600)+" – Shop"))

	t := hitTemplate{Kind: k, Events: 1}
	method := "GET"
	var body string
	switch n := rng.IntN(100); {
	case n < 40: // gtag's GET fallback: one event in the query
		q.WriteString("&en=page_view&_ee=1&tfd=" + strconv.Itoa(200+rng.IntN(3000)))
	case n < 65: // sendBeacon with one event and an empty body
		method = "POST"
		ev := events[rng.IntN(len(events))]
		q.WriteString("&en=" + ev + "&_et=" + strconv.Itoa(rng.IntN(20000)))
		if ev == "click" {
			q.WriteString("&ep.link_url=" + url.QueryEscape("https://partner.example/out?ref="+strconv.Itoa(i)))
		}
	default: // a batch: shared parameters in the query, one event a line
		method = "POST"
		n := 2 + rng.IntN(3)
		lines := make([]string, n)
		lines[0] = "en=page_view&_et=" + strconv.Itoa(rng.IntN(500))
		for j := 1; j < n; j++ {
			ev := events[rng.IntN(len(events))]
			l := "en=" + ev + "&_et=" + strconv.Itoa(rng.IntN(30000))
			switch ev {
			case "scroll":
				l += "&epn.percent_scrolled=90"
			case "form_start":
				l += "&ep.form_id=newsletter&ep.email=" + url.QueryEscape("jane.doe@mail.example") // dropped by the minimizer
			case "view_item":
				l += "&ep.item_id=SKU-" + strconv.Itoa(rng.IntN(5000))
			}
			lines[j] = l
		}
		body = strings.Join(lines, "\r\n") + "\r\n"
		t.Events = n
	}
	if k == kindConsented {
		t.Forwarded = t.Events
	}

	var h strings.Builder
	fmt.Fprintf(&h, "%s /g/collect?%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n", method, q.String(), g.cfg.Host, ua)
	if lang != "" {
		h.WriteString("Accept-Language: " + lang + "\r\n")
	}
	h.WriteString("Accept-Encoding: gzip, deflate, br, zstd\r\n")
	if k != kindBot {
		h.WriteString("Sec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: empty\r\n")
		h.WriteString("Referer: " + strings.SplitN(dl, "?", 2)[0] + "\r\n")
	}
	if method == "POST" {
		h.WriteString("Content-Type: text/plain;charset=UTF-8\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n")
		if k != kindBot {
			h.WriteString("Origin: https://" + g.cfg.Host + "\r\n")
		}
	}
	for _, e := range extra {
		h.WriteString(e + "\r\n")
	}
	if len(cookies) > 0 {
		h.WriteString("Cookie: " + strings.Join(cookies, "; ") + "\r\n")
	}
	h.WriteString("X-Forwarded-For: ")
	t.Head, t.Body = h.String(), body
	return t, nil
}

// visitorIPs draws n distinct public addresses, one visitor in ten on IPv6.
func visitorIPs(rng *rand.Rand, n int) []string {
	firsts := []int{5, 31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 91, 93, 94, 95, 109, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217}
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		var ip string
		if rng.IntN(10) == 0 {
			ip = fmt.Sprintf("2a02:%x:%x:%x::%x", 0x8100+rng.IntN(0x100), rng.IntN(0x10000), rng.IntN(0x10000), 1+rng.IntN(0xfffe))
		} else {
			ip = fmt.Sprintf("%d.%d.%d.%d", firsts[rng.IntN(len(firsts))], rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
		}
		if !seen[ip] {
			seen[ip] = true
			out = append(out, ip)
		}
	}
	return out
}

// writeLua writes the mix as a Lua chunk that returns its tables, for the
// wrk script to load once per thread.
func (m *mix) writeLua(path string) error {
	var b strings.Builder
	b.WriteString("-- generated by bench; do not edit\nreturn {\nhead = {\n")
	for _, t := range m.Templates {
		b.WriteString(luaQuote(t.Head) + ",\n")
	}
	b.WriteString("},\nbody = {\n")
	for _, t := range m.Templates {
		b.WriteString(luaQuote(t.Body) + ",\n")
	}
	b.WriteString("},\nev = {")
	for _, t := range m.Templates {
		b.WriteString(strconv.Itoa(t.Events) + ",")
	}
	b.WriteString("},\nfwd = {")
	for _, t := range m.Templates {
		b.WriteString(strconv.Itoa(t.Forwarded) + ",")
	}
	b.WriteString("},\nips = {\n")
	for _, ip := range m.IPs {
		b.WriteString(luaQuote(ip) + ",\n")
	}
	b.WriteString("},\n}\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// luaQuote renders s as a Lua string literal. Bytes outside printable ASCII
// are written as decimal escapes, which every Lua reads.
func luaQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\%03d", c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
