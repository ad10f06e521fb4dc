CREATE TABLE IF NOT EXISTS analytics.goals_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS analytics.goals_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/goals_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.goals_mv ON CLUSTER web TO analytics.goals_local AS
SELECT site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.goals_in_local
GROUP BY site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS analytics.goals ON CLUSTER web AS analytics.goals_local
ENGINE = Distributed(web, analytics, goals_local);

CREATE TABLE IF NOT EXISTS analytics.goals_in ON CLUSTER web AS analytics.goals_in_local
ENGINE = Distributed(web, analytics, goals_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.goals_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/goals_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, goal, channel, utm_source, utm_campaign, entry_path)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.goals_daily ON CLUSTER web AS analytics.goals_daily_local
ENGINE = Distributed(web, analytics, goals_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.goals_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/goals_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, goal, channel, utm_source, utm_campaign, entry_path)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.goals_monthly ON CLUSTER web AS analytics.goals_monthly_local
ENGINE = Distributed(web, analytics, goals_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.funnels_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS analytics.funnels_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/funnels_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, funnel, step, goal, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.funnels_mv ON CLUSTER web TO analytics.funnels_local AS
SELECT site, hour, funnel, step, goal, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.funnels_in_local
GROUP BY site, hour, funnel, step, goal, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS analytics.funnels ON CLUSTER web AS analytics.funnels_local
ENGINE = Distributed(web, analytics, funnels_local);

CREATE TABLE IF NOT EXISTS analytics.funnels_in ON CLUSTER web AS analytics.funnels_in_local
ENGINE = Distributed(web, analytics, funnels_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.funnels_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/funnels_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, funnel, step, goal)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.funnels_daily ON CLUSTER web AS analytics.funnels_daily_local
ENGINE = Distributed(web, analytics, funnels_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.funnels_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/funnels_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, funnel, step, goal)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.funnels_monthly ON CLUSTER web AS analytics.funnels_monthly_local
ENGINE = Distributed(web, analytics, funnels_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.page_flow_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS analytics.page_flow_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/page_flow_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.page_flow_mv ON CLUSTER web TO analytics.page_flow_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.page_flow_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS analytics.page_flow ON CLUSTER web AS analytics.page_flow_local
ENGINE = Distributed(web, analytics, page_flow_local);

CREATE TABLE IF NOT EXISTS analytics.page_flow_in ON CLUSTER web AS analytics.page_flow_in_local
ENGINE = Distributed(web, analytics, page_flow_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.page_flow_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/page_flow_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.page_flow_daily ON CLUSTER web AS analytics.page_flow_daily_local
ENGINE = Distributed(web, analytics, page_flow_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.page_flow_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/page_flow_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.page_flow_monthly ON CLUSTER web AS analytics.page_flow_monthly_local
ENGINE = Distributed(web, analytics, page_flow_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.event_props_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS analytics.event_props_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/event_props_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, name, prop, value, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.event_props_mv ON CLUSTER web TO analytics.event_props_local AS
SELECT site, hour, name, prop, value, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.event_props_in_local
GROUP BY site, hour, name, prop, value, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS analytics.event_props ON CLUSTER web AS analytics.event_props_local
ENGINE = Distributed(web, analytics, event_props_local);

CREATE TABLE IF NOT EXISTS analytics.event_props_in ON CLUSTER web AS analytics.event_props_in_local
ENGINE = Distributed(web, analytics, event_props_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.event_props_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/event_props_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name, prop, value)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.event_props_daily ON CLUSTER web AS analytics.event_props_daily_local
ENGINE = Distributed(web, analytics, event_props_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.event_props_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/event_props_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name, prop, value)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.event_props_monthly ON CLUSTER web AS analytics.event_props_monthly_local
ENGINE = Distributed(web, analytics, event_props_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.revenue_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS analytics.revenue_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/revenue_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, currency, channel, utm_source, utm_campaign, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.revenue_mv ON CLUSTER web TO analytics.revenue_local AS
SELECT site, hour, currency, channel, utm_source, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.revenue_in_local
GROUP BY site, hour, currency, channel, utm_source, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS analytics.revenue ON CLUSTER web AS analytics.revenue_local
ENGINE = Distributed(web, analytics, revenue_local);

CREATE TABLE IF NOT EXISTS analytics.revenue_in ON CLUSTER web AS analytics.revenue_in_local
ENGINE = Distributed(web, analytics, revenue_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.revenue_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/revenue_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, currency, channel, utm_source, utm_campaign)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.revenue_daily ON CLUSTER web AS analytics.revenue_daily_local
ENGINE = Distributed(web, analytics, revenue_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.revenue_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/revenue_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, currency, channel, utm_source, utm_campaign)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.revenue_monthly ON CLUSTER web AS analytics.revenue_monthly_local
ENGINE = Distributed(web, analytics, revenue_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.campaign_details_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS analytics.campaign_details_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/campaign_details_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, utm_source, utm_campaign, utm_term, utm_content, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.campaign_details_mv ON CLUSTER web TO analytics.campaign_details_local AS
SELECT site, hour, utm_source, utm_campaign, utm_term, utm_content, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.campaign_details_in_local
GROUP BY site, hour, utm_source, utm_campaign, utm_term, utm_content, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS analytics.campaign_details ON CLUSTER web AS analytics.campaign_details_local
ENGINE = Distributed(web, analytics, campaign_details_local);

CREATE TABLE IF NOT EXISTS analytics.campaign_details_in ON CLUSTER web AS analytics.campaign_details_in_local
ENGINE = Distributed(web, analytics, campaign_details_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.campaign_details_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/campaign_details_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, utm_source, utm_campaign, utm_term, utm_content)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.campaign_details_daily ON CLUSTER web AS analytics.campaign_details_daily_local
ENGINE = Distributed(web, analytics, campaign_details_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.campaign_details_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/campaign_details_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, utm_source, utm_campaign, utm_term, utm_content)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.campaign_details_monthly ON CLUSTER web AS analytics.campaign_details_monthly_local
ENGINE = Distributed(web, analytics, campaign_details_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.regions_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS analytics.regions_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/regions_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, country, region, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.regions_mv ON CLUSTER web TO analytics.regions_local AS
SELECT site, hour, country, region, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.regions_in_local
GROUP BY site, hour, country, region, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS analytics.regions ON CLUSTER web AS analytics.regions_local
ENGINE = Distributed(web, analytics, regions_local);

CREATE TABLE IF NOT EXISTS analytics.regions_in ON CLUSTER web AS analytics.regions_in_local
ENGINE = Distributed(web, analytics, regions_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.regions_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/regions_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country, region)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.regions_daily ON CLUSTER web AS analytics.regions_daily_local
ENGINE = Distributed(web, analytics, regions_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.regions_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/regions_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country, region)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.regions_monthly ON CLUSTER web AS analytics.regions_monthly_local
ENGINE = Distributed(web, analytics, regions_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.page_countries_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS analytics.page_countries_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/page_countries_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, country, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.page_countries_mv ON CLUSTER web TO analytics.page_countries_local AS
SELECT site, hour, path, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM analytics.page_countries_in_local
GROUP BY site, hour, path, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS analytics.page_countries ON CLUSTER web AS analytics.page_countries_local
ENGINE = Distributed(web, analytics, page_countries_local);

CREATE TABLE IF NOT EXISTS analytics.page_countries_in ON CLUSTER web AS analytics.page_countries_in_local
ENGINE = Distributed(web, analytics, page_countries_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.page_countries_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/page_countries_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path, country)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.page_countries_daily ON CLUSTER web AS analytics.page_countries_daily_local
ENGINE = Distributed(web, analytics, page_countries_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.page_countries_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/page_countries_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path, country)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.page_countries_monthly ON CLUSTER web AS analytics.page_countries_monthly_local
ENGINE = Distributed(web, analytics, page_countries_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.removed_params_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS analytics.removed_params_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/removed_params_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, class, instance)
TTL hour + INTERVAL 761 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.removed_params_mv ON CLUSTER web TO analytics.removed_params_local AS
SELECT site, hour, class, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM analytics.removed_params_in_local;

CREATE TABLE IF NOT EXISTS analytics.removed_params ON CLUSTER web AS analytics.removed_params_local
ENGINE = Distributed(web, analytics, removed_params_local);

CREATE TABLE IF NOT EXISTS analytics.removed_params_in ON CLUSTER web AS analytics.removed_params_in_local
ENGINE = Distributed(web, analytics, removed_params_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS analytics.removed_params_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/removed_params_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, class)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.removed_params_daily ON CLUSTER web AS analytics.removed_params_daily_local
ENGINE = Distributed(web, analytics, removed_params_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.removed_params_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/removed_params_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, class)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.removed_params_monthly ON CLUSTER web AS analytics.removed_params_monthly_local
ENGINE = Distributed(web, analytics, removed_params_monthly_local, cityHash64(site));

