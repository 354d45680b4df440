package projections

// applySQL inserts the events whose (site_id, event_id) is new, queues those that are not bots' (is_bot)
// for the projector (projection_queue, see Project), and advances the daily tables (daily_unique_users,
// daily_aggregates, daily_event_types, daily_path_views) from them, in the site's time zone, each with
// one row per key per batch (aggregated first, so that an upsert touches a row once). It returns how many
// new events were not bots'. Inserts and upserts are ordered by key, so concurrent writers take row locks
// in the same order and do not deadlock.
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
    RETURNING site_id, event_id, event_type, path, user_id, occurred_at, is_bot
), counted AS (
    SELECT i.site_id, i.event_id, i.event_type, i.path, i.user_id,
        (i.occurred_at AT TIME ZONE coalesce(s.time_zone, 'UTC'))::date AS day
    FROM inserted i LEFT JOIN sites s ON s.site_id = i.site_id
    WHERE NOT i.is_bot
), queued AS (
    INSERT INTO projection_queue (site_id, event_id) SELECT site_id, event_id FROM counted
), new_users AS (
    INSERT INTO daily_unique_users (site_id, day, user_id)
    SELECT DISTINCT site_id, day, user_id FROM counted WHERE user_id IS NOT NULL
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
    RETURNING site_id, day
), user_counts AS (
    SELECT site_id, day, count(*) AS users FROM new_users GROUP BY 1, 2
), day_counts AS (
    SELECT site_id, day, count(*) FILTER (WHERE event_type = 'page_view') AS views, count(*) AS events
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
    SELECT site_id, day, event_type, count(*) FROM counted GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, day, event_type) DO UPDATE SET events = t.events + EXCLUDED.events
), paths AS (
    INSERT INTO daily_path_views AS p (site_id, day, path, views)
    SELECT site_id, day, path, count(*) FROM counted WHERE event_type = 'page_view'
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, day, path) DO UPDATE SET views = p.views + EXCLUDED.views
)
SELECT count(*) FROM counted`
