-- +goose Up
-- Notify stats_changed only for site-days before today (UTC), from row triggers that fire only for such
-- rows; reporting keeps its answers for yesterday, today and later days for at most
-- STATS_CACHE_MAX_STALENESS instead (reporting/cache.go).
--
-- Why: a transaction that notifies takes a cluster-wide lock from its pre-commit until the end of its
-- commit, WAL flush included, so the commits of every notifying transaction in the cluster run one at a
-- time; and nearly every projection commit changes today, whose answers were forgotten by nearly every
-- batch anyway. With four writers committing batches of one event, the statement triggers of 00002
-- halved the commit rate (BenchmarkNotifyCost in reporting/). Skipping the notification for today inside
-- those triggers still cost about a tenth: they capture every changed row in transition tables. A row
-- trigger whose WHEN clause is false is not even queued, so today's rows now cost one comparison each.
--
-- Each past row notifies its own key; Postgres sends a transaction's identical notifications once, and
-- the upsert changes each (site_id, day) row once per statement. A key that cannot be sent as one line of
-- at most 7900 bytes (a site_id holding a newline, or very long) notifies '*'. An UPDATE that moves a row
-- names the key it had before as well. DELETE and TRUNCATE still notify '*' (00002).
--
-- Yesterday is still notified although reporting expires it too: reporting's clock and Postgres's may
-- disagree about the date around midnight, and every day that reporting leaves to the notifications (two
-- days back and older) must be notified.
DROP TRIGGER daily_aggregates_inserted_notify ON daily_aggregates;
DROP TRIGGER daily_aggregates_updated_notify ON daily_aggregates;
DROP FUNCTION notify_stats_changed();

-- +goose StatementBegin
CREATE FUNCTION notify_stats_key(site_id text, day date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    key text := site_id || '|' || to_char(day, 'YYYY-MM-DD');
BEGIN
    IF strpos(site_id, E'\n') > 0 OR octet_length(key) > 7900 THEN
        key := '*';
    END IF;
    PERFORM pg_notify('stats_changed', key);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION notify_stats_changed_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.day < today AND (OLD.site_id, OLD.day) IS DISTINCT FROM (NEW.site_id, NEW.day) THEN
        PERFORM notify_stats_key(OLD.site_id, OLD.day);
    END IF;
    IF NEW.day < today THEN
        PERFORM notify_stats_key(NEW.site_id, NEW.day);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER daily_aggregates_inserted_notify
    AFTER INSERT ON daily_aggregates FOR EACH ROW
    WHEN (NEW.day < (now() AT TIME ZONE 'UTC')::date)
    EXECUTE FUNCTION notify_stats_changed_row();
CREATE TRIGGER daily_aggregates_updated_notify
    AFTER UPDATE ON daily_aggregates FOR EACH ROW
    WHEN (NEW.day < (now() AT TIME ZONE 'UTC')::date OR OLD.day < (now() AT TIME ZONE 'UTC')::date)
    EXECUTE FUNCTION notify_stats_changed_row();

-- +goose Down
DROP TRIGGER daily_aggregates_updated_notify ON daily_aggregates;
DROP TRIGGER daily_aggregates_inserted_notify ON daily_aggregates;
DROP FUNCTION notify_stats_changed_row();
DROP FUNCTION notify_stats_key(text, date);

-- +goose StatementBegin
CREATE FUNCTION notify_stats_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER daily_aggregates_inserted_notify
    AFTER INSERT ON daily_aggregates REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_stats_changed();
CREATE TRIGGER daily_aggregates_updated_notify
    AFTER UPDATE ON daily_aggregates REFERENCING OLD TABLE AS previous NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_stats_changed();
