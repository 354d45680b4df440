-- +goose Up
-- Sources of Segment-spec events (internal/sources, admin sources create|list|revoke): each has a write
-- key that decides the site its events count for. Postgres keeps only the SHA-256 of a key, shown once
-- when it is created. A revoked source keeps its row, so that `admin sources list` still names it.
-- site_id references no site, as api_keys' does: a site nobody registered is counted too.
CREATE TABLE sources (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id    text        NOT NULL,
    name       text        NOT NULL DEFAULT '',
    key_hash   bytea       NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- +goose Down
DROP TABLE sources;
