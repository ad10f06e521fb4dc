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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, jurisdiction, outcome, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.consent_jurisdictions_mv TO consentproxy.consent_jurisdictions AS
SELECT site, hour, jurisdiction, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.consent_jurisdictions_in;

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_daily (
    site String,
    start Date,
    jurisdiction String,
    outcome String,
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
ORDER BY (site, start, jurisdiction, outcome);

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_monthly (
    site String,
    start Date,
    jurisdiction String,
    outcome String,
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
ORDER BY (site, start, jurisdiction, outcome);

