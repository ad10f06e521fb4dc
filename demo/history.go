package demo

import (
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
)

// History is generated traffic for the dashboard to show from the start:
// visits of a plausible small shop, with the usual sources, devices,
// languages and consent choices, scrolls, orders (GA4 purchase events with
// a value in euros), and some bots and privacy signals. It is
// made of Observations, exactly what the proxy hands its recorder, so
// everything downstream (aggregation, k-suppression, rollups) is the real
// thing; only the visitors are made up.
type History struct {
	// Site is the measurement id. Required.
	Site string
	// Origin is the shop's origin in page URLs, e.g. http://localhost:8080.
	// Required.
	Origin string
	// Agents parses the generated user agents as the proxy would. Required.
	Agents consentproxy.AgentParser
	// Seed makes the history reproducible. Default 0 (still deterministic).
	Seed uint64
}

var (
	userAgents = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
		"Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	}
	uaWeights = []int{30, 12, 20, 14, 6, 7, 5, 4, 2}
	bots      = []string{
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; GPTBot/1.2; +https://openai.com/gptbot",
		"Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
	}
	// sources: a referrer and the landing query string, with one of
	// details added (a campaign's utm_term or utm_content), if any.
	sources = []struct {
		referrer, query string
		weight          int
		details         []string
	}{
		{"https://www.google.com/", "", 34, nil},
		{"", "", 20, nil},
		{"", "?utm_source=newsletter&utm_medium=email&utm_campaign=winter-sale", 11, []string{"&utm_content=header", "&utm_content=header", "&utm_content=footer"}},
		{"https://l.instagram.com/", "?utm_source=instagram&utm_medium=social&utm_campaign=winter-sale", 8, []string{"&utm_content=story", "&utm_content=post"}},
		{"https://www.bing.com/", "", 6, nil},
		{"https://www.facebook.com/", "", 5, nil},
		{"https://chatgpt.com/", "", 4, nil},
		{"https://www.google.com/", "?gclid=demo&utm_source=google&utm_medium=cpc&utm_campaign=tea-bowls", 5,
			[]string{"&utm_term=tea+bowl", "&utm_term=tea+bowl", "&utm_term=handmade+ceramics"}},
		{"https://duckduckgo.com/", "", 4, nil},
		{"https://www.pinterest.com/", "", 3, nil},
	}
	landing = []struct {
		path   string
		weight int
	}{{"/demo/", 50}, {"/demo/products", 25}, {"/demo/products/tea-bowl", 15}, {"/demo/about", 10}}
	// next are the pages a visit goes on to; a product page leads to
	// checkout (the demo's goal) about a third of the time.
	next      = []string{"/demo/products", "/demo/products/tea-bowl", "/demo/products/mug", "/demo/about", "/demo/"}
	checkout  = "/demo/checkout"
	languages = []string{"en-us", "de-de", "fr-fr", "en-gb", "nl-nl", "es-es", "de-at", "it-it"}
	langW     = []int{24, 30, 12, 10, 8, 6, 5, 5}
	countries = []string{"DE", "US", "FR", "GB", "NL", "ES", "AT", "CH", "IT", "CA"}
	countryW  = []int{30, 20, 12, 10, 8, 6, 5, 4, 3, 2}
	// regions are the ISO 3166-2 regions a CDN's region header names, for
	// the countries it names them of here; the first is the most common.
	regions = map[string][]string{
		"DE": {"DE-BY", "DE-BE", "DE-NW", "DE-BW", "DE-HH", "DE-HE"},
		"US": {"US-CA", "US-NY", "US-TX", "US-WA", "US-IL"},
		"FR": {"FR-IDF", "FR-ARA", "FR-PAC"},
		"GB": {"GB-ENG", "GB-SCT"},
	}
	// Visitors by UTC hour: quiet at night, busy in the evening.
	hourW = []int{2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 9, 8, 8, 8, 8, 9, 10, 11, 10, 8, 5, 3}
)

var sourceW, landingW = weights(sources, func(i int) int { return sources[i].weight }),
	weights(landing, func(i int) int { return landing[i].weight })

func weights[T any](s []T, w func(int) int) []int {
	out := make([]int, len(s))
	for i := range s {
		out[i] = w(i)
	}
	return out
}

func pick(r *rand.Rand, w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

// Day generates the visits of the UTC day that starts at day, calling
// record for every observation in time order within each visit and choice
// for every banner decision, with the time it happened.
func (h History) Day(day time.Time, record func(*consentproxy.Observation), choice func(outcome string, at time.Time)) {
	day = day.UTC().Truncate(24 * time.Hour)
	r := rand.New(rand.NewPCG(h.Seed, uint64(day.Unix())))
	visitors := 150 + r.IntN(90)
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		visitors = visitors * 2 / 3
	}
	for range visitors {
		h.visit(r, day, record, choice)
	}
	for range 5 + r.IntN(15) {
		ua := bots[r.IntN(len(bots))]
		at := day.Add(time.Duration(r.Int64N(int64(24 * time.Hour))))
		a := h.Agents.Parse(ua)
		record(&consentproxy.Observation{Time: at, Site: h.Site, Reason: consentproxy.ReasonBot, Class: a.BotClass,
			Event: "page_view", Location: h.Origin + "/demo/", UserAgent: ua, Agent: a, IP: randomIP(r)})
	}
}

func (h History) visit(r *rand.Rand, day time.Time, record func(*consentproxy.Observation), choice func(string, time.Time)) {
	at := day.Add(time.Duration(pick(r, hourW))*time.Hour + time.Duration(r.Int64N(int64(time.Hour))))
	ua := userAgents[pick(r, uaWeights)]
	agent := h.Agents.Parse(ua)
	ip := randomIP(r)
	lang := languages[pick(r, langW)]
	country := countries[pick(r, countryW)]
	src := sources[pick(r, sourceW)]
	query := src.query
	if len(src.details) > 0 {
		query += src.details[r.IntN(len(src.details))]
	}
	region := ""
	if rs := regions[country]; len(rs) > 0 {
		// The first region twice as likely as each of the others.
		if i := r.IntN(len(rs) + 1); i > 0 {
			region = rs[i-1]
		} else {
			region = rs[0]
		}
	}
	// The banner's first answer decides what every hit of the visit is.
	reason := consentproxy.ReasonForwarded
	switch n := r.IntN(100); {
	case n < 6:
		reason = consentproxy.ReasonGPC
	case n < 8:
		reason = consentproxy.ReasonNoConsent // left the banner unanswered
	case n < 30:
		reason = consentproxy.ReasonDenied
		choice(consent.OutcomeRejectAll, at.Add(3*time.Second))
	case n < 35:
		choice(consent.OutcomeCustom, at.Add(5*time.Second))
	default:
		choice(consent.OutcomeAcceptAll, at.Add(2*time.Second))
	}
	pages := 1
	for pages < 8 && r.IntN(100) < 55 {
		pages++
	}
	path := landing[pick(r, landingW)].path
	referrer := src.referrer
	product := "" // the last product page seen, what a purchase buys
	for i := range pages {
		loc := h.Origin + path
		if i == 0 {
			loc += query
		}
		engaged := int64(2000 + r.IntN(60000))
		o := consentproxy.Observation{Time: at, Site: h.Site, Reason: reason, Event: "page_view", Location: loc,
			Referrer: referrer, Language: lang, Country: country, Region: region, UserAgent: ua, IP: ip, Agent: agent}
		record(&o)
		if r.IntN(100) < 45 {
			s := o
			s.Event, s.Referrer, s.Time = "scroll", "", at.Add(time.Duration(engaged/2)*time.Millisecond)
			record(&s)
		}
		e := o
		e.Event, e.Referrer, e.EngagementMS = "user_engagement", "", engaged
		e.Time = at.Add(time.Duration(engaged) * time.Millisecond)
		if path == checkout && r.IntN(100) < purchaseShare {
			// The order, a moment before the visitor leaves the page.
			p := o
			p.Event, p.Referrer, p.Time = "purchase", "", at.Add(time.Duration(engaged*3/4)*time.Millisecond)
			if !reason.Suppressed() { // the proxy passes no parameters of a suppressed hit
				p.Params = order(r, product)
			}
			record(&p)
		}
		record(&e)
		at = e.Time.Add(time.Duration(1+r.IntN(20)) * time.Second)
		referrer = loc
		if strings.HasPrefix(path, "/demo/products/") {
			product = path
		}
		if strings.HasPrefix(path, "/demo/products/") && r.IntN(100) < 35 {
			path = checkout
		} else {
			path = next[r.IntN(len(next))]
		}
	}
}

// purchaseShare is the percentage of checkout views that end in an order
// (a GA4 purchase event).
const purchaseShare = 60

// prices are the shop's products' prices in euros (demo/site.go).
var prices = map[string]float64{"/demo/products/tea-bowl": 34, "/demo/products/mug": 29}

// plate is the dinner plate's price, added to some orders.
const plate = 42.0

// params is a purchase event's parameters, as the proxy's parsed hit
// gives them to the aggregator (consentproxy.ParamSource).
type params map[string]string

// Param returns the event's parameter name; the history's observations
// are one event each, so event is always 0.
func (p params) Param(_ int, name string) (string, bool) {
	v, ok := p[name]
	return v, ok
}

// order is a purchase of the product last seen (a tea bowl when there is
// none): one or two of it, sometimes with a dinner plate, in euros, as
// gtag sends a purchase's value (epn.value) and currency (cu).
func order(r *rand.Rand, product string) params {
	price, ok := prices[product]
	if !ok {
		price = prices["/demo/products/tea-bowl"]
	}
	value := price
	if r.IntN(100) < 15 {
		value += price
	}
	if r.IntN(100) < 20 {
		value += plate
	}
	return params{"epn.value": strconv.FormatFloat(value, 'f', 2, 64), "cu": "EUR"}
}

// randomIP is a carrier-grade NAT address (100.64.0.0/10): it only feeds
// the daily-salted visitor hash, as a visitor's address would.
func randomIP(r *rand.Rand) netip.Addr {
	n := r.Uint32() & (1<<22 - 1)
	return netip.AddrFrom4([4]byte{100, byte(64 | n>>16), byte(n >> 8), byte(n)})
}
