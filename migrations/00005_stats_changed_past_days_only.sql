-- +goose Up
-- Notify stats_changed only for site-days before today (UTC); reporting keeps its answers for yesterday,
-- today and later days for at most STATS_CACHE_MAX_STALENESS instead (reporting/cache.go).
--
-- Why: a transaction that notifies takes a cluster-wide lock from its pre-commit until the end of its
-- commit, WAL flush included, so the commits of every notifying transaction in the cluster run one at a
-- time. Nearly every projection commit changes today, and today's answers were forgotten by nearly every
-- batch anyway. With four writers committing one event each, the triggers of 00002 halved the commit
-- rate, and the same trigger without pg_notify did not (BenchmarkNotifyCost in reporting/).
--
-- Yesterday is still notified although reporting expires it too: reporting's clock and Postgres's may
-- disagree about the date for a while around midnight, and a day that reporting leaves to the
-- notifications (two days back and older) must then still be notified. Events dated earlier (late or
-- back-filled) notify as before, as do DELETE and TRUNCATE ('*', notify_stats_changed_all).

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION notify_stats_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    today   date := (now() AT TIME ZONE 'UTC')::date;
    keys    text;
    newline boolean;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT string_agg(site_id || '|' || to_char(day, 'YYYY-MM-DD'), E'\n'), bool_or(strpos(site_id, E'\n') > 0)
        INTO keys, newline
        FROM (SELECT site_id, day FROM changed WHERE day < today
              UNION SELECT site_id, day FROM previous WHERE day < today) AS k;
    ELSE
        SELECT string_agg(site_id || '|' || to_char(day, 'YYYY-MM-DD'), E'\n'), bool_or(strpos(site_id, E'\n') > 0)
        INTO keys, newline
        FROM (SELECT DISTINCT site_id, day FROM changed WHERE day < today) AS k;
    END IF;
    IF keys IS NULL THEN
        RETURN NULL;
    END IF;
    IF newline OR octet_length(keys) > 7900 THEN
        keys := '*';
    END IF;
    PERFORM pg_notify('stats_changed', keys);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION notify_stats_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keys    text;
    newline boolean;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT string_agg(site_id || '|' || to_char(day, 'YYYY-MM-DD'), E'\n'), bool_or(strpos(site_id, E'\n') > 0)
        INTO keys, newline
        FROM (SELECT site_id, day FROM changed UNION SELECT site_id, day FROM previous) AS k;
    ELSE
        SELECT string_agg(site_id || '|' || to_char(day, 'YYYY-MM-DD'), E'\n'), bool_or(strpos(site_id, E'\n') > 0)
        INTO keys, newline
        FROM (SELECT DISTINCT site_id, day FROM changed) AS k;
    END IF;
    IF keys IS NULL THEN
        RETURN NULL;
    END IF;
    IF newline OR octet_length(keys) > 7900 THEN
        keys := '*';
    END IF;
    PERFORM pg_notify('stats_changed', keys);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
