CREATE TABLE IF NOT EXISTS analytics.filtered_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS analytics.filtered_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/filtered_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, reason, class, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.filtered_mv ON CLUSTER web TO analytics.filtered_local AS
SELECT site, hour, reason, class, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM analytics.filtered_in_local;

CREATE TABLE IF NOT EXISTS analytics.filtered ON CLUSTER web AS analytics.filtered_local
ENGINE = Distributed(web, analytics, filtered_local);

CREATE TABLE IF NOT EXISTS analytics.filtered_in ON CLUSTER web AS analytics.filtered_in_local
ENGINE = Distributed(web, analytics, filtered_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.filtered_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/filtered_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason, class)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.filtered_daily ON CLUSTER web AS analytics.filtered_daily_local
ENGINE = Distributed(web, analytics, filtered_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.filtered_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/filtered_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason, class)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.filtered_monthly ON CLUSTER web AS analytics.filtered_monthly_local
ENGINE = Distributed(web, analytics, filtered_monthly_local, cityHash64(site));

