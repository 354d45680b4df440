package projections

// applySQL inserts the events whose (site_id, event_id) is new and advances every projection but visits
// from exactly those rows that are not bots' (is_bot), in one statement. Each projection gets one row per
// key per batch (aggregated first), so an upsert never touches a row twice. These projections are sums
// that commute, so writers of the same site run it at once: it holds the sites' write stripes only shared
// (sharedLockSQL, against a rebuild) and touches rows in key order, table after table, so that two writers
// wait for each other's rows without deadlocking. visitsSQL, after the merge stripes, then merges the same
// new events into visits.
const applySQL = `
WITH incoming AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::boolean[],
        $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
        $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[])
    AS t(event_id, site_id, event_type, path, user_id, occurred_at, is_bot, visitor_id, url, hostname, referrer,
         source, utm_source, utm_medium, utm_campaign, utm_content, utm_term, browser, browser_version, os,
         os_version, device, props)
), inserted AS (
    INSERT INTO events (event_id, site_id, event_type, path, user_id, occurred_at, is_bot, visitor_id, url, hostname,
        referrer, source, utm_source, utm_medium, utm_campaign, utm_content, utm_term, browser, browser_version, os,
        os_version, device, props)
    SELECT event_id, site_id, event_type, path, NULLIF(user_id, ''), occurred_at, is_bot, visitor_id, NULLIF(url, ''),
        NULLIF(hostname, ''), NULLIF(referrer, ''), NULLIF(source, ''), NULLIF(utm_source, ''), NULLIF(utm_medium, ''),
        NULLIF(utm_campaign, ''), NULLIF(utm_content, ''), NULLIF(utm_term, ''), NULLIF(browser, ''),
        NULLIF(browser_version, ''), NULLIF(os, ''), NULLIF(os_version, ''), NULLIF(device, ''), NULLIF(props, '')::jsonb
    FROM incoming
    ORDER BY event_id, site_id
    ON CONFLICT (site_id, event_id) DO NOTHING
    RETURNING site_id, event_type, path, user_id, occurred_at, is_bot, visitor_id, hostname, props
), counted AS (
    SELECT i.*, i.occurred_at AT TIME ZONE coalesce(s.time_zone, 'UTC') AS local_at
    FROM inserted i LEFT JOIN sites s ON s.site_id = i.site_id
    WHERE NOT i.is_bot
), new_users AS (
    INSERT INTO daily_unique_users (site_id, day, user_id)
    SELECT DISTINCT site_id, local_at::date, user_id FROM counted WHERE user_id IS NOT NULL
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
    RETURNING site_id, day
), user_counts AS (
    SELECT site_id, day, count(*) AS users FROM new_users GROUP BY 1, 2
), day_counts AS (
    SELECT site_id, local_at::date AS day, count(*) FILTER (WHERE event_type = 'page_view') AS views, count(*) AS events
    FROM counted GROUP BY 1, 2
), aggregates AS (
    INSERT INTO daily_aggregates AS a (site_id, day, total_views, total_events, unique_users)
    SELECT d.site_id, d.day, d.views, d.events, coalesce(u.users, 0)
    FROM day_counts d LEFT JOIN user_counts u USING (site_id, day)
    ORDER BY 1, 2
    ON CONFLICT (site_id, day) DO UPDATE SET
        total_views = a.total_views + EXCLUDED.total_views,
        total_events = a.total_events + EXCLUDED.total_events,
        unique_users = a.unique_users + EXCLUDED.unique_users
), types AS (
    INSERT INTO daily_event_types AS t (site_id, day, event_type, events)
    SELECT site_id, local_at::date, event_type, count(*) FROM counted GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, day, event_type) DO UPDATE SET events = t.events + EXCLUDED.events
), paths AS (
    INSERT INTO daily_path_views AS p (site_id, day, path, views)
    SELECT site_id, local_at::date, path, count(*) FROM counted WHERE event_type = 'page_view'
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, day, path) DO UPDATE SET views = p.views + EXCLUDED.views
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
