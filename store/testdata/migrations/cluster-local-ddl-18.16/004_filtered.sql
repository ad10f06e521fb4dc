CREATE TABLE IF NOT EXISTS consentproxy.filtered_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.filtered_local (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.filtered_mv TO consentproxy.filtered_local AS
SELECT site, hour, reason, class, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.filtered_in_local;

CREATE TABLE IF NOT EXISTS consentproxy.filtered AS consentproxy.filtered_local
ENGINE = Distributed(test2, consentproxy, filtered_local);

CREATE TABLE IF NOT EXISTS consentproxy.filtered_in AS consentproxy.filtered_in_local
ENGINE = Distributed(test2, consentproxy, filtered_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.filtered_daily_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.filtered_daily AS consentproxy.filtered_daily_local
ENGINE = Distributed(test2, consentproxy, filtered_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.filtered_monthly_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.filtered_monthly AS consentproxy.filtered_monthly_local
ENGINE = Distributed(test2, consentproxy, filtered_monthly_local, cityHash64(site));

