-- @unless-column totals_in engagement_ms
ALTER TABLE consentproxy.totals_in ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column totals engagement_ms
ALTER TABLE consentproxy.totals ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.totals_mv003 TO consentproxy.totals AS
SELECT site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.totals_in
GROUP BY site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.totals_mv;

-- @unless-column totals_daily engagement_ms
ALTER TABLE consentproxy.totals_daily ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column totals_monthly engagement_ms
ALTER TABLE consentproxy.totals_monthly ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column pages_in engagement_ms
ALTER TABLE consentproxy.pages_in ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column pages engagement_ms
ALTER TABLE consentproxy.pages ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.pages_mv003 TO consentproxy.pages AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.pages_in
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.pages_mv;

-- @unless-column pages_daily engagement_ms
ALTER TABLE consentproxy.pages_daily ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column pages_monthly engagement_ms
ALTER TABLE consentproxy.pages_monthly ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column entry_pages_in engagement_ms
ALTER TABLE consentproxy.entry_pages_in ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column entry_pages engagement_ms
ALTER TABLE consentproxy.entry_pages ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.entry_pages_mv003 TO consentproxy.entry_pages AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.entry_pages_in
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.entry_pages_mv;

-- @unless-column entry_pages_daily engagement_ms
ALTER TABLE consentproxy.entry_pages_daily ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column entry_pages_monthly engagement_ms
ALTER TABLE consentproxy.entry_pages_monthly ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column events_in engagement_ms
ALTER TABLE consentproxy.events_in ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column events engagement_ms
ALTER TABLE consentproxy.events ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.events_mv003 TO consentproxy.events AS
SELECT site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.events_in
GROUP BY site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.events_mv;

-- @unless-column events_daily engagement_ms
ALTER TABLE consentproxy.events_daily ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column events_monthly engagement_ms
ALTER TABLE consentproxy.events_monthly ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column sources_in engagement_ms
ALTER TABLE consentproxy.sources_in ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column sources engagement_ms
ALTER TABLE consentproxy.sources ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.sources_mv003 TO consentproxy.sources AS
SELECT site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.sources_in
GROUP BY site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.sources_mv;

-- @unless-column sources_daily engagement_ms
ALTER TABLE consentproxy.sources_daily ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column sources_monthly engagement_ms
ALTER TABLE consentproxy.sources_monthly ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column devices_in engagement_ms
ALTER TABLE consentproxy.devices_in ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column devices engagement_ms
ALTER TABLE consentproxy.devices ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.devices_mv003 TO consentproxy.devices AS
SELECT site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.devices_in
GROUP BY site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.devices_mv;

-- @unless-column devices_daily engagement_ms
ALTER TABLE consentproxy.devices_daily ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column devices_monthly engagement_ms
ALTER TABLE consentproxy.devices_monthly ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column countries_in engagement_ms
ALTER TABLE consentproxy.countries_in ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column countries engagement_ms
ALTER TABLE consentproxy.countries ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.countries_mv003 TO consentproxy.countries AS
SELECT site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.countries_in
GROUP BY site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.countries_mv;

-- @unless-column countries_daily engagement_ms
ALTER TABLE consentproxy.countries_daily ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column countries_monthly engagement_ms
ALTER TABLE consentproxy.countries_monthly ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column languages_in engagement_ms
ALTER TABLE consentproxy.languages_in ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column languages engagement_ms
ALTER TABLE consentproxy.languages ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.languages_mv003 TO consentproxy.languages AS
SELECT site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.languages_in
GROUP BY site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.languages_mv;

-- @unless-column languages_daily engagement_ms
ALTER TABLE consentproxy.languages_daily ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column languages_monthly engagement_ms
ALTER TABLE consentproxy.languages_monthly ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column outcomes_in engagement_ms
ALTER TABLE consentproxy.outcomes_in ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column outcomes engagement_ms
ALTER TABLE consentproxy.outcomes ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.outcomes_mv003 TO consentproxy.outcomes AS
SELECT site, hour, reason, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.outcomes_in;

DROP TABLE IF EXISTS consentproxy.outcomes_mv;

-- @unless-column outcomes_daily engagement_ms
ALTER TABLE consentproxy.outcomes_daily ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column outcomes_monthly engagement_ms
ALTER TABLE consentproxy.outcomes_monthly ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column consent_choices_in engagement_ms
ALTER TABLE consentproxy.consent_choices_in ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column consent_choices engagement_ms
ALTER TABLE consentproxy.consent_choices ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.consent_choices_mv003 TO consentproxy.consent_choices AS
SELECT site, hour, revision, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.consent_choices_in;

DROP TABLE IF EXISTS consentproxy.consent_choices_mv;

-- @unless-column consent_choices_daily engagement_ms
ALTER TABLE consentproxy.consent_choices_daily ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column consent_choices_monthly engagement_ms
ALTER TABLE consentproxy.consent_choices_monthly ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

