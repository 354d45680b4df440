package projections

// visitsSQL advances the daily tables (daily_unique_users, daily_aggregates, daily_event_types,
// daily_path_views) and visits from the events of the batch ($1 event ids, $2 their sites, each pair
// once) that this transaction inserted (applySQL) and that are not bots'. It finds them by a probe of the
// primary key per pair, keeping those whose xmin is the current transaction. It runs after the merge
// stripes of its sites (MergeLockNamespace), in a statement of its own, so its snapshot holds every
// earlier merge of those sites and no other writer changes their visits until it commits. Each daily
// table gets one row per key per batch (aggregated first), so an upsert never touches a row twice.
//
// A visitor with one new event takes a fast path after one probe of the primary key (the last visit
// starting at most 30 minutes after the event): when that visit ended more than 30 minutes before the
// event, or there is none, the event starts a visit of its own (a plain insert: no stored visit can share
// its start); when the event comes after that visit's start (at the same instant, after its first event
// id), it joins that visit alone (an update of its end and counters: no other stored visit is within 30
// minutes of it). Every other visitor takes the general merge: the stored visits within 30 minutes of its
// new events are read back as items beside the new events; the items are ordered by (start, first event
// id) and split into islands wherever an item starts more than 30 minutes after every item before it
// ended. An island holding a new event is a visit: it is upserted by its start, and the stored visits it
// swallowed, which start later, are deleted. Stored visits are more than 30 minutes apart, so only a new
// event can join two of them, and islands without a new event are the stored visits unchanged and are
// left alone.
const visitsSQL = `
WITH fresh AS (
    SELECT e.site_id, e.visitor_id, e.event_id, e.event_type, e.path, e.occurred_at, e.hostname, e.source, e.referrer,
        e.utm_source, e.utm_medium, e.utm_campaign, e.utm_content, e.utm_term, e.browser, e.browser_version, e.os,
        e.os_version, e.device, e.user_id, coalesce(s.time_zone, 'UTC') AS zone,
        e.occurred_at AT TIME ZONE coalesce(s.time_zone, 'UTC') AS local_at
    FROM unnest($1::text[], $2::text[]) AS k(event_id, site_id)
    CROSS JOIN LATERAL (
        SELECT * FROM events e
        WHERE e.event_id = k.event_id AND e.site_id = k.site_id AND e.xmin = pg_current_xact_id()::xid AND NOT e.is_bot
        LIMIT 1
    ) AS e
    LEFT JOIN sites s ON s.site_id = e.site_id
), new_users AS (
    INSERT INTO daily_unique_users (site_id, day, user_id)
    SELECT DISTINCT site_id, local_at::date, user_id FROM fresh WHERE user_id IS NOT NULL
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING
    RETURNING site_id, day
), user_counts AS (
    SELECT site_id, day, count(*) AS users FROM new_users GROUP BY 1, 2
), day_counts AS (
    SELECT site_id, local_at::date AS day, count(*) FILTER (WHERE event_type = 'page_view') AS views, count(*) AS events
    FROM fresh GROUP BY 1, 2
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
    SELECT site_id, local_at::date, event_type, count(*) FROM fresh GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, day, event_type) DO UPDATE SET events = t.events + EXCLUDED.events
), paths AS (
    INSERT INTO daily_path_views AS p (site_id, day, path, views)
    SELECT site_id, local_at::date, path, count(*) FROM fresh WHERE event_type = 'page_view'
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (site_id, day, path) DO UPDATE SET views = p.views + EXCLUDED.views
), spans AS (
    SELECT site_id, visitor_id, min(occurred_at) - interval '30 minutes' AS lo,
        max(occurred_at) + interval '30 minutes' AS hi, count(*) AS n
    FROM fresh GROUP BY 1, 2
), probed AS (
    SELECT b.*, v.start_at AS last_start, v.end_at AS last_end, v.first_event_id AS last_first
    FROM spans b LEFT JOIN LATERAL (
        SELECT v.start_at, v.end_at, v.first_event_id FROM visits v
        WHERE v.site_id = b.site_id AND v.visitor_id = b.visitor_id AND v.start_at <= b.hi
        ORDER BY v.start_at DESC LIMIT 1
    ) AS v ON true
), routed AS (
    SELECT f.*, p.last_start, CASE
        WHEN p.n > 1 THEN 'merge'
        WHEN p.last_end IS NULL OR p.last_end < p.lo THEN 'start'
        WHEN p.last_start < f.occurred_at OR (p.last_start = f.occurred_at AND p.last_first COLLATE "C" < f.event_id COLLATE "C") THEN 'join'
        ELSE 'merge' END AS route
    FROM fresh f JOIN probed p USING (site_id, visitor_id)
), started AS (
    INSERT INTO visits (site_id, visitor_id, start_at, end_at, day, first_event_id, last_event_id, entry_page,
        exit_page, pageviews, events, hostname, source, referrer, utm_source, utm_medium, utm_campaign, utm_content,
        utm_term, browser, browser_version, os, os_version, device)
    SELECT site_id, visitor_id, occurred_at, occurred_at, (occurred_at AT TIME ZONE zone)::date, event_id, event_id,
        path, path, (event_type = 'page_view')::int, 1, hostname, source, referrer, utm_source, utm_medium,
        utm_campaign, utm_content, utm_term, browser, browser_version, os, os_version, device
    FROM routed WHERE route = 'start'
    ORDER BY site_id, visitor_id, occurred_at
), joined AS (
    UPDATE visits v SET
        end_at = CASE WHEN r.occurred_at > v.end_at OR (r.occurred_at = v.end_at AND r.event_id COLLATE "C" > v.last_event_id COLLATE "C")
                      THEN r.occurred_at ELSE v.end_at END,
        last_event_id = CASE WHEN r.occurred_at > v.end_at OR (r.occurred_at = v.end_at AND r.event_id COLLATE "C" > v.last_event_id COLLATE "C")
                             THEN r.event_id ELSE v.last_event_id END,
        exit_page = CASE WHEN r.occurred_at > v.end_at OR (r.occurred_at = v.end_at AND r.event_id COLLATE "C" > v.last_event_id COLLATE "C")
                         THEN r.path ELSE v.exit_page END,
        pageviews = v.pageviews + (r.event_type = 'page_view')::int, events = v.events + 1
    FROM routed r
    WHERE r.route = 'join' AND v.site_id = r.site_id AND v.visitor_id = r.visitor_id AND v.start_at = r.last_start
), counted AS (
    SELECT * FROM routed WHERE route = 'merge'
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
SELECT 1`
