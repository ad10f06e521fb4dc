package uaparse

import (
	"errors"
	"os"
	"strings"
	"testing"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/uaparse/corpora"
)

// The floors the issue set; cmd/corpusreport prints the measured values.
const (
	minCrawlerRecall   = 0.99
	minMonitorRecall   = 0.95
	maxBrowserFlagged  = 0.001
	minBrowserAgree    = 0.97
	minOSAgree         = 0.98
	minDeviceAgree     = 0.95
	maxShownMismatches = 5
)

// needCorpus turns a missing corpus into a skip on a developer machine and
// a failure in CI (CI=true), where scripts/setup.sh has fetched them: a
// silently skipped measurement would look like a passing one.
func needCorpus(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, corpora.ErrMissing) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v; CI must fetch the corpora", err)
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func parseUncached(ua string) consentproxy.Agent { return normalize(ua) }

func checkFloor(t *testing.T, what string, r corpora.Ratio, floor float64) {
	t.Helper()
	t.Logf("%s: %d/%d = %.2f%%", what, r.Num, r.Den, 100*r.Rate())
	if r.Den == 0 {
		t.Fatalf("%s: no cases", what)
	}
	if r.Rate() < floor {
		t.Errorf("%s %.2f%% below the floor %.2f%%", what, 100*r.Rate(), 100*floor)
	}
}

func TestCrawlerRecall(t *testing.T) {
	cases, err := corpora.Crawlers(corpora.Dir())
	needCorpus(t, err)
	r, missed := corpora.Recall(cases, parseUncached)
	checkFloor(t, "crawler-user-agents bot recall", r, minCrawlerRecall)
	if len(missed) > 0 {
		t.Logf("patterns with no example caught (%d): %s", len(missed), strings.Join(missed, ", "))
	}
}

func TestMonitorRecall(t *testing.T) {
	cases, err := corpora.Monitors("testdata/monitors.tsv")
	if err != nil {
		t.Fatal(err)
	}
	r, missed := corpora.Recall(cases, parseUncached)
	checkFloor(t, "monitor recall", r, minMonitorRecall)
	if len(missed) > 0 {
		t.Errorf("vendors with no UA caught: %s", strings.Join(missed, ", "))
	}
	for _, c := range cases {
		if a := normalize(c.UA); a.Bot && a.BotClass != consentproxy.BotMonitor && a.BotClass != consentproxy.BotAICrawler &&
			a.BotClass != consentproxy.BotCrawler && a.BotClass != consentproxy.BotHeadless {
			t.Errorf("%s monitor %q has class %q", c.Group, c.UA, a.BotClass)
		}
	}
}

// checkNoFlags asserts the false-positive ceiling on real browsers.
func checkNoFlags(t *testing.T, what string, cases []corpora.Case) {
	t.Helper()
	r, flagged := corpora.FalsePositives(cases, parseUncached)
	t.Logf("%s flagged as bots: %d/%d", what, r.Num, r.Den)
	if r.Den == 0 {
		t.Fatalf("%s: no browsers", what)
	}
	if r.Rate() > maxBrowserFlagged {
		for i, ua := range flagged {
			if i == 20 {
				break
			}
			t.Errorf("%s: browser flagged as %s: %q", what, normalize(ua).BotClass, ua)
		}
		t.Errorf("%s: %.2f%% of browsers flagged, ceiling %.2f%%", what, 100*r.Rate(), 100*maxBrowserFlagged)
	}
}

func TestBrowsersNotFlagged(t *testing.T) {
	dir := corpora.Dir()
	for name, load := range map[string]func(string) ([]corpora.Case, error){
		"user-agents": corpora.Browsers, "ua-parser browser fixtures": corpora.UAParserBrowsers,
		"ua-parser device fixtures": corpora.UAParserDevices,
	} {
		cases, err := load(dir)
		needCorpus(t, err)
		checkNoFlags(t, name, cases)
	}
	var tsv []corpora.Case
	for _, c := range loadCorpus(t) {
		tsv = append(tsv, corpora.Case{UA: c.ua, Bot: c.want.Bot})
	}
	checkNoFlags(t, "agents.tsv", tsv)
}

func checkAgree(t *testing.T, what string, cases []corpora.Case, got func(consentproxy.Agent) string, want func(corpora.Case) (string, bool), floor float64) {
	t.Helper()
	r, dis := corpora.Agree(cases, parseUncached, got, want)
	checkFloor(t, what, r, floor)
	for i, d := range dis {
		if i == maxShownMismatches {
			break
		}
		t.Logf("  want %q got %q: %d, e.g. %q", d.Want, d.Got, d.N, d.Example)
	}
}

func browserOf(a consentproxy.Agent) string { return a.Browser }
func osOf(a consentproxy.Agent) string      { return a.OS }
func deviceOf(a consentproxy.Agent) string  { return a.Device }

// TestUAParserAgreement compares with ua-parser's fixtures and with
// uap-core's reference parser on real browsers. Families we do not report
// are left out (see corpora.MapBrowser).
func TestUAParserAgreement(t *testing.T) {
	dir := corpora.Dir()
	uaFix, err := corpora.UAParserBrowsers(dir)
	needCorpus(t, err)
	osFix, err := corpora.UAParserOS(dir)
	needCorpus(t, err)
	ref, err := corpora.UAPCore(dir)
	needCorpus(t, err)
	real, err := corpora.Browsers(dir)
	needCorpus(t, err)
	checkAgree(t, "browser family vs ua-parser fixtures", uaFix, browserOf, corpora.WantBrowser, minBrowserAgree)
	checkAgree(t, "OS vs ua-parser fixtures", osFix, osOf, corpora.WantOS, minOSAgree)
	browsers := ref.Labeled(real)
	checkAgree(t, "browser family vs uap-core on user-agents", browsers, browserOf, corpora.WantBrowser, minBrowserAgree)
	checkAgree(t, "OS vs uap-core on user-agents", browsers, osOf, corpora.WantOS, minOSAgree)
	checkAgree(t, "device class vs user-agents", browsers, deviceOf, corpora.WantDevice, minDeviceAgree)
}
