CREATE TABLE IF NOT EXISTS consentproxy.totals_daily_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start);

CREATE TABLE IF NOT EXISTS consentproxy.totals_daily AS consentproxy.totals_daily_local
ENGINE = Distributed(test2, consentproxy, totals_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.totals_monthly_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start);

CREATE TABLE IF NOT EXISTS consentproxy.totals_monthly AS consentproxy.totals_monthly_local
ENGINE = Distributed(test2, consentproxy, totals_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.pages_daily_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.pages_daily AS consentproxy.pages_daily_local
ENGINE = Distributed(test2, consentproxy, pages_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.pages_monthly_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.pages_monthly AS consentproxy.pages_monthly_local
ENGINE = Distributed(test2, consentproxy, pages_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_daily_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_daily AS consentproxy.entry_pages_daily_local
ENGINE = Distributed(test2, consentproxy, entry_pages_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_monthly_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, path);

CREATE TABLE IF NOT EXISTS consentproxy.entry_pages_monthly AS consentproxy.entry_pages_monthly_local
ENGINE = Distributed(test2, consentproxy, entry_pages_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.events_daily_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name);

CREATE TABLE IF NOT EXISTS consentproxy.events_daily AS consentproxy.events_daily_local
ENGINE = Distributed(test2, consentproxy, events_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.events_monthly_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, name);

CREATE TABLE IF NOT EXISTS consentproxy.events_monthly AS consentproxy.events_monthly_local
ENGINE = Distributed(test2, consentproxy, events_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.sources_daily_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, referrer, channel, utm_source, utm_medium, utm_campaign);

CREATE TABLE IF NOT EXISTS consentproxy.sources_daily AS consentproxy.sources_daily_local
ENGINE = Distributed(test2, consentproxy, sources_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.sources_monthly_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, referrer, channel, utm_source, utm_medium, utm_campaign);

CREATE TABLE IF NOT EXISTS consentproxy.sources_monthly AS consentproxy.sources_monthly_local
ENGINE = Distributed(test2, consentproxy, sources_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.devices_daily_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, browser, browser_version, os, os_version, device);

CREATE TABLE IF NOT EXISTS consentproxy.devices_daily AS consentproxy.devices_daily_local
ENGINE = Distributed(test2, consentproxy, devices_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.devices_monthly_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, browser, browser_version, os, os_version, device);

CREATE TABLE IF NOT EXISTS consentproxy.devices_monthly AS consentproxy.devices_monthly_local
ENGINE = Distributed(test2, consentproxy, devices_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.countries_daily_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country);

CREATE TABLE IF NOT EXISTS consentproxy.countries_daily AS consentproxy.countries_daily_local
ENGINE = Distributed(test2, consentproxy, countries_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.countries_monthly_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, country);

CREATE TABLE IF NOT EXISTS consentproxy.countries_monthly AS consentproxy.countries_monthly_local
ENGINE = Distributed(test2, consentproxy, countries_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.languages_daily_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, language);

CREATE TABLE IF NOT EXISTS consentproxy.languages_daily AS consentproxy.languages_daily_local
ENGINE = Distributed(test2, consentproxy, languages_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.languages_monthly_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, language);

CREATE TABLE IF NOT EXISTS consentproxy.languages_monthly AS consentproxy.languages_monthly_local
ENGINE = Distributed(test2, consentproxy, languages_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_daily_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason);

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_daily AS consentproxy.outcomes_daily_local
ENGINE = Distributed(test2, consentproxy, outcomes_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_monthly_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, reason);

CREATE TABLE IF NOT EXISTS consentproxy.outcomes_monthly AS consentproxy.outcomes_monthly_local
ENGINE = Distributed(test2, consentproxy, outcomes_monthly_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_daily_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, revision, outcome);

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_daily AS consentproxy.consent_choices_daily_local
ENGINE = Distributed(test2, consentproxy, consent_choices_daily_local, cityHash64(site));

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_monthly_local (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, revision, outcome);

CREATE TABLE IF NOT EXISTS consentproxy.consent_choices_monthly AS consentproxy.consent_choices_monthly_local
ENGINE = Distributed(test2, consentproxy, consent_choices_monthly_local, cityHash64(site));

