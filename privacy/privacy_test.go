package privacy

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// testFacts is a deployment with every part switched on: a cookie domain,
// a store, the dashboard, both privacy signals, a CDN country header.
// cmd/consentproxy builds the real thing from flags; these are its shape.
func testFacts() Facts {
	return Facts{
		Revision:       "2026-01",
		ConsentMaxAge:  4368 * time.Hour,
		BannerMode:     "basic",
		MeasurementIDs: []string{"G-ABC123"},
		Cookies: []Cookie{
			{Name: "cp_consent", Purpose: PurposeConsent, Category: CategoryNecessary, MaxAge: 4368 * time.Hour, Scope: ScopeDomain, Domain: "example.com", SetBy: SetByProxy},
			{Name: "cp_optout", Purpose: PurposeOptOut, Category: CategoryNecessary, MaxAge: 400 * 24 * time.Hour, Scope: ScopeDomain, Domain: "example.com", SetBy: SetByProxy},
			{Name: "cp_rev", Purpose: PurposeRevision, Category: CategoryNecessary, MaxAge: 182 * 24 * time.Hour, Scope: ScopeSiteHost, SetBy: SetByBanner},
			{Name: "cp_dash", Purpose: PurposeDashboard, Category: CategoryNecessary, MaxAge: 12 * time.Hour, Scope: ScopeProxyHost, SetBy: SetByProxy, HTTPOnly: true},
		},
		GoogleCookies: []Cookie{
			{Name: "_ga", Purpose: PurposeGAClient, Category: CategoryAnalytics, MaxAge: 2 * 365 * 24 * time.Hour, Scope: ScopeSiteDomain, SetBy: SetByGoogle},
			{Name: "_ga_ABC123", Purpose: PurposeGASession, Category: CategoryAnalytics, MaxAge: 2 * 365 * 24 * time.Hour, Scope: ScopeSiteDomain, SetBy: SetByGoogle, Site: "G-ABC123"},
		},
		Storage: []StorageEntry{
			{Name: "cp_v", Kind: StorageSession, Purpose: PurposeVerified},
			{Name: "cp_notice", Kind: StorageLocal, Purpose: PurposeNoticeDismissed},
		},
		Signals: Signals{OptOutCookie: "cp_optout", GPC: true, DNT: true},
		// The built-in --regions table (consent.BuiltinRules), as
		// consent.Regions.All() lists it.
		Jurisdictions:  builtinJurisdictions(),
		LocationSource: LocationHeader,
		Google: Google{
			IPMode: IPTruncate, IPv4Prefix: 24, IPv6Prefix: 48,
			IPExample:       [2]netip.Addr{netip.MustParseAddr("203.0.113.77"), netip.MustParseAddr("203.0.113.0")},
			Headers:         []string{"User-Agent", "Accept-Language"},
			DroppedParams:   []string{"uid", "up.*", "upn.*"},
			KeptURLParams:   []string{"utm_*", "gclid"},
			ForwardedParams: []string{"cid", "dl", "dr", "dt", "en", "tid", "v", "ep.*", "epn.*"},
		},
		Stored: Stored{
			Enabled: true, Tables: consentproxy.Tables(), CountWithoutConsent: true,
			Outcomes:  []string{"invalid", "opt_out", "gpc", "dnt", "bot", "no_consent", "denied", "forwarded"},
			Retention: time.Duration(25 * 365.25 * 24 / 12 * float64(time.Hour)), MinCount: 5,
			CountryHeader: true, SessionTimeout: 30 * time.Minute,
		},
		Rights: []Endpoint{
			{Right: RightView, Method: "GET", Path: "/consent"},
			{Right: RightWithdraw, Method: "DELETE", Path: "/consent"},
			{Right: RightOptOut, Method: "GET", Path: "/optout"},
			{Right: RightNotice, Method: "GET", Path: "/privacy.json"},
		},
	}
}

func builtinJurisdictions() []Jurisdiction {
	day := 24 * time.Hour
	return []Jurisdiction{
		{Group: "eea", Model: ModelOptIn, Where: []string{"EEA", "GB", "CH"}, Reask: 182 * day},
		{Group: "us-opt-out", Model: ModelOptOut, Where: []string{"US-CA", "US-CO", "US-CT", "US-DE", "US-MD", "US-MN",
			"US-MT", "US-NE", "US-NH", "US-NJ", "US-OR", "US-TX"}, Reask: 365 * day},
		{Group: GroupElsewhere, Model: ModelOptIn, Reask: 182 * day},
		{Group: GroupUnknown, Model: ModelOptIn, Reask: 182 * day},
	}
}

var extensions = map[string]string{FormatHTML: "html", FormatMarkdown: "md", FormatJSON: "json"}

// TestGolden pins every format in every language; go test ./privacy
// -update rewrites the files after a deliberate change (review the diff).
func TestGolden(t *testing.T) {
	if got := strings.Join(Languages(), ","); got != "de,en" {
		t.Fatalf("languages %s, want de,en", got)
	}
	for _, lang := range Languages() {
		for _, format := range Formats() {
			got, err := Render(testFacts(), format, lang, Options{})
			if err != nil {
				t.Fatalf("%s %s: %v", lang, format, err)
			}
			path := filepath.Join("testdata", "golden", lang+"."+extensions[format])
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./privacy -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the rendered notice; run go test ./privacy -update and review the diff", path)
			}
		}
	}
}

// TestTexts holds every language to the English keys and placeholders, and
// checks that rendering every variant asks for no text a language lacks.
func TestTexts(t *testing.T) {
	placeholders := regexp.MustCompile(`\{[a-z0-9]+\}`)
	en := texts[DefaultLanguage]
	for _, code := range Languages() {
		m := texts[code]
		for k, v := range en {
			w, ok := m[k]
			if !ok {
				t.Errorf("%s lacks %q", code, k)
				continue
			}
			a, b := placeholders.FindAllString(v, -1), placeholders.FindAllString(w, -1)
			sort.Strings(a)
			sort.Strings(b)
			if strings.Join(a, "") != strings.Join(b, "") {
				t.Errorf("%s.%s has placeholders %v, en %v", code, k, b, a)
			}
			// Names of places (Colorado, Texas) are often the same.
			if code != DefaultLanguage && w == v && !strings.HasPrefix(k, "col.name") && !strings.HasPrefix(k, "unit.minute") && !strings.HasPrefix(k, "place.") {
				t.Errorf("%s.%s is still the English text", code, k)
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				t.Errorf("%s has %q, which en lacks", code, k)
			}
		}
		for _, f := range variants(t) {
			l, _ := newLang(code)
			d := build(&f.facts, l, Options{relative: true})
			if _, err := renderJSON(&f.facts, l, Options{}); err != nil {
				t.Fatal(err)
			}
			for k := range l.missing {
				t.Errorf("%s (%s): the notice asks for text %q, which does not exist", code, f.name, k)
			}
			if strings.Contains(string(markdown(d)), "{") {
				t.Errorf("%s (%s): an unfilled placeholder in %s", code, f.name, markdown(d))
			}
		}
	}
}

// TestEveryDimensionDescribed: the tables come from the domain core, so a
// new table or dimension needs words here before the notice can list it.
func TestEveryDimensionDescribed(t *testing.T) {
	for _, code := range Languages() {
		for _, tb := range consentproxy.Tables() {
			for _, d := range tb.Dims {
				if texts[code]["dim."+d] == "" {
					t.Errorf("%s: no description of %s.%s", code, tb.Name, d)
				}
			}
		}
	}
	md, err := Render(testFacts(), FormatMarkdown, "en", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range consentproxy.Tables() {
		if !strings.Contains(string(md), "| `"+tb.Name+"` |") {
			t.Errorf("table %s is not listed", tb.Name)
		}
	}
}

type variant struct {
	name  string
	facts Facts
}

// variants are testFacts with one setting changed each.
func variants(t *testing.T) []variant {
	t.Helper()
	v := func(name string, change func(*Facts)) variant {
		f := testFacts()
		change(&f)
		if err := f.Validate(); err != nil {
			t.Fatalf("variant %s: %v", name, err)
		}
		return variant{name, f}
	}
	return []variant{
		v("base", func(*Facts) {}),
		v("retention 400d", func(f *Facts) { f.Stored.Retention = 400 * 24 * time.Hour }),
		v("ip-mode redact", func(f *Facts) {
			f.Google.IPMode, f.Google.IPv4Prefix, f.Google.IPv6Prefix = IPRedact, 0, 0
			f.Google.IPExample = [2]netip.Addr{{}, netip.IPv6Unspecified()}
		}),
		v("honor-dnt=false", func(f *Facts) { f.Signals.DNT = false }),
		v("honor-gpc=false", func(f *Facts) { f.Signals.GPC = false }),
		v("no signals", func(f *Facts) { f.Signals.GPC, f.Signals.DNT = false, false }),
		v("opt-in over signals", func(f *Facts) { f.Signals.OptInOverridesSignals = true }),
		v("min-count 10", func(f *Facts) { f.Stored.MinCount = 10 }),
		v("consent 30d", func(f *Facts) { f.ConsentMaxAge = 30 * 24 * time.Hour }),
		v("revision", func(f *Facts) { f.Revision = "v7" }),
		v("count-without-consent=false", func(f *Facts) { f.Stored.CountWithoutConsent = false }),
		v("store none", func(f *Facts) { f.Stored = Stored{} }),
		v("advanced", func(f *Facts) { f.BannerMode = "advanced" }),
		v("no url params", func(f *Facts) { f.Google.KeptURLParams = nil }),
		v("keep uid", func(f *Facts) { f.Google.KeptUserParams = []string{"uid"} }),
		v("geoip", func(f *Facts) { f.Stored.GeoIP = true }),
		v("geoip only", func(f *Facts) { f.Stored.CountryHeader, f.Stored.GeoIP = false, true }),
		v("no country", func(f *Facts) { f.Stored.CountryHeader = false }),
		v("no jurisdictions", func(f *Facts) { f.Jurisdictions, f.LocationSource = nil, LocationNone }),
		v("no jurisdictions, advanced", func(f *Facts) { f.Jurisdictions, f.BannerMode = nil, "advanced" }),
		v("location geoip", func(f *Facts) { f.LocationSource = LocationGeoIP }),
		v("location both", func(f *Facts) { f.LocationSource = LocationBoth }),
		v("location none", func(f *Facts) { f.LocationSource = LocationNone }),
		v("every model", func(f *Facts) { f.Jurisdictions = everyModel() }),
	}
}

// TestConfigurationChangesTheNotice: each setting a site owner changes
// changes what the notice says, in words (Markdown) and in data (JSON).
func TestConfigurationChangesTheNotice(t *testing.T) {
	for _, tc := range []struct {
		variant string
		md      []string // present in this variant's English Markdown, absent from the base's
		json    string   // a JSON field path, dotted
		want    any      // its value in this variant
	}{
		{"retention 400d", []string{"Counts are kept for 400 days"}, "stored.retention_seconds", float64(400 * 86400)},
		{"ip-mode redact", []string{"Your IP address is not sent: Google receives `::`"}, "google.ip_mode", "redact"},
		{"honor-dnt=false", []string{"Do Not Track (`DNT: 1`): not honoured"}, "signals.dnt", false},
		{"honor-gpc=false", []string{"Global Privacy Control (`Sec-GPC: 1`): not honoured"}, "signals.gpc", false},
		{"min-count 10", []string{"fewer than 10 visitors"}, "stored.min_count", float64(10)},
		{"consent 30d", []string{"is kept for 30 days; after that the banner asks again"}, "consent_max_age_seconds", float64(30 * 86400)},
		{"revision", []string{"Current policy revision: `v7`"}, "revision", "v7"},
		{"count-without-consent=false", []string{"Only measurements for which analytics is allowed (by your consent, or by your place's model until you object) are counted"}, "stored.count_without_consent", false},
		{"store none", []string{"This proxy stores no statistics"}, "stored.enabled", false},
		{"advanced", []string{"is loaded on every page, with every consent signal set to denied"}, "banner_mode", "advanced"},
		{"no url params", []string{"their user name and password, and every query parameter."}, "google.kept_url_params", []any{}},
		{"keep uid", []string{"Passed on, because this site configured them: `uid`"}, "google.kept_user_params", []any{"uid"}},
		{"opt-in over signals", []string{"An explicit opt-in that you give in the banner"}, "signals.opt_in_overrides_signals", true},
		{"geoip only", []string{"looked up in a local database"}, "stored.country_source", "geoip"},
		{"no country", []string{"No country is recorded."}, "stored.country_source", "none"},
		{"no jurisdictions", []string{"This site asks everyone the same way"}, "jurisdictions", []any{}},
		{"location geoip", []string{"local GeoIP database from your network alone: your IP address shortened to /24 (IPv4) or /48 (IPv6)"}, "location_source", "geoip"},
		{"location both", []string{"content delivery network, or else is looked up in a local GeoIP database"}, "location_source", "header,geoip"},
		{"location none", []string{"This site does not determine where you are"}, "location_source", "none"},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			var f Facts
			for _, v := range variants(t) {
				if v.name == tc.variant {
					f = v.facts
				}
			}
			if f.Revision == "" {
				t.Fatalf("no variant %q", tc.variant)
			}
			base := render(t, testFacts(), FormatMarkdown)
			md := render(t, f, FormatMarkdown)
			for _, s := range tc.md {
				if !strings.Contains(md, s) {
					t.Errorf("notice lacks %q:\n%s", s, md)
				}
				if strings.Contains(base, s) {
					t.Errorf("the base notice already says %q: the test proves nothing", s)
				}
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(render(t, f, FormatJSON)), &doc); err != nil {
				t.Fatal(err)
			}
			var got any = doc
			for _, k := range strings.Split(tc.json, ".") {
				got = got.(map[string]any)[k]
			}
			if g, w := mustJSON(t, got), mustJSON(t, tc.want); g != w {
				t.Errorf("%s = %s, want %s", tc.json, g, w)
			}
		})
	}
	// The truncation example shows the code's own prefixes.
	if md := render(t, testFacts(), FormatMarkdown); !strings.Contains(md, "first 24 bits") || !strings.Contains(md, "`203.0.113.77` becomes `203.0.113.0`") {
		t.Errorf("truncation not described:\n%s", md)
	}
	if md := render(t, variantNamed(t, "ip-mode redact"), FormatMarkdown); strings.Contains(md, "bits") {
		t.Errorf("redact mode still describes truncation:\n%s", md)
	}
}

func variantNamed(t *testing.T, name string) Facts {
	for _, v := range variants(t) {
		if v.name == name {
			return v.facts
		}
	}
	t.Fatalf("no variant %q", name)
	return Facts{}
}

func render(t *testing.T, f Facts, format string) string {
	t.Helper()
	b, err := Render(f, format, "en", Options{})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
