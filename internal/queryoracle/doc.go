// Package queryoracle is test tooling, never run in production: it answers a Plausible Stats API v2 query
// (POST /api/v2/query) in plain Go from the raw events, so that a test can compare the query engine's
// answers with an independent computation, and it generates random event sets and random queries.
//
// The rules it follows, each from Plausible's source (plausible/analytics, lib/plausible/stats) unless
// said otherwise:
//
//   - Counted events are the raw events that are not bots; an event's visitor is
//     coalesce(visitor_id, visitor_of(site_id, user_id, event_id)). event:name is "pageview" for our
//     event_type "page_view" and the event_type itself otherwise (one rule, both ways).
//   - A visit is a visitor's events on a site with no pause over 30 minutes, ties at one instant ordered by
//     event_id in byte order; its attributes come from its first event, exit_page from its last. A bounce
//     is a visit of exactly one event, of any name: Plausible starts every session as a bounce and clears
//     it on the next page view or interactive event (lib/plausible/session/cache_store.ex,
//     new_session_from_event and update_session), and we have no non-interactive events. Its duration is
//     end − start, to the microsecond.
//   - Ranges: a date range covers whole local days of the site's zone (UTC for a site nobody registered);
//     an event counts when occurred_at is in [first instant, end instant). Relative ranges with `date` D:
//     day = D; Nd = D−N … D−1 (test query_*_test.exs: "91d" with date 2022-07-01 starts 2022-04-01 and
//     ends 2022-06-30); month and year = the whole month or year of D; Nmo = the N whole months before
//     D's month; all = the first local day with a counted event of the site … D (D alone when
//     that day is not before D).
//   - A visit counts in a range when it STARTS in the range, and time dimensions bucket it by its start.
//     Plausible counts every session active in the range (sql/where_builder.ex: s.timestamp >= first and
//     s.start < last) and buckets it by its last event; our data model counts a visit on the local day it
//     starts, so the oracle does too, and so is the visits metric answered with the events (below)
//     unless grouped by an event dimension: the visits starting in the range, by the same dimensions and
//     filters, never the visits of the range's events that started before it. This is the one
//     deliberate difference.
//   - Which table answers (table_decider.ex, v2 with reduced joins): pageviews and events are event
//     metrics; bounce_rate, visit_duration and views_per_visit session metrics; visitors, visits and
//     percentage either. event:* filters and dimensions are event ones, visit:entry_page and
//     visit:exit_page session ones, other visit:* and time either. Without event metrics, event filters or
//     event dimensions the visits answer; without session ones the events answer; with event filters but
//     only either/session metrics and no event dimension, the visits answer (a visit passes when one of its
//     events in the range satisfies every filter); with session filters and no session metric or
//     dimension, the events answer (an event's visit:* values are its visit's). Otherwise event and
//     either metrics come from the events and session metrics, if any, from the visits grouped by the
//     same dimensions, visit:entry_page in place of event:page, with event:page filters renamed to
//     visit:entry_page when event:page is a dimension (query_optimizer.ex split_sessions_query); a row the
//     visits lack gets 0. A side left without metrics is dropped (partition_metrics rejects it), so
//     session metrics alone by event:page come from that split visits query only.
//   - bounce_rate with a top-level event:page filter counts only visits whose entry page satisfies it
//     (sql/expression.ex session_metric(:bounce_rate)).
//   - Rounding (sql/expression.ex, sql/special_metrics.ex): bounce_rate = round(bounces/visits*100),
//     visit_duration = round(sum(duration)/visits), views_per_visit = round(pageviews/visits, 2),
//     percentage = round(visitors/total_visitors*100, 1), null when total_visitors is 0, where
//     total_visitors is visitors of the same query without dimensions, from the same table; a ratio over
//     no visits is 0 (ifNotFinite). The oracle computes them as ClickHouse does: Float64 division, then
//     round, which for a Float64 takes a tie to the even neighbour (ClickHouse docs, Rounding functions,
//     round: "banker's rounding for float number types"), so 62.5 is 62 and 63.5 is 64.
//   - Dimension values (sql/expression.ex select_dimension): empty visit:source and visit:referrer are
//     "Direct / None"; empty utm_*, device, browser, browser_version, os and os_version "(not set)";
//     a missing property "(none)", and so is a missing hostname (Plausible always has one; we may not).
//     Filters with is/is_not map "Direct / None" and "(not set)" back to the empty value and "(none)" to
//     a missing property (sql/where_builder.ex); contains and matches test the stored value, matches with
//     an unanchored RE2 search; a filter other than is/is_not on a property needs it present
//     (filter_custom_prop), and so does one on a hostname, filtered as a property since Plausible has no
//     missing hostname to follow. case_sensitive false compares lower-cased values.
//   - time = time:hour when at most 48 whole hours lie between the range's first and last instants (a
//     range of two days), time:day up to 40 whole days (41 days), time:week up to 52 whole weeks,
//     time:month beyond (query_optimizer.ex resolve_time_dimension). Labels are the site's
//     wall clock: hour "2006-01-02 15:00:00", day "2006-01-02", week its Monday or the range's first day
//     if later (weekstart_not_before), month "2006-01-01". time_labels list every label of the range, 24
//     hours for every day (naive wall clock).
//   - Order: order_by, else the time dimension ascending then the first metric descending; ties then go
//     by the dimension values in byte order. total_rows counts the rows before pagination.
package queryoracle
