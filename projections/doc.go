// Package projections owns the projections of the raw events: the tables that answer questions, how
// they are written (Apply, then Project), read (Stats), invalidated (Key, ChangedChannel) and recomputed
// (Rebuild), and the migrations that create them (migrations/00001, 00002, 00005, 00009, 00010). The
// processor and reporting use it; nothing else writes or reads these tables. Whoever adds a projection
// changes this package: the write statement, the rebuild function (a new migration replacing
// rebuild_projections and calling it, so an upgraded database is filled) and the tests that hold the
// two equal.
//
// The write has two stages. Apply, the processor's batch, stores the raw events, advances the daily
// tables from the new ones and queues them (projection_queue); Project, the projector every processor
// runs, takes queued events in chunks and advances visits and hourly_visitors from them.
//
// The tables, all keyed by site_id first, with days and hours in the site's time zone (sites.time_zone;
// a site nobody registered counts in UTC), and bots' events (events.is_bot) in none of them:
//
//   - daily_aggregates (site, day): page views, events, distinct non-empty user ids; the seed's /stats.
//   - daily_path_views (site, day, path): page views; /stats's top paths.
//   - daily_event_types (site, day, event type): events.
//   - daily_unique_users (site, day, user id): the users behind daily_aggregates.unique_users.
//   - visits (site, visitor, start): one row per visit, counted on the day it starts.
//   - hourly_visitors (site, hour, dimension, value, visitor): events and page views of a visitor in an
//     hour for one value of an event dimension ('event:name', 'event:page', 'event:hostname',
//     'event:props:<key>'); distinct visitors over any range are count(DISTINCT visitor_id).
//
// Invariants every writer keeps:
//
//   - One transaction (Apply) inserts the raw events, advances the daily tables from exactly the ones it
//     inserted and queues those; one transaction (Project) deletes queued events and advances visits and
//     hourly_visitors from exactly those. So each (site_id, event_id) is counted once ever in each
//     projection, and a reader sees all of an event or none of it in each stage.
//   - daily_path_views never changes without daily_aggregates of the same site-day changing in the same
//     transaction: only daily_aggregates carries the stats_changed triggers (migrations 00002 and 00005),
//     and reporting's cache forgets a /stats answer on its notification. Apply upserts daily_aggregates
//     for every site-day it touches (a superset of the path views'). Whoever changes daily_path_views by
//     hand without touching daily_aggregates must run SELECT pg_notify('stats_changed', '*').
//   - A site's daily tables change only under its write stripe (LockNamespace), which Apply holds shared
//     and Rebuild exclusively, before their first write: a rebuild never interleaves with a write to its
//     site. Visits and hourly_visitors change only under the projector lock (ProjectorLockNamespace),
//     which Project and Rebuild take exclusively: one chunk's snapshot holds every earlier merge, so
//     visits merge exactly whatever the order, and a rebuild projects its site's queued events before it
//     recomputes, so none is counted twice.
//   - Raw events are deleted only after their cutoff is recorded (RecordExpiry); Rebuild leaves the days
//     before it alone.
package projections
