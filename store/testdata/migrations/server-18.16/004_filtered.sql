CREATE TABLE IF NOT EXISTS consentproxy.filtered_in (
    site String,
    hour DateTime('UTC'),
    reason String,
    class String,
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

CREATE TABLE IF NOT EXISTS consentproxy.filtered (
    site String,
    hour DateTime('UTC'),
    reason String,
    class String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, reason, class, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.filtered_mv TO consentproxy.filtered AS
SELECT site, hour, reason, class, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.filtered_in;

CREATE TABLE IF NOT EXISTS consentproxy.filtered_daily (
    site String,
    start Date,
    reason String,
    class String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason, class);

CREATE TABLE IF NOT EXISTS consentproxy.filtered_monthly (
    site String,
    start Date,
    reason String,
    class String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason, class);

