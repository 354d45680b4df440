package projections

// applySQL inserts the events whose (site_id, event_id) is new and advances every projection from exactly
// those rows that are not bots' (is_bot), in one statement. It runs after the stripe locks of its sites
// (lockSQL), so its snapshot holds every earlier batch of those sites and no other writer changes their
// rows until it commits. Each projection gets one row per key per batch (aggregated first), so an upsert
// never touches a row twice.
//
// Visits: for each visitor of the batch, the stored visits within 30 minutes of its new events are read
// back as items beside the new events; the items are ordered by (start, first event id) and split into
// islands wherever an item starts more than 30 minutes after every item before it ended. An island holding
// a new event is a visit: it is upserted by its start, and the stored visits it swallowed, which start
// later, are deleted. Stored visits are more than 30 minutes apart, so only a new event can join two of
// them, and islands without a new event are the stored visits unchanged and are left alone.
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
    RETURNING *
), counted AS (
    SELECT i.*, coalesce(s.time_zone, 'UTC') AS zone, i.occurred_at AT TIME ZONE coalesce(s.time_zone, 'UTC') AS local_at
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
), bounds AS (
    SELECT site_id, visitor_id, zone, min(occurred_at) - interval '30 minutes' AS lo, max(occurred_at) + interval '30 minutes' AS hi
    FROM counted GROUP BY 1, 2, 3
), latest AS (
    SELECT b.zone, b.lo, v.*
    FROM bounds b CROSS JOIN LATERAL (
        SELECT * FROM visits v WHERE v.site_id = b.site_id AND v.visitor_id = b.visitor_id AND v.start_at <= b.hi
        ORDER BY v.start_at DESC LIMIT 1
    ) AS v
), stored AS (
    SELECT * FROM latest WHERE end_at >= lo
    UNION ALL
    SELECT l.zone, l.lo, v.*
    FROM latest l JOIN visits v ON v.site_id = l.site_id AND v.visitor_id = l.visitor_id
        AND v.start_at >= l.lo AND v.start_at < l.start_at
    WHERE l.start_at > l.lo + interval '30 minutes'
    UNION ALL
    SELECT l.zone, l.lo, v.*
    FROM latest l CROSS JOIN LATERAL (
        SELECT * FROM visits v WHERE v.site_id = l.site_id AND v.visitor_id = l.visitor_id AND v.start_at < l.lo
        ORDER BY v.start_at DESC LIMIT 1
    ) AS v
    WHERE l.start_at > l.lo + interval '30 minutes' AND v.end_at >= l.lo
), items AS (
    SELECT site_id, visitor_id, zone, occurred_at AS start_at, occurred_at AS end_at, event_id AS first_event_id,
        event_id AS last_event_id, path AS entry_page, path AS exit_page,
        (event_type = 'page_view')::int::bigint AS pageviews, 1::bigint AS events, hostname, source, referrer,
        utm_source, utm_medium, utm_campaign, utm_content, utm_term, browser, browser_version, os, os_version, device,
        true AS fresh
    FROM counted
    UNION ALL
    SELECT site_id, visitor_id, zone, start_at, end_at, first_event_id, last_event_id, entry_page, exit_page,
        pageviews, events, hostname, source, referrer, utm_source, utm_medium, utm_campaign, utm_content, utm_term,
        browser, browser_version, os, os_version, device, false
    FROM stored
), flagged AS (
    SELECT *, CASE WHEN start_at - max(end_at) OVER (PARTITION BY site_id, visitor_id ORDER BY start_at, first_event_id COLLATE "C"
                                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                        <= interval '30 minutes' THEN 0 ELSE 1 END AS starts
    FROM items
), islands AS (
    SELECT *, sum(starts) OVER (PARTITION BY site_id, visitor_id ORDER BY start_at, first_event_id COLLATE "C"
                                ROWS UNBOUNDED PRECEDING) AS island
    FROM flagged
), merged AS (
    SELECT *,
        min(start_at) OVER island AS visit_start, max(end_at) OVER island AS visit_end, sum(pageviews) OVER island AS visit_pageviews,
        sum(events) OVER island AS visit_events, bool_or(fresh) OVER island AS touched,
        first_value(last_event_id) OVER (island ORDER BY end_at DESC, last_event_id COLLATE "C" DESC) AS visit_last_event_id,
        first_value(exit_page) OVER (island ORDER BY end_at DESC, last_event_id COLLATE "C" DESC) AS visit_exit_page,
        row_number() OVER (island ORDER BY start_at, first_event_id COLLATE "C") AS position
    FROM islands
    WINDOW island AS (PARTITION BY site_id, visitor_id, island)
), changed AS (
    SELECT * FROM merged WHERE touched
), upserted AS (
    INSERT INTO visits AS v (site_id, visitor_id, start_at, end_at, day, first_event_id, last_event_id, entry_page,
        exit_page, pageviews, events, hostname, source, referrer, utm_source, utm_medium, utm_campaign, utm_content,
        utm_term, browser, browser_version, os, os_version, device)
    SELECT site_id, visitor_id, start_at, visit_end, (start_at AT TIME ZONE zone)::date, first_event_id,
        visit_last_event_id, entry_page, visit_exit_page, visit_pageviews, visit_events, hostname, source, referrer,
        utm_source, utm_medium, utm_campaign, utm_content, utm_term, browser, browser_version, os, os_version, device
    FROM changed WHERE position = 1
    ORDER BY site_id, visitor_id, start_at
    ON CONFLICT (site_id, visitor_id, start_at) DO UPDATE SET
        end_at = EXCLUDED.end_at, first_event_id = EXCLUDED.first_event_id,
        last_event_id = EXCLUDED.last_event_id, entry_page = EXCLUDED.entry_page, exit_page = EXCLUDED.exit_page,
        pageviews = EXCLUDED.pageviews, events = EXCLUDED.events, hostname = EXCLUDED.hostname,
        source = EXCLUDED.source, referrer = EXCLUDED.referrer, utm_source = EXCLUDED.utm_source,
        utm_medium = EXCLUDED.utm_medium, utm_campaign = EXCLUDED.utm_campaign, utm_content = EXCLUDED.utm_content,
        utm_term = EXCLUDED.utm_term, browser = EXCLUDED.browser, browser_version = EXCLUDED.browser_version,
        os = EXCLUDED.os, os_version = EXCLUDED.os_version, device = EXCLUDED.device
), swallowed AS (
    DELETE FROM visits v USING changed c
    WHERE NOT c.fresh AND c.start_at <> c.visit_start
      AND v.site_id = c.site_id AND v.visitor_id = c.visitor_id AND v.start_at = c.start_at
)
SELECT count(*) FROM counted`
