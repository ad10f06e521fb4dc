CREATE TABLE IF NOT EXISTS consentproxy.totals_daily (
    site String,
    start Date,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start);

CREATE TABLE IF NOT EXISTS consentproxy.totals_monthly (
    site String,
    start Date,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start);

CREATE TABLE IF NOT EXISTS consentproxy.pages_daily (
    site String,
    start Date,
    path String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.pages_monthly (
    site String,
    start Date,
    path String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_daily (
    site String,
    start Date,
    path String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_monthly (
    site String,
    start Date,
    path String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.events_daily (
    site String,
    start Date,
    name String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name);

CREATE TABLE IF NOT EXISTS consentproxy.events_monthly (
    site String,
    start Date,
    name String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name);

CREATE TABLE IF NOT EXISTS consentproxy.sources_daily (
    site String,
    start Date,
    referrer String,
    channel String,
    utm_source String,
    utm_medium String,
    utm_campaign String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, referrer, channel, utm_source, utm_medium, utm_campaign);

CREATE TABLE IF NOT EXISTS consentproxy.sources_monthly (
    site String,
    start Date,
    referrer String,
    channel String,
    utm_source String,
    utm_medium String,
    utm_campaign String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, referrer, channel, utm_source, utm_medium, utm_campaign);

CREATE TABLE IF NOT EXISTS consentproxy.devices_daily (
    site String,
    start Date,
    browser String,
    browser_version String,
    os String,
    os_version String,
    device String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, browser, browser_version, os, os_version, device);

CREATE TABLE IF NOT EXISTS consentproxy.devices_monthly (
    site String,
    start Date,
    browser String,
    browser_version String,
    os String,
    os_version String,
    device String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, browser, browser_version, os, os_version, device);

CREATE TABLE IF NOT EXISTS consentproxy.countries_daily (
    site String,
    start Date,
    country String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country);

CREATE TABLE IF NOT EXISTS consentproxy.countries_monthly (
    site String,
    start Date,
    country String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country);

CREATE TABLE IF NOT EXISTS consentproxy.languages_daily (
    site String,
    start Date,
    language String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, language);

CREATE TABLE IF NOT EXISTS consentproxy.languages_monthly (
    site String,
    start Date,
    language String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, language);

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_daily (
    site String,
    start Date,
    reason String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason);

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_monthly (
    site String,
    start Date,
    reason String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason);

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_daily (
    site String,
    start Date,
    revision String,
    outcome String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, revision, outcome);

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_monthly (
    site String,
    start Date,
    revision String,
    outcome String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, revision, outcome);

