package stats

import "github.com/consentproxy/consentproxy"

// Metric names accepted in Query.Metrics, in the order the OpenAPI document
// lists them.
var Metrics = []string{"visitors", "pageviews", "events", "visits", "bounce_rate",
	"visit_duration", "engagement_time", "consent_rate", "choices", "suppressed", "filtered", "conversion_rate", "removed", "exits", "exit_rate", "scroll_rate", "revenue", "purchases", "average_order", "reject_rate", "custom_rate", "withdraw_rate"}

// Dimensions are the accepted non-time dimensions; TimeDimensions the time
// buckets. Both lists are checked against the OpenAPI document by a test.
var (
	Dimensions = []string{"page", "entry_page", "source", "source_name", "channel", "utm_source", "utm_medium",
		"utm_campaign", "utm_term", "utm_content", "country", "region", "browser", "browser_version", "os", "os_version", "device", "language", "event", "property", "property_value", "goal", "funnel", "funnel_step", "currency", "consent_outcome",
		"consent_jurisdiction", "suppression_reason", "filter_reason", "filter_class", "removed_class"}
	TimeDimensions = []string{"time:hour", "time:day", "time:week", "time:month"}
)

// family is one aggregate table seen from the API: the dimensions it can
// break down by (API name → column) and the metrics it can answer honestly.
type family struct {
	name    string
	table   consentproxy.Table
	columns map[string]string
	metrics []string
}

// The families. A query may use the dimensions and filters of at most one of
// them, because the tables share no key that would link one visitor's
// attributes across families: "page × country" has no correct answer here.
var families = []*family{
	{name: "pages", table: consentproxy.TablePages, columns: map[string]string{"page": "path"},
		metrics: []string{"visitors", "pageviews", "events", "engagement_time"}},
	// Page flow: a page's views, the visits that ended there (exits) and
	// its scroll events (GA4's 90 % scroll). It comes after pages, so page
	// with visitors or pageviews alone reads pages; exits, exit_rate and
	// scroll_rate choose it.
	{name: "page flow", table: consentproxy.TablePageFlow, columns: map[string]string{"page": "path"},
		metrics: []string{"visitors", "pageviews", "exits", "exit_rate", "scroll_rate"}},
	{name: "entry pages", table: consentproxy.TableEntryPages, columns: map[string]string{"entry_page": "path"},
		metrics: []string{"visitors", "visits", "bounce_rate", "visit_duration", "engagement_time"}},
	// source is the referrer's name (GA4's source name for search
	// engines, else the host); source_name what GA4 and Plausible show as
	// the source: utm_source when the visit was tagged, else the referrer,
	// else "(direct)".
	{name: "sources", table: consentproxy.TableSources, columns: map[string]string{"source": "referrer",
		"source_name": sourceNameExpr,
		"channel":     "channel", "utm_source": "utm_source", "utm_medium": "utm_medium", "utm_campaign": "utm_campaign"},
		metrics: []string{"visitors", "visits", "bounce_rate", "visit_duration", "engagement_time"}},
	{name: "countries", table: consentproxy.TableCountries, columns: map[string]string{"country": "country"},
		metrics: []string{"visitors", "visits", "bounce_rate", "engagement_time"}},
	{name: "devices", table: consentproxy.TableDevices, columns: map[string]string{"browser": "browser", "browser_version": "browser_version",
		"os": "os", "os_version": "os_version", "device": "device"},
		metrics: []string{"visitors", "visits", "bounce_rate", "engagement_time"}},
	{name: "languages", table: consentproxy.TableLanguages, columns: map[string]string{"language": "language"},
		metrics: []string{"visitors", "visits", "bounce_rate", "engagement_time"}},
	{name: "events", table: consentproxy.TableEvents, columns: map[string]string{"event": "name"},
		metrics: []string{"visitors", "events"}},
	// Goals: a goal's converted visitors and visits and its completions
	// (events) by the visit's channel, utm_source, utm_campaign and entry
	// page; conversion_rate divides by every visitor of the same
	// breakdown (the table's "(visits)" rows). Without goal as a dimension
	// or filter, the family answers for every visit (channel × entry page,
	// the crossing no other table holds), and conversion_rate is the share
	// that reached any goal. It comes after sources and entry pages, so a
	// query on their dimensions alone reads them.
	{name: "goals", table: consentproxy.TableGoals, columns: map[string]string{"goal": "goal", "channel": "channel",
		"utm_source": "utm_source", "utm_campaign": "utm_campaign", "entry_page": "entry_path"},
		metrics: []string{"visitors", "visits", "events", "conversion_rate"}},
	// Funnels: visits that reached each step after every earlier one.
	{name: "funnels", table: consentproxy.TableFunnels, columns: map[string]string{"funnel": "funnel", "funnel_step": "step", "goal": "goal"},
		metrics: []string{"visitors", "visits"}},
	// Campaign details: visits by the landing URL's utm_term and
	// utm_content (with utm_source and utm_campaign), counted at the
	// visit's start.
	{name: "campaign details", table: consentproxy.TableCampaignDetails, columns: map[string]string{"utm_source": "utm_source",
		"utm_campaign": "utm_campaign", "utm_term": "utm_term", "utm_content": "utm_content"},
		metrics: []string{"visitors", "visits"}},
	// Regions: visits by ISO 3166-2 region (with country), from the
	// trusted CDN region header.
	{name: "regions", table: consentproxy.TableRegions, columns: map[string]string{"country": "country", "region": "region"},
		metrics: []string{"visitors", "visits"}},
	// Pages by country: the one page × visit crossing, written only when
	// the site owner opts in (--breakdowns page_country; API.answerPlan
	// refuses it otherwise, saying so).
	{name: "pages by country", table: consentproxy.TablePageCountries, columns: map[string]string{"page": "path", "country": "country"},
		metrics: []string{"visitors", "pageviews"}},
	// Revenue: purchases, purchasers and their value per currency and the
	// purchasing visit's channel, utm_source and utm_campaign. revenue
	// needs the currency pinned (checkMetrics): a sum of euros and dollars
	// is no number.
	{name: "revenue", table: consentproxy.TableRevenue, columns: map[string]string{"currency": "currency", "channel": "channel",
		"utm_source": "utm_source", "utm_campaign": "utm_campaign"},
		metrics: []string{"revenue", "purchases", "average_order", "visitors", "visits"}},
	// Event properties: events by the site owner's allowlisted property
	// values, per event name.
	{name: "event properties", table: consentproxy.TableEventProps, columns: map[string]string{"event": "name",
		"property": "prop", "property_value": "value"},
		metrics: []string{"visitors", "events"}},
	{name: "consent choices", table: consentproxy.TableConsentChoices, columns: map[string]string{"consent_outcome": "outcome"},
		metrics: []string{"choices"}},
	// Banner decisions per jurisdiction group (eea, us-opt-out, elsewhere,
	// unknown, the site's own rules): consent_outcome alone stays with
	// consent choices above, which holds every decision since migration
	// 001; this family answers whenever consent_jurisdiction is a dimension
	// or a filter, and only from migration 005 on.
	{name: "consent choices by jurisdiction", table: consentproxy.TableConsentJurisdictions,
		columns: map[string]string{"consent_jurisdiction": "jurisdiction", "consent_outcome": "outcome"},
		metrics: []string{"consent_rate", "reject_rate", "custom_rate", "withdraw_rate", "choices"}},
	// Hits the visitor asked not to be measured by, per reason (opt_out,
	// gpc, dnt): like choices, they carry no visitor attribute.
	{name: "suppressed hits", table: consentproxy.TableOutcomes, columns: map[string]string{"suppression_reason": "reason"},
		metrics: []string{"suppressed"}},
	// Hits left out as bots (filter_reason "bot", filter_class crawler,
	// ai_crawler, monitor, headless, library, other) or by the site owner's
	// rules ("excluded": internal_ip, referrer_spam, staff): what was
	// removed, and why.
	{name: "filtered hits", table: consentproxy.TableFiltered, columns: map[string]string{"filter_reason": "reason", "filter_class": "class"},
		metrics: []string{"filtered"}},
	// Parameters of forwarded hits kept from Google, per class (unknown,
	// identifier, server_container, user, search_term, malformed,
	// client_ip, personal_data): the evidence of minimization.
	{name: "removed parameters", table: consentproxy.TableRemovedParams, columns: map[string]string{"removed_class": "class"},
		metrics: []string{"removed"}},
}

// familyOf finds a family by its table.
func familyOf(t consentproxy.Table) *family {
	for _, f := range families {
		if f.table.Name == t.Name {
			return f
		}
	}
	panic("stats: no family of table " + t.Name)
}

// metricFamilies are the families chosen by a metric only they have,
// whatever the dimensions share with an earlier family, and without a
// dimension: conversion_rate is a goals query, exits a page flow one.
var metricFamilies = []struct {
	fam     *family
	metrics []string
}{
	{familyOf(consentproxy.TableGoals), []string{"conversion_rate"}},
	{familyOf(consentproxy.TablePageFlow), []string{"exits", "exit_rate", "scroll_rate"}},
	{familyOf(consentproxy.TableRevenue), []string{"revenue", "purchases", "average_order"}},
}

// sourceNameExpr is the source_name dimension over the sources table's
// columns. It is an expression, never user input.
const sourceNameExpr = "if(utm_source != '', utm_source, if(referrer != '', referrer, '(direct)'))"

// Without a family dimension, metrics come from these tables, merged per
// time bucket: site totals, banner decisions and suppressed hits.
var (
	totalsMetrics   = []string{"visitors", "pageviews", "events", "visits", "bounce_rate", "visit_duration", "engagement_time"}
	choicesMetrics  = []string{"consent_rate", "reject_rate", "custom_rate", "withdraw_rate", "choices"}
	outcomeMetrics  = []string{"suppressed"}
	filteredMetrics = []string{"filtered"}
	removedMetrics  = []string{"removed"}
)

// suppressedReasons are the outcome reasons counted by the suppressed metric:
// a visitor's own refusal to be measured (not bots or invalid hits). They
// come from the domain's Reason.Suppressed, so a new reason needs no edit here.
var suppressedReasons = func() []string {
	var out []string
	for _, r := range consentproxy.Reasons() {
		if r.Suppressed() {
			out = append(out, r.String())
		}
	}
	return out
}()

// choiceOutcomes are the banner decisions (consent_choices.outcome,
// consent_jurisdictions.outcome) each rate counts: accept_all is
// consent_rate's, the others reject_rate's, custom_rate's and
// withdraw_rate's. Together they are every recorded decision.
var choiceOutcomes = []struct{ outcome, alias string }{
	{"accept_all", "accepted"}, {"reject_all", "rejected"}, {"custom", "custom"}, {"withdraw", "withdrawn"},
}

// familiesOf lists the families that have dim, in the order of families:
// the first of them that has every dimension and filter of a query
// answers it.
func familiesOf(dim string) []*family {
	var out []*family
	for _, f := range families {
		if _, ok := f.columns[dim]; ok {
			out = append(out, f)
		}
	}
	return out
}

// dimsOf lists the dimensions any of fams has, in the order of Dimensions.
func dimsOf(fams []*family) []string {
	var out []string
	for _, d := range Dimensions {
		for _, f := range fams {
			if _, ok := f.columns[d]; ok {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

func (f *family) dims() []string { return dimsOf([]*family{f}) }
