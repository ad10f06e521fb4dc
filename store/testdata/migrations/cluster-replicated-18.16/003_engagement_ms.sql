-- @unless-column totals_in_local engagement_ms
DROP TABLE IF EXISTS consentproxy.totals_in_local ON CLUSTER web;

-- @unless-column totals_in_local engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.totals_in_local ON CLUSTER web (
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
ALTER TABLE consentproxy.totals_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.totals_mv003 ON CLUSTER web TO consentproxy.totals_local AS
SELECT site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.totals_in_local
GROUP BY site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.totals_mv ON CLUSTER web;

-- @each-shard
-- @unless-column totals_daily_local engagement_ms
ALTER TABLE consentproxy.totals_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @each-shard
-- @unless-column totals_monthly_local engagement_ms
ALTER TABLE consentproxy.totals_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column totals_in engagement_ms
DROP TABLE IF EXISTS consentproxy.totals_in ON CLUSTER web;

-- @unless-column totals_in engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.totals_in ON CLUSTER web AS consentproxy.totals_in_local
ENGINE = Distributed(web, consentproxy, totals_in_local, cityHash64(instance));

-- @unless-column totals engagement_ms
DROP TABLE IF EXISTS consentproxy.totals ON CLUSTER web;

-- @unless-column totals engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.totals ON CLUSTER web AS consentproxy.totals_local
ENGINE = Distributed(web, consentproxy, totals_local);

-- @unless-column totals_daily engagement_ms
DROP TABLE IF EXISTS consentproxy.totals_daily ON CLUSTER web;

-- @unless-column totals_daily engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.totals_daily ON CLUSTER web AS consentproxy.totals_daily_local
ENGINE = Distributed(web, consentproxy, totals_daily_local, cityHash64(site));

-- @unless-column totals_monthly engagement_ms
DROP TABLE IF EXISTS consentproxy.totals_monthly ON CLUSTER web;

-- @unless-column totals_monthly engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.totals_monthly ON CLUSTER web AS consentproxy.totals_monthly_local
ENGINE = Distributed(web, consentproxy, totals_monthly_local, cityHash64(site));

-- @unless-column pages_in_local engagement_ms
DROP TABLE IF EXISTS consentproxy.pages_in_local ON CLUSTER web;

-- @unless-column pages_in_local engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.pages_in_local ON CLUSTER web (
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
ALTER TABLE consentproxy.pages_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.pages_mv003 ON CLUSTER web TO consentproxy.pages_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.pages_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.pages_mv ON CLUSTER web;

-- @each-shard
-- @unless-column pages_daily_local engagement_ms
ALTER TABLE consentproxy.pages_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @each-shard
-- @unless-column pages_monthly_local engagement_ms
ALTER TABLE consentproxy.pages_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column pages_in engagement_ms
DROP TABLE IF EXISTS consentproxy.pages_in ON CLUSTER web;

-- @unless-column pages_in engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.pages_in ON CLUSTER web AS consentproxy.pages_in_local
ENGINE = Distributed(web, consentproxy, pages_in_local, cityHash64(instance));

-- @unless-column pages engagement_ms
DROP TABLE IF EXISTS consentproxy.pages ON CLUSTER web;

-- @unless-column pages engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.pages ON CLUSTER web AS consentproxy.pages_local
ENGINE = Distributed(web, consentproxy, pages_local);

-- @unless-column pages_daily engagement_ms
DROP TABLE IF EXISTS consentproxy.pages_daily ON CLUSTER web;

-- @unless-column pages_daily engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.pages_daily ON CLUSTER web AS consentproxy.pages_daily_local
ENGINE = Distributed(web, consentproxy, pages_daily_local, cityHash64(site));

-- @unless-column pages_monthly engagement_ms
DROP TABLE IF EXISTS consentproxy.pages_monthly ON CLUSTER web;

-- @unless-column pages_monthly engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.pages_monthly ON CLUSTER web AS consentproxy.pages_monthly_local
ENGINE = Distributed(web, consentproxy, pages_monthly_local, cityHash64(site));

-- @unless-column entry_pages_in_local engagement_ms
DROP TABLE IF EXISTS consentproxy.entry_pages_in_local ON CLUSTER web;

-- @unless-column entry_pages_in_local engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_in_local ON CLUSTER web (
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
ALTER TABLE consentproxy.entry_pages_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.entry_pages_mv003 ON CLUSTER web TO consentproxy.entry_pages_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.entry_pages_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.entry_pages_mv ON CLUSTER web;

-- @each-shard
-- @unless-column entry_pages_daily_local engagement_ms
ALTER TABLE consentproxy.entry_pages_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @each-shard
-- @unless-column entry_pages_monthly_local engagement_ms
ALTER TABLE consentproxy.entry_pages_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column entry_pages_in engagement_ms
DROP TABLE IF EXISTS consentproxy.entry_pages_in ON CLUSTER web;

-- @unless-column entry_pages_in engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_in ON CLUSTER web AS consentproxy.entry_pages_in_local
ENGINE = Distributed(web, consentproxy, entry_pages_in_local, cityHash64(instance));

-- @unless-column entry_pages engagement_ms
DROP TABLE IF EXISTS consentproxy.entry_pages ON CLUSTER web;

-- @unless-column entry_pages engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.entry_pages ON CLUSTER web AS consentproxy.entry_pages_local
ENGINE = Distributed(web, consentproxy, entry_pages_local);

-- @unless-column entry_pages_daily engagement_ms
DROP TABLE IF EXISTS consentproxy.entry_pages_daily ON CLUSTER web;

-- @unless-column entry_pages_daily engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_daily ON CLUSTER web AS consentproxy.entry_pages_daily_local
ENGINE = Distributed(web, consentproxy, entry_pages_daily_local, cityHash64(site));

-- @unless-column entry_pages_monthly engagement_ms
DROP TABLE IF EXISTS consentproxy.entry_pages_monthly ON CLUSTER web;

-- @unless-column entry_pages_monthly engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_monthly ON CLUSTER web AS consentproxy.entry_pages_monthly_local
ENGINE = Distributed(web, consentproxy, entry_pages_monthly_local, cityHash64(site));

-- @unless-column events_in_local engagement_ms
DROP TABLE IF EXISTS consentproxy.events_in_local ON CLUSTER web;

-- @unless-column events_in_local engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.events_in_local ON CLUSTER web (
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
ALTER TABLE consentproxy.events_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.events_mv003 ON CLUSTER web TO consentproxy.events_local AS
SELECT site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.events_in_local
GROUP BY site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.events_mv ON CLUSTER web;

-- @each-shard
-- @unless-column events_daily_local engagement_ms
ALTER TABLE consentproxy.events_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @each-shard
-- @unless-column events_monthly_local engagement_ms
ALTER TABLE consentproxy.events_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column events_in engagement_ms
DROP TABLE IF EXISTS consentproxy.events_in ON CLUSTER web;

-- @unless-column events_in engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.events_in ON CLUSTER web AS consentproxy.events_in_local
ENGINE = Distributed(web, consentproxy, events_in_local, cityHash64(instance));

-- @unless-column events engagement_ms
DROP TABLE IF EXISTS consentproxy.events ON CLUSTER web;

-- @unless-column events engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.events ON CLUSTER web AS consentproxy.events_local
ENGINE = Distributed(web, consentproxy, events_local);

-- @unless-column events_daily engagement_ms
DROP TABLE IF EXISTS consentproxy.events_daily ON CLUSTER web;

-- @unless-column events_daily engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.events_daily ON CLUSTER web AS consentproxy.events_daily_local
ENGINE = Distributed(web, consentproxy, events_daily_local, cityHash64(site));

-- @unless-column events_monthly engagement_ms
DROP TABLE IF EXISTS consentproxy.events_monthly ON CLUSTER web;

-- @unless-column events_monthly engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.events_monthly ON CLUSTER web AS consentproxy.events_monthly_local
ENGINE = Distributed(web, consentproxy, events_monthly_local, cityHash64(site));

-- @unless-column sources_in_local engagement_ms
DROP TABLE IF EXISTS consentproxy.sources_in_local ON CLUSTER web;

-- @unless-column sources_in_local engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.sources_in_local ON CLUSTER web (
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
ALTER TABLE consentproxy.sources_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.sources_mv003 ON CLUSTER web TO consentproxy.sources_local AS
SELECT site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.sources_in_local
GROUP BY site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.sources_mv ON CLUSTER web;

-- @each-shard
-- @unless-column sources_daily_local engagement_ms
ALTER TABLE consentproxy.sources_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @each-shard
-- @unless-column sources_monthly_local engagement_ms
ALTER TABLE consentproxy.sources_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column sources_in engagement_ms
DROP TABLE IF EXISTS consentproxy.sources_in ON CLUSTER web;

-- @unless-column sources_in engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.sources_in ON CLUSTER web AS consentproxy.sources_in_local
ENGINE = Distributed(web, consentproxy, sources_in_local, cityHash64(instance));

-- @unless-column sources engagement_ms
DROP TABLE IF EXISTS consentproxy.sources ON CLUSTER web;

-- @unless-column sources engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.sources ON CLUSTER web AS consentproxy.sources_local
ENGINE = Distributed(web, consentproxy, sources_local);

-- @unless-column sources_daily engagement_ms
DROP TABLE IF EXISTS consentproxy.sources_daily ON CLUSTER web;

-- @unless-column sources_daily engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.sources_daily ON CLUSTER web AS consentproxy.sources_daily_local
ENGINE = Distributed(web, consentproxy, sources_daily_local, cityHash64(site));

-- @unless-column sources_monthly engagement_ms
DROP TABLE IF EXISTS consentproxy.sources_monthly ON CLUSTER web;

-- @unless-column sources_monthly engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.sources_monthly ON CLUSTER web AS consentproxy.sources_monthly_local
ENGINE = Distributed(web, consentproxy, sources_monthly_local, cityHash64(site));

-- @unless-column devices_in_local engagement_ms
DROP TABLE IF EXISTS consentproxy.devices_in_local ON CLUSTER web;

-- @unless-column devices_in_local engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.devices_in_local ON CLUSTER web (
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
ALTER TABLE consentproxy.devices_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.devices_mv003 ON CLUSTER web TO consentproxy.devices_local AS
SELECT site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.devices_in_local
GROUP BY site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.devices_mv ON CLUSTER web;

-- @each-shard
-- @unless-column devices_daily_local engagement_ms
ALTER TABLE consentproxy.devices_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @each-shard
-- @unless-column devices_monthly_local engagement_ms
ALTER TABLE consentproxy.devices_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column devices_in engagement_ms
DROP TABLE IF EXISTS consentproxy.devices_in ON CLUSTER web;

-- @unless-column devices_in engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.devices_in ON CLUSTER web AS consentproxy.devices_in_local
ENGINE = Distributed(web, consentproxy, devices_in_local, cityHash64(instance));

-- @unless-column devices engagement_ms
DROP TABLE IF EXISTS consentproxy.devices ON CLUSTER web;

-- @unless-column devices engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.devices ON CLUSTER web AS consentproxy.devices_local
ENGINE = Distributed(web, consentproxy, devices_local);

-- @unless-column devices_daily engagement_ms
DROP TABLE IF EXISTS consentproxy.devices_daily ON CLUSTER web;

-- @unless-column devices_daily engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.devices_daily ON CLUSTER web AS consentproxy.devices_daily_local
ENGINE = Distributed(web, consentproxy, devices_daily_local, cityHash64(site));

-- @unless-column devices_monthly engagement_ms
DROP TABLE IF EXISTS consentproxy.devices_monthly ON CLUSTER web;

-- @unless-column devices_monthly engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.devices_monthly ON CLUSTER web AS consentproxy.devices_monthly_local
ENGINE = Distributed(web, consentproxy, devices_monthly_local, cityHash64(site));

-- @unless-column countries_in_local engagement_ms
DROP TABLE IF EXISTS consentproxy.countries_in_local ON CLUSTER web;

-- @unless-column countries_in_local engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.countries_in_local ON CLUSTER web (
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
ALTER TABLE consentproxy.countries_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.countries_mv003 ON CLUSTER web TO consentproxy.countries_local AS
SELECT site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.countries_in_local
GROUP BY site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.countries_mv ON CLUSTER web;

-- @each-shard
-- @unless-column countries_daily_local engagement_ms
ALTER TABLE consentproxy.countries_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @each-shard
-- @unless-column countries_monthly_local engagement_ms
ALTER TABLE consentproxy.countries_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column countries_in engagement_ms
DROP TABLE IF EXISTS consentproxy.countries_in ON CLUSTER web;

-- @unless-column countries_in engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.countries_in ON CLUSTER web AS consentproxy.countries_in_local
ENGINE = Distributed(web, consentproxy, countries_in_local, cityHash64(instance));

-- @unless-column countries engagement_ms
DROP TABLE IF EXISTS consentproxy.countries ON CLUSTER web;

-- @unless-column countries engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.countries ON CLUSTER web AS consentproxy.countries_local
ENGINE = Distributed(web, consentproxy, countries_local);

-- @unless-column countries_daily engagement_ms
DROP TABLE IF EXISTS consentproxy.countries_daily ON CLUSTER web;

-- @unless-column countries_daily engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.countries_daily ON CLUSTER web AS consentproxy.countries_daily_local
ENGINE = Distributed(web, consentproxy, countries_daily_local, cityHash64(site));

-- @unless-column countries_monthly engagement_ms
DROP TABLE IF EXISTS consentproxy.countries_monthly ON CLUSTER web;

-- @unless-column countries_monthly engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.countries_monthly ON CLUSTER web AS consentproxy.countries_monthly_local
ENGINE = Distributed(web, consentproxy, countries_monthly_local, cityHash64(site));

-- @unless-column languages_in_local engagement_ms
DROP TABLE IF EXISTS consentproxy.languages_in_local ON CLUSTER web;

-- @unless-column languages_in_local engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.languages_in_local ON CLUSTER web (
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
ALTER TABLE consentproxy.languages_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.languages_mv003 ON CLUSTER web TO consentproxy.languages_local AS
SELECT site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.languages_in_local
GROUP BY site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

DROP TABLE IF EXISTS consentproxy.languages_mv ON CLUSTER web;

-- @each-shard
-- @unless-column languages_daily_local engagement_ms
ALTER TABLE consentproxy.languages_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @each-shard
-- @unless-column languages_monthly_local engagement_ms
ALTER TABLE consentproxy.languages_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column languages_in engagement_ms
DROP TABLE IF EXISTS consentproxy.languages_in ON CLUSTER web;

-- @unless-column languages_in engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.languages_in ON CLUSTER web AS consentproxy.languages_in_local
ENGINE = Distributed(web, consentproxy, languages_in_local, cityHash64(instance));

-- @unless-column languages engagement_ms
DROP TABLE IF EXISTS consentproxy.languages ON CLUSTER web;

-- @unless-column languages engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.languages ON CLUSTER web AS consentproxy.languages_local
ENGINE = Distributed(web, consentproxy, languages_local);

-- @unless-column languages_daily engagement_ms
DROP TABLE IF EXISTS consentproxy.languages_daily ON CLUSTER web;

-- @unless-column languages_daily engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.languages_daily ON CLUSTER web AS consentproxy.languages_daily_local
ENGINE = Distributed(web, consentproxy, languages_daily_local, cityHash64(site));

-- @unless-column languages_monthly engagement_ms
DROP TABLE IF EXISTS consentproxy.languages_monthly ON CLUSTER web;

-- @unless-column languages_monthly engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.languages_monthly ON CLUSTER web AS consentproxy.languages_monthly_local
ENGINE = Distributed(web, consentproxy, languages_monthly_local, cityHash64(site));

-- @unless-column outcomes_in_local engagement_ms
DROP TABLE IF EXISTS consentproxy.outcomes_in_local ON CLUSTER web;

-- @unless-column outcomes_in_local engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.outcomes_in_local ON CLUSTER web (
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
ALTER TABLE consentproxy.outcomes_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.outcomes_mv003 ON CLUSTER web TO consentproxy.outcomes_local AS
SELECT site, hour, reason, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.outcomes_in_local;

DROP TABLE IF EXISTS consentproxy.outcomes_mv ON CLUSTER web;

-- @each-shard
-- @unless-column outcomes_daily_local engagement_ms
ALTER TABLE consentproxy.outcomes_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @each-shard
-- @unless-column outcomes_monthly_local engagement_ms
ALTER TABLE consentproxy.outcomes_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column outcomes_in engagement_ms
DROP TABLE IF EXISTS consentproxy.outcomes_in ON CLUSTER web;

-- @unless-column outcomes_in engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.outcomes_in ON CLUSTER web AS consentproxy.outcomes_in_local
ENGINE = Distributed(web, consentproxy, outcomes_in_local, cityHash64(instance));

-- @unless-column outcomes engagement_ms
DROP TABLE IF EXISTS consentproxy.outcomes ON CLUSTER web;

-- @unless-column outcomes engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.outcomes ON CLUSTER web AS consentproxy.outcomes_local
ENGINE = Distributed(web, consentproxy, outcomes_local);

-- @unless-column outcomes_daily engagement_ms
DROP TABLE IF EXISTS consentproxy.outcomes_daily ON CLUSTER web;

-- @unless-column outcomes_daily engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.outcomes_daily ON CLUSTER web AS consentproxy.outcomes_daily_local
ENGINE = Distributed(web, consentproxy, outcomes_daily_local, cityHash64(site));

-- @unless-column outcomes_monthly engagement_ms
DROP TABLE IF EXISTS consentproxy.outcomes_monthly ON CLUSTER web;

-- @unless-column outcomes_monthly engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.outcomes_monthly ON CLUSTER web AS consentproxy.outcomes_monthly_local
ENGINE = Distributed(web, consentproxy, outcomes_monthly_local, cityHash64(site));

-- @unless-column consent_choices_in_local engagement_ms
DROP TABLE IF EXISTS consentproxy.consent_choices_in_local ON CLUSTER web;

-- @unless-column consent_choices_in_local engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_in_local ON CLUSTER web (
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
ALTER TABLE consentproxy.consent_choices_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.consent_choices_mv003 ON CLUSTER web TO consentproxy.consent_choices_local AS
SELECT site, hour, revision, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.consent_choices_in_local;

DROP TABLE IF EXISTS consentproxy.consent_choices_mv ON CLUSTER web;

-- @each-shard
-- @unless-column consent_choices_daily_local engagement_ms
ALTER TABLE consentproxy.consent_choices_daily_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @each-shard
-- @unless-column consent_choices_monthly_local engagement_ms
ALTER TABLE consentproxy.consent_choices_monthly_local ADD COLUMN engagement_ms Int64 DEFAULT 0 AFTER duration_ms;

-- @unless-column consent_choices_in engagement_ms
DROP TABLE IF EXISTS consentproxy.consent_choices_in ON CLUSTER web;

-- @unless-column consent_choices_in engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_in ON CLUSTER web AS consentproxy.consent_choices_in_local
ENGINE = Distributed(web, consentproxy, consent_choices_in_local, cityHash64(instance));

-- @unless-column consent_choices engagement_ms
DROP TABLE IF EXISTS consentproxy.consent_choices ON CLUSTER web;

-- @unless-column consent_choices engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.consent_choices ON CLUSTER web AS consentproxy.consent_choices_local
ENGINE = Distributed(web, consentproxy, consent_choices_local);

-- @unless-column consent_choices_daily engagement_ms
DROP TABLE IF EXISTS consentproxy.consent_choices_daily ON CLUSTER web;

-- @unless-column consent_choices_daily engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_daily ON CLUSTER web AS consentproxy.consent_choices_daily_local
ENGINE = Distributed(web, consentproxy, consent_choices_daily_local, cityHash64(site));

-- @unless-column consent_choices_monthly engagement_ms
DROP TABLE IF EXISTS consentproxy.consent_choices_monthly ON CLUSTER web;

-- @unless-column consent_choices_monthly engagement_ms
CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_monthly ON CLUSTER web AS consentproxy.consent_choices_monthly_local
ENGINE = Distributed(web, consentproxy, consent_choices_monthly_local, cityHash64(site));

