CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_in (
    site String,
    hour DateTime('UTC'),
    jurisdiction String,
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

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions (
    site LowCardinality(String),
    hour DateTime('UTC'),
    jurisdiction LowCardinality(String),
    outcome LowCardinality(String),
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
ORDER BY (site, hour, jurisdiction, outcome, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.consent_jurisdictions_mv TO consentproxy.consent_jurisdictions AS
SELECT site, hour, jurisdiction, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.consent_jurisdictions_in;

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_daily (
    site LowCardinality(String),
    start Date,
    jurisdiction LowCardinality(String),
    outcome LowCardinality(String),
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
ORDER BY (site, start, jurisdiction, outcome)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_monthly (
    site LowCardinality(String),
    start Date,
    jurisdiction LowCardinality(String),
    outcome LowCardinality(String),
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
ORDER BY (site, start, jurisdiction, outcome)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

