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
    site LowCardinality(String),
    hour DateTime('UTC'),
    reason LowCardinality(String),
    class LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, reason, class, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.filtered_mv TO consentproxy.filtered AS
SELECT site, hour, reason, class, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.filtered_in;

CREATE TABLE IF NOT EXISTS consentproxy.filtered_daily (
    site LowCardinality(String),
    start Date,
    reason LowCardinality(String),
    class LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason, class)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.filtered_monthly (
    site LowCardinality(String),
    start Date,
    reason LowCardinality(String),
    class LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason, class)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

