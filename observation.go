package consentproxy

import (
	"net/netip"
	"time"
)

// Agent is what a user agent string reveals once normalized: coarse families and
// a major version, never the raw string. The proxy parses it once per hit (behind
// a bounded cache) and uses Bot in the decision; the aggregator counts the rest.
type Agent struct {
	Browser        string // "Chrome", "Firefox", "Safari", … or "" when unknown
	BrowserVersion string // major version only: "126"
	OS             string // "Windows", "macOS", "iOS", "Android", "Linux", …
	OSVersion      string // major (or marketing) version only: "17", "10"
	Device         string // one of the Device* classes, or "" when unknown
	Bot            bool
	// BotClass says what kind of bot it is (one of the Bot* classes) when
	// Bot is set, so a site owner sees what was filtered and why; "" otherwise.
	BotClass string
}

// Device classes. They are stored in the devices table, so the set only grows.
const (
	DeviceDesktop = "desktop"
	DeviceMobile  = "mobile"
	DeviceTablet  = "tablet"
	DeviceTV      = "tv"      // smart TVs, set-top boxes and streaming sticks
	DeviceConsole = "console" // game consoles, handheld ones included
)

// Bot classes. Filtered hits are counted per class (the filtered table), so
// the set is closed and its values are part of the stored schema.
const (
	// BotCrawler: search engines, SEO tools, feed readers, link previews.
	BotCrawler = "crawler"
	// BotAICrawler: crawlers and agents of AI companies (GPTBot, ClaudeBot, …).
	BotAICrawler = "ai_crawler"
	// BotMonitor: synthetic monitoring and page-speed services; many run
	// JavaScript in a real browser and send analytics hits.
	BotMonitor = "monitor"
	// BotHeadless: headless and automated browsers (HeadlessChrome,
	// PhantomJS, Puppeteer, Playwright, Selenium, …).
	BotHeadless = "headless"
	// BotLibrary: HTTP libraries and command-line clients (curl, python-requests, Go-http-client, …).
	BotLibrary = "library"
	// BotOther: everything else that is not a visitor: prefetches, empty
	// or implausible user agents, no recognizable browser nor OS.
	BotOther = "other"
)

// BotClasses lists every bot class in a stable order.
func BotClasses() []string {
	return []string{BotCrawler, BotAICrawler, BotMonitor, BotHeadless, BotLibrary, BotOther}
}

// AgentParser turns a raw User-Agent header into an Agent. Implementations must
// be safe for concurrent use and must not retain ua beyond the call.
type AgentParser interface {
	Parse(ua string) Agent
}

// Observation is everything the aggregator may learn from one event. It is built
// by the proxy for every event of every hit, whatever its Reason, and handed to a
// Recorder. Its strings may point into request memory that is reused once the
// handler returns: a Recorder must copy whatever it keeps, and must keep nothing
// that identifies a person (see "What is counted, and what is never stored" in docs/privacy.md).
type Observation struct {
	Time   time.Time // when the proxy received the hit
	Site   string    // the measurement id (tid); "" when it was missing or invalid
	Reason Reason
	// Class says why a filtered hit was filtered: the Agent's BotClass for
	// ReasonBot, one of the Excluded* rules for ReasonExcluded, else "".
	Class string

	Event        string // GA4 event name (en), e.g. "page_view"
	Location     string // page URL (dl) as sent; only its normalized path is counted
	Referrer     string // referrer URL (dr) as sent; only its host is counted
	Language     string // ul, or the first Accept-Language tag
	Country      string // ISO 3166-1 alpha-2 from a trusted CDN header, or ""
	Region       string // ISO 3166-2 ("US-CA") from the trusted region header, or ""
	EngagementMS int64  // _et, engagement time in milliseconds, at most MaxEngagementMS

	// UserAgent and IP feed only the in-memory, daily-salted visitor hash and
	// the GeoIP lookup; they are never stored.
	UserAgent string
	IP        netip.Addr
	Agent     Agent

	// Params gives the event's parameters by name (ep.plan, epn.value,
	// cu, …) as sent, for the site owner's event properties, goals that
	// match a property and revenue; Index is the event's place in its
	// hit. nil for a suppressed hit. Valid only during Record, like the
	// strings above.
	Params ParamSource
	Index  int
}

// ParamSource reads one event's parameters: the proxy's parsed hit.
type ParamSource interface {
	Param(event int, name string) (string, bool)
}

// MaxEngagementMS bounds one hit's engagement time (_et). gtag sends the time
// the page was visible and focused since its previous hit, and a session ends
// after 30 idle minutes, so a larger value is a forged or broken client; it
// counts as 30 minutes rather than being dropped, so the hit is not lost.
const MaxEngagementMS = 30 * 60 * 1000

// Recorder takes observations on the request path, so it must be fast, must not
// block on I/O and must be safe for concurrent use.
type Recorder interface {
	Record(o *Observation)
}

// RecorderFunc adapts a function to Recorder.
type RecorderFunc func(o *Observation)

// Record calls f(o).
func (f RecorderFunc) Record(o *Observation) { f(o) }

// RemovedRecorder is what a Recorder may also be: it counts the parameters
// of a forwarded hit that were kept from Google, per class (the proxy's drop
// reason). Like Record it is called on the request path.
type RemovedRecorder interface {
	RecordRemoved(site, class string, n int64)
}
