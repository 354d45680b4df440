-- +goose Up
-- Raw events: one row per event_id; the primary key is the exactly-once guard.
CREATE TABLE events (
    event_id    text        PRIMARY KEY,
    site_id     text        NOT NULL,
    event_type  text        NOT NULL,
    path        text        NOT NULL,
    user_id     text,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_site_occurred_idx ON events (site_id, occurred_at);

-- Per site and UTC day: page views, all events, distinct non-empty users.
CREATE TABLE daily_aggregates (
    site_id      text   NOT NULL,
    day          date   NOT NULL,
    total_views  bigint NOT NULL DEFAULT 0,
    total_events bigint NOT NULL DEFAULT 0,
    unique_users bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, day)
);

-- Per site, UTC day and event type: how many events of that type.
CREATE TABLE daily_event_types (
    site_id    text   NOT NULL,
    day        date   NOT NULL,
    event_type text   NOT NULL,
    events     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, day, event_type)
);

-- Per site, UTC day and path: page views.
CREATE TABLE daily_path_views (
    site_id text   NOT NULL,
    day     date   NOT NULL,
    path    text   NOT NULL,
    views   bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, day, path)
);
-- Serves the top paths of a day in order; ties go by path in byte order, whatever the database collation.
CREATE INDEX daily_path_views_top_idx ON daily_path_views (site_id, day, views DESC, path COLLATE "C");

-- Per site and UTC day: each user seen; a new row advances daily_aggregates.unique_users.
CREATE TABLE daily_unique_users (
    site_id text NOT NULL,
    day     date NOT NULL,
    user_id text NOT NULL,
    PRIMARY KEY (site_id, day, user_id)
);

-- +goose Down
DROP TABLE daily_unique_users;
DROP TABLE daily_path_views;
DROP TABLE daily_event_types;
DROP TABLE daily_aggregates;
DROP TABLE events;
