-- +goose Up
-- The origins whose browsers may send a site's events (admin sites update -allowed-origins): ingestion
-- refuses a POST whose Origin header a site's list does not hold. NULL, every existing site's value, is
-- any origin. Each origin is scheme://host[:port] as a browser writes it (ingestion/cors.go,
-- internal/sites/origins.go). The previous build names its columns of sites, so it runs on this schema:
-- schema_compatibility stays.
ALTER TABLE sites ADD COLUMN allowed_origins text[];

-- +goose Down
ALTER TABLE sites DROP COLUMN allowed_origins;
