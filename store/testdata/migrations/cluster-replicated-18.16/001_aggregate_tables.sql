CREATE TABLE IF NOT EXISTS consentproxy.totals_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.totals_local ON CLUSTER web (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/totals_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.totals_mv ON CLUSTER web TO consentproxy.totals_local AS
SELECT site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.totals_in_local
GROUP BY site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.totals ON CLUSTER web AS consentproxy.totals_local
ENGINE = Distributed(web, consentproxy, totals_local);

CREATE TABLE IF NOT EXISTS consentproxy.totals_in ON CLUSTER web AS consentproxy.totals_in_local
ENGINE = Distributed(web, consentproxy, totals_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.pages_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.pages_local ON CLUSTER web (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/pages_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.pages_mv ON CLUSTER web TO consentproxy.pages_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.pages_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.pages ON CLUSTER web AS consentproxy.pages_local
ENGINE = Distributed(web, consentproxy, pages_local);

CREATE TABLE IF NOT EXISTS consentproxy.pages_in ON CLUSTER web AS consentproxy.pages_in_local
ENGINE = Distributed(web, consentproxy, pages_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_local ON CLUSTER web (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/entry_pages_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.entry_pages_mv ON CLUSTER web TO consentproxy.entry_pages_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.entry_pages_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages ON CLUSTER web AS consentproxy.entry_pages_local
ENGINE = Distributed(web, consentproxy, entry_pages_local);

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_in ON CLUSTER web AS consentproxy.entry_pages_in_local
ENGINE = Distributed(web, consentproxy, entry_pages_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.events_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.events_local ON CLUSTER web (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/events_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, name, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.events_mv ON CLUSTER web TO consentproxy.events_local AS
SELECT site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.events_in_local
GROUP BY site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.events ON CLUSTER web AS consentproxy.events_local
ENGINE = Distributed(web, consentproxy, events_local);

CREATE TABLE IF NOT EXISTS consentproxy.events_in ON CLUSTER web AS consentproxy.events_in_local
ENGINE = Distributed(web, consentproxy, events_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.sources_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.sources_local ON CLUSTER web (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/sources_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.sources_mv ON CLUSTER web TO consentproxy.sources_local AS
SELECT site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.sources_in_local
GROUP BY site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.sources ON CLUSTER web AS consentproxy.sources_local
ENGINE = Distributed(web, consentproxy, sources_local);

CREATE TABLE IF NOT EXISTS consentproxy.sources_in ON CLUSTER web AS consentproxy.sources_in_local
ENGINE = Distributed(web, consentproxy, sources_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.devices_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.devices_local ON CLUSTER web (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/devices_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, browser, browser_version, os, os_version, device, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.devices_mv ON CLUSTER web TO consentproxy.devices_local AS
SELECT site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.devices_in_local
GROUP BY site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.devices ON CLUSTER web AS consentproxy.devices_local
ENGINE = Distributed(web, consentproxy, devices_local);

CREATE TABLE IF NOT EXISTS consentproxy.devices_in ON CLUSTER web AS consentproxy.devices_in_local
ENGINE = Distributed(web, consentproxy, devices_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.countries_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.countries_local ON CLUSTER web (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/countries_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, country, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.countries_mv ON CLUSTER web TO consentproxy.countries_local AS
SELECT site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.countries_in_local
GROUP BY site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.countries ON CLUSTER web AS consentproxy.countries_local
ENGINE = Distributed(web, consentproxy, countries_local);

CREATE TABLE IF NOT EXISTS consentproxy.countries_in ON CLUSTER web AS consentproxy.countries_in_local
ENGINE = Distributed(web, consentproxy, countries_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.languages_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.languages_local ON CLUSTER web (
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
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/languages_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, language, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.languages_mv ON CLUSTER web TO consentproxy.languages_local AS
SELECT site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.languages_in_local
GROUP BY site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.languages ON CLUSTER web AS consentproxy.languages_local
ENGINE = Distributed(web, consentproxy, languages_local);

CREATE TABLE IF NOT EXISTS consentproxy.languages_in ON CLUSTER web AS consentproxy.languages_in_local
ENGINE = Distributed(web, consentproxy, languages_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/outcomes_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, reason, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.outcomes_mv ON CLUSTER web TO consentproxy.outcomes_local AS
SELECT site, hour, reason, instance, version, hits, pageviews, events, visits, bounces, duration_ms
FROM consentproxy.outcomes_in_local;

CREATE TABLE IF NOT EXISTS consentproxy.outcomes ON CLUSTER web AS consentproxy.outcomes_local
ENGINE = Distributed(web, consentproxy, outcomes_local);

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_in ON CLUSTER web AS consentproxy.outcomes_in_local
ENGINE = Distributed(web, consentproxy, outcomes_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/consent_choices_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, revision, outcome, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.consent_choices_mv ON CLUSTER web TO consentproxy.consent_choices_local AS
SELECT site, hour, revision, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms
FROM consentproxy.consent_choices_in_local;

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices ON CLUSTER web AS consentproxy.consent_choices_local
ENGINE = Distributed(web, consentproxy, consent_choices_local);

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_in ON CLUSTER web AS consentproxy.consent_choices_in_local
ENGINE = Distributed(web, consentproxy, consent_choices_in_local, cityHash64(instance));

