CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/consent_jurisdictions_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, jurisdiction, outcome, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.consent_jurisdictions_mv ON CLUSTER web TO consentproxy.consent_jurisdictions_local AS
SELECT site, hour, jurisdiction, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.consent_jurisdictions_in_local;

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions ON CLUSTER web AS consentproxy.consent_jurisdictions_local
ENGINE = Distributed(web, consentproxy, consent_jurisdictions_local);

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_in ON CLUSTER web AS consentproxy.consent_jurisdictions_in_local
ENGINE = Distributed(web, consentproxy, consent_jurisdictions_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/consent_jurisdictions_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, jurisdiction, outcome);

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_daily ON CLUSTER web AS consentproxy.consent_jurisdictions_daily_local
ENGINE = Distributed(web, consentproxy, consent_jurisdictions_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/consent_jurisdictions_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, jurisdiction, outcome);

CREATE TABLE IF NOT EXISTS consentproxy.consent_jurisdictions_monthly ON CLUSTER web AS consentproxy.consent_jurisdictions_monthly_local
ENGINE = Distributed(web, consentproxy, consent_jurisdictions_monthly_local, cityHash64(site));

