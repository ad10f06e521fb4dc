package dashboard

import (
	"bytes"
	"encoding/json"
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy/dims"
)

// table is one breakdown on the page. The page's script reads dim and
// metrics from the markup, so this list is the one place tables are defined.
// Def, if set, says what the table counts, under it. Details are more
// dimensions, shown under the first one (such a table's rows filter
// nothing: a row is more than one value); Filters, a JSON list, are the
// table's own filters, before the page's.
type table struct {
	ID, Title, Dim, DimLabel string
	Metrics                  []string
	Def                      string
	Details                  []string
	Filters                  string
}

var (
	visitorsVisits = []string{"visitors", "visits"}
	tables         = []table{
		{ID: "pages", Title: "Top pages", Dim: "page", DimLabel: "Page", Metrics: []string{"visitors", "pageviews", "engagement_time"}},
		// Exits and scrolls are page_flow's (a query with them reads it,
		// not pages), which keeps no engagement time: a card of their own.
		{ID: "exit-pages", Title: "Exit pages", Dim: "page", DimLabel: "Page", Metrics: []string{"exits", "exit_rate", "scroll_rate"},
			Def: "Exits: visits that ended on the page. Exit rate: exits ÷ page views. Scroll rate: page views with GA4's scroll event (90 % of the page) ÷ page views."},
		{ID: "entry-pages", Title: "Entry pages", Dim: "entry_page", DimLabel: "Entry page", Metrics: []string{"visitors", "visits", "bounce_rate"}},
		// The source as GA4 names it: utm_source when the visit was
		// tagged, else the referrer, else (direct).
		{ID: "sources", Title: "Sources", Dim: "source_name", DimLabel: "Source", Metrics: visitorsVisits,
			Def: "As GA4 names the source: the campaign's utm_source when the visit was tagged, else the referring site, else (direct)."},
		{ID: "channels", Title: "Channels", Dim: "channel", DimLabel: "Channel", Metrics: visitorsVisits},
		{ID: "campaigns", Title: "Campaigns", Dim: "utm_campaign", DimLabel: "Campaign", Metrics: visitorsVisits},
		// Tagged visits only: every other visit has no campaign to detail.
		{ID: "campaign-details", Title: "Campaign details", Dim: "utm_campaign", DimLabel: "Campaign", Metrics: visitorsVisits,
			Details: []string{"utm_term", "utm_content"}, Filters: `[["is_not","utm_campaign",""]]`,
			Def: "Tagged visits by the landing URL's utm_term and utm_content, counted at the visit's start."},
		{ID: "countries", Title: "Countries", Dim: "country", DimLabel: "Country", Metrics: visitorsVisits},
		{ID: "regions", Title: "Regions", Dim: "region", DimLabel: "Region", Metrics: visitorsVisits,
			Def: "ISO 3166-2 regions from the CDN's region header, where it sends one; (none) is every visit without."},
		{ID: "devices", Title: "Devices", Dim: "device", DimLabel: "Device", Metrics: visitorsVisits},
		{ID: "browsers", Title: "Browsers", Dim: "browser", DimLabel: "Browser", Metrics: visitorsVisits},
		{ID: "oses", Title: "Operating systems", Dim: "os", DimLabel: "OS", Metrics: visitorsVisits},
		{ID: "languages", Title: "Languages", Dim: "language", DimLabel: "Language", Metrics: visitorsVisits},
		{ID: "events", Title: "Events", Dim: "event", DimLabel: "Event", Metrics: []string{"visitors", "events"}},
		{ID: "suppressed", Title: "Not measured, by reason", Dim: "suppression_reason", DimLabel: "Reason", Metrics: []string{"suppressed"}},
		// Bots by class and the site owner's exclusions by rule: the class
		// names of the two never overlap, so one column says both.
		{ID: "filtered", Title: "Filtered out: bots and exclusions", Dim: "filter_class", DimLabel: "Class", Metrics: []string{"filtered"}},
		// The consent rate where each jurisdiction applies (eea,
		// us-opt-out, …): in an opt-out place few choose at all, which is
		// the point.
		{ID: "consent-regions", Title: "Consent by region", Dim: "consent_jurisdiction", DimLabel: "Jurisdiction", Metrics: []string{"choices", "consent_rate"}},
	}
)

var metricLabels = map[string]string{
	"visitors": "Visitors", "pageviews": "Pageviews", "visits": "Visits", "events": "Events",
	"bounce_rate": "Bounce rate", "visit_duration": "Visit duration", "engagement_time": "Engaged", "choices": "Choices",
	"suppressed": "Hits", "filtered": "Hits", "consent_rate": "Consent rate",
	"exits": "Exits", "exit_rate": "Exit rate", "scroll_rate": "Scroll rate",
}

// channelLabels are GA4's names of the channels (dims.ChannelLabel), which
// the page shows wherever a channel is; the API and CSV keep the slugs.
var channelLabels = func() map[string]string {
	out := map[string]string{}
	for _, c := range dims.Channels() {
		out[c] = dims.ChannelLabel(c)
	}
	return out
}()

// consentRateDef is what the API's consent_rate counts (stats/doc.go).
const consentRateDef = "accept all ÷ all banner decisions (accept all, reject all, custom), withdrawals included"

// revenueDef is what the revenue card counts (stats/doc.go).
const revenueDef = "Revenue: the value of GA4 purchase events that carry a value and a currency, by the purchasing visit's channel. Average order: revenue ÷ purchases. Buyers: the visitors who purchased."

// view is what one rendering of the page knows.
type view struct {
	Session *session
	CSRF    string
	Error   string
}

var funcs = template.FuncMap{
	"label": func(m string) string { return metricLabels[m] },
	"inc":   func(n int) int { return n + 1 },
	"join":  func(s []string) string { return strings.Join(s, ",") },
	"json": func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	},
}

var pageTmpl = template.Must(template.New("page").Funcs(funcs).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{{if .V.Session}}Dashboard{{else}}Sign in{{end}} · consentproxy</title>
<link rel="stylesheet" href="{{.Root}}{{.Style}}">
</head>
<body>
{{- if .V.Session}}
<header class="top">
<h1>consentproxy</h1>
<form method="post" action="{{.Root}}dashboard/logout" class="logout">
<input type="hidden" name="csrf" value="{{.V.CSRF}}">
{{- if .V.Session.Grant.Share}}
<span class="who shared" id="shared-view">Shared, read-only view</span>
{{- else}}
<span class="who">Signed in as <strong>{{.V.Session.Grant.Name}}</strong></span>
{{- end}}
<button type="submit">Sign out</button>
</form>
</header>
<main id="dash" data-csrf="{{.V.CSRF}}" data-sites="{{json .V.Session.Grant.Sites}}" data-all="{{.V.Session.Grant.All}}" data-channels="{{json .Channels}}">
<form class="controls" id="controls">
<div class="field">
<label for="site">Site</label>
{{- if .V.Session.Grant.All}}
<input id="site" name="site" type="text" required autocomplete="off" spellcheck="false" placeholder="G-XXXXXXX"
{{- with .Sites}} value="{{index . 0}}" list="known-sites"{{end}}>
{{- with .Sites}}
<datalist id="known-sites">{{range .}}<option value="{{.}}"></option>{{end}}</datalist>
{{- end}}
{{- else}}
<select id="site" name="site">{{range .V.Session.Grant.Sites}}<option>{{.}}</option>{{end}}</select>
{{- end}}
</div>
<div class="field">
<label for="period">Period</label>
<select id="period" name="period">
<option value="today">Today</option>
<option value="7d" selected>Last 7 days</option>
<option value="30d">Last 30 days</option>
<option value="month">This month</option>
<option value="12mo">Last 12 months</option>
<option value="custom">Custom range</option>
</select>
</div>
<div class="field">
<label for="compare">Compare</label>
<select id="compare" name="compare">
<option value="" selected>No comparison</option>
<option value="previous_period">Previous period</option>
<option value="year_over_year">Same period last year</option>
</select>
</div>
<div class="field">
<label for="from">From</label>
<input id="from" name="from" type="date">
</div>
<div class="field">
<label for="to">To</label>
<input id="to" name="to" type="date">
</div>
<button type="submit">Show</button>
</form>
<section aria-labelledby="h-now" class="card now" id="now">
<div class="card-head"><h2 id="h-now">Right now</h2>
<p class="realtime" aria-live="polite"><span class="dot" aria-hidden="true"></span><span id="realtime">–</span> <span>visitors in the last 5 minutes<span id="realtime-all" hidden> · all traffic, not filtered</span></span></p></div>
<div class="now-lists" id="now-lists">
<div class="scroll"><table><caption class="sr">Current pages of the visitors right now</caption>
<thead><tr><th scope="col">Current page</th><th scope="col" class="num">Visitors</th></tr></thead>
<tbody id="now-pages"><tr><td colspan="2" class="empty">Loading…</td></tr></tbody>
</table></div>
<div class="scroll"><table><caption class="sr">Sources of the visitors right now</caption>
<thead><tr><th scope="col">Source</th><th scope="col" class="num">Visitors</th></tr></thead>
<tbody id="now-sources"><tr><td colspan="2" class="empty">Loading…</td></tr></tbody>
</table></div>
</div>
<p class="note" id="now-note" hidden></p>
</section>
<div class="filters" id="filters">
<p id="filter-hint" class="filter-hint" tabindex="-1">Choose a row of a table to filter the page by its value.</p>
<p id="filter-active" class="filter-active" hidden>Filtered by <button type="button" class="chip" id="filter-chip"><span id="filter-text"></span> <span aria-hidden="true">✕</span><span class="sr">, remove this filter</span></button></p>
</div>
<p id="status" class="status" role="status"></p>
<section aria-labelledby="h-summary">
<h2 id="h-summary">Summary</h2>
<p id="compare-note" class="compare-note" hidden></p>
<dl class="kpis" id="kpis">
<div><dt>Visitors</dt><dd data-metric="visitors">–</dd><dd class="kpi-change" data-change="visitors" hidden></dd></div>
<div><dt>Pageviews</dt><dd data-metric="pageviews">–</dd><dd class="kpi-change" data-change="pageviews" hidden></dd></div>
<div><dt>Visits</dt><dd data-metric="visits">–</dd><dd class="kpi-change" data-change="visits" hidden></dd></div>
<div><dt>Bounce rate</dt><dd data-metric="bounce_rate">–</dd><dd class="kpi-change" data-change="bounce_rate" hidden></dd></div>
<div><dt>Visit duration</dt><dd data-metric="visit_duration">–</dd><dd class="kpi-change" data-change="visit_duration" hidden></dd></div>
<div><dt>Engagement time</dt><dd data-metric="engagement_time" title="per visitor, while the page was visible">–</dd><dd class="kpi-change" data-change="engagement_time" hidden></dd></div>
<div><dt>Consent rate</dt><dd data-metric="consent_rate">–</dd><dd class="kpi-change" data-change="consent_rate" hidden></dd><dd class="kpi-def">accept all ÷ all decisions, withdrawals included</dd></div>
<div><dt>GA4 coverage</dt><dd data-metric="ga4_coverage">–</dd><dd class="kpi-change" data-change="ga4_coverage" hidden></dd><dd class="kpi-def">visitors GA4 received ÷ counted</dd></div>
</dl>
<div id="kpi-refusals" class="refusal" hidden></div>
</section>
<section aria-labelledby="h-chart" class="card">
<div class="card-head"><h2 id="h-chart">Visitors and pageviews</h2>
<button type="button" class="csv" data-csv="chart">Download CSV<span class="sr"> of visitors and pageviews over time</span></button></div>
<figure class="chart"><div id="chart"></div>
<figcaption><span class="key key-v" aria-hidden="true"></span>Visitors <span id="key-p"><span class="key key-p" aria-hidden="true"></span>Pageviews</span>
<span id="key-compare" hidden><span class="key key-c" aria-hidden="true"></span><span id="key-compare-text">Visitors before</span></span>
<span id="key-withheld" hidden><span class="key key-w" aria-hidden="true"></span>Withheld or none</span> <span id="chart-note"></span></figcaption></figure>
</section>
<div class="grid pairs">
<section aria-labelledby="h-goals" class="card" id="goals">
<div class="card-head"><h2 id="h-goals">Goals</h2>
<button type="button" class="csv" data-csv="goals">Download CSV<span class="sr"> of goals</span></button></div>
<div class="scroll"><table id="goals-table">
<thead><tr><th scope="col">Goal</th><th scope="col" class="num">Visitors</th><th scope="col" class="num">Conversion rate</th></tr></thead>
<tbody><tr><td colspan="3" class="empty">Loading…</td></tr></tbody>
</table></div>
<p class="note" hidden></p>
<p class="card-def">Conversion rate: visitors who reached the goal ÷ every visitor of the period.</p>
<div id="goal-channels" class="sub" hidden>
<div class="sub-head"><h3 id="h-goal-channels"><span id="goal-channels-name"></span> by channel</h3>
<label for="goal-pick" class="sr">Goal to break down by channel</label><select id="goal-pick"></select></div>
<div class="scroll"><table aria-labelledby="h-goal-channels">
<thead><tr><th scope="col">Channel</th><th scope="col" class="num">Visitors</th><th scope="col" class="num">Conversion rate</th></tr></thead>
<tbody></tbody>
</table></div>
<p class="note" hidden></p>
</div>
</section>
<section aria-labelledby="h-funnels" class="card" id="funnels">
<div class="card-head"><h2 id="h-funnels">Funnels</h2>
<button type="button" class="csv" data-csv="funnels">Download CSV<span class="sr"> of funnels</span></button></div>
<div id="funnel-list"><p class="empty">Loading…</p></div>
<p class="note" hidden></p>
<p class="card-def">Visits that reached each step after every earlier one, in order, within one visit.</p>
</section>
<section aria-labelledby="h-revenue" class="card" id="revenue">
<div class="card-head"><h2 id="h-revenue">Revenue</h2>
<button type="button" class="csv" data-csv="revenue">Download CSV<span class="sr"> of revenue by currency</span></button></div>
<div class="scroll"><table id="revenue-table">
<thead><tr><th scope="col">Currency</th><th scope="col" class="num">Revenue</th><th scope="col" class="num">Purchases</th><th scope="col" class="num">Buyers</th></tr></thead>
<tbody><tr><td colspan="4" class="empty">Loading…</td></tr></tbody>
</table></div>
<p class="note" hidden></p>
<p class="card-def">{{.RevenueDef}}</p>
<div id="revenue-channels" class="sub" hidden>
<div class="sub-head"><h3 id="h-revenue-channels">Revenue in <span id="revenue-channels-currency"></span> by channel</h3></div>
<div class="scroll"><table aria-labelledby="h-revenue-channels">
<thead><tr><th scope="col">Channel</th><th scope="col" class="num">Revenue</th><th scope="col" class="num">Purchases</th></tr></thead>
<tbody></tbody>
</table></div>
<p class="note" hidden></p>
</div>
</section>
<section aria-labelledby="h-coverage" class="card" id="coverage">
<div class="card-head"><h2 id="h-coverage">GA4 coverage</h2>
<button type="button" class="csv" data-csv="coverage">Download CSV<span class="sr"> of GA4 coverage by channel</span></button></div>
<p id="coverage-total" class="lead">–</p>
<div class="scroll"><table>
<thead><tr><th scope="col">Channel</th><th scope="col" class="num">Visitors</th><th scope="col" class="num">GA4 received</th><th scope="col" class="num">Coverage</th></tr></thead>
<tbody><tr><td colspan="4" class="empty">Loading…</td></tr></tbody>
</table></div>
<p class="note" hidden></p>
<p class="card-def">GA4 received a visitor when at least one of their visit's hits was forwarded to Google, which needs consent where the banner asks for it.</p>
<div id="coverage-days" class="sub">
<div class="sub-head"><h3 id="h-coverage-days">Coverage <span id="coverage-days-unit">per day</span></h3><span class="sub-def">bars from 0 to 100 %</span></div>
<div id="coverage-spark" class="spark"></div>
<details class="days"><summary>Show the <span id="coverage-days-unit2">days</span> as a table</summary>
<div class="scroll"><table aria-labelledby="h-coverage-days">
<thead><tr><th scope="col" id="coverage-days-col">Day</th><th scope="col" class="num">GA4 received</th><th scope="col" class="num">Coverage</th></tr></thead>
<tbody></tbody>
</table></div></details>
<p class="note" hidden></p>
</div>
</section>
</div>
<section aria-labelledby="h-consent" class="card" data-table="consent" data-dim="consent_outcome" data-metrics="choices">
<div class="card-head"><h2 id="h-consent">Consent choices</h2>
<button type="button" class="csv" data-csv="consent">Download CSV<span class="sr"> of consent choices</span></button></div>
<ul class="bars" id="consent-bars"></ul>
<p class="suppressed">Hits not measured because the visitor opted out or sent Global Privacy Control or Do Not Track: <strong id="suppressed">–</strong></p>
<p class="suppressed">Hits filtered out as bots or by your exclusions (internal addresses, referrer spam, staff): <strong id="filtered">–</strong></p>
<p class="note" hidden></p>
<p class="card-def">Consent rate: {{.ConsentRateDef}}; custom choices do not count as consent.</p>
</section>
<div class="grid">
{{- range .Tables}}
<section aria-labelledby="h-{{.ID}}" class="card" data-table="{{.ID}}" data-dim="{{.Dim}}" data-metrics="{{join .Metrics}}"
{{- with .Details}} data-details="{{join .}}"{{end}}{{with .Filters}} data-filters="{{.}}"{{end}}>
<div class="card-head"><h2 id="h-{{.ID}}">{{.Title}}</h2>
<button type="button" class="csv" data-csv="{{.ID}}">Download CSV<span class="sr"> of {{.Title}}</span></button></div>
<div class="scroll"><table>
<thead><tr><th scope="col">{{.DimLabel}}</th>{{range .Metrics}}<th scope="col" class="num">{{label .}}</th>{{end}}</tr></thead>
<tbody><tr><td colspan="{{len .Metrics | inc}}" class="empty">Loading…</td></tr></tbody>
</table></div>
<p class="note" hidden></p>
{{- with .Def}}
<p class="card-def">{{.}}</p>
{{- end}}
</section>
{{- end}}
</div>
<section aria-labelledby="h-report" class="card" id="report">
<div class="card-head"><h2 id="h-report">Compliance report</h2></div>
<p class="card-def">For an auditor or a regulator: what the proxy decided for every hit of the site, the parameters it kept from Google and the banner decisions, per UTC month. The whole month of the site, whatever the period or filter above.</p>
<ul class="report-links">
{{- range .ReportMonths}}
<li><span class="report-month">{{.Label}}</span>
<button type="button" class="csv" data-report="html" data-month="{{.Month}}">Open<span class="sr"> the compliance report of {{.Name}}</span> (new tab)</button>
<button type="button" class="csv" data-report="csv" data-month="{{.Month}}">Download CSV<span class="sr"> of the compliance report of {{.Name}}</span></button></li>
{{- end}}
</ul>
</section>
</main>
<script src="{{.Root}}{{.Script}}" defer></script>
{{- else}}
<main class="signin">
<h1>consentproxy dashboard</h1>
<form method="post" action="{{.Root}}dashboard/login" id="signin"{{if .V.Error}} data-error{{end}}>
<label for="token">API token</label>
<input id="token" name="token" type="password" required autocomplete="current-password" spellcheck="false"{{if .V.Error}} aria-invalid="true" aria-describedby="error"{{end}}>
{{- if .V.Error}}
<p id="error" class="error" role="alert">{{.V.Error}}</p>
{{- end}}
<button type="submit">Sign in</button>
</form>
<p class="hint">Use a token from the proxy's <code>--api-tokens</code> file (<code>consentproxy token create</code> makes one), or open the one-time sign-in link the proxy logs at start when it has no such file. The session keeps what the token may read, never the token.</p>
</main>
<script src="{{.Root}}{{.Script}}" defer></script>
{{- end}}
</body>
</html>
`))

func (d *Dashboard) render(c *fiber.Ctx, status int, v view) error {
	var b bytes.Buffer
	err := pageTmpl.Execute(&b, map[string]any{
		"V": v, "Tables": tables, "Script": relative(d.assets.script.URL()), "Style": relative(d.assets.style.URL()),
		"Root": root(c), "Sites": d.cfg.Sites, "Channels": channelLabels, "ConsentRateDef": consentRateDef, "RevenueDef": revenueDef,
		"ReportMonths": reportMonths(d.cfg.Now()),
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(b.Bytes())
}

// reportMonth is a month the page links the compliance report of.
type reportMonth struct{ Month, Name, Label string }

// reportMonths are this and last UTC month: the report counts UTC months.
func reportMonths(now time.Time) []reportMonth {
	this := time.Date(now.UTC().Year(), now.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	out := []reportMonth{}
	for i, label := range []string{"This month", "Last month"} {
		m := this.AddDate(0, -i, 0)
		name := m.Format("January 2006")
		out = append(out, reportMonth{Month: m.Format("2006-01"), Name: name, Label: label + " (" + name + ")"})
	}
	return out
}

// The page's links are relative, so the dashboard also works where a site's
// reverse proxy mounts the proxy under a path prefix
// (https://example.com/cp/dashboard): relative turns a path under the root
// into one relative to the root, and root leads there from the URL the
// page is rendered at (PagePath, or a form's target one level below it).
func relative(path string) string { return strings.TrimPrefix(path, "/") }

func root(c *fiber.Ctx) string {
	if c.Path() == PagePath {
		return ""
	}
	return "../"
}
