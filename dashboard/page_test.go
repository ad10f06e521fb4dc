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

// TestPageCards: the signed-in page has the goals, funnels and coverage
// cards, the custom range, the consent rate's definition, and GA4's
// channel names for every channel dims knows.
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
	for _, id := range []string{"goals", "funnels", "coverage"} {
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
