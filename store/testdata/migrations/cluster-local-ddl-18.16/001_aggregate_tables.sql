CREATE TABLE IF NOT EXISTS consentproxy.totals_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.totals_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.totals_mv TO consentproxy.totals_local AS
SELECT site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.totals_in_local
GROUP BY site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.totals AS consentproxy.totals_local
ENGINE = Distributed(test2, consentproxy, totals_local);

CREATE TABLE IF NOT EXISTS consentproxy.totals_in AS consentproxy.totals_in_local
ENGINE = Distributed(test2, consentproxy, totals_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.pages_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.pages_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.pages_mv TO consentproxy.pages_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.pages_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.pages AS consentproxy.pages_local
ENGINE = Distributed(test2, consentproxy, pages_local);

CREATE TABLE IF NOT EXISTS consentproxy.pages_in AS consentproxy.pages_in_local
ENGINE = Distributed(test2, consentproxy, pages_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.entry_pages_mv TO consentproxy.entry_pages_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.entry_pages_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages AS consentproxy.entry_pages_local
ENGINE = Distributed(test2, consentproxy, entry_pages_local);

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_in AS consentproxy.entry_pages_in_local
ENGINE = Distributed(test2, consentproxy, entry_pages_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.events_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.events_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, name, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.events_mv TO consentproxy.events_local AS
SELECT site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.events_in_local
GROUP BY site, hour, name, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.events AS consentproxy.events_local
ENGINE = Distributed(test2, consentproxy, events_local);

CREATE TABLE IF NOT EXISTS consentproxy.events_in AS consentproxy.events_in_local
ENGINE = Distributed(test2, consentproxy, events_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.sources_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.sources_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.sources_mv TO consentproxy.sources_local AS
SELECT site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.sources_in_local
GROUP BY site, hour, referrer, channel, utm_source, utm_medium, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.sources AS consentproxy.sources_local
ENGINE = Distributed(test2, consentproxy, sources_local);

CREATE TABLE IF NOT EXISTS consentproxy.sources_in AS consentproxy.sources_in_local
ENGINE = Distributed(test2, consentproxy, sources_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.devices_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.devices_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, browser, browser_version, os, os_version, device, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.devices_mv TO consentproxy.devices_local AS
SELECT site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.devices_in_local
GROUP BY site, hour, browser, browser_version, os, os_version, device, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.devices AS consentproxy.devices_local
ENGINE = Distributed(test2, consentproxy, devices_local);

CREATE TABLE IF NOT EXISTS consentproxy.devices_in AS consentproxy.devices_in_local
ENGINE = Distributed(test2, consentproxy, devices_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.countries_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.countries_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, country, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.countries_mv TO consentproxy.countries_local AS
SELECT site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.countries_in_local
GROUP BY site, hour, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.countries AS consentproxy.countries_local
ENGINE = Distributed(test2, consentproxy, countries_local);

CREATE TABLE IF NOT EXISTS consentproxy.countries_in AS consentproxy.countries_in_local
ENGINE = Distributed(test2, consentproxy, countries_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.languages_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.languages_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, language, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.languages_mv TO consentproxy.languages_local AS
SELECT site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.languages_in_local
GROUP BY site, hour, language, instance, version, hits, pageviews, events, visits, bounces, duration_ms;

CREATE TABLE IF NOT EXISTS consentproxy.languages AS consentproxy.languages_local
ENGINE = Distributed(test2, consentproxy, languages_local);

CREATE TABLE IF NOT EXISTS consentproxy.languages_in AS consentproxy.languages_in_local
ENGINE = Distributed(test2, consentproxy, languages_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, reason, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.outcomes_mv TO consentproxy.outcomes_local AS
SELECT site, hour, reason, instance, version, hits, pageviews, events, visits, bounces, duration_ms
FROM consentproxy.outcomes_in_local;

CREATE TABLE IF NOT EXISTS consentproxy.outcomes AS consentproxy.outcomes_local
ENGINE = Distributed(test2, consentproxy, outcomes_local);

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_in AS consentproxy.outcomes_in_local
ENGINE = Distributed(test2, consentproxy, outcomes_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, revision, outcome, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.consent_choices_mv TO consentproxy.consent_choices_local AS
SELECT site, hour, revision, outcome, instance, version, hits, pageviews, events, visits, bounces, duration_ms
FROM consentproxy.consent_choices_in_local;

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices AS consentproxy.consent_choices_local
ENGINE = Distributed(test2, consentproxy, consent_choices_local);

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_in AS consentproxy.consent_choices_in_local
ENGINE = Distributed(test2, consentproxy, consent_choices_in_local, cityHash64(instance));

