-- +goose Up
-- Reporting caches /stats answers by site and day and forgets them when it hears, on channel
-- stats_changed, which site-days changed. Postgres delivers a notification only when its transaction
-- commits, so reporting hears of a change once readers can see it, never before.
--
-- The payload is the distinct changed keys "site_id|YYYY-MM-DD", one per line, or '*' for "anything may
-- have changed": when the keys would not fit in a notification (the limit is 8000 bytes), when a site_id
-- holds a newline (it would break the lines), on DELETE and on TRUNCATE.
--
-- Only daily_aggregates carries the triggers. /stats also reads daily_path_views, and this is enough
-- because the processor never changes one without the other (projections/doc.go): its single statement
-- (projections/apply_sql.go) upserts daily_path_views for the (site_id, day) pairs of the page views it inserted, and
-- upserts daily_aggregates for the (site_id, day) pairs of all the events it inserted, a superset, in the
-- same statement and so in the same transaction; an upsert that updates a row puts it in the UPDATE
-- trigger's transition table. Whoever changes daily_path_views by hand without touching daily_aggregates
-- must say so: SELECT pg_notify('stats_changed', '*');
--
-- Postgres 15 allows a transition table only on a trigger for a single event, hence one trigger for
-- INSERT and one for UPDATE (INSERT ... ON CONFLICT DO UPDATE fires both, each with its own rows). An
-- UPDATE also names the keys its rows had before, in case it moved a row to another site or day.

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

-- +goose StatementBegin
CREATE FUNCTION notify_stats_changed_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('stats_changed', '*');
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
CREATE TRIGGER daily_aggregates_deleted_notify
    AFTER DELETE ON daily_aggregates
    FOR EACH STATEMENT EXECUTE FUNCTION notify_stats_changed_all();
CREATE TRIGGER daily_aggregates_truncated_notify
    AFTER TRUNCATE ON daily_aggregates
    FOR EACH STATEMENT EXECUTE FUNCTION notify_stats_changed_all();

-- +goose Down
DROP TRIGGER daily_aggregates_truncated_notify ON daily_aggregates;
DROP TRIGGER daily_aggregates_deleted_notify ON daily_aggregates;
DROP TRIGGER daily_aggregates_updated_notify ON daily_aggregates;
DROP TRIGGER daily_aggregates_inserted_notify ON daily_aggregates;
DROP FUNCTION notify_stats_changed_all();
DROP FUNCTION notify_stats_changed();
