-- +goose Up
-- Raw events of bots, which ingestion publishes only with KEEP_BOT_EVENTS=true, are stored with
-- is_bot = true and counted in no projection (processor/store.go). A column with a constant default is
-- added without rewriting the table, under a lock held only for the change of the catalogue.
--
-- The previous build runs on this schema (its inserts take the default; schema_compatibility stays), but
-- it counts bot events like any other: deploy this processor before turning KEEP_BOT_EVENTS on.
ALTER TABLE events ADD COLUMN is_bot boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE events DROP COLUMN is_bot;
