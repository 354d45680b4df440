-- +goose Up
-- What Segment's identify, group and alias calls say of a user or a group (their traits, groupId and
-- previousId; ingestion/segment.go) is kept with the raw event in its own column, which no projection and
-- no rebuild reads, so that it is stored and never reported: in props, the query API's event:props:<key>
-- breakdowns would show an identify's email to anyone holding a key, or to everyone on a public site.
-- A nullable column without a default is added without rewriting the table; existing rows get NULL.
--
-- The previous build runs on this schema (its inserts leave traits NULL; schema_compatibility stays), but
-- its processor does not know the events' traits and stores them without: deploy this processor before
-- this ingestion, whose identify, group and alias events carry traits instead of props.
ALTER TABLE events ADD COLUMN traits jsonb;

-- +goose Down
ALTER TABLE events DROP COLUMN traits;
