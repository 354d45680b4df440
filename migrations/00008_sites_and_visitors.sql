-- +goose Up
-- Sites that an operator registered (admin sites create): each has the IANA time zone its days are counted
-- in. A site id nobody registered is counted in UTC, as before this migration.
CREATE TABLE sites (
    site_id    text        PRIMARY KEY,
    time_zone  text        NOT NULL DEFAULT 'UTC',
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One random salt per calendar date for cookieless visitor ids (internal/visitor): ingestion hashes it
-- with the site, the client's address and user agent. Every replica reads the same row; a salt is deleted
-- once no time zone is still in its date, after which nobody can recompute that date's ids.
CREATE TABLE visitor_salts (
    day        date        PRIMARY KEY,
    salt       bytea       NOT NULL CHECK (octet_length(salt) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The visitor of an event that has no visitor_id (stored before this migration, or published by an older
-- ingestion): its user when it has a user_id (not NULL, not empty), otherwise a visitor of its own. The same function as
-- visitor.FromUser and visitor.FromEvent in Go (internal/visitor), which a test holds equal.
-- +goose StatementBegin
CREATE FUNCTION visitor_of(site_id text, user_id text, event_id text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ('x' || encode(substr(sha256(convert_to(kind, 'UTF8') || '\x00'::bytea || convert_to(site_id, 'UTF8')
        || '\x00'::bytea || convert_to(id, 'UTF8')), 1, 8), 'hex'))::bit(64)::bigint
    FROM (SELECT CASE WHEN coalesce(user_id, '') <> '' THEN 'user' ELSE 'event' END AS kind,
                 CASE WHEN coalesce(user_id, '') <> '' THEN user_id ELSE event_id END AS id) AS v
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION visitor_of(text, text, text);
DROP TABLE visitor_salts;
DROP TABLE sites;
