CREATE TABLE IF NOT EXISTS consentproxy.totals_in (
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
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.totals (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.totals_mv TO consentproxy.totals AS
SELECT site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.totals_in
GROUP BY site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.pages_in (
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
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.pages (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.pages_mv TO consentproxy.pages AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.pages_in
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_in (
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
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.entry_pages_mv TO consentproxy.entry_pages AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.entry_pages_in
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.events_in (
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
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.events (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, name, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.events_mv TO consentproxy.events AS
SELECT site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.events_in
GROUP BY site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.sources_in (
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
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.sources (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.sources_mv TO consentproxy.sources AS
SELECT site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.sources_in
GROUP BY site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.devices_in (
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
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.devices (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, browser, browser_version, os, os_version, device, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.devices_mv TO consentproxy.devices AS
SELECT site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.devices_in
GROUP BY site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.countries_in (
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
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.countries (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, country, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.countries_mv TO consentproxy.countries AS
SELECT site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.countries_in
GROUP BY site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.languages_in (
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
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.languages (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, language, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.languages_mv TO consentproxy.languages AS
SELECT site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.languages_in
GROUP BY site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_in (
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
    duration_ms Int64
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.outcomes (
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
    duration_ms Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, reason, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.outcomes_mv TO consentproxy.outcomes AS
SELECT site, hour, reason, instance, version, hits, pageviews, events, visits, bounces, duration_ms
FROM consentproxy.outcomes_in;

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_in (
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
    duration_ms Int64
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices (
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
    duration_ms Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, revision, outcome, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.consent_choices_mv TO consentproxy.consent_choices AS
SELECT site, hour, revision, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms
FROM consentproxy.consent_choices_in;

