CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_local (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.consent_jurisdictions_mv TO consentproxy.consent_jurisdictions_local AS
SELECT site, hour, jurisdiction, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.consent_jurisdictions_in_local;

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions AS consentproxy.consent_jurisdictions_local
ENGINE = Distributed(test2, consentproxy, consent_jurisdictions_local);

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_in AS consentproxy.consent_jurisdictions_in_local
ENGINE = Distributed(test2, consentproxy, consent_jurisdictions_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_daily_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_daily AS consentproxy.consent_jurisdictions_daily_local
ENGINE = Distributed(test2, consentproxy, consent_jurisdictions_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_monthly_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_monthly AS consentproxy.consent_jurisdictions_monthly_local
ENGINE = Distributed(test2, consentproxy, consent_jurisdictions_monthly_local, cityHash64(site));

