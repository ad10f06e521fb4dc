CREATE TABLE IF NOT EXISTS analytics.totals_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS analytics.totals_local ON CLUSTER web (
    site LowCardinality(String),
    hour DateTime('UTC'),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/totals_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.totals_mv ON CLUSTER web TO analytics.totals_local AS
SELECT site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.totals_in_local
GROUP BY site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS analytics.totals ON CLUSTER web AS analytics.totals_local
ENGINE = Distributed(web, analytics, totals_local);

CREATE TABLE IF NOT EXISTS analytics.totals_in ON CLUSTER web AS analytics.totals_in_local
ENGINE = Distributed(web, analytics, totals_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.pages_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    path String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS analytics.pages_local ON CLUSTER web (
    site LowCardinality(String),
    hour DateTime('UTC'),
    path LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/pages_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.pages_mv ON CLUSTER web TO analytics.pages_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.pages_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS analytics.pages ON CLUSTER web AS analytics.pages_local
ENGINE = Distributed(web, analytics, pages_local);

CREATE TABLE IF NOT EXISTS analytics.pages_in ON CLUSTER web AS analytics.pages_in_local
ENGINE = Distributed(web, analytics, pages_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.entry_pages_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    path String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS analytics.entry_pages_local ON CLUSTER web (
    site LowCardinality(String),
    hour DateTime('UTC'),
    path LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/entry_pages_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.entry_pages_mv ON CLUSTER web TO analytics.entry_pages_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.entry_pages_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS analytics.entry_pages ON CLUSTER web AS analytics.entry_pages_local
ENGINE = Distributed(web, analytics, entry_pages_local);

CREATE TABLE IF NOT EXISTS analytics.entry_pages_in ON CLUSTER web AS analytics.entry_pages_in_local
ENGINE = Distributed(web, analytics, entry_pages_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.events_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    name String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS analytics.events_local ON CLUSTER web (
    site LowCardinality(String),
    hour DateTime('UTC'),
    name LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/events_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, name, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.events_mv ON CLUSTER web TO analytics.events_local AS
SELECT site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.events_in_local
GROUP BY site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS analytics.events ON CLUSTER web AS analytics.events_local
ENGINE = Distributed(web, analytics, events_local);

CREATE TABLE IF NOT EXISTS analytics.events_in ON CLUSTER web AS analytics.events_in_local
ENGINE = Distributed(web, analytics, events_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.sources_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    referrer String,
    channel String,
    utm_source String,
    utm_medium String,
    utm_campaign String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS analytics.sources_local ON CLUSTER web (
    site LowCardinality(String),
    hour DateTime('UTC'),
    referrer LowCardinality(String),
    channel LowCardinality(String),
    utm_source LowCardinality(String),
    utm_medium LowCardinality(String),
    utm_campaign LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/sources_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.sources_mv ON CLUSTER web TO analytics.sources_local AS
SELECT site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.sources_in_local
GROUP BY site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS analytics.sources ON CLUSTER web AS analytics.sources_local
ENGINE = Distributed(web, analytics, sources_local);

CREATE TABLE IF NOT EXISTS analytics.sources_in ON CLUSTER web AS analytics.sources_in_local
ENGINE = Distributed(web, analytics, sources_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.devices_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    browser String,
    browser_version String,
    os String,
    os_version String,
    device String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS analytics.devices_local ON CLUSTER web (
    site LowCardinality(String),
    hour DateTime('UTC'),
    browser LowCardinality(String),
    browser_version LowCardinality(String),
    os LowCardinality(String),
    os_version LowCardinality(String),
    device LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/devices_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, browser, browser_version, os, os_version, device, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.devices_mv ON CLUSTER web TO analytics.devices_local AS
SELECT site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.devices_in_local
GROUP BY site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS analytics.devices ON CLUSTER web AS analytics.devices_local
ENGINE = Distributed(web, analytics, devices_local);

CREATE TABLE IF NOT EXISTS analytics.devices_in ON CLUSTER web AS analytics.devices_in_local
ENGINE = Distributed(web, analytics, devices_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.countries_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    country String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS analytics.countries_local ON CLUSTER web (
    site LowCardinality(String),
    hour DateTime('UTC'),
    country LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/countries_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, country, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.countries_mv ON CLUSTER web TO analytics.countries_local AS
SELECT site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.countries_in_local
GROUP BY site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS analytics.countries ON CLUSTER web AS analytics.countries_local
ENGINE = Distributed(web, analytics, countries_local);

CREATE TABLE IF NOT EXISTS analytics.countries_in ON CLUSTER web AS analytics.countries_in_local
ENGINE = Distributed(web, analytics, countries_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.languages_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    language String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS analytics.languages_local ON CLUSTER web (
    site LowCardinality(String),
    hour DateTime('UTC'),
    language LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/languages_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, language, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.languages_mv ON CLUSTER web TO analytics.languages_local AS
SELECT site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.languages_in_local
GROUP BY site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS analytics.languages ON CLUSTER web AS analytics.languages_local
ENGINE = Distributed(web, analytics, languages_local);

CREATE TABLE IF NOT EXISTS analytics.languages_in ON CLUSTER web AS analytics.languages_in_local
ENGINE = Distributed(web, analytics, languages_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.outcomes_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    reason String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS analytics.outcomes_local ON CLUSTER web (
    site LowCardinality(String),
    hour DateTime('UTC'),
    reason LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/outcomes_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, reason, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.outcomes_mv ON CLUSTER web TO analytics.outcomes_local AS
SELECT site, hour, reason, instance, version, hits, pageviews, events, visits, bounces, duration_ms
FROM analytics.outcomes_in_local;

CREATE TABLE IF NOT EXISTS analytics.outcomes ON CLUSTER web AS analytics.outcomes_local
ENGINE = Distributed(web, analytics, outcomes_local);

CREATE TABLE IF NOT EXISTS analytics.outcomes_in ON CLUSTER web AS analytics.outcomes_in_local
ENGINE = Distributed(web, analytics, outcomes_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.consent_choices_in_local ON CLUSTER web (
    site String,
    hour DateTime('UTC'),
    revision String,
    outcome String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS analytics.consent_choices_local ON CLUSTER web (
    site LowCardinality(String),
    hour DateTime('UTC'),
    revision LowCardinality(String),
    outcome LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/consent_choices_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, revision, outcome, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.consent_choices_mv ON CLUSTER web TO analytics.consent_choices_local AS
SELECT site, hour, revision, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms
FROM analytics.consent_choices_in_local;

CREATE TABLE IF NOT EXISTS analytics.consent_choices ON CLUSTER web AS analytics.consent_choices_local
ENGINE = Distributed(web, analytics, consent_choices_local);

CREATE TABLE IF NOT EXISTS analytics.consent_choices_in ON CLUSTER web AS analytics.consent_choices_in_local
ENGINE = Distributed(web, analytics, consent_choices_in_local, cityHash64(instance));

