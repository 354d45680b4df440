// Package projections owns the projections of the raw events: the tables that answer questions, how
// they are written (Apply), read (Stats), invalidated (Key, ChangedChannel) and recomputed (Rebuild), and
// the migrations that create them (migrations/00001, 00002, 00005, 00009). The processor and reporting
// use it; nothing else writes or reads these tables. Whoever adds a projection changes this package: the
// write statement, the rebuild function (a new migration replacing rebuild_projections and calling it, so
// an upgraded database is filled) and the tests that hold the two equal.
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
//   - One transaction advances every projection from exactly the raw events it inserted, so each
//     (site_id, event_id) is counted once ever, and a reader sees all of an event or none of it.
//   - daily_path_views never changes without daily_aggregates of the same site-day changing in the same
//     transaction: only daily_aggregates carries the stats_changed triggers (migrations 00002 and 00005),
//     and reporting's cache forgets a /stats answer on its notification. Apply upserts daily_aggregates
//     for every site-day it touches (a superset of the path views'). Whoever changes daily_path_views by
//     hand without touching daily_aggregates must run SELECT pg_notify('stats_changed', '*').
//   - A site's projections change only under its write stripe (LockNamespace), which Apply holds shared
//     and Rebuild exclusively, before their first write: a rebuild never interleaves with a write to its
//     site. Visits and the daily tables change only under the site's merge stripe (MergeLockNamespace),
//     which Apply takes exclusively after it has written the raw events and hourly_visitors, before the
//     statement that advances them, whose snapshot then holds every earlier merge of those sites: visits
//     merge exactly whatever the order. Writers of a site wait for each other only there, and for the
//     hourly_visitors rows both increment.
//   - Raw events are deleted only after their cutoff is recorded (RecordExpiry); Rebuild leaves the days
//     before it alone.
package projections
