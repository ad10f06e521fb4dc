CREATE TABLE IF NOT EXISTS consentproxy.goals_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.goals_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/goals_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.goals_mv ON CLUSTER web TO consentproxy.goals_local AS
SELECT site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.goals_in_local
GROUP BY site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.goals ON CLUSTER web AS consentproxy.goals_local
ENGINE = Distributed(web, consentproxy, goals_local);

CREATE TABLE IF NOT EXISTS consentproxy.goals_in ON CLUSTER web AS consentproxy.goals_in_local
ENGINE = Distributed(web, consentproxy, goals_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.goals_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/goals_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, goal, channel, utm_source, utm_campaign, entry_path);

CREATE TABLE IF NOT EXISTS consentproxy.goals_daily ON CLUSTER web AS consentproxy.goals_daily_local
ENGINE = Distributed(web, consentproxy, goals_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.goals_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/goals_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, goal, channel, utm_source, utm_campaign, entry_path);

CREATE TABLE IF NOT EXISTS consentproxy.goals_monthly ON CLUSTER web AS consentproxy.goals_monthly_local
ENGINE = Distributed(web, consentproxy, goals_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.funnels_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.funnels_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/funnels_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, funnel, step, goal, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.funnels_mv ON CLUSTER web TO consentproxy.funnels_local AS
SELECT site, hour, funnel, step, goal, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.funnels_in_local
GROUP BY site, hour, funnel, step, goal, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.funnels ON CLUSTER web AS consentproxy.funnels_local
ENGINE = Distributed(web, consentproxy, funnels_local);

CREATE TABLE IF NOT EXISTS consentproxy.funnels_in ON CLUSTER web AS consentproxy.funnels_in_local
ENGINE = Distributed(web, consentproxy, funnels_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.funnels_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/funnels_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, funnel, step, goal);

CREATE TABLE IF NOT EXISTS consentproxy.funnels_daily ON CLUSTER web AS consentproxy.funnels_daily_local
ENGINE = Distributed(web, consentproxy, funnels_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.funnels_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/funnels_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, funnel, step, goal);

CREATE TABLE IF NOT EXISTS consentproxy.funnels_monthly ON CLUSTER web AS consentproxy.funnels_monthly_local
ENGINE = Distributed(web, consentproxy, funnels_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/page_flow_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.page_flow_mv ON CLUSTER web TO consentproxy.page_flow_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.page_flow_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.page_flow ON CLUSTER web AS consentproxy.page_flow_local
ENGINE = Distributed(web, consentproxy, page_flow_local);

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_in ON CLUSTER web AS consentproxy.page_flow_in_local
ENGINE = Distributed(web, consentproxy, page_flow_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/page_flow_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_daily ON CLUSTER web AS consentproxy.page_flow_daily_local
ENGINE = Distributed(web, consentproxy, page_flow_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/page_flow_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_monthly ON CLUSTER web AS consentproxy.page_flow_monthly_local
ENGINE = Distributed(web, consentproxy, page_flow_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.event_props_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.event_props_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/event_props_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, name, prop, value, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.event_props_mv ON CLUSTER web TO consentproxy.event_props_local AS
SELECT site, hour, name, prop, value, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.event_props_in_local
GROUP BY site, hour, name, prop, value, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.event_props ON CLUSTER web AS consentproxy.event_props_local
ENGINE = Distributed(web, consentproxy, event_props_local);

CREATE TABLE IF NOT EXISTS consentproxy.event_props_in ON CLUSTER web AS consentproxy.event_props_in_local
ENGINE = Distributed(web, consentproxy, event_props_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.event_props_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/event_props_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name, prop, value);

CREATE TABLE IF NOT EXISTS consentproxy.event_props_daily ON CLUSTER web AS consentproxy.event_props_daily_local
ENGINE = Distributed(web, consentproxy, event_props_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.event_props_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/event_props_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name, prop, value);

CREATE TABLE IF NOT EXISTS consentproxy.event_props_monthly ON CLUSTER web AS consentproxy.event_props_monthly_local
ENGINE = Distributed(web, consentproxy, event_props_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.revenue_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.revenue_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/revenue_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, currency, channel, utm_source, utm_campaign, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.revenue_mv ON CLUSTER web TO consentproxy.revenue_local AS
SELECT site, hour, currency, channel, utm_source, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.revenue_in_local
GROUP BY site, hour, currency, channel, utm_source, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.revenue ON CLUSTER web AS consentproxy.revenue_local
ENGINE = Distributed(web, consentproxy, revenue_local);

CREATE TABLE IF NOT EXISTS consentproxy.revenue_in ON CLUSTER web AS consentproxy.revenue_in_local
ENGINE = Distributed(web, consentproxy, revenue_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.revenue_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/revenue_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, currency, channel, utm_source, utm_campaign);

CREATE TABLE IF NOT EXISTS consentproxy.revenue_daily ON CLUSTER web AS consentproxy.revenue_daily_local
ENGINE = Distributed(web, consentproxy, revenue_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.revenue_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/revenue_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, currency, channel, utm_source, utm_campaign);

CREATE TABLE IF NOT EXISTS consentproxy.revenue_monthly ON CLUSTER web AS consentproxy.revenue_monthly_local
ENGINE = Distributed(web, consentproxy, revenue_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/campaign_details_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, utm_source, utm_campaign, utm_term, utm_content, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.campaign_details_mv ON CLUSTER web TO consentproxy.campaign_details_local AS
SELECT site, hour, utm_source, utm_campaign, utm_term, utm_content, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.campaign_details_in_local
GROUP BY site, hour, utm_source, utm_campaign, utm_term, utm_content, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details ON CLUSTER web AS consentproxy.campaign_details_local
ENGINE = Distributed(web, consentproxy, campaign_details_local);

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_in ON CLUSTER web AS consentproxy.campaign_details_in_local
ENGINE = Distributed(web, consentproxy, campaign_details_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/campaign_details_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, utm_source, utm_campaign, utm_term, utm_content);

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_daily ON CLUSTER web AS consentproxy.campaign_details_daily_local
ENGINE = Distributed(web, consentproxy, campaign_details_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/campaign_details_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, utm_source, utm_campaign, utm_term, utm_content);

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_monthly ON CLUSTER web AS consentproxy.campaign_details_monthly_local
ENGINE = Distributed(web, consentproxy, campaign_details_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.regions_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.regions_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/regions_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, country, region, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.regions_mv ON CLUSTER web TO consentproxy.regions_local AS
SELECT site, hour, country, region, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.regions_in_local
GROUP BY site, hour, country, region, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.regions ON CLUSTER web AS consentproxy.regions_local
ENGINE = Distributed(web, consentproxy, regions_local);

CREATE TABLE IF NOT EXISTS consentproxy.regions_in ON CLUSTER web AS consentproxy.regions_in_local
ENGINE = Distributed(web, consentproxy, regions_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.regions_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/regions_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country, region);

CREATE TABLE IF NOT EXISTS consentproxy.regions_daily ON CLUSTER web AS consentproxy.regions_daily_local
ENGINE = Distributed(web, consentproxy, regions_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.regions_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/regions_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country, region);

CREATE TABLE IF NOT EXISTS consentproxy.regions_monthly ON CLUSTER web AS consentproxy.regions_monthly_local
ENGINE = Distributed(web, consentproxy, regions_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/page_countries_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, path, country, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.page_countries_mv ON CLUSTER web TO consentproxy.page_countries_local AS
SELECT site, hour, path, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.page_countries_in_local
GROUP BY site, hour, path, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.page_countries ON CLUSTER web AS consentproxy.page_countries_local
ENGINE = Distributed(web, consentproxy, page_countries_local);

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_in ON CLUSTER web AS consentproxy.page_countries_in_local
ENGINE = Distributed(web, consentproxy, page_countries_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/page_countries_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path, country);

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_daily ON CLUSTER web AS consentproxy.page_countries_daily_local
ENGINE = Distributed(web, consentproxy, page_countries_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/page_countries_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path, country);

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_monthly ON CLUSTER web AS consentproxy.page_countries_monthly_local
ENGINE = Distributed(web, consentproxy, page_countries_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_in_local ON CLUSTER web (
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

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/removed_params_local', '{replica}', version)
PARTITION BY toYYYYMM(hour)
ORDER BY (site, hour, class, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.removed_params_mv ON CLUSTER web TO consentproxy.removed_params_local AS
SELECT site, hour, class, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.removed_params_in_local;

CREATE TABLE IF NOT EXISTS consentproxy.removed_params ON CLUSTER web AS consentproxy.removed_params_local
ENGINE = Distributed(web, consentproxy, removed_params_local);

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_in ON CLUSTER web AS consentproxy.removed_params_in_local
ENGINE = Distributed(web, consentproxy, removed_params_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_daily_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/removed_params_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, class);

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_daily ON CLUSTER web AS consentproxy.removed_params_daily_local
ENGINE = Distributed(web, consentproxy, removed_params_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_monthly_local ON CLUSTER web (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/removed_params_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, class);

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_monthly ON CLUSTER web AS consentproxy.removed_params_monthly_local
ENGINE = Distributed(web, consentproxy, removed_params_monthly_local, cityHash64(site));

