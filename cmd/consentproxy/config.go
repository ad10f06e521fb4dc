package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/consentproxy/consentproxy/aggregate"
	"github.com/consentproxy/consentproxy/apitoken"
	"github.com/consentproxy/consentproxy/consent"
	"github.com/consentproxy/consentproxy/proxy"
	"github.com/consentproxy/consentproxy/static/i18n"
)

// Config is the whole deployment configuration. Every field is a flag, an
// environment variable CONSENTPROXY_<FLAG_NAME> and a key of the optional
// YAML file; the command line wins over the environment, which wins over the
// file. The defaults are the flags' defaults (see flags below and README).
type Config struct {
	Listen         string
	GAUpstream     string
	GTMUpstream    string
	MeasurementIDs []string
	AllowedOrigins []string
	TrustedProxies []netip.Prefix
	IPMode         proxy.IPMode
	HonorDNT       bool
	HonorGPC       bool
	Secret         []byte   // signing key: --secret, @file, or generated in the data dir
	OldSecrets     [][]byte // rotated-out keys that still verify
	CookieDomain   string
	DataDir        string
	Revision       string
	ConsentMaxAge  time.Duration
	KeepURLParams  []string
	KeepUserParams []string
	// DataLayers are the dataLayer names gtag.js is served for (?l=).
	// Default "dataLayer" alone.
	DataLayers []string
	// KeepSearchTerms forwards site-search terms. Default false.
	KeepSearchTerms bool
	// MaxValue is the longest value sent to Google, in bytes. Default 1000.
	MaxValue      int
	CountryHeader string
	// RegionHeader is the trusted CDN header with the visitor's ISO 3166-2
	// subdivision. Default "" (none).
	RegionHeader string
	// PublicURL is the proxy's URL as browsers reach it. Default "" (not
	// said): it is only checked, for ports gtag.js drops.
	PublicURL string

	Store               string
	ClickHouseCluster   string
	ClickHouseReplicate bool
	ClickHouseLocalDDL  bool // migrate every node itself instead of DDL ON CLUSTER

	APITokens      *apitoken.Set // nil: the API answers 401 to everyone
	apiTokensPath  string        // the file APITokens came from, read again on SIGHUP
	MinCount       int
	APICORSOrigins []string

	BannerMode            string
	PrivacyURL            string
	AllowOptInOverSignals bool
	BannerTexts           i18n.Texts
	// Regions is the consent model by place (--regions). Default: the
	// built-in table (consent.BuiltinRules).
	Regions *consent.Regions
	// Goals and Funnels are the site owners' goals (--goals) and funnels
	// (--funnels). Default none.
	Goals   []aggregate.Goal
	Funnels []aggregate.Funnel
	// PageCountries writes the page × country breakdown (--breakdowns
	// page_country). Default false.
	PageCountries bool
	// Properties are the event properties counted (--event-properties).
	// Default none.
	Properties []aggregate.Property
	// ReportMail is the scheduled e-mail report (--report-smtp,
	// --report-from, --report-to, --report-every). Default nil: none.
	ReportMail          *reportMail
	Retention           time.Duration
	FlushInterval       time.Duration
	CountWithoutConsent bool
	// ExcludeIPs are internal addresses whose hits are excluded. Default none.
	ExcludeIPs []netip.Prefix
	// ExcludeReferrerSpam leaves out hits from spam referrers. Default true.
	ExcludeReferrerSpam bool
	// StaffExclusion serves /exclude and honours its cookie. Default true.
	StaffExclusion bool
	// AIChannel counts AI assistants as a channel of their own. Default
	// false: GA4's default channel group, where they are referrals.
	AIChannel bool
	GeoIPDB   string

	MaxBody        int
	MaxEvents      int
	ReadBuffer     int
	ForwardQueue   int
	ForwardWorkers int
	ScriptTTL      time.Duration
	DrainTimeout   time.Duration
	CollectRate    int
	CollectBurst   int
	MaxConns       int
	// MemoryLimit is the process's memory budget in bytes: less what is
	// resident outside the Go runtime at start (the binary, chDB) and a
	// sixteenth, it is the runtime's soft limit (runtime/debug.SetMemoryLimit,
	// unless GOMEMLIMIT is set; see goMemoryLimit), and the aggregator's
	// caps derive from it (see memoryCaps). Default 512 MiB.
	MemoryLimit int64
	// MaxConnsPerIP bounds the open connections of one peer address (an
	// IPv6 /64) outside TrustedProxies. Default 256: a browser opens 6 per
	// host, so this admits an office behind one NAT and keeps one attacker
	// from holding every slot. 0 = no limit.
	MaxConnsPerIP int
	ReadTimeout   time.Duration
	WriteTimeout  time.Duration
	IdleTimeout   time.Duration
	MetricsListen string
	// Demo serves the offline demo (package demo) and sends the upstreams'
	// traffic to its stand-in for Google. Default false.
	Demo bool

	LogFormat string
	LogLevel  string

	secretSource string // how the secret was given, for messages

	// warnings are what is valid but will not work as meant; --check-config
	// prints them, and start-up logs them.
	warnings []string

	// storeDatabase, when set, names the store's database instead of the
	// default ("consentproxy", or a clickhouse:// DSN's path). Not a flag:
	// chDB runs one directory per process, so tests that boot several
	// embedded stores in one process tell them apart by database.
	storeDatabase string

	// hitClock, when set, is the proxy's clock: when it received each hit.
	// Not a flag: a test plays visits hours apart without waiting for
	// them. Default nil (time.Now).
	hitClock func() time.Time
}

// validate turns the raw text into a Config, collecting every problem so an
// operator fixes them all in one go.
func (r *rawConfig) validate() (Config, []string) {
	var errs []string
	bad := func(name, format string, args ...any) {
		errs = append(errs, "--"+name+": "+fmt.Sprintf(format, args...))
	}
	if r.fileErr != "" {
		bad("config", "%s", r.fileErr)
	}
	v := func(name string) string { return strings.TrimSpace(*r.values[name]) }
	boolean := func(name string) bool {
		b, err := strconv.ParseBool(v(name))
		if err != nil {
			bad(name, "want true or false, got %q", v(name))
		}
		return b
	}
	integer := func(name string, min, max int) int {
		n, err := strconv.Atoi(v(name))
		if err != nil || n < min || n > max {
			bad(name, "want an integer from %d to %d, got %q", min, max, v(name))
		}
		return n
	}
	size := func(name string, min int64) int64 {
		n, err := parseSize(v(name))
		if err != nil || n < min {
			bad(name, "want a size of at least %d MiB such as 512MiB or 2GiB, got %q", min>>20, v(name))
		}
		return n
	}
	duration := func(name string, min time.Duration) time.Duration {
		d, err := parseDuration(v(name))
		if err != nil || d < min {
			bad(name, "want a duration of at least %s, got %q", min, v(name))
		}
		return d
	}
	c := Config{
		Listen:                v("listen"),
		GAUpstream:            v("ga-upstream"),
		GTMUpstream:           v("gtm-upstream"),
		MeasurementIDs:        list(v("measurement-ids")),
		AllowedOrigins:        list(v("allowed-origins")),
		HonorDNT:              boolean("honor-dnt"),
		HonorGPC:              boolean("honor-gpc"),
		CookieDomain:          v("cookie-domain"),
		DataDir:               v("data-dir"),
		Revision:              v("policy-revision"),
		ConsentMaxAge:         duration("consent-max-age", time.Hour),
		KeepURLParams:         keepList(v("keep-url-params")),
		KeepUserParams:        list(v("keep-user-params")),
		DataLayers:            list(v("datalayer-names")),
		KeepSearchTerms:       boolean("keep-search-terms"),
		MaxValue:              integer("max-value", 64, 1<<20),
		RegionHeader:          v("region-header"),
		PublicURL:             v("public-url"),
		MinCount:              integer("min-count", 1, 1_000_000),
		APICORSOrigins:        list(v("api-cors-origins")),
		CountryHeader:         v("country-header"),
		Store:                 v("store"),
		ClickHouseCluster:     v("clickhouse-cluster"),
		ClickHouseReplicate:   boolean("clickhouse-replicated"),
		ClickHouseLocalDDL:    !boolean("clickhouse-distributed-ddl"),
		BannerMode:            v("banner-mode"),
		PrivacyURL:            v("privacy-url"),
		AllowOptInOverSignals: boolean("allow-opt-in-over-signals"),
		Retention:             duration("retention", 24*time.Hour),
		FlushInterval:         duration("flush-interval", 100*time.Millisecond),
		CountWithoutConsent:   boolean("count-without-consent"),
		ExcludeReferrerSpam:   boolean("exclude-referrer-spam"),
		StaffExclusion:        boolean("staff-exclusion"),
		AIChannel:             boolean("ai-channel"),
		GeoIPDB:               v("geoip-db"),
		MaxBody:               integer("max-body", 1024, 16<<20),
		MaxEvents:             integer("max-events", 1, 1000),
		ReadBuffer:            integer("read-buffer", 4096, 1<<20),
		ForwardQueue:          integer("forward-queue", 1, 10_000_000),
		ForwardWorkers:        integer("forward-workers", 1, 4096),
		ScriptTTL:             duration("script-ttl", time.Second),
		DrainTimeout:          duration("drain-timeout", time.Second),
		CollectRate:           integer("collect-rate", 0, 1_000_000),
		CollectBurst:          integer("collect-burst", 1, 1_000_000),
		MaxConns:              integer("max-conns", 16, 10_000_000),
		MaxConnsPerIP:         integer("max-conns-per-ip", 0, 10_000_000),
		MemoryLimit:           size("memory-limit", 64<<20),
		ReadTimeout:           duration("read-timeout", 100*time.Millisecond),
		WriteTimeout:          duration("write-timeout", 100*time.Millisecond),
		IdleTimeout:           duration("idle-timeout", 100*time.Millisecond),
		MetricsListen:         v("metrics-listen"),
		Demo:                  boolean("demo"),
		LogFormat:             v("log-format"),
		LogLevel:              v("log-level"),
	}
	if _, _, err := splitHostPort(c.Listen); err != nil {
		bad("listen", "%v", err)
	}
	if c.MetricsListen != "" {
		if _, _, err := splitHostPort(c.MetricsListen); err != nil {
			bad("metrics-listen", "%v", err)
		}
	}
	for _, u := range []struct{ name, val string }{{"ga-upstream", c.GAUpstream}, {"gtm-upstream", c.GTMUpstream}} {
		if err := checkOrigin(u.val); err != nil {
			bad(u.name, "%v", err)
		}
	}
	if len(c.MeasurementIDs) == 0 {
		bad("measurement-ids", "at least one id is required, e.g. G-ABC123")
	}
	for _, id := range c.MeasurementIDs {
		if !proxy.ValidMeasurementID(id) {
			bad("measurement-ids", "%q is not a measurement id such as G-ABC123", id)
		}
	}
	for _, o := range c.AllowedOrigins {
		if err := checkOrigin(o); err != nil {
			bad("allowed-origins", "%v", err)
		}
	}
	for _, s := range list(v("trusted-proxies")) {
		p, err := parsePrefix(s)
		if err != nil {
			bad("trusted-proxies", "%q is not a CIDR or an IP", s)
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	for _, s := range list(v("exclude-ips")) {
		p, err := parsePrefix(s)
		if err != nil {
			bad("exclude-ips", "%q is not a CIDR or an IP", s)
			continue
		}
		c.ExcludeIPs = append(c.ExcludeIPs, p)
	}
	var ok bool
	if c.IPMode, ok = proxy.ParseIPMode(v("ip-mode")); !ok {
		bad("ip-mode", "want truncate or redact, got %q", v("ip-mode"))
	}
	if !consent.ValidRevision(c.Revision) {
		bad("policy-revision", "want 1-32 characters of A-Z a-z 0-9 _ -, got %q", c.Revision)
	}
	if c.CookieDomain != "" && !validDomain(c.CookieDomain) {
		bad("cookie-domain", "%q is not a domain name", c.CookieDomain)
	}
	if c.DataDir == "" {
		bad("data-dir", "must not be empty")
	}
	for _, k := range c.KeepUserParams {
		if k != "uid" && !strings.HasPrefix(k, "up.") && !strings.HasPrefix(k, "upn.") {
			bad("keep-user-params", "%q is not uid, up.<name> or upn.<name>", k)
		}
	}
	for _, l := range c.DataLayers {
		if !proxy.DataLayerName.MatchString(l) {
			bad("datalayer-names", "%q is not a JavaScript identifier of at most 64 characters", l)
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("public-url", "want an http(s) URL such as https://cp.example.com, got %q", c.PublicURL)
		} else if p := u.Port(); p != "" && !(u.Scheme == "https" && p == "443" || u.Scheme == "http" && p == "80") {
			c.warnings = append(c.warnings, "--public-url: "+c.PublicURL+" has port "+p+": the banner works (it sets transport_url, "+
				"which keeps ports), but gtag.js drops the port of a server_container_url, so a site that sets one itself loses its "+
				"page views; serve the proxy on 443 (or 80)")
		}
	}
	if c.Demo {
		for _, u := range []struct{ name, val string }{{"ga-upstream", c.GAUpstream}, {"gtm-upstream", c.GTMUpstream}} {
			if u.val != defaultOf(u.name) {
				bad("demo", "sends everything to its own stand-in for Google, so it cannot be combined with --%s", u.name)
			}
		}
	}
	if c.Store == "" {
		c.Store = "chdb://" + filepath.Join(c.DataDir, "clickhouse")
	}
	if err := checkStore(c.Store); err != nil {
		bad("store", "%v", err)
	}
	if c.ClickHouseCluster != "" && !strings.HasPrefix(c.Store, "clickhouse://") {
		bad("clickhouse-cluster", "needs a clickhouse:// store")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("log-format", "want text or json, got %q", c.LogFormat)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		bad("log-level", "%v", err)
	}
	if p := v("api-tokens"); p != "" {
		if !strings.HasPrefix(p, "@") {
			bad("api-tokens", "want @path to a tokens file, so tokens stay out of process listings")
		} else if set, err := apitoken.Load(p[1:]); err != nil {
			bad("api-tokens", "%v", err)
		} else {
			c.APITokens, c.apiTokensPath = set, p[1:]
		}
	}
	for _, o := range c.APICORSOrigins {
		if err := checkOrigin(o); err != nil {
			bad("api-cors-origins", "%v", err)
		}
	}
	if c.BannerMode != "basic" && c.BannerMode != "advanced" {
		bad("banner-mode", "want basic or advanced, got %q", c.BannerMode)
	}
	if t, err := readTexts(v("banner-texts")); err != nil {
		bad("banner-texts", "%v", err)
	} else {
		c.BannerTexts = t
	}
	if r, err := readRegions(v("regions")); err != nil {
		bad("regions", "%v", err)
	} else {
		c.Regions = r
		if c.CountryHeader != "" && c.RegionHeader == "" && c.GeoIPDB == "" && r.NamesSubdivisions() {
			c.warnings = append(c.warnings, "--regions: rules name subdivisions (such as US-CA), which no visitor matches "+
				"with only --country-header: set --region-header or --geoip-db, or those visitors get the country's or the elsewhere rule")
		}
	}
	c.readMarketing(v, bad)
	var err error
	if c.Secret, c.secretSource, err = readSecret(v("secret")); err != nil {
		bad("secret", "%v", err)
	}
	if c.OldSecrets, err = readSecrets(v("previous-secrets")); err != nil {
		bad("previous-secrets", "%v", err)
	}
	return c, errs
}

// readTexts reads banner text overrides: JSON, or @path to a JSON file.
// They are checked against the built-in keys and languages here, so a typo
// fails --check-config instead of silently showing the default text.
func readTexts(v string) (i18n.Texts, error) {
	if v == "" {
		return nil, nil
	}
	b := []byte(v)
	if strings.HasPrefix(v, "@") {
		var err error
		if b, err = os.ReadFile(v[1:]); err != nil {
			return nil, fmt.Errorf("read banner texts: %w", err)
		}
	}
	var t i18n.Texts
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("want {\"lang\": {\"key\": \"text\"}}: %w", err)
	}
	if _, err := i18n.Merge(i18n.Builtin(), t); err != nil {
		return nil, err
	}
	return t, nil
}

// defaultOf is a flag's default.
func defaultOf(name string) string {
	for _, f := range flagSpecs {
		if f.name == name {
			return f.def
		}
	}
	return ""
}

// keepList is list for --keep-url-params, where "" and "none" keep no
// parameter: an empty, non-nil list, since nil means the minimizer's default.
func keepList(s string) []string {
	if s == "" || s == "none" {
		return []string{}
	}
	return list(s)
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseDuration accepts Go durations plus whole days ("400d") and months
// ("25mo", a month being 1/12 of 365.25 days), which is how people say
// retention periods.
func parseDuration(s string) (time.Duration, error) {
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"mo", time.Duration(365.25 * 24 / 12 * float64(time.Hour))}, {"d", 24 * time.Hour}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			i, err := strconv.Atoi(n)
			if err != nil || i < 0 {
				return 0, errors.New("bad number")
			}
			if i > int(math.MaxInt64/u.unit) {
				return 0, errors.New("too long") // would wrap around
			}
			return time.Duration(i) * u.unit, nil
		}
	}
	return time.ParseDuration(s)
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func checkOrigin(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not an origin such as https://example.com", s)
	}
	return nil
}

func checkStore(s string) error {
	if s == "none" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a store URL", s)
	}
	switch u.Scheme {
	case "chdb":
		if u.Host+u.Path == "" {
			return errors.New("chdb:// needs a path, e.g. chdb://./data/clickhouse")
		}
	case "clickhouse":
		if u.Host == "" {
			return errors.New("clickhouse:// needs a host, e.g. clickhouse://default:@127.0.0.1:9000/consentproxy")
		}
	default:
		return fmt.Errorf("unknown store scheme %q: want chdb, clickhouse or none", u.Scheme)
	}
	return nil
}

func validDomain(d string) bool {
	d = strings.TrimPrefix(d, ".")
	if len(d) == 0 || len(d) > 253 || !strings.Contains(d, ".") && d != "localhost" {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// splitHostPort checks a listen address: host:port, :port or [v6]:port.
// net.SplitHostPort refuses "host:80:90", which splitting at the last colon
// took for host "host:80".
func splitHostPort(s string) (string, int, error) {
	host, p, err := net.SplitHostPort(s)
	if err != nil {
		return "", 0, fmt.Errorf("%q: want host:port, :port or [v6]:port", s)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("%q: bad port", s)
	}
	return host, port, nil
}

// parseSize reads a byte count: a number with an optional binary or decimal
// unit (KiB, MiB, GiB, KB, MB, GB, B), as GOMEMLIMIT and operators write it.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mul    int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mul := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mul = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mul
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<50)/mul {
		return 0, fmt.Errorf("not a size: %q", s)
	}
	return n * mul, nil
}

// memoryCaps derives the aggregator's caps from the memory budget: a
// sixteenth of it for visitor hashes (16 bytes each in their sets, at the
// sets' load), a sixteenth for sessions (about 184 bytes each with their
// index: 152 of session, goals, funnel progress and page included) and a quarter for rows (per table, site and hour, of which about
// two hours are held; a row with its key's strings costs up to about
// 600 bytes), so that a flood of new visitors, pages and campaigns stays
// within the budget with room for buffers and the GC. 512 MiB gives 2.1M
// hashes, 182k sessions and 11k keys, about the aggregator's own defaults.
func memoryCaps(limit int64) (hashes, sessions, keys int) {
	return int(limit / 16 / 16), int(limit / 16 / 184), int(limit / 4 / (10 * 2 * 600))
}

// goMemoryLimit is the Go runtime's soft limit for a budget, given how much
// of the resident set lies outside the runtime (the binary's pages, C
// libraries and their allocations; see residentOutsideGo). The runtime's
// limit covers only the memory it manages, so the outside is taken off,
// and a sixteenth more for pages touched later and a GC that runs behind
// under load. With the limit at 7/8 of a 128 MiB budget and 21 MiB
// outside, a flood under CPU contention peaked at 130 MiB RSS. It is never
// below a quarter of the budget: a process whose outside alone exceeds the
// budget (chDB) still gets a usable heap, and a warning says so.
func goMemoryLimit(budget, outside int64) int64 {
	return max(budget/4, budget-outside-budget/16)
}
