package projections

// applySQL inserts the events whose (site_id, event_id) is new (their traits too, which no projection
// reads) and advances hourly_visitors from exactly those rows that are not bots' (is_bot), aggregated
// first so that the upsert touches a row once. It returns how many new events were not bots'. Writers of
// the same site run it at once: it holds the sites' write stripes only shared (sharedLockSQL, against a
// rebuild), and both statements touch rows in key order, so two writers that need the same row wait for
// each other's commit without deadlocking. visitsSQL, after the merge stripes, then advances the daily
// tables and visits from the same events: their rows (a site-day's totals, its paths) are the ones every
// concurrent batch of the site increments, so incrementing them here would make the next writer wait for
// this one's commit from here on.
const applySQL = `
WITH incoming AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::boolean[],
        $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
        $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[],
        $24::text[])
    AS t(event_id, site_id, event_type, path, user_id, occurred_at, is_bot, visitor_id, url, hostname, referrer,
         source, utm_source, utm_medium, utm_campaign, utm_content, utm_term, browser, browser_version, os,
         os_version, device, props, traits)
), inserted AS (
    INSERT INTO events (event_id, site_id, event_type, path, user_id, occurred_at, is_bot, visitor_id, url, hostname,
        referrer, source, utm_source, utm_medium, utm_campaign, utm_content, utm_term, browser, browser_version, os,
        os_version, device, props, traits)
    SELECT event_id, site_id, event_type, path, NULLIF(user_id, ''), occurred_at, is_bot, visitor_id, NULLIF(url, ''),
        NULLIF(hostname, ''), NULLIF(referrer, ''), NULLIF(source, ''), NULLIF(utm_source, ''), NULLIF(utm_medium, ''),
        NULLIF(utm_campaign, ''), NULLIF(utm_content, ''), NULLIF(utm_term, ''), NULLIF(browser, ''),
        NULLIF(browser_version, ''), NULLIF(os, ''), NULLIF(os_version, ''), NULLIF(device, ''), NULLIF(props, '')::jsonb,
        NULLIF(traits, '')::jsonb
    FROM incoming
    ORDER BY event_id, site_id
    ON CONFLICT (site_id, event_id) DO NOTHING
    RETURNING site_id, event_type, path, user_id, occurred_at, is_bot, visitor_id, hostname, props
), counted AS (
    SELECT i.*, i.occurred_at AT TIME ZONE coalesce(s.time_zone, 'UTC') AS local_at
    FROM inserted i LEFT JOIN sites s ON s.site_id = i.site_id
    WHERE NOT i.is_bot
), hourly AS (
    INSERT INTO hourly_visitors AS h (site_id, hour, dimension, value, visitor_id, events, pageviews)
    SELECT c.site_id, date_trunc('hour', c.local_at), d.dimension, d.value, c.visitor_id,
        count(*), count(*) FILTER (WHERE c.event_type = 'page_view')
    FROM counted c
    CROSS JOIN LATERAL (
        SELECT 'event:name', c.event_type
        UNION ALL SELECT 'event:page', c.path
        UNION ALL SELECT 'event:hostname', c.hostname WHERE c.hostname IS NOT NULL
        UNION ALL SELECT 'event:props:' || p.key, p.value FROM jsonb_each_text(c.props) AS p
    ) AS d (dimension, value)
    WHERE d.value IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (site_id, hour, dimension, value, visitor_id) DO UPDATE SET
        events = h.events + EXCLUDED.events, pageviews = h.pageviews + EXCLUDED.pageviews
)
SELECT count(*) FROM counted`
