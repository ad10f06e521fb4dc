CREATE TABLE IF NOT EXISTS consentproxy.totals_daily (
    site LowCardinality(String),
    start Date,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.totals_monthly (
    site LowCardinality(String),
    start Date,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.pages_daily (
    site LowCardinality(String),
    start Date,
    path LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.pages_monthly (
    site LowCardinality(String),
    start Date,
    path LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_daily (
    site LowCardinality(String),
    start Date,
    path LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_monthly (
    site LowCardinality(String),
    start Date,
    path LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.events_daily (
    site LowCardinality(String),
    start Date,
    name LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.events_monthly (
    site LowCardinality(String),
    start Date,
    name LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.sources_daily (
    site LowCardinality(String),
    start Date,
    referrer LowCardinality(String),
    channel LowCardinality(String),
    utm_source LowCardinality(String),
    utm_medium LowCardinality(String),
    utm_campaign LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, referrer, channel, utm_source, utm_medium, utm_campaign)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.sources_monthly (
    site LowCardinality(String),
    start Date,
    referrer LowCardinality(String),
    channel LowCardinality(String),
    utm_source LowCardinality(String),
    utm_medium LowCardinality(String),
    utm_campaign LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, referrer, channel, utm_source, utm_medium, utm_campaign)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.devices_daily (
    site LowCardinality(String),
    start Date,
    browser LowCardinality(String),
    browser_version LowCardinality(String),
    os LowCardinality(String),
    os_version LowCardinality(String),
    device LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, browser, browser_version, os, os_version, device)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.devices_monthly (
    site LowCardinality(String),
    start Date,
    browser LowCardinality(String),
    browser_version LowCardinality(String),
    os LowCardinality(String),
    os_version LowCardinality(String),
    device LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, browser, browser_version, os, os_version, device)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.countries_daily (
    site LowCardinality(String),
    start Date,
    country LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.countries_monthly (
    site LowCardinality(String),
    start Date,
    country LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.languages_daily (
    site LowCardinality(String),
    start Date,
    language LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, language)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.languages_monthly (
    site LowCardinality(String),
    start Date,
    language LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, language)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_daily (
    site LowCardinality(String),
    start Date,
    reason LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_monthly (
    site LowCardinality(String),
    start Date,
    reason LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_daily (
    site LowCardinality(String),
    start Date,
    revision LowCardinality(String),
    outcome LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, revision, outcome)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_monthly (
    site LowCardinality(String),
    start Date,
    revision LowCardinality(String),
    outcome LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, revision, outcome)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

