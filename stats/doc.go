// Package stats is the query API over the aggregate tables (/api/v1/query,
// /api/v1/realtime, /api/v1/openapi.json), shaped after Plausible's v2 query
// API. It only reads, through consentproxy.Store, so it answers identically
// on embedded chDB and on a ClickHouse server down to 18.16.
//
// # One attribute family per query
//
// Each aggregate table keeps one attribute family, so no stored row links a
// visitor's page to their country. A query may therefore use the dimensions
// and filters of one family, plus at most one time dimension:
//
//	page                 → pages.path          visitors, pageviews, events, engagement_time
//	page (with exits, exit_rate or scroll_rate)
//	                     → page_flow.path      visitors, pageviews, exits, exit_rate, scroll_rate
//	entry_page           → entry_pages.path    visitors, visits, bounce_rate, visit_duration, engagement_time
//	source (referrer host), source_name (utm_source, else referrer, else (direct)),
//	channel, utm_source, utm_medium, utm_campaign
//	                     → sources             visitors, visits, bounce_rate, visit_duration, engagement_time
//	country              → countries           visitors, visits, bounce_rate, engagement_time
//	utm_term, utm_content (with utm_source, utm_campaign)
//	                     → campaign_details    visitors, visits
//	region (with country) → regions            visitors, visits
//	page × country       → page_countries      visitors, pageviews (only with --breakdowns page_country)
//	browser, browser_version, os, os_version, device
//	                     → devices             visitors, visits, bounce_rate, engagement_time
//	language             → languages           visitors, visits, bounce_rate, engagement_time
//	event                → events.name         visitors, events
//	goal (with channel, utm_source, utm_campaign, entry_page)
//	                     → goals               visitors, visits, events, conversion_rate
//	event, property, property_value
//	                     → event_props         visitors, events
//	currency (with channel, utm_source, utm_campaign)
//	                     → revenue             revenue, purchases, average_order, visitors, visits
//	funnel, funnel_step (with goal)
//	                     → funnels             visitors, visits
//	consent_outcome      → consent_choices.outcome   choices
//	consent_jurisdiction (with or without consent_outcome)
//	                     → consent_jurisdictions.jurisdiction, .outcome   consent_rate, choices
//	suppression_reason   → outcomes.reason           suppressed (opt_out, gpc, dnt only)
//	filter_reason, filter_class → filtered.reason, .class   filtered (bots by class, exclusions by rule)
//	removed_class        → removed_params.class      removed (parameters of forwarded hits kept from Google)
//
// The metric lists are what each table counts (see docs/privacy.md): a
// pageview belongs to a page, not to a country, so pageviews by country is
// refused rather than answered from the wrong table. visit_duration is not
// offered for devices, countries or languages because the aggregator does not
// sum durations there. Any other combination (page × country, a country
// filter on a browser breakdown, bounce_rate by page) is a 400 that explains
// the aggregate-only schema and lists what is compatible. Never a wrong number.
//
// Without a family dimension, metrics come from totals (visitors,
// pageviews, events, visits, bounce_rate, visit_duration, engagement_time), consent_choices
// (consent_rate, choices) and outcomes (suppressed), one read per table,
// merged per time bucket.
//
// consent_outcome maps to consent_choices.outcome (accept_all, reject_all,
// custom, withdraw: banner decisions), not to outcomes.reason, which records
// the proxy's per-hit decision and is exposed only through the suppressed
// metric, broken down by suppression_reason (opt_out, gpc, dnt; never the
// other reasons). The choices metric (added to the list) counts decisions.
//
// consent_jurisdiction is the visitor's jurisdiction group when they
// decided: a region rule's name (eea, us-opt-out, or the site's own),
// elsewhere, or unknown; never a country. A query that names it, as a
// dimension or a filter, reads consent_jurisdictions, where consent_outcome
// is that table's outcome and consent_rate is accept_all per jurisdiction;
// a query without it reads consent_choices, so consent_outcome alone
// counts every decision ever recorded. consent_jurisdictions is written from
// migration 005 on: earlier hours count no decision per jurisdiction.
//
// # Metric definitions
//
//   - visitors: uniqArrayMerge of the tables' daily-salted visitor states; a
//     visitor returning on another day counts again (the salt changes).
//   - bounce_rate: 100 × sum(bounces) / sum(visits), one decimal; null when
//     there are no visits. visit_duration: sum(duration_ms) / sum(visits) /
//     1000, seconds, one decimal.
//   - engagement_time: sum(engagement_ms) / visitors / 1000, seconds, one
//     decimal: gtag's engagement time (_et, the page visible and focused)
//     per visitor, as GA4's "average engagement time per active user".
//     Each hit's _et is capped at 30 minutes. Hours written before
//     migration 003 count zero engagement, so a period crossing the upgrade
//     under-reports it.
//   - consent_rate: 100 × accept_all decisions / all recorded decisions
//     (accept_all + reject_all + custom + withdraw), overall or per
//     consent_jurisdiction. custom does not count as consent: the table
//     does not say which purposes it allowed. reject_rate, custom_rate and
//     withdraw_rate are the other decisions' shares of the same total, so
//     the four add up to 100 (within rounding).
//   - revenue: the purchases' value in the currency, two decimals (the
//     revenue table keeps millionths in hits); average_order revenue per
//     purchase. Both need currency as a dimension or an is filter.
//   - exits: the visits that ended on the page (page_flow); exit_rate
//     100 × exits / pageviews, scroll_rate 100 × scroll events (GA4's
//     "scroll", sent at 90 % depth) / pageviews, one decimal. Without a
//     dimension they are the site's (exits are then its visits).
//   - removed: parameters of forwarded hits the proxy kept from Google,
//     by class (removed_params, migration 006 on): unknown (off the
//     allowlist), identifier, server_container, user, search_term,
//     malformed, client_ip, personal_data. Never folded.
//   - conversion_rate: 100 × the visitors who reached the goal / every
//     visitor of the same breakdown (the goals table's "(visits)" rows),
//     one decimal. Without goal as a dimension or filter, the rows are every
//     visit's (so channel × entry_page has an answer) and the numerator is
//     the visitors who reached any goal. visits of a goal are the visits
//     that reached it (once each), events its completions. The goal
//     "(ga4)" (only when a filter names it) is the visits with a hit
//     forwarded to Google: its conversion_rate is GA4's coverage of the
//     visitors counted here.
//   - funnels: visits (and visitors) that reached a step after every
//     earlier one, in order, within one visit; the step-to-step rate is
//     the ratio of two steps' visits.
//   - suppressed: hits whose reason is opt_out, gpc or dnt (a visitor's own
//     refusal; bots and invalid hits are not people).
//   - filtered: hits left out as bots or by the site owner's exclusions
//     (the filtered table, written from migration 004 on: earlier hours
//     count none).
//
// # Rollups and exact visitors
//
// A daily or monthly rollup row keeps its visitors as a count. Counts of
// one row key add up exactly over days (the salt is daily), but not over
// rows: a visitor on two pages of one day is in both rows. Rollups are
// therefore read only when every column of the table is a dimension of the
// query or fixed by an "is" filter (devices always: its columns all come
// from the user agent, which is part of the visitor hash); otherwise the
// hourly rows are read and their visitor states merged (rollupExact).
//
// # Time
//
// Storage is hourly UTC. Named periods (today, 7d, 30d, month, 12mo) end
// with the current local day or month, so they include today; [from, to]
// dates are inclusive. Both become [from, to) UTC instants in the query's
// timezone. Days, weeks (Monday) and months are computed by ClickHouse in
// that zone (toDate/toMonday/toStartOfMonth with the zone bound as an
// argument); time:hour labels each stored UTC hour with its local RFC 3339
// time. An hour belongs to the local day in which it starts (relevant only in
// zones with a non-whole-hour offset).
//
// # Small-number suppression
//
// A row whose count is below Config.MinCount (default 5) is folded into one
// row whose dimensions are all "(other)" (time included), so a rare page or
// campaign cannot single anyone out. The count is visitors. Banner choices
// (consent_choices, consent_jurisdictions) and suppressed hits (outcomes)
// are never folded: their rows hold nothing but site, hour, revision or
// jurisdiction group and outcome, or reason, so a
// small count singles nobody out, and folding it would make consent_rate
// disagree with its parts. A time bucket merged from several tables is
// folded by its visitors alone. Additive components are summed into "(other)"; its visitors are
// the SUM of the folded rows' visitors (an upper bound: a person in two
// folded rows counts twice), because re-merging their uniq states would
// need a second query per request. Rates of "(other)" are computed from the
// summed components. If "(other)" itself stays below MinCount it is
// withheld. meta.min_count, meta.suppressed_rows and meta.other_withheld say
// what happened. Because suppression applies to the result rows after
// filtering, a filter that isolates a rare value (page is /rare) gets an
// empty, flagged result rather than the small number. "(other)" sorts last.
//
// # Safety
//
// SQL identifiers come only from this package's maps; every user value is
// a "?" argument bound by the store. CSV dimension cells that start with =,
// +, -, @, tab or CR get a leading apostrophe so that a spreadsheet does not
// run them; metric cells are numbers this package produced.
//
// Authorization is the caller's: Config.Authorize runs once the query has
// been parsed and validated (it needs the site), before any engine work.
package stats
