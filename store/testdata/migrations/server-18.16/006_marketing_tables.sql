CREATE TABLE IF NOT EXISTS consentproxy.goals_in (
    site String,
    hour DateTime('UTC'),
    goal String,
    channel String,
    utm_source String,
    utm_campaign String,
    entry_path String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.goals (
    site String,
    hour DateTime('UTC'),
    goal String,
    channel String,
    utm_source String,
    utm_campaign String,
    entry_path String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.goals_mv TO consentproxy.goals AS
SELECT site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.goals_in
GROUP BY site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.goals_daily (
    site String,
    start Date,
    goal String,
    channel String,
    utm_source String,
    utm_campaign String,
    entry_path String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, goal, channel, utm_source, utm_campaign, entry_path);

CREATE TABLE IF NOT EXISTS consentproxy.goals_monthly (
    site String,
    start Date,
    goal String,
    channel String,
    utm_source String,
    utm_campaign String,
    entry_path String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, goal, channel, utm_source, utm_campaign, entry_path);

CREATE TABLE IF NOT EXISTS consentproxy.funnels_in (
    site String,
    hour DateTime('UTC'),
    funnel String,
    step String,
    goal String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.funnels (
    site String,
    hour DateTime('UTC'),
    funnel String,
    step String,
    goal String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, funnel, step, goal, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.funnels_mv TO consentproxy.funnels AS
SELECT site, hour, funnel, step, goal, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.funnels_in
GROUP BY site, hour, funnel, step, goal, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.funnels_daily (
    site String,
    start Date,
    funnel String,
    step String,
    goal String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, funnel, step, goal);

CREATE TABLE IF NOT EXISTS consentproxy.funnels_monthly (
    site String,
    start Date,
    funnel String,
    step String,
    goal String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, funnel, step, goal);

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_in (
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
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.page_flow (
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
    engagement_ms Int64,
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.page_flow_mv TO consentproxy.page_flow AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.page_flow_in
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_daily (
    site String,
    start Date,
    path String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_monthly (
    site String,
    start Date,
    path String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.event_props_in (
    site String,
    hour DateTime('UTC'),
    name String,
    prop String,
    value String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.event_props (
    site String,
    hour DateTime('UTC'),
    name String,
    prop String,
    value String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, name, prop, value, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.event_props_mv TO consentproxy.event_props AS
SELECT site, hour, name, prop, value, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.event_props_in
GROUP BY site, hour, name, prop, value, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.event_props_daily (
    site String,
    start Date,
    name String,
    prop String,
    value String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name, prop, value);

CREATE TABLE IF NOT EXISTS consentproxy.event_props_monthly (
    site String,
    start Date,
    name String,
    prop String,
    value String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name, prop, value);

CREATE TABLE IF NOT EXISTS consentproxy.revenue_in (
    site String,
    hour DateTime('UTC'),
    currency String,
    channel String,
    utm_source String,
    utm_campaign String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.revenue (
    site String,
    hour DateTime('UTC'),
    currency String,
    channel String,
    utm_source String,
    utm_campaign String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, currency, channel, utm_source, utm_campaign, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.revenue_mv TO consentproxy.revenue AS
SELECT site, hour, currency, channel, utm_source, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.revenue_in
GROUP BY site, hour, currency, channel, utm_source, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.revenue_daily (
    site String,
    start Date,
    currency String,
    channel String,
    utm_source String,
    utm_campaign String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, currency, channel, utm_source, utm_campaign);

CREATE TABLE IF NOT EXISTS consentproxy.revenue_monthly (
    site String,
    start Date,
    currency String,
    channel String,
    utm_source String,
    utm_campaign String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, currency, channel, utm_source, utm_campaign);

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_in (
    site String,
    hour DateTime('UTC'),
    utm_source String,
    utm_campaign String,
    utm_term String,
    utm_content String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details (
    site String,
    hour DateTime('UTC'),
    utm_source String,
    utm_campaign String,
    utm_term String,
    utm_content String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, utm_source, utm_campaign, utm_term, utm_content, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.campaign_details_mv TO consentproxy.campaign_details AS
SELECT site, hour, utm_source, utm_campaign, utm_term, utm_content, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.campaign_details_in
GROUP BY site, hour, utm_source, utm_campaign, utm_term, utm_content, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_daily (
    site String,
    start Date,
    utm_source String,
    utm_campaign String,
    utm_term String,
    utm_content String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, utm_source, utm_campaign, utm_term, utm_content);

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_monthly (
    site String,
    start Date,
    utm_source String,
    utm_campaign String,
    utm_term String,
    utm_content String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, utm_source, utm_campaign, utm_term, utm_content);

CREATE TABLE IF NOT EXISTS consentproxy.regions_in (
    site String,
    hour DateTime('UTC'),
    country String,
    region String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.regions (
    site String,
    hour DateTime('UTC'),
    country String,
    region String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, country, region, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.regions_mv TO consentproxy.regions AS
SELECT site, hour, country, region, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.regions_in
GROUP BY site, hour, country, region, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.regions_daily (
    site String,
    start Date,
    country String,
    region String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country, region);

CREATE TABLE IF NOT EXISTS consentproxy.regions_monthly (
    site String,
    start Date,
    country String,
    region String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country, region);

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_in (
    site String,
    hour DateTime('UTC'),
    path String,
    country String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitor_hashes Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS consentproxy.page_countries (
    site String,
    hour DateTime('UTC'),
    path String,
    country String,
    instance String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, country, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.page_countries_mv TO consentproxy.page_countries AS
SELECT site, hour, path, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.page_countries_in
GROUP BY site, hour, path, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_daily (
    site String,
    start Date,
    path String,
    country String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path, country);

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_monthly (
    site String,
    start Date,
    path String,
    country String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    engagement_ms Int64,
    visitors UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path, country);

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_in (
    site String,
    hour DateTime('UTC'),
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

CREATE TABLE IF NOT EXISTS consentproxy.removed_params (
    site String,
    hour DateTime('UTC'),
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
ORDER BY (site, hour, class, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.removed_params_mv TO consentproxy.removed_params AS
SELECT site, hour, class, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.removed_params_in;

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_daily (
    site String,
    start Date,
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
ORDER BY (site, start, class);

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_monthly (
    site String,
    start Date,
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
ORDER BY (site, start, class);

