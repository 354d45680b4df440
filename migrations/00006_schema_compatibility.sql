-- +goose Up
-- The oldest build that can run on this schema, named by the newest migration it embeds. A service whose
-- build is older than the schema accepts it only from that build on (internal/database/schema.go), so that
-- a deploy may migrate before it replaces the services when the migrations in between allow it, and a
-- service that cannot work on the schema says so at start-up instead of failing every write. A migration
-- that the previous build cannot run on raises it to its own version, as 00004 (a processor before it
-- conflicts on a key that no longer exists) and 00005 (reporting before it waits for notifications that
-- no longer come) would have.
CREATE TABLE schema_compatibility (
    only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    oldest_build bigint  NOT NULL
);
INSERT INTO schema_compatibility (oldest_build) VALUES (5);

-- +goose Down
DROP TABLE schema_compatibility;
