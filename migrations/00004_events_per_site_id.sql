-- +goose Up
-- An event is identified by its site and its event_id, not by its event_id alone: clients choose ids
-- freely and an SDK's message ids are unique only per source, so a key on event_id let one site's event
-- suppress another site's event with the same id. Every existing row keeps its key (ids were unique, so
-- they are unique per site too), and no projection changes.
--
-- The index leads with event_id: ingestion's ids are UUIDv7s, which sort by time, so new keys land at the
-- right edge of the index whatever the number of sites, and a comparison is decided by the first column
-- almost always. The order does not matter to ON CONFLICT (site_id, event_id), which matches the columns
-- as a set. Nothing reads raw events by site (see 00003); add an index on site_id if something does.
--
-- The ALTER rebuilds the index under an exclusive lock, so the processor waits for it. A processor
-- still running the previous version fails its ON CONFLICT (event_id) from then on (SQLSTATE 42P10, not
-- a data error, so its messages are retried, not poisoned) until it is replaced.
ALTER TABLE events DROP CONSTRAINT events_pkey, ADD CONSTRAINT events_pkey PRIMARY KEY (event_id, site_id);

-- +goose Down
-- Refuses while an event_id is used by more than one site: the key of version 3 cannot hold both rows,
-- and dropping either would leave the projections counting an event that is gone.
-- +goose StatementBegin
DO $$
DECLARE
    shared bigint;
BEGIN
    SELECT count(*) INTO shared FROM (SELECT FROM events GROUP BY event_id HAVING count(*) > 1) AS d;
    IF shared > 0 THEN
        RAISE EXCEPTION '% event ids are used by more than one site; a primary key on event_id alone cannot hold them', shared
            USING HINT = 'Delete or re-key one site''s rows (and correct its projections) before migrating down.';
    END IF;
END
$$;
-- +goose StatementEnd
ALTER TABLE events DROP CONSTRAINT events_pkey, ADD CONSTRAINT events_pkey PRIMARY KEY (event_id);
