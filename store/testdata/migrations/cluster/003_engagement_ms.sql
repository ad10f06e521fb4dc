-- @unless-column totals_in_local engagement_ms
DROP TABLE IF EXISTS analytics.totals_in_local ON CLUSTER web;

-- @unless-column totals_in_local engagement_ms
CREATE TABLE IF NOT EXISTS analytics.totals_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

-- @each-shard
-- @unless-column totals_local engagement_ms
ALTER TABLE analytics.totals_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.totals_mv003 ON CLUSTER web TO analytics.totals_local AS
SELECT site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.totals_in_local
GROUP BY site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS analytics.totals_mv ON CLUSTER web;

-- @each-shard
-- @unless-column totals_daily_local engagement_ms
ALTER TABLE analytics.totals_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @each-shard
-- @unless-column totals_monthly_local engagement_ms
ALTER TABLE analytics.totals_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column totals_in engagement_ms
DROP TABLE IF EXISTS analytics.totals_in ON CLUSTER web;

-- @unless-column totals_in engagement_ms
CREATE TABLE IF NOT EXISTS analytics.totals_in ON CLUSTER web AS analytics.totals_in_local
ENGINE = Distributed(web, analytics, totals_in_local, cityHash64(instance));

-- @unless-column totals engagement_ms
DROP TABLE IF EXISTS analytics.totals ON CLUSTER web;

-- @unless-column totals engagement_ms
CREATE TABLE IF NOT EXISTS analytics.totals ON CLUSTER web AS analytics.totals_local
ENGINE = Distributed(web, analytics, totals_local);

-- @unless-column totals_daily engagement_ms
DROP TABLE IF EXISTS analytics.totals_daily ON CLUSTER web;

-- @unless-column totals_daily engagement_ms
CREATE TABLE IF NOT EXISTS analytics.totals_daily ON CLUSTER web AS analytics.totals_daily_local
ENGINE = Distributed(web, analytics, totals_daily_local, cityHash64(site));

-- @unless-column totals_monthly engagement_ms
DROP TABLE IF EXISTS analytics.totals_monthly ON CLUSTER web;

-- @unless-column totals_monthly engagement_ms
CREATE TABLE IF NOT EXISTS analytics.totals_monthly ON CLUSTER web AS analytics.totals_monthly_local
ENGINE = Distributed(web, analytics, totals_monthly_local, cityHash64(site));

-- @unless-column pages_in_local engagement_ms
DROP TABLE IF EXISTS analytics.pages_in_local ON CLUSTER web;

-- @unless-column pages_in_local engagement_ms
CREATE TABLE IF NOT EXISTS analytics.pages_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    path String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

-- @each-shard
-- @unless-column pages_local engagement_ms
ALTER TABLE analytics.pages_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.pages_mv003 ON CLUSTER web TO analytics.pages_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.pages_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS analytics.pages_mv ON CLUSTER web;

-- @each-shard
-- @unless-column pages_daily_local engagement_ms
ALTER TABLE analytics.pages_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @each-shard
-- @unless-column pages_monthly_local engagement_ms
ALTER TABLE analytics.pages_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column pages_in engagement_ms
DROP TABLE IF EXISTS analytics.pages_in ON CLUSTER web;

-- @unless-column pages_in engagement_ms
CREATE TABLE IF NOT EXISTS analytics.pages_in ON CLUSTER web AS analytics.pages_in_local
ENGINE = Distributed(web, analytics, pages_in_local, cityHash64(instance));

-- @unless-column pages engagement_ms
DROP TABLE IF EXISTS analytics.pages ON CLUSTER web;

-- @unless-column pages engagement_ms
CREATE TABLE IF NOT EXISTS analytics.pages ON CLUSTER web AS analytics.pages_local
ENGINE = Distributed(web, analytics, pages_local);

-- @unless-column pages_daily engagement_ms
DROP TABLE IF EXISTS analytics.pages_daily ON CLUSTER web;

-- @unless-column pages_daily engagement_ms
CREATE TABLE IF NOT EXISTS analytics.pages_daily ON CLUSTER web AS analytics.pages_daily_local
ENGINE = Distributed(web, analytics, pages_daily_local, cityHash64(site));

-- @unless-column pages_monthly engagement_ms
DROP TABLE IF EXISTS analytics.pages_monthly ON CLUSTER web;

-- @unless-column pages_monthly engagement_ms
CREATE TABLE IF NOT EXISTS analytics.pages_monthly ON CLUSTER web AS analytics.pages_monthly_local
ENGINE = Distributed(web, analytics, pages_monthly_local, cityHash64(site));

-- @unless-column entry_pages_in_local engagement_ms
DROP TABLE IF EXISTS analytics.entry_pages_in_local ON CLUSTER web;

-- @unless-column entry_pages_in_local engagement_ms
CREATE TABLE IF NOT EXISTS analytics.entry_pages_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    path String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

-- @each-shard
-- @unless-column entry_pages_local engagement_ms
ALTER TABLE analytics.entry_pages_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.entry_pages_mv003 ON CLUSTER web TO analytics.entry_pages_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.entry_pages_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS analytics.entry_pages_mv ON CLUSTER web;

-- @each-shard
-- @unless-column entry_pages_daily_local engagement_ms
ALTER TABLE analytics.entry_pages_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @each-shard
-- @unless-column entry_pages_monthly_local engagement_ms
ALTER TABLE analytics.entry_pages_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column entry_pages_in engagement_ms
DROP TABLE IF EXISTS analytics.entry_pages_in ON CLUSTER web;

-- @unless-column entry_pages_in engagement_ms
CREATE TABLE IF NOT EXISTS analytics.entry_pages_in ON CLUSTER web AS analytics.entry_pages_in_local
ENGINE = Distributed(web, analytics, entry_pages_in_local, cityHash64(instance));

-- @unless-column entry_pages engagement_ms
DROP TABLE IF EXISTS analytics.entry_pages ON CLUSTER web;

-- @unless-column entry_pages engagement_ms
CREATE TABLE IF NOT EXISTS analytics.entry_pages ON CLUSTER web AS analytics.entry_pages_local
ENGINE = Distributed(web, analytics, entry_pages_local);

-- @unless-column entry_pages_daily engagement_ms
DROP TABLE IF EXISTS analytics.entry_pages_daily ON CLUSTER web;

-- @unless-column entry_pages_daily engagement_ms
CREATE TABLE IF NOT EXISTS analytics.entry_pages_daily ON CLUSTER web AS analytics.entry_pages_daily_local
ENGINE = Distributed(web, analytics, entry_pages_daily_local, cityHash64(site));

-- @unless-column entry_pages_monthly engagement_ms
DROP TABLE IF EXISTS analytics.entry_pages_monthly ON CLUSTER web;

-- @unless-column entry_pages_monthly engagement_ms
CREATE TABLE IF NOT EXISTS analytics.entry_pages_monthly ON CLUSTER web AS analytics.entry_pages_monthly_local
ENGINE = Distributed(web, analytics, entry_pages_monthly_local, cityHash64(site));

-- @unless-column events_in_local engagement_ms
DROP TABLE IF EXISTS analytics.events_in_local ON CLUSTER web;

-- @unless-column events_in_local engagement_ms
CREATE TABLE IF NOT EXISTS analytics.events_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    name String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

-- @each-shard
-- @unless-column events_local engagement_ms
ALTER TABLE analytics.events_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.events_mv003 ON CLUSTER web TO analytics.events_local AS
SELECT site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.events_in_local
GROUP BY site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS analytics.events_mv ON CLUSTER web;

-- @each-shard
-- @unless-column events_daily_local engagement_ms
ALTER TABLE analytics.events_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @each-shard
-- @unless-column events_monthly_local engagement_ms
ALTER TABLE analytics.events_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column events_in engagement_ms
DROP TABLE IF EXISTS analytics.events_in ON CLUSTER web;

-- @unless-column events_in engagement_ms
CREATE TABLE IF NOT EXISTS analytics.events_in ON CLUSTER web AS analytics.events_in_local
ENGINE = Distributed(web, analytics, events_in_local, cityHash64(instance));

-- @unless-column events engagement_ms
DROP TABLE IF EXISTS analytics.events ON CLUSTER web;

-- @unless-column events engagement_ms
CREATE TABLE IF NOT EXISTS analytics.events ON CLUSTER web AS analytics.events_local
ENGINE = Distributed(web, analytics, events_local);

-- @unless-column events_daily engagement_ms
DROP TABLE IF EXISTS analytics.events_daily ON CLUSTER web;

-- @unless-column events_daily engagement_ms
CREATE TABLE IF NOT EXISTS analytics.events_daily ON CLUSTER web AS analytics.events_daily_local
ENGINE = Distributed(web, analytics, events_daily_local, cityHash64(site));

-- @unless-column events_monthly engagement_ms
DROP TABLE IF EXISTS analytics.events_monthly ON CLUSTER web;

-- @unless-column events_monthly engagement_ms
CREATE TABLE IF NOT EXISTS analytics.events_monthly ON CLUSTER web AS analytics.events_monthly_local
ENGINE = Distributed(web, analytics, events_monthly_local, cityHash64(site));

-- @unless-column sources_in_local engagement_ms
DROP TABLE IF EXISTS analytics.sources_in_local ON CLUSTER web;

-- @unless-column sources_in_local engagement_ms
CREATE TABLE IF NOT EXISTS analytics.sources_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    referrer String,
    channel String,
    utm_source String,
    utm_medium String,
    utm_campaign String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

-- @each-shard
-- @unless-column sources_local engagement_ms
ALTER TABLE analytics.sources_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.sources_mv003 ON CLUSTER web TO analytics.sources_local AS
SELECT site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.sources_in_local
GROUP BY site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS analytics.sources_mv ON CLUSTER web;

-- @each-shard
-- @unless-column sources_daily_local engagement_ms
ALTER TABLE analytics.sources_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @each-shard
-- @unless-column sources_monthly_local engagement_ms
ALTER TABLE analytics.sources_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column sources_in engagement_ms
DROP TABLE IF EXISTS analytics.sources_in ON CLUSTER web;

-- @unless-column sources_in engagement_ms
CREATE TABLE IF NOT EXISTS analytics.sources_in ON CLUSTER web AS analytics.sources_in_local
ENGINE = Distributed(web, analytics, sources_in_local, cityHash64(instance));

-- @unless-column sources engagement_ms
DROP TABLE IF EXISTS analytics.sources ON CLUSTER web;

-- @unless-column sources engagement_ms
CREATE TABLE IF NOT EXISTS analytics.sources ON CLUSTER web AS analytics.sources_local
ENGINE = Distributed(web, analytics, sources_local);

-- @unless-column sources_daily engagement_ms
DROP TABLE IF EXISTS analytics.sources_daily ON CLUSTER web;

-- @unless-column sources_daily engagement_ms
CREATE TABLE IF NOT EXISTS analytics.sources_daily ON CLUSTER web AS analytics.sources_daily_local
ENGINE = Distributed(web, analytics, sources_daily_local, cityHash64(site));

-- @unless-column sources_monthly engagement_ms
DROP TABLE IF EXISTS analytics.sources_monthly ON CLUSTER web;

-- @unless-column sources_monthly engagement_ms
CREATE TABLE IF NOT EXISTS analytics.sources_monthly ON CLUSTER web AS analytics.sources_monthly_local
ENGINE = Distributed(web, analytics, sources_monthly_local, cityHash64(site));

-- @unless-column devices_in_local engagement_ms
DROP TABLE IF EXISTS analytics.devices_in_local ON CLUSTER web;

-- @unless-column devices_in_local engagement_ms
CREATE TABLE IF NOT EXISTS analytics.devices_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    browser String,
    browser_version String,
    os String,
    os_version String,
    device String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

-- @each-shard
-- @unless-column devices_local engagement_ms
ALTER TABLE analytics.devices_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.devices_mv003 ON CLUSTER web TO analytics.devices_local AS
SELECT site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.devices_in_local
GROUP BY site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS analytics.devices_mv ON CLUSTER web;

-- @each-shard
-- @unless-column devices_daily_local engagement_ms
ALTER TABLE analytics.devices_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @each-shard
-- @unless-column devices_monthly_local engagement_ms
ALTER TABLE analytics.devices_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column devices_in engagement_ms
DROP TABLE IF EXISTS analytics.devices_in ON CLUSTER web;

-- @unless-column devices_in engagement_ms
CREATE TABLE IF NOT EXISTS analytics.devices_in ON CLUSTER web AS analytics.devices_in_local
ENGINE = Distributed(web, analytics, devices_in_local, cityHash64(instance));

-- @unless-column devices engagement_ms
DROP TABLE IF EXISTS analytics.devices ON CLUSTER web;

-- @unless-column devices engagement_ms
CREATE TABLE IF NOT EXISTS analytics.devices ON CLUSTER web AS analytics.devices_local
ENGINE = Distributed(web, analytics, devices_local);

-- @unless-column devices_daily engagement_ms
DROP TABLE IF EXISTS analytics.devices_daily ON CLUSTER web;

-- @unless-column devices_daily engagement_ms
CREATE TABLE IF NOT EXISTS analytics.devices_daily ON CLUSTER web AS analytics.devices_daily_local
ENGINE = Distributed(web, analytics, devices_daily_local, cityHash64(site));

-- @unless-column devices_monthly engagement_ms
DROP TABLE IF EXISTS analytics.devices_monthly ON CLUSTER web;

-- @unless-column devices_monthly engagement_ms
CREATE TABLE IF NOT EXISTS analytics.devices_monthly ON CLUSTER web AS analytics.devices_monthly_local
ENGINE = Distributed(web, analytics, devices_monthly_local, cityHash64(site));

-- @unless-column countries_in_local engagement_ms
DROP TABLE IF EXISTS analytics.countries_in_local ON CLUSTER web;

-- @unless-column countries_in_local engagement_ms
CREATE TABLE IF NOT EXISTS analytics.countries_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    country String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

-- @each-shard
-- @unless-column countries_local engagement_ms
ALTER TABLE analytics.countries_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.countries_mv003 ON CLUSTER web TO analytics.countries_local AS
SELECT site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.countries_in_local
GROUP BY site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS analytics.countries_mv ON CLUSTER web;

-- @each-shard
-- @unless-column countries_daily_local engagement_ms
ALTER TABLE analytics.countries_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @each-shard
-- @unless-column countries_monthly_local engagement_ms
ALTER TABLE analytics.countries_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column countries_in engagement_ms
DROP TABLE IF EXISTS analytics.countries_in ON CLUSTER web;

-- @unless-column countries_in engagement_ms
CREATE TABLE IF NOT EXISTS analytics.countries_in ON CLUSTER web AS analytics.countries_in_local
ENGINE = Distributed(web, analytics, countries_in_local, cityHash64(instance));

-- @unless-column countries engagement_ms
DROP TABLE IF EXISTS analytics.countries ON CLUSTER web;

-- @unless-column countries engagement_ms
CREATE TABLE IF NOT EXISTS analytics.countries ON CLUSTER web AS analytics.countries_local
ENGINE = Distributed(web, analytics, countries_local);

-- @unless-column countries_daily engagement_ms
DROP TABLE IF EXISTS analytics.countries_daily ON CLUSTER web;

-- @unless-column countries_daily engagement_ms
CREATE TABLE IF NOT EXISTS analytics.countries_daily ON CLUSTER web AS analytics.countries_daily_local
ENGINE = Distributed(web, analytics, countries_daily_local, cityHash64(site));

-- @unless-column countries_monthly engagement_ms
DROP TABLE IF EXISTS analytics.countries_monthly ON CLUSTER web;

-- @unless-column countries_monthly engagement_ms
CREATE TABLE IF NOT EXISTS analytics.countries_monthly ON CLUSTER web AS analytics.countries_monthly_local
ENGINE = Distributed(web, analytics, countries_monthly_local, cityHash64(site));

-- @unless-column languages_in_local engagement_ms
DROP TABLE IF EXISTS analytics.languages_in_local ON CLUSTER web;

-- @unless-column languages_in_local engagement_ms
CREATE TABLE IF NOT EXISTS analytics.languages_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    language String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

-- @each-shard
-- @unless-column languages_local engagement_ms
ALTER TABLE analytics.languages_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.languages_mv003 ON CLUSTER web TO analytics.languages_local AS
SELECT site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.languages_in_local
GROUP BY site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS analytics.languages_mv ON CLUSTER web;

-- @each-shard
-- @unless-column languages_daily_local engagement_ms
ALTER TABLE analytics.languages_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @each-shard
-- @unless-column languages_monthly_local engagement_ms
ALTER TABLE analytics.languages_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column languages_in engagement_ms
DROP TABLE IF EXISTS analytics.languages_in ON CLUSTER web;

-- @unless-column languages_in engagement_ms
CREATE TABLE IF NOT EXISTS analytics.languages_in ON CLUSTER web AS analytics.languages_in_local
ENGINE = Distributed(web, analytics, languages_in_local, cityHash64(instance));

-- @unless-column languages engagement_ms
DROP TABLE IF EXISTS analytics.languages ON CLUSTER web;

-- @unless-column languages engagement_ms
CREATE TABLE IF NOT EXISTS analytics.languages ON CLUSTER web AS analytics.languages_local
ENGINE = Distributed(web, analytics, languages_local);

-- @unless-column languages_daily engagement_ms
DROP TABLE IF EXISTS analytics.languages_daily ON CLUSTER web;

-- @unless-column languages_daily engagement_ms
CREATE TABLE IF NOT EXISTS analytics.languages_daily ON CLUSTER web AS analytics.languages_daily_local
ENGINE = Distributed(web, analytics, languages_daily_local, cityHash64(site));

-- @unless-column languages_monthly engagement_ms
DROP TABLE IF EXISTS analytics.languages_monthly ON CLUSTER web;

-- @unless-column languages_monthly engagement_ms
CREATE TABLE IF NOT EXISTS analytics.languages_monthly ON CLUSTER web AS analytics.languages_monthly_local
ENGINE = Distributed(web, analytics, languages_monthly_local, cityHash64(site));

-- @unless-column outcomes_in_local engagement_ms
DROP TABLE IF EXISTS analytics.outcomes_in_local ON CLUSTER web;

-- @unless-column outcomes_in_local engagement_ms
CREATE TABLE IF NOT EXISTS analytics.outcomes_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    reason String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64
) ENGINE = Null;

-- @each-shard
-- @unless-column outcomes_local engagement_ms
ALTER TABLE analytics.outcomes_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.outcomes_mv003 ON CLUSTER web TO analytics.outcomes_local AS
SELECT site, hour, reason, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM analytics.outcomes_in_local;

DROP TABLE IF EXISTS analytics.outcomes_mv ON CLUSTER web;

-- @each-shard
-- @unless-column outcomes_daily_local engagement_ms
ALTER TABLE analytics.outcomes_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @each-shard
-- @unless-column outcomes_monthly_local engagement_ms
ALTER TABLE analytics.outcomes_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column outcomes_in engagement_ms
DROP TABLE IF EXISTS analytics.outcomes_in ON CLUSTER web;

-- @unless-column outcomes_in engagement_ms
CREATE TABLE IF NOT EXISTS analytics.outcomes_in ON CLUSTER web AS analytics.outcomes_in_local
ENGINE = Distributed(web, analytics, outcomes_in_local, cityHash64(instance));

-- @unless-column outcomes engagement_ms
DROP TABLE IF EXISTS analytics.outcomes ON CLUSTER web;

-- @unless-column outcomes engagement_ms
CREATE TABLE IF NOT EXISTS analytics.outcomes ON CLUSTER web AS analytics.outcomes_local
ENGINE = Distributed(web, analytics, outcomes_local);

-- @unless-column outcomes_daily engagement_ms
DROP TABLE IF EXISTS analytics.outcomes_daily ON CLUSTER web;

-- @unless-column outcomes_daily engagement_ms
CREATE TABLE IF NOT EXISTS analytics.outcomes_daily ON CLUSTER web AS analytics.outcomes_daily_local
ENGINE = Distributed(web, analytics, outcomes_daily_local, cityHash64(site));

-- @unless-column outcomes_monthly engagement_ms
DROP TABLE IF EXISTS analytics.outcomes_monthly ON CLUSTER web;

-- @unless-column outcomes_monthly engagement_ms
CREATE TABLE IF NOT EXISTS analytics.outcomes_monthly ON CLUSTER web AS analytics.outcomes_monthly_local
ENGINE = Distributed(web, analytics, outcomes_monthly_local, cityHash64(site));

-- @unless-column consent_choices_in_local engagement_ms
DROP TABLE IF EXISTS analytics.consent_choices_in_local ON CLUSTER web;

-- @unless-column consent_choices_in_local engagement_ms
CREATE TABLE IF NOT EXISTS analytics.consent_choices_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    revision String,
    outcome String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64
) ENGINE = Null;

-- @each-shard
-- @unless-column consent_choices_local engagement_ms
ALTER TABLE analytics.consent_choices_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.consent_choices_mv003 ON CLUSTER web TO analytics.consent_choices_local AS
SELECT site, hour, revision, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM analytics.consent_choices_in_local;

DROP TABLE IF EXISTS analytics.consent_choices_mv ON CLUSTER web;

-- @each-shard
-- @unless-column consent_choices_daily_local engagement_ms
ALTER TABLE analytics.consent_choices_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @each-shard
-- @unless-column consent_choices_monthly_local engagement_ms
ALTER TABLE analytics.consent_choices_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 CODEC(T64, LZ4) AFTER duration_ms;

-- @unless-column consent_choices_in engagement_ms
DROP TABLE IF EXISTS analytics.consent_choices_in ON CLUSTER web;

-- @unless-column consent_choices_in engagement_ms
CREATE TABLE IF NOT EXISTS analytics.consent_choices_in ON CLUSTER web AS analytics.consent_choices_in_local
ENGINE = Distributed(web, analytics, consent_choices_in_local, cityHash64(instance));

-- @unless-column consent_choices engagement_ms
DROP TABLE IF EXISTS analytics.consent_choices ON CLUSTER web;

-- @unless-column consent_choices engagement_ms
CREATE TABLE IF NOT EXISTS analytics.consent_choices ON CLUSTER web AS analytics.consent_choices_local
ENGINE = Distributed(web, analytics, consent_choices_local);

-- @unless-column consent_choices_daily engagement_ms
DROP TABLE IF EXISTS analytics.consent_choices_daily ON CLUSTER web;

-- @unless-column consent_choices_daily engagement_ms
CREATE TABLE IF NOT EXISTS analytics.consent_choices_daily ON CLUSTER web AS analytics.consent_choices_daily_local
ENGINE = Distributed(web, analytics, consent_choices_daily_local, cityHash64(site));

-- @unless-column consent_choices_monthly engagement_ms
DROP TABLE IF EXISTS analytics.consent_choices_monthly ON CLUSTER web;

-- @unless-column consent_choices_monthly engagement_ms
CREATE TABLE IF NOT EXISTS analytics.consent_choices_monthly ON CLUSTER web AS analytics.consent_choices_monthly_local
ENGINE = Distributed(web, analytics, consent_choices_monthly_local, cityHash64(site));

