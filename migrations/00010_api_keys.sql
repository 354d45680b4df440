-- +goose Up
-- Keys of the query API (internal/apikeys, admin keys create|list|revoke). Postgres keeps only the
-- SHA-256 of a key, which is shown once when it is created; site_id NULL is a key for every site. A
-- revoked key keeps its row, so that `admin keys list` still names it. site_id references no site: a site
-- nobody registered is counted too, and a key for it is valid while its events are there.
CREATE TABLE api_keys (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL DEFAULT '',
    site_id    text,
    key_hash   bytea       NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- A public site's statistics are answered without a key (admin sites update -public). The previous build
-- names its columns of sites, so it runs on this schema: schema_compatibility stays.
ALTER TABLE sites ADD COLUMN public boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE sites DROP COLUMN public;
DROP TABLE api_keys;
