CREATE TABLE IF NOT EXISTS analytics.consent_jurisdictions_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS analytics.consent_jurisdictions_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/consent_jurisdictions_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, jurisdiction, outcome, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.consent_jurisdictions_mv ON CLUSTER web TO analytics.consent_jurisdictions_local AS
SELECT site, hour, jurisdiction, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM analytics.consent_jurisdictions_in_local;

CREATE TABLE IF NOT EXISTS analytics.consent_jurisdictions ON CLUSTER web AS analytics.consent_jurisdictions_local
ENGINE = Distributed(web, analytics, consent_jurisdictions_local);

CREATE TABLE IF NOT EXISTS analytics.consent_jurisdictions_in ON CLUSTER web AS analytics.consent_jurisdictions_in_local
ENGINE = Distributed(web, analytics, consent_jurisdictions_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.consent_jurisdictions_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/consent_jurisdictions_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, jurisdiction, outcome)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.consent_jurisdictions_daily ON CLUSTER web AS analytics.consent_jurisdictions_daily_local
ENGINE = Distributed(web, analytics, consent_jurisdictions_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.consent_jurisdictions_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/consent_jurisdictions_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, jurisdiction, outcome)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.consent_jurisdictions_monthly ON CLUSTER web AS analytics.consent_jurisdictions_monthly_local
ENGINE = Distributed(web, analytics, consent_jurisdictions_monthly_local, cityHash64(site));

