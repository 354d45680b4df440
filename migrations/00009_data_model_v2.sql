-- +goose Up
-- Data model v2 (issue 12): the raw event keeps its visitor and captured fields; visits and
-- hourly_visitors are new projections; every daily projection counts days in the site's time zone. The
-- projections package (projections/doc.go) owns this contract: Apply maintains the projections batch by
-- batch, rebuild_projections below recomputes them from raw events.
--
-- Columns without a default are added without rewriting the table. Raw events stored before this
-- migration keep NULL in visitor_id; readers use coalesce(visitor_id, visitor_of(site_id, user_id, event_id)).
-- Empty captured fields are stored as NULL.
ALTER TABLE events
    ADD COLUMN visitor_id      bigint,
    ADD COLUMN url             text,
    ADD COLUMN hostname        text,
    ADD COLUMN referrer        text,
    ADD COLUMN source          text,
    ADD COLUMN utm_source      text,
    ADD COLUMN utm_medium      text,
    ADD COLUMN utm_campaign    text,
    ADD COLUMN utm_content     text,
    ADD COLUMN utm_term        text,
    ADD COLUMN browser         text,
    ADD COLUMN browser_version text,
    ADD COLUMN os              text,
    ADD COLUMN os_version      text,
    ADD COLUMN device          text,
    ADD COLUMN props           jsonb;

-- One row per visit: a visitor's events on a site with no gap over 30 minutes, ties between events at the
-- same instant broken by event_id in byte order. Counted on the local day it starts. The attributes come
-- from its first event, exit_page from its last. Keyed by its start: two visits of a visitor never start at
-- the same instant (they are more than 30 minutes apart), and a visit grows at its end far more often than
-- it moves its start, so growing updates no indexed column and stays a HOT update in the room fillfactor
-- leaves. Apply finds the visits a new event at t may join with two bounded scans of the key: those
-- starting within 30 minutes of t, and the last one starting before (only it can still be running).
-- Queries over a range of days read (site_id, day).
CREATE TABLE visits (
    site_id         text        NOT NULL,
    visitor_id      bigint      NOT NULL,
    start_at        timestamptz NOT NULL,
    end_at          timestamptz NOT NULL,
    day             date        NOT NULL,
    first_event_id  text        NOT NULL,
    last_event_id   text        NOT NULL,
    entry_page      text        NOT NULL,
    exit_page       text        NOT NULL,
    pageviews       bigint      NOT NULL,
    events          bigint      NOT NULL,
    hostname        text,
    source          text,
    referrer        text,
    utm_source      text,
    utm_medium      text,
    utm_campaign    text,
    utm_content     text,
    utm_term        text,
    browser         text,
    browser_version text,
    os              text,
    os_version      text,
    device          text,
    PRIMARY KEY (site_id, visitor_id, start_at)
) WITH (fillfactor = 80);
CREATE INDEX visits_site_day_idx ON visits (site_id, day);

-- Per site, local wall-clock hour, event dimension and value, and visitor: that visitor's events and page
-- views there. Distinct visitors over any range are count(DISTINCT visitor_id); the 'event:name' rows
-- (every event has a name) also answer visitors, page views and events by hour or day without a
-- dimension. Dimensions: 'event:name', 'event:page', 'event:hostname', 'event:props:<key>'. Only the
-- counters are updated, so free space in each page (fillfactor) keeps those updates HOT.
CREATE TABLE hourly_visitors (
    site_id    text      NOT NULL,
    hour       timestamp NOT NULL,
    dimension  text      NOT NULL,
    value      text      NOT NULL,
    visitor_id bigint    NOT NULL,
    events     bigint    NOT NULL,
    pageviews  bigint    NOT NULL,
    PRIMARY KEY (site_id, hour, dimension, value, visitor_id)
) WITH (fillfactor = 90);

-- Raw events that occurred before expired_before may have been deleted (RAW_EVENTS_RETENTION, admin events
-- expire): the days they fell on cannot be rebuilt, and rebuild_projections leaves them alone. Retention
-- advances it, in a transaction of its own, before it deletes anything. No row: nothing expired.
CREATE TABLE raw_events_horizon (
    only_row       boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
    expired_before timestamptz NOT NULL
);

-- A database whose raw events were expired before this migration has day rows counting more events than
-- the raw events of that day (days were UTC days until now): everything up to the last such day is taken
-- as expired.
INSERT INTO raw_events_horizon (expired_before)
SELECT (max(a.day) + 1)::timestamp AT TIME ZONE 'UTC'
FROM daily_aggregates a
LEFT JOIN (SELECT site_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM events WHERE NOT is_bot GROUP BY 1, 2) r
    USING (site_id, day)
WHERE a.total_events > coalesce(r.n, 0)
HAVING max(a.day) IS NOT NULL;

-- The first local day, in zone, whose raw events (and those of the 30 minutes before it, which decide
-- whether its first events continue a visit) are all still kept when raw events before horizon may be
-- gone; NULL when nothing expired.
-- +goose StatementBegin
CREATE FUNCTION rebuild_first_day(zone text, horizon timestamptz) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT d + CASE WHEN (d::timestamp AT TIME ZONE zone) - interval '30 minutes' < horizon THEN 1 ELSE 0 END
    FROM (SELECT ((horizon + interval '30 minutes') AT TIME ZONE zone)::date AS d) AS h
$$;
-- +goose StatementEnd

-- rebuild_projections recomputes every projection of site p_site (NULL: every site) for its local days
-- p_from to p_to (NULL: unbounded) from the raw events, set-based and independently of the incremental
-- write (projections.Apply), which a property test compares with it. Days before the retention horizon
-- are left alone; kept_from is the first day it rebuilt when the horizon cut the range, else NULL. A visit
-- belongs to the day it starts: visits starting in the range are recomputed from all their events, also
-- those after p_to; visits starting before p_from are left alone. counted is how many raw events of the
-- range it counted. Callers hold the site's stripe lock (projections.Rebuild) or an exclusive lock on
-- events (this migration). When retention advances the horizon past a day in the range while it runs,
-- it fails with SQLSTATE 40001, and the caller retries.
-- +goose StatementBegin
CREATE FUNCTION rebuild_projections(p_site text, p_from date, p_to date, OUT kept_from date, OUT counted bigint)
LANGUAGE plpgsql AS $$
DECLARE
    horizon timestamptz;
BEGIN
    DROP TABLE IF EXISTS pg_temp.rebuild_scope, pg_temp.rebuild_events;
    horizon := (SELECT expired_before FROM raw_events_horizon);
    CREATE TEMP TABLE rebuild_scope ON COMMIT DROP AS
    SELECT s.site_id, z.zone, k.kept, greatest(p_from, k.kept) AS lo, p_to AS hi
    FROM (SELECT p_site AS site_id WHERE p_site IS NOT NULL
          UNION SELECT DISTINCT e.site_id FROM events e WHERE p_site IS NULL
          UNION SELECT DISTINCT a.site_id FROM daily_aggregates a WHERE p_site IS NULL) AS s
    CROSS JOIN LATERAL (SELECT coalesce((SELECT time_zone FROM sites WHERE sites.site_id = s.site_id), 'UTC') AS zone) AS z
    CROSS JOIN LATERAL (SELECT rebuild_first_day(z.zone, horizon) AS kept) AS k;

    CREATE TEMP TABLE rebuild_events ON COMMIT DROP AS
    SELECT e.site_id, coalesce(e.visitor_id, visitor_of(e.site_id, e.user_id, e.event_id)) AS visitor_id,
           e.event_id, e.event_type, e.path, NULLIF(e.user_id, '') AS user_id, e.occurred_at,
           e.occurred_at AT TIME ZONE s.zone AS local_at, s.zone,
           (s.lo IS NULL OR (e.occurred_at AT TIME ZONE s.zone)::date >= s.lo)
               AND (s.hi IS NULL OR (e.occurred_at AT TIME ZONE s.zone)::date <= s.hi) AS in_range,
           e.hostname, e.source, e.referrer, e.utm_source, e.utm_medium, e.utm_campaign, e.utm_content, e.utm_term,
           e.browser, e.browser_version, e.os, e.os_version, e.device, e.props
    FROM events e JOIN rebuild_scope s ON s.site_id = e.site_id
    WHERE NOT e.is_bot
      AND (s.lo IS NULL OR e.occurred_at >= (s.lo::timestamp AT TIME ZONE s.zone) - interval '30 minutes');

    IF EXISTS (SELECT FROM rebuild_scope s
               WHERE s.kept IS DISTINCT FROM rebuild_first_day(s.zone, (SELECT expired_before FROM raw_events_horizon))) THEN
        RAISE EXCEPTION 'raw events expired while the projections were rebuilt' USING ERRCODE = '40001';
    END IF;

    DELETE FROM daily_aggregates t USING rebuild_scope s
    WHERE t.site_id = s.site_id AND (s.lo IS NULL OR t.day >= s.lo) AND (s.hi IS NULL OR t.day <= s.hi);
    DELETE FROM daily_event_types t USING rebuild_scope s
    WHERE t.site_id = s.site_id AND (s.lo IS NULL OR t.day >= s.lo) AND (s.hi IS NULL OR t.day <= s.hi);
    DELETE FROM daily_path_views t USING rebuild_scope s
    WHERE t.site_id = s.site_id AND (s.lo IS NULL OR t.day >= s.lo) AND (s.hi IS NULL OR t.day <= s.hi);
    DELETE FROM daily_unique_users t USING rebuild_scope s
    WHERE t.site_id = s.site_id AND (s.lo IS NULL OR t.day >= s.lo) AND (s.hi IS NULL OR t.day <= s.hi);
    DELETE FROM visits t USING rebuild_scope s
    WHERE t.site_id = s.site_id AND (s.lo IS NULL OR t.day >= s.lo) AND (s.hi IS NULL OR t.day <= s.hi);
    DELETE FROM hourly_visitors t USING rebuild_scope s
    WHERE t.site_id = s.site_id AND (s.lo IS NULL OR t.hour >= s.lo) AND (s.hi IS NULL OR t.hour < s.hi + 1);

    INSERT INTO daily_aggregates (site_id, day, total_views, total_events, unique_users)
    SELECT site_id, local_at::date, count(*) FILTER (WHERE event_type = 'page_view'), count(*), count(DISTINCT user_id)
    FROM rebuild_events WHERE in_range GROUP BY 1, 2;
    INSERT INTO daily_event_types (site_id, day, event_type, events)
    SELECT site_id, local_at::date, event_type, count(*) FROM rebuild_events WHERE in_range GROUP BY 1, 2, 3;
    INSERT INTO daily_path_views (site_id, day, path, views)
    SELECT site_id, local_at::date, path, count(*) FROM rebuild_events
    WHERE in_range AND event_type = 'page_view' GROUP BY 1, 2, 3;
    INSERT INTO daily_unique_users (site_id, day, user_id)
    SELECT DISTINCT site_id, local_at::date, user_id FROM rebuild_events WHERE in_range AND user_id IS NOT NULL;

    INSERT INTO hourly_visitors (site_id, hour, dimension, value, visitor_id, events, pageviews)
    SELECT e.site_id, date_trunc('hour', e.local_at), d.dimension, d.value, e.visitor_id,
           count(*), count(*) FILTER (WHERE e.event_type = 'page_view')
    FROM rebuild_events e
    CROSS JOIN LATERAL (
        SELECT 'event:name', e.event_type
        UNION ALL SELECT 'event:page', e.path
        UNION ALL SELECT 'event:hostname', e.hostname WHERE e.hostname IS NOT NULL
        UNION ALL SELECT 'event:props:' || p.key, p.value FROM jsonb_each_text(e.props) AS p
    ) AS d (dimension, value)
    WHERE e.in_range AND d.value IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5;

    WITH flagged AS (
        SELECT *, CASE WHEN occurred_at - lag(occurred_at) OVER w <= interval '30 minutes' THEN 0 ELSE 1 END AS starts
        FROM rebuild_events
        WINDOW w AS (PARTITION BY site_id, visitor_id ORDER BY occurred_at, event_id COLLATE "C")
    ), numbered AS (
        SELECT *, sum(starts) OVER (PARTITION BY site_id, visitor_id ORDER BY occurred_at, event_id COLLATE "C"
                                    ROWS UNBOUNDED PRECEDING) AS visit
        FROM flagged
    ), totals AS (
        SELECT site_id, visitor_id, visit, max(occurred_at) AS end_at,
               count(*) FILTER (WHERE event_type = 'page_view') AS pageviews, count(*) AS events
        FROM numbered GROUP BY 1, 2, 3
    ), firsts AS (
        SELECT DISTINCT ON (site_id, visitor_id, visit) * FROM numbered
        ORDER BY site_id, visitor_id, visit, occurred_at, event_id COLLATE "C"
    ), lasts AS (
        SELECT DISTINCT ON (site_id, visitor_id, visit) site_id, visitor_id, visit, event_id, path FROM numbered
        ORDER BY site_id, visitor_id, visit, occurred_at DESC, event_id COLLATE "C" DESC
    )
    INSERT INTO visits (site_id, visitor_id, start_at, end_at, day, first_event_id, last_event_id, entry_page, exit_page,
                        pageviews, events, hostname, source, referrer, utm_source, utm_medium, utm_campaign, utm_content,
                        utm_term, browser, browser_version, os, os_version, device)
    SELECT f.site_id, f.visitor_id, f.occurred_at, t.end_at, f.local_at::date, f.event_id, l.event_id, f.path, l.path,
           t.pageviews, t.events, f.hostname, f.source, f.referrer, f.utm_source, f.utm_medium, f.utm_campaign,
           f.utm_content, f.utm_term, f.browser, f.browser_version, f.os, f.os_version, f.device
    FROM firsts f
    JOIN totals t USING (site_id, visitor_id, visit)
    JOIN lasts l USING (site_id, visitor_id, visit)
    WHERE f.in_range;

    kept_from := (SELECT max(s.kept) FROM rebuild_scope s WHERE s.kept > coalesce(p_from, '-infinity'::date));
    counted := (SELECT count(*) FROM rebuild_events WHERE in_range);
    DROP TABLE rebuild_scope, rebuild_events;
END
$$;
-- +goose StatementEnd

-- The upgrade path: fill the new projections from the raw events exactly as a rebuild does. The ALTER above
-- holds an exclusive lock on events until this migration commits, so no processor writes meanwhile.
SELECT rebuild_projections(NULL, NULL, NULL);

-- A processor of an earlier build would store events without visitor_id and advance neither visits nor
-- hourly_visitors, so those projections would drift from a rebuild: builds before this one cannot run.
UPDATE schema_compatibility SET oldest_build = 9;

-- +goose Down
UPDATE schema_compatibility SET oldest_build = 5;
DROP FUNCTION rebuild_projections(text, date, date);
DROP FUNCTION rebuild_first_day(text, timestamptz);
DROP TABLE raw_events_horizon;
DROP TABLE hourly_visitors;
DROP TABLE visits;
ALTER TABLE events
    DROP COLUMN visitor_id, DROP COLUMN url, DROP COLUMN hostname, DROP COLUMN referrer, DROP COLUMN source,
    DROP COLUMN utm_source, DROP COLUMN utm_medium, DROP COLUMN utm_campaign, DROP COLUMN utm_content,
    DROP COLUMN utm_term, DROP COLUMN browser, DROP COLUMN browser_version, DROP COLUMN os, DROP COLUMN os_version,
    DROP COLUMN device, DROP COLUMN props;
