-- +goose Up
-- Projections in two stages (issue 12): the processor's write (projections.Apply) stores the raw events
-- and advances the daily tables in the transaction that stores them, and queues each new event that is
-- not a bot's here; the projector (projections.Project) takes queued events in large chunks and advances
-- visits and hourly_visitors from them, deleting them from the queue in the same transaction, so each
-- event is projected once. Only one projector works at a time (projections.ProjectorLock), and a rebuild
-- takes the same lock, drains the queue of its site and recomputes.
--
-- No index: the projector takes whatever rows it sees, in no order (its merge does not depend on the
-- order), and deletes them by ctid. Its deletions leave dead rows that the next chunk's scan prunes;
-- autovacuum is told to run after every 20,000 of them so the table stays a few pages long.
CREATE TABLE projection_queue (
    site_id  text NOT NULL,
    event_id text NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 20000);

-- A processor of an earlier build advances visits and hourly_visitors itself, under a lock the projector
-- does not take: the two would merge the same visits at once. Builds before this one cannot run.
UPDATE schema_compatibility SET oldest_build = 10;

-- +goose Down
-- Events still queued are in the daily tables but not yet in visits or hourly_visitors: recompute those
-- from the raw events before the queue goes, as the earlier build keeps them.
SELECT rebuild_projections(NULL, NULL, NULL) WHERE EXISTS (SELECT FROM projection_queue);
UPDATE schema_compatibility SET oldest_build = 9;
DROP TABLE projection_queue;
