package dashboard

import (
	"encoding/json"
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/apitoken"
	"github.com/consentproxy/consentproxy/dims"
	"github.com/consentproxy/consentproxy/static"
)

// TestScriptFiles: every script of src/ is joined into the one asset, in
// a strict function of its own, dashboard.js (the page's start) last.
func TestScriptFiles(t *testing.T) {
	var embedded []string
	if err := fs.WalkDir(sources, "src", func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".js") {
			embedded = append(embedded, strings.TrimPrefix(p, "src/"))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	listed := slices.Clone(scriptFiles)
	slices.Sort(listed)
	slices.Sort(embedded)
	if !slices.Equal(listed, embedded) {
		t.Errorf("scriptFiles %v, src/ holds %v", scriptFiles, embedded)
	}
	if scriptFiles[len(scriptFiles)-1] != "dashboard.js" {
		t.Errorf("scriptFiles %v: dashboard.js, which starts the page, must run last", scriptFiles)
	}
	src, err := source("dashboard.js")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(src), "(function () {\n\"use strict\";\n") || !strings.HasSuffix(string(src), "})();\n") {
		t.Errorf("the joined script is not wrapped in one strict function:\n%.200s", src)
	}
	// One scope: a helper declared twice would silently shadow the other.
	seen := map[string]string{}
	decl := regexp.MustCompile(`(?m)^(?:function (\w+)|var (\w+))`)
	for _, f := range scriptFiles {
		b, _ := sources.ReadFile("src/" + f)
		for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
			name := m[1] + m[2]
			if other, ok := seen[name]; ok {
				t.Errorf("%s declares %s, which %s declares too", f, name, other)
			}
			seen[name] = f
		}
	}
}

// TestAssetBudget: the page's script and stylesheet stay small enough for
// a phone on a slow link: one round trip each.
func TestAssetBudget(t *testing.T) {
	a, err := buildAssets()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		asset     *static.Asset
		raw, gzip int
	}{
		{a.script, 40 << 10, 12 << 10},
		{a.style, 12 << 10, 4 << 10},
	} {
		if len(c.asset.Raw) > c.raw || len(c.asset.Gzip) > c.gzip {
			t.Errorf("%s: %d bytes minified, %d gzip; budget %d and %d", c.asset.Path, len(c.asset.Raw), len(c.asset.Gzip), c.raw, c.gzip)
		}
	}
}

// TestPageCards: the signed-in page has the goals, funnels, revenue and
// coverage cards (with coverage per day), the "Right now" panel, exit
// pages, sources by GA4's names, campaign details with their own filter,
// the custom range, the consent rate's definition, and GA4's channel names
// for every channel dims knows.
func TestPageCards(t *testing.T) {
	r := newRig(t)
	ck, _ := r.signIn(tokenOne)
	req := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
	req.AddCookie(ck)
	_, body := r.do(req)
	for _, want := range []string{
		`id="goals"`, `id="goals-table"`, `id="goal-pick"`, `id="goal-channels"`, `id="funnels"`, `id="funnel-list"`,
		`id="coverage"`, `data-metric="ga4_coverage"`, `id="chart-note"`, `id="key-withheld"`,
		`<option value="custom">`, `<input id="from" name="from" type="date">`, `<input id="to" name="to" type="date">`,
		`<label for="from">`, `<label for="to">`, `<label for="goal-pick"`,
		"accept all ÷ all decisions, withdrawals included", consentRateDef,
		`data-csv="goals"`, `data-csv="funnels"`, `data-csv="coverage"`,
		`id="revenue"`, `id="revenue-table"`, `id="revenue-channels"`, `data-csv="revenue"`, html.EscapeString(revenueDef),
		`id="coverage-days"`, `id="coverage-spark"`, `<details class="days">`,
		`id="now"`, `id="now-pages"`, `id="now-sources"`, `id="realtime"`, `id="realtime-all"`,
		`data-table="exit-pages" data-dim="page" data-metrics="exits,exit_rate,scroll_rate"`,
		`data-table="sources" data-dim="source_name"`,
		`data-details="utm_term,utm_content" data-filters="[[&#34;is_not&#34;,&#34;utm_campaign&#34;,&#34;&#34;]]"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	m := regexp.MustCompile(`data-channels="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page carries no channel names")
	}
	var labels map[string]string
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &labels); err != nil {
		t.Fatalf("data-channels %q: %v", m[1], err)
	}
	for _, c := range dims.Channels() {
		if labels[c] != dims.ChannelLabel(c) || labels[c] == "" {
			t.Errorf("channel %s shows as %q, want GA4's %q", c, labels[c], dims.ChannelLabel(c))
		}
	}
	if labels["organic_search"] != "Organic Search" || labels["social"] != "Organic Social" {
		t.Errorf("GA4's names: %v", labels)
	}
	// Each card's CSV has its query in the script.
	js := string(sources0(t, "cards.js"))
	for _, id := range []string{"goals", "funnels", "coverage", "revenue"} {
		if !strings.Contains(js, "\n  "+id+": function") {
			t.Errorf("cards.js has no query for the %s card's CSV", id)
		}
	}
}

func sources0(t *testing.T, name string) []byte {
	t.Helper()
	b, err := sources.ReadFile("src/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestShareLinkView: a share link's token (share: true) signs in, and the
// page says it is a shared, read-only view instead of naming the token;
// an ordinary token's page names it and says nothing of sharing.
func TestShareLinkView(t *testing.T) {
	const shareToken = "share-token-0123456789abcdefghij"
	set, err := apitoken.Parse([]byte(`tokens:
  - {name: board, token: ` + shareToken + `, sites: [` + siteA + `], share: true}
  - {name: one, token: ` + tokenOne + `, sites: [` + siteA + `]}
`))
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t)
	r.d.cfg.Tokens = set
	page := func(token string) string {
		ck, _ := r.signIn(token)
		req := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
		req.AddCookie(ck)
		_, body := r.do(req)
		return body
	}
	shared := page(shareToken)
	if !strings.Contains(shared, `id="shared-view">Shared, read-only view<`) {
		t.Errorf("a share link's page does not say it is a shared, read-only view:\n%s", shared)
	}
	if strings.Contains(shared, "Signed in as") || strings.Contains(shared, ">board<") {
		t.Errorf("a share link's page names its token:\n%s", shared)
	}
	if !strings.Contains(shared, `id="dash"`) {
		t.Errorf("a share link's page shows no dashboard:\n%s", shared)
	}
	own := page(tokenOne)
	if !strings.Contains(own, "Signed in as <strong>one</strong>") || strings.Contains(own, "read-only view") {
		t.Errorf("an ordinary token's page:\n%s", own)
	}
}

// TestPageCompareFilterReport: the page has the Compare select and the
// filter chip, and links this and last UTC month's compliance
// report, January going back to December of the year before.
func TestPageCompareFilterReport(t *testing.T) {
	got := reportMonths(time.Date(2027, 1, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)))
	if len(got) != 2 || got[0].Month != "2026-12" || got[1].Month != "2026-11" || got[0].Label != "This month (December 2026)" {
		t.Errorf("reportMonths of 2027-01-01T00:30+01:00 (2026-12-31 UTC): %+v", got)
	}
	r := newRig(t)
	ck, _ := r.signIn(tokenOne)
	req := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
	req.AddCookie(ck)
	_, body := r.do(req)
	for _, want := range []string{`data-report="html" data-month="2026-11"`, `data-report="csv" data-month="2026-10"`,
		`<label for="compare">Compare</label>`, `<option value="year_over_year">`, `id="filter-chip"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}
