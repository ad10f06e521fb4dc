CREATE TABLE IF NOT EXISTS analytics.totals_daily_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/totals_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.totals_daily ON CLUSTER web AS analytics.totals_daily_local
ENGINE = Distributed(web, analytics, totals_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.totals_monthly_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/totals_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.totals_monthly ON CLUSTER web AS analytics.totals_monthly_local
ENGINE = Distributed(web, analytics, totals_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.pages_daily_local ON CLUSTER web (
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
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/pages_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.pages_daily ON CLUSTER web AS analytics.pages_daily_local
ENGINE = Distributed(web, analytics, pages_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.pages_monthly_local ON CLUSTER web (
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
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/pages_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.pages_monthly ON CLUSTER web AS analytics.pages_monthly_local
ENGINE = Distributed(web, analytics, pages_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.entry_pages_daily_local ON CLUSTER web (
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
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/entry_pages_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.entry_pages_daily ON CLUSTER web AS analytics.entry_pages_daily_local
ENGINE = Distributed(web, analytics, entry_pages_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.entry_pages_monthly_local ON CLUSTER web (
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
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/entry_pages_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.entry_pages_monthly ON CLUSTER web AS analytics.entry_pages_monthly_local
ENGINE = Distributed(web, analytics, entry_pages_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.events_daily_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    name LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/events_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.events_daily ON CLUSTER web AS analytics.events_daily_local
ENGINE = Distributed(web, analytics, events_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.events_monthly_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    name LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/events_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.events_monthly ON CLUSTER web AS analytics.events_monthly_local
ENGINE = Distributed(web, analytics, events_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.sources_daily_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    referrer LowCardinality(String),
    channel LowCardinality(String),
    utm_source LowCardinality(String),
    utm_medium LowCardinality(String),
    utm_campaign LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/sources_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, referrer, channel, utm_source, utm_medium, utm_campaign)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.sources_daily ON CLUSTER web AS analytics.sources_daily_local
ENGINE = Distributed(web, analytics, sources_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.sources_monthly_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    referrer LowCardinality(String),
    channel LowCardinality(String),
    utm_source LowCardinality(String),
    utm_medium LowCardinality(String),
    utm_campaign LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/sources_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, referrer, channel, utm_source, utm_medium, utm_campaign)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.sources_monthly ON CLUSTER web AS analytics.sources_monthly_local
ENGINE = Distributed(web, analytics, sources_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.devices_daily_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    browser LowCardinality(String),
    browser_version LowCardinality(String),
    os LowCardinality(String),
    os_version LowCardinality(String),
    device LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/devices_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, browser, browser_version, os, os_version, device)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.devices_daily ON CLUSTER web AS analytics.devices_daily_local
ENGINE = Distributed(web, analytics, devices_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.devices_monthly_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    browser LowCardinality(String),
    browser_version LowCardinality(String),
    os LowCardinality(String),
    os_version LowCardinality(String),
    device LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/devices_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, browser, browser_version, os, os_version, device)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.devices_monthly ON CLUSTER web AS analytics.devices_monthly_local
ENGINE = Distributed(web, analytics, devices_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.countries_daily_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    country LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/countries_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.countries_daily ON CLUSTER web AS analytics.countries_daily_local
ENGINE = Distributed(web, analytics, countries_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.countries_monthly_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    country LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/countries_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.countries_monthly ON CLUSTER web AS analytics.countries_monthly_local
ENGINE = Distributed(web, analytics, countries_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.languages_daily_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    language LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/languages_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, language)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.languages_daily ON CLUSTER web AS analytics.languages_daily_local
ENGINE = Distributed(web, analytics, languages_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.languages_monthly_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    language LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4),
    visitors UInt64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/languages_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, language)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.languages_monthly ON CLUSTER web AS analytics.languages_monthly_local
ENGINE = Distributed(web, analytics, languages_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.outcomes_daily_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    reason LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/outcomes_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.outcomes_daily ON CLUSTER web AS analytics.outcomes_daily_local
ENGINE = Distributed(web, analytics, outcomes_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.outcomes_monthly_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    reason LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/outcomes_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.outcomes_monthly ON CLUSTER web AS analytics.outcomes_monthly_local
ENGINE = Distributed(web, analytics, outcomes_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.consent_choices_daily_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    revision LowCardinality(String),
    outcome LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/consent_choices_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, revision, outcome)
TTL start + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.consent_choices_daily ON CLUSTER web AS analytics.consent_choices_daily_local
ENGINE = Distributed(web, analytics, consent_choices_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS analytics.consent_choices_monthly_local ON CLUSTER web (
    site LowCardinality(String),
    start Date,
    revision LowCardinality(String),
    outcome LowCardinality(String),
    version UInt64,
    hits Int64 CODEC(T64, LZ4),
    pageviews Int64 CODEC(T64, LZ4),
    events Int64 CODEC(T64, LZ4),
    visits Int64 CODEC(T64, LZ4),
    bounces Int64 CODEC(T64, LZ4),
    duration_ms Int64 CODEC(T64, LZ4)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/analytics/consent_choices_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, revision, outcome)
TTL start + INTERVAL 1 MONTH + INTERVAL 761 DAY;

CREATE TABLE IF NOT EXISTS analytics.consent_choices_monthly ON CLUSTER web AS analytics.consent_choices_monthly_local
ENGINE = Distributed(web, analytics, consent_choices_monthly_local, cityHash64(site));

