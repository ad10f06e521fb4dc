CREATE TABLE IF NOT EXISTS consentproxy.totals_daily_local ON CLUSTER web (
    site String,
    start Date,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/totals_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start);

CREATE TABLE IF NOT EXISTS consentproxy.totals_daily ON CLUSTER web AS consentproxy.totals_daily_local
ENGINE = Distributed(web, consentproxy, totals_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.totals_monthly_local ON CLUSTER web (
    site String,
    start Date,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/totals_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start);

CREATE TABLE IF NOT EXISTS consentproxy.totals_monthly ON CLUSTER web AS consentproxy.totals_monthly_local
ENGINE = Distributed(web, consentproxy, totals_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.pages_daily_local ON CLUSTER web (
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
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/pages_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.pages_daily ON CLUSTER web AS consentproxy.pages_daily_local
ENGINE = Distributed(web, consentproxy, pages_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.pages_monthly_local ON CLUSTER web (
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
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/pages_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.pages_monthly ON CLUSTER web AS consentproxy.pages_monthly_local
ENGINE = Distributed(web, consentproxy, pages_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_daily_local ON CLUSTER web (
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
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/entry_pages_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_daily ON CLUSTER web AS consentproxy.entry_pages_daily_local
ENGINE = Distributed(web, consentproxy, entry_pages_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_monthly_local ON CLUSTER web (
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
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/entry_pages_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_monthly ON CLUSTER web AS consentproxy.entry_pages_monthly_local
ENGINE = Distributed(web, consentproxy, entry_pages_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.events_daily_local ON CLUSTER web (
    site String,
    start Date,
    name String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/events_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name);

CREATE TABLE IF NOT EXISTS consentproxy.events_daily ON CLUSTER web AS consentproxy.events_daily_local
ENGINE = Distributed(web, consentproxy, events_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.events_monthly_local ON CLUSTER web (
    site String,
    start Date,
    name String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/events_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name);

CREATE TABLE IF NOT EXISTS consentproxy.events_monthly ON CLUSTER web AS consentproxy.events_monthly_local
ENGINE = Distributed(web, consentproxy, events_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.sources_daily_local ON CLUSTER web (
    site String,
    start Date,
    referrer String,
    channel String,
    utm_source String,
    utm_medium String,
    utm_campaign String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/sources_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, referrer, channel, utm_source, utm_medium, utm_campaign);

CREATE TABLE IF NOT EXISTS consentproxy.sources_daily ON CLUSTER web AS consentproxy.sources_daily_local
ENGINE = Distributed(web, consentproxy, sources_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.sources_monthly_local ON CLUSTER web (
    site String,
    start Date,
    referrer String,
    channel String,
    utm_source String,
    utm_medium String,
    utm_campaign String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/sources_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, referrer, channel, utm_source, utm_medium, utm_campaign);

CREATE TABLE IF NOT EXISTS consentproxy.sources_monthly ON CLUSTER web AS consentproxy.sources_monthly_local
ENGINE = Distributed(web, consentproxy, sources_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.devices_daily_local ON CLUSTER web (
    site String,
    start Date,
    browser String,
    browser_version String,
    os String,
    os_version String,
    device String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/devices_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, browser, browser_version, os, os_version, device);

CREATE TABLE IF NOT EXISTS consentproxy.devices_daily ON CLUSTER web AS consentproxy.devices_daily_local
ENGINE = Distributed(web, consentproxy, devices_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.devices_monthly_local ON CLUSTER web (
    site String,
    start Date,
    browser String,
    browser_version String,
    os String,
    os_version String,
    device String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/devices_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, browser, browser_version, os, os_version, device);

CREATE TABLE IF NOT EXISTS consentproxy.devices_monthly ON CLUSTER web AS consentproxy.devices_monthly_local
ENGINE = Distributed(web, consentproxy, devices_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.countries_daily_local ON CLUSTER web (
    site String,
    start Date,
    country String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/countries_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country);

CREATE TABLE IF NOT EXISTS consentproxy.countries_daily ON CLUSTER web AS consentproxy.countries_daily_local
ENGINE = Distributed(web, consentproxy, countries_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.countries_monthly_local ON CLUSTER web (
    site String,
    start Date,
    country String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/countries_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country);

CREATE TABLE IF NOT EXISTS consentproxy.countries_monthly ON CLUSTER web AS consentproxy.countries_monthly_local
ENGINE = Distributed(web, consentproxy, countries_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.languages_daily_local ON CLUSTER web (
    site String,
    start Date,
    language String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/languages_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, language);

CREATE TABLE IF NOT EXISTS consentproxy.languages_daily ON CLUSTER web AS consentproxy.languages_daily_local
ENGINE = Distributed(web, consentproxy, languages_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.languages_monthly_local ON CLUSTER web (
    site String,
    start Date,
    language String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64,
    visitors UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/languages_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, language);

CREATE TABLE IF NOT EXISTS consentproxy.languages_monthly ON CLUSTER web AS consentproxy.languages_monthly_local
ENGINE = Distributed(web, consentproxy, languages_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_daily_local ON CLUSTER web (
    site String,
    start Date,
    reason String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/outcomes_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason);

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_daily ON CLUSTER web AS consentproxy.outcomes_daily_local
ENGINE = Distributed(web, consentproxy, outcomes_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_monthly_local ON CLUSTER web (
    site String,
    start Date,
    reason String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/outcomes_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason);

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_monthly ON CLUSTER web AS consentproxy.outcomes_monthly_local
ENGINE = Distributed(web, consentproxy, outcomes_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_daily_local ON CLUSTER web (
    site String,
    start Date,
    revision String,
    outcome String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/consent_choices_daily_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, revision, outcome);

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_daily ON CLUSTER web AS consentproxy.consent_choices_daily_local
ENGINE = Distributed(web, consentproxy, consent_choices_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_monthly_local ON CLUSTER web (
    site String,
    start Date,
    revision String,
    outcome String,
    version UInt64,
    hits Int64,
    pageviews Int64,
    events Int64,
    visits Int64,
    bounces Int64,
    duration_ms Int64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/consentproxy/consent_choices_monthly_local', '{replica}', version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, revision, outcome);

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_monthly ON CLUSTER web AS consentproxy.consent_choices_monthly_local
ENGINE = Distributed(web, consentproxy, consent_choices_monthly_local, cityHash64(site));

