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
    site LowCardinality(String),
    hour DateTime('UTC'),
    goal LowCardinality(String),
    channel LowCardinality(String),
    utm_source LowCardinality(String),
    utm_campaign LowCardinality(String),
    entry_path LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.goals_mv TO consentproxy.goals AS
SELECT site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.goals_in
GROUP BY site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.goals_daily (
    site LowCardinality(String),
    start Date,
    goal LowCardinality(String),
    channel LowCardinality(String),
    utm_source LowCardinality(String),
    utm_campaign LowCardinality(String),
    entry_path LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, goal, channel, utm_source, utm_campaign, entry_path)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.goals_monthly (
    site LowCardinality(String),
    start Date,
    goal LowCardinality(String),
    channel LowCardinality(String),
    utm_source LowCardinality(String),
    utm_campaign LowCardinality(String),
    entry_path LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, goal, channel, utm_source, utm_campaign, entry_path)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

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
    site LowCardinality(String),
    hour DateTime('UTC'),
    funnel LowCardinality(String),
    step LowCardinality(String),
    goal LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, funnel, step, goal, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.funnels_mv TO consentproxy.funnels AS
SELECT site, hour, funnel, step, goal, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.funnels_in
GROUP BY site, hour, funnel, step, goal, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.funnels_daily (
    site LowCardinality(String),
    start Date,
    funnel LowCardinality(String),
    step LowCardinality(String),
    goal LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, funnel, step, goal)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.funnels_monthly (
    site LowCardinality(String),
    start Date,
    funnel LowCardinality(String),
    step LowCardinality(String),
    goal LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, funnel, step, goal)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

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
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.page_flow_mv TO consentproxy.page_flow AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.page_flow_in
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_daily (
    site LowCardinality(String),
    start Date,
    path LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_monthly (
    site LowCardinality(String),
    start Date,
    path LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

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
    site LowCardinality(String),
    hour DateTime('UTC'),
    name LowCardinality(String),
    prop LowCardinality(String),
    value LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, name, prop, value, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.event_props_mv TO consentproxy.event_props AS
SELECT site, hour, name, prop, value, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.event_props_in
GROUP BY site, hour, name, prop, value, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.event_props_daily (
    site LowCardinality(String),
    start Date,
    name LowCardinality(String),
    prop LowCardinality(String),
    value LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name, prop, value)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.event_props_monthly (
    site LowCardinality(String),
    start Date,
    name LowCardinality(String),
    prop LowCardinality(String),
    value LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name, prop, value)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

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
    site LowCardinality(String),
    hour DateTime('UTC'),
    currency LowCardinality(String),
    channel LowCardinality(String),
    utm_source LowCardinality(String),
    utm_campaign LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, currency, channel, utm_source, utm_campaign, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.revenue_mv TO consentproxy.revenue AS
SELECT site, hour, currency, channel, utm_source, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.revenue_in
GROUP BY site, hour, currency, channel, utm_source, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.revenue_daily (
    site LowCardinality(String),
    start Date,
    currency LowCardinality(String),
    channel LowCardinality(String),
    utm_source LowCardinality(String),
    utm_campaign LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, currency, channel, utm_source, utm_campaign)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.revenue_monthly (
    site LowCardinality(String),
    start Date,
    currency LowCardinality(String),
    channel LowCardinality(String),
    utm_source LowCardinality(String),
    utm_campaign LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, currency, channel, utm_source, utm_campaign)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

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
    site LowCardinality(String),
    hour DateTime('UTC'),
    utm_source LowCardinality(String),
    utm_campaign LowCardinality(String),
    utm_term LowCardinality(String),
    utm_content LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, utm_source, utm_campaign, utm_term, utm_content, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.campaign_details_mv TO consentproxy.campaign_details AS
SELECT site, hour, utm_source, utm_campaign, utm_term, utm_content, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.campaign_details_in
GROUP BY site, hour, utm_source, utm_campaign, utm_term, utm_content, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_daily (
    site LowCardinality(String),
    start Date,
    utm_source LowCardinality(String),
    utm_campaign LowCardinality(String),
    utm_term LowCardinality(String),
    utm_content LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, utm_source, utm_campaign, utm_term, utm_content)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_monthly (
    site LowCardinality(String),
    start Date,
    utm_source LowCardinality(String),
    utm_campaign LowCardinality(String),
    utm_term LowCardinality(String),
    utm_content LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, utm_source, utm_campaign, utm_term, utm_content)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

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
    site LowCardinality(String),
    hour DateTime('UTC'),
    country LowCardinality(String),
    region LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, country, region, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.regions_mv TO consentproxy.regions AS
SELECT site, hour, country, region, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.regions_in
GROUP BY site, hour, country, region, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.regions_daily (
    site LowCardinality(String),
    start Date,
    country LowCardinality(String),
    region LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country, region)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.regions_monthly (
    site LowCardinality(String),
    start Date,
    country LowCardinality(String),
    region LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country, region)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

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
    site LowCardinality(String),
    hour DateTime('UTC'),
    path LowCardinality(String),
    country LowCardinality(String),
    instance String,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors AggregateFunction(uniqArray, Array(UInt64))
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, country, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.page_countries_mv TO consentproxy.page_countries AS
SELECT site, hour, path, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.page_countries_in
GROUP BY site, hour, path, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_daily (
    site LowCardinality(String),
    start Date,
    path LowCardinality(String),
    country LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path, country)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_monthly (
    site LowCardinality(String),
    start Date,
    path LowCardinality(String),
    country LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path, country)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

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
    site LowCardinality(String),
    hour DateTime('UTC'),
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, class, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.removed_params_mv TO consentproxy.removed_params AS
SELECT site, hour, class, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.removed_params_in;

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_daily (
    site LowCardinality(String),
    start Date,
    class LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, class)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_monthly (
    site LowCardinality(String),
    start Date,
    class LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    engagement_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, class)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

