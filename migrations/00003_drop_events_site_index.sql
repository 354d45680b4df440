-- +goose Up
-- Nothing reads raw events by site and time (reporting reads the projections), and maintaining this index
-- cost about a tenth of the processor's write throughput. The raw table stays keyed by event_id, which is
-- the exactly-once guard. Add an index like this one back if you query raw events by site.
DROP INDEX IF EXISTS events_site_occurred_idx;

-- +goose Down
CREATE INDEX events_site_occurred_idx ON events (site_id, occurred_at);
