// Package aggregate turns observations into the aggregate tables of
// consentproxy, in memory, and moves them to a consentproxy.Store.
//
// # What a hit counts
//
// Every hit counts in exactly one outcomes row (its reason). Whether it counts
// anywhere else depends on the reason alone:
//
//	reason                                   outcomes  breakdown tables  visitor hash  session
//	opt_out, gpc, dnt (suppressed)           Hits+1    no                not computed  no
//	bot, invalid (site may be "")            Hits+1    no                not computed  no
//	no_consent, denied, count-without-consent=false
//	                                         Hits+1    no                not computed  no
//	no_consent, denied, count-without-consent=true (the default)
//	                                         Hits+1    yes               yes           yes
//	forwarded                                Hits+1    yes               yes           yes
//	consent banner choice (RecordChoice)     consent_choices Hits+1 per (revision, outcome) and
//	                                         consent_jurisdictions Hits+1 per (jurisdiction, outcome);
//	                                         nothing else
//
// A choice's jurisdiction is the visitor's region group ("eea",
// "us-opt-out", "elsewhere", …: 1-32 of a-z, 0-9, -), never a country or
// anything finer; an empty or malformed one counts as "unknown"
// (consentproxy.JurisdictionUnknown). Like every table's values, at most
// MaxKeys distinct (jurisdiction, outcome) pairs per site and hour.
//
// A countable hit (one that reaches the breakdown tables) adds Events+1,
// Pageviews+1 if it is a page_view, and its table-keyed visitor hash to each
// row it touches:
//
//	table        row chosen by                          also
//	totals       (site, hour)                           Visits, Bounces, DurationMS
//	events       event name (GA4-shaped, else (invalid)) -
//	pages        dims.Path(page URL); page_view only    -
//	entry_pages  the visit's first page                 Visits, Bounces, DurationMS
//	sources      the visit's source at its first hit    Visits, Bounces, DurationMS
//	devices      the visit's browser/OS/device          Visits, Bounces
//	countries    the visit's country                    Visits, Bounces
//	languages    the visit's language                   Visits, Bounces
//	page_flow    dims.Path(page URL); page_view, scroll Pageviews+1 and Visits+1 (the exit) at a page
//	                                                    view, Visits-1 on the visit's previous page
//	                                                    view's row; Events+1 for a scroll
//
// Every countable hit also counts in goals, for every site, under the
// visit's channel, utm_source, utm_campaign and entry page: goal "(visits)"
// (Visits+1 per visit, the visitor hash in every hour the visit has hits:
// the conversion rate's denominator, and channel × entry page) and, for a
// forwarded hit, goal "(ga4)" (the same for the visits Google received
// at least one hit of: GA4's coverage). With goals configured for the site
// (Config.Goals, Config.Funnels), also:
//
//	goals        a matched goal: Events+1 per completion, Visits+1 the first
//	             time in the visit, its visitor hash
//	funnels      (funnel, step, the step's goal) when the hit reaches the visit's
//	             next step: Visits+1, its visitor hash
//
//	event_props  (event, property, value) per allowlisted property of the site
//	             (Config.Properties): Events+1, the visitor hash
//	revenue      (currency, the visit's channel, utm_source, utm_campaign) for a
//	             purchase, goals or not: Events+1, Visits+1 once per visit,
//	             Hits += the value in millionths, the visitor hash
//
// An event goal matches the event name (and, with Property and Value, the
// event's property); a page goal a page view's path
// (dims.Path) against a pattern where * spans within a segment and ** across
// segments. Which goals a visit reached (a 64-bit set) and how far it got in
// each funnel (a byte each) live in its session: the order of steps is
// followed in memory and never stored.
//
// The "visit's" dimensions are resolved once, at a visit's first hit: the
// country is the trusted CDN header's, else the GeoIP lookup's, else "". The
// lookups thus run once per visit, not per hit.
//
// # Visits, bounces and duration
//
// A visit is a run of countable hits of one visitor on one site with less
// than SessionTimeout (30m) between them. Sessions live in a bounded table
// in memory, keyed by the visitor's daily hash, and are never written.
//
//   - First hit: Visits+1 and Bounces+1 in the visit's start-hour rows of
//     totals, entry_pages, sources, devices, countries and languages.
//   - Second page_view: Bounces-1 in exactly those rows. A visit is a bounce
//     when it has fewer than two page views.
//   - Every later hit adds the time since the visitor's previous hit to
//     DurationMS in the current hour's totals, sources and entry_pages rows,
//     so a visit's duration is its last hit minus its first.
//   - Every hit adds its engagement time (_et, the time the page was
//     visible and focused since the previous hit, at most
//     consentproxy.MaxEngagementMS) to EngagementMS in its session rows and
//     its events and pages rows. It is a metric of its own, never added to
//     DurationMS: it measures a part of the same gaps.
//
// Limits, by design: a visit crossing midnight UTC becomes two (the salt
// changes); a session evicted from a full table comes back as a new visit; a
// second page view arriving after the visit's start hour was written and
// forgotten (start hour + 1h + SessionTimeout) leaves the bounce counted
// (Stats.LostCorrections).
//
// # Visitor hashes
//
// A visitor is estimated, never identified:
//
//	salt(day)    = HMAC-SHA256(secret, "consentproxy/visitor-salt/v1/" + "YYYY-MM-DD")[:16]
//	base         = SipHash-2-4(salt(day), site ‖ 0x00 ‖ IP as 16 bytes ‖ 0x00 ‖ user agent)
//	key(table)   = HMAC-SHA256(salt(day), "consentproxy/table-key/v1/" + table name)[:16]
//	hash(table)  = SipHash-2-4(key(table), base as 8 little-endian bytes)
//
// The salt and the derived keys exist only in memory, cached for the day; they
// are never written or logged. base keys the session table and never leaves
// memory. Tables get hash(table), which ClickHouse folds into a uniq state:
// because each table has its own key, no two tables' states share an element,
// so attributes of different families cannot be joined through them.
//
// Trade-off: the salt is derived, not random, so every instance started with
// the same --secret computes the same salt each day and their uniq states
// merge, with no coordination. The price is that anyone holding the secret
// can re-derive a past day's salt and, given a person's IP and user agent,
// test whether that person is among a day's visitors of a table row. Random,
// destroyed salts (Plausible) close that door but need the instances to share
// state. Guard the secret like a key, and rotate it to cut the link to older
// days.
//
// # Memory
//
// Rows are kept per hour bucket, with cumulative metrics and the set of
// visitor hashes, until the bucket is closed (older than the current hour and
// than SessionTimeout) and collected. Every table, site and hour holds at most
// MaxKeys distinct values and every hour at most MaxSites sites; further
// values count as consentproxy.Other. Strings are copied out of request
// memory once, when a value is first admitted, and no raw IP or user agent is
// kept. Record takes one shard lock (shards are chosen by visitor hash; hits
// without one pick a shard at random) and does not allocate in steady state
// beyond what dims.Path does.
//
// Visitor hashes are the one thing that grows with visitors rather than
// keys, and a row is re-sent whole (the store keeps its newest cumulative
// version). Config.MaxVisitorHashes bounds them: a Collect that finds more
// in memory ends an epoch, writing every row whole one last time and
// emptying it, and the aggregator goes on under a new instance id (base.N).
// Rows of different instances add up and their visitor states merge, as
// those of two proxies do, so nothing is lost or counted twice
// (TestEpochsKeepTotalsExact, TestEpochsThroughTheSpool); the spool never
// merges batches of different instances. 1.6M visitors in an hour hold a
// 62 MiB heap instead of 266 MiB (TestMemoryFlatInVisitors).
//
// # Writing
//
// Collect returns the changed rows with their cumulative values under an
// increasing Version; the store keeps the newest version per (instance, key),
// so any batch may be written any number of times, in any order. The Flusher
// writes one batch per Interval, keeps failed batches in memory
// (MaxPendingBatches); beyond that it merges them (newest row per key, newest
// version: safe because batches are written in order, stopping at the first
// failure) into one spool file in SpoolDir, merged with the instance's
// newest spool file, which it replaces: a long outage keeps each row once on
// disk, not once per spooling (TestSpoolFlatInOutageLength). Everything unwritten is retried
// with exponential backoff and jitter, oldest first. Replay writes spool
// files left by an earlier process.
//
// Spool files hold batches: rows of dimensions, counts and daily-salted,
// table-keyed visitor hashes, never an IP, user agent, id or query string.
// They are deleted once written. If SpoolDir cannot be written, the proxy
// keeps serving and Stats counts the batches it had to drop.
//
// Loss on SIGKILL: the hits of the current Interval (not yet collected); while
// the store is unreachable, also the batches still pending in memory (at most
// MaxPendingBatches × Interval of changes; rows that change again later are
// re-sent with their cumulative values). SIGTERM loses nothing that Flush can
// write or spool within its context.
package aggregate
