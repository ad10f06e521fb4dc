CREATE TABLE IF NOT EXISTS consentproxy.goals_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.goals_local (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.goals_mv TO consentproxy.goals_local AS
SELECT site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.goals_in_local
GROUP BY site, hour, goal, channel, utm_source, utm_campaign, entry_path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.goals AS consentproxy.goals_local
ENGINE = Distributed(test2, consentproxy, goals_local);

CREATE TABLE IF NOT EXISTS consentproxy.goals_in AS consentproxy.goals_in_local
ENGINE = Distributed(test2, consentproxy, goals_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.goals_daily_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.goals_daily AS consentproxy.goals_daily_local
ENGINE = Distributed(test2, consentproxy, goals_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.goals_monthly_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.goals_monthly AS consentproxy.goals_monthly_local
ENGINE = Distributed(test2, consentproxy, goals_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.funnels_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.funnels_local (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.funnels_mv TO consentproxy.funnels_local AS
SELECT site, hour, funnel, step, goal, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.funnels_in_local
GROUP BY site, hour, funnel, step, goal, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.funnels AS consentproxy.funnels_local
ENGINE = Distributed(test2, consentproxy, funnels_local);

CREATE TABLE IF NOT EXISTS consentproxy.funnels_in AS consentproxy.funnels_in_local
ENGINE = Distributed(test2, consentproxy, funnels_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.funnels_daily_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.funnels_daily AS consentproxy.funnels_daily_local
ENGINE = Distributed(test2, consentproxy, funnels_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.funnels_monthly_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.funnels_monthly AS consentproxy.funnels_monthly_local
ENGINE = Distributed(test2, consentproxy, funnels_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_local (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.page_flow_mv TO consentproxy.page_flow_local AS
SELECT site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.page_flow_in_local
GROUP BY site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.page_flow AS consentproxy.page_flow_local
ENGINE = Distributed(test2, consentproxy, page_flow_local);

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_in AS consentproxy.page_flow_in_local
ENGINE = Distributed(test2, consentproxy, page_flow_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_daily_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_daily AS consentproxy.page_flow_daily_local
ENGINE = Distributed(test2, consentproxy, page_flow_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_monthly_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.page_flow_monthly AS consentproxy.page_flow_monthly_local
ENGINE = Distributed(test2, consentproxy, page_flow_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.event_props_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.event_props_local (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.event_props_mv TO consentproxy.event_props_local AS
SELECT site, hour, name, prop, value, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.event_props_in_local
GROUP BY site, hour, name, prop, value, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.event_props AS consentproxy.event_props_local
ENGINE = Distributed(test2, consentproxy, event_props_local);

CREATE TABLE IF NOT EXISTS consentproxy.event_props_in AS consentproxy.event_props_in_local
ENGINE = Distributed(test2, consentproxy, event_props_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.event_props_daily_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.event_props_daily AS consentproxy.event_props_daily_local
ENGINE = Distributed(test2, consentproxy, event_props_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.event_props_monthly_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.event_props_monthly AS consentproxy.event_props_monthly_local
ENGINE = Distributed(test2, consentproxy, event_props_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.revenue_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.revenue_local (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.revenue_mv TO consentproxy.revenue_local AS
SELECT site, hour, currency, channel, utm_source, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.revenue_in_local
GROUP BY site, hour, currency, channel, utm_source, utm_campaign, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.revenue AS consentproxy.revenue_local
ENGINE = Distributed(test2, consentproxy, revenue_local);

CREATE TABLE IF NOT EXISTS consentproxy.revenue_in AS consentproxy.revenue_in_local
ENGINE = Distributed(test2, consentproxy, revenue_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.revenue_daily_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.revenue_daily AS consentproxy.revenue_daily_local
ENGINE = Distributed(test2, consentproxy, revenue_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.revenue_monthly_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.revenue_monthly AS consentproxy.revenue_monthly_local
ENGINE = Distributed(test2, consentproxy, revenue_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_local (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.campaign_details_mv TO consentproxy.campaign_details_local AS
SELECT site, hour, utm_source, utm_campaign, utm_term, utm_content, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.campaign_details_in_local
GROUP BY site, hour, utm_source, utm_campaign, utm_term, utm_content, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details AS consentproxy.campaign_details_local
ENGINE = Distributed(test2, consentproxy, campaign_details_local);

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_in AS consentproxy.campaign_details_in_local
ENGINE = Distributed(test2, consentproxy, campaign_details_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_daily_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_daily AS consentproxy.campaign_details_daily_local
ENGINE = Distributed(test2, consentproxy, campaign_details_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_monthly_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.campaign_details_monthly AS consentproxy.campaign_details_monthly_local
ENGINE = Distributed(test2, consentproxy, campaign_details_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.regions_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.regions_local (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.regions_mv TO consentproxy.regions_local AS
SELECT site, hour, country, region, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.regions_in_local
GROUP BY site, hour, country, region, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.regions AS consentproxy.regions_local
ENGINE = Distributed(test2, consentproxy, regions_local);

CREATE TABLE IF NOT EXISTS consentproxy.regions_in AS consentproxy.regions_in_local
ENGINE = Distributed(test2, consentproxy, regions_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.regions_daily_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.regions_daily AS consentproxy.regions_daily_local
ENGINE = Distributed(test2, consentproxy, regions_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.regions_monthly_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.regions_monthly AS consentproxy.regions_monthly_local
ENGINE = Distributed(test2, consentproxy, regions_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_local (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.page_countries_mv TO consentproxy.page_countries_local AS
SELECT site, hour, path, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms, uniqArrayState(visitor_hashes) AS visitors
FROM consentproxy.page_countries_in_local
GROUP BY site, hour, path, country, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms;

CREATE TABLE IF NOT EXISTS consentproxy.page_countries AS consentproxy.page_countries_local
ENGINE = Distributed(test2, consentproxy, page_countries_local);

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_in AS consentproxy.page_countries_in_local
ENGINE = Distributed(test2, consentproxy, page_countries_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_daily_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_daily AS consentproxy.page_countries_daily_local
ENGINE = Distributed(test2, consentproxy, page_countries_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_monthly_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.page_countries_monthly AS consentproxy.page_countries_monthly_local
ENGINE = Distributed(test2, consentproxy, page_countries_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_in_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_local (
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

CREATE MATERIALIZED VIEW IF NOT EXISTS consentproxy.removed_params_mv TO consentproxy.removed_params_local AS
SELECT site, hour, class, instance, version, hits, pageviews, events, visits, bounces, duration_ms, engagement_ms
FROM consentproxy.removed_params_in_local;

CREATE TABLE IF NOT EXISTS consentproxy.removed_params AS consentproxy.removed_params_local
ENGINE = Distributed(test2, consentproxy, removed_params_local);

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_in AS consentproxy.removed_params_in_local
ENGINE = Distributed(test2, consentproxy, removed_params_in_local, cityHash64(instance));

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_daily_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_daily AS consentproxy.removed_params_daily_local
ENGINE = Distributed(test2, consentproxy, removed_params_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_monthly_local (
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

CREATE TABLE IF NOT EXISTS consentproxy.removed_params_monthly AS consentproxy.removed_params_monthly_local
ENGINE = Distributed(test2, consentproxy, removed_params_monthly_local, cityHash64(site));

