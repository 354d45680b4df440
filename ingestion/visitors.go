package ingestion

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/clientip"
	"github.com/analytics-pipeline/analytics/internal/httpapi"
	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// lookupTimeout bounds the Postgres work one request may wait for: a salt or the sites' zones that no
// cache holds yet.
const lookupTimeout = 2 * time.Second

// Visitors gives accepted events their VisitorID (see internal/visitor), unless their endpoint gave it
// (visitor.FromAnonymous): visitor.FromUser when the event has a user_id; otherwise
// visitor.Cookieless over the salt of the event's date in its site's time zone, the site, the client's
// address and its user agent; visitor.FromEvent when that date has no salt (an event older than its
// date's salt, or from a date no time zone is in yet). Zones and salts come from
// Postgres through caches, refreshed by Run, so Postgres being down matters only for what no cache holds.
type Visitors struct {
	zones *sites.Zones
	salts *visitor.Salts
}

// NewVisitors reads zones and salts from pool, with now as the clock (time.Now outside tests).
func NewVisitors(pool *pgxpool.Pool, now func() time.Time, log *slog.Logger) *Visitors {
	return &Visitors{zones: sites.NewZones(pool, log), salts: visitor.NewSalts(pool, now)}
}

// IdentifyVisitors makes the handlers of Routes, called after it, give each event they publish its
// VisitorID from v, and /ready report whether v can. Without it events are published with VisitorID 0,
// which the processor replaces by visitor.Of (an anonymous event is then a visitor of its own): only
// tests and programs that embed the API without Postgres do that; cmd/ingestion always identifies.
func (a *API) IdentifyVisitors(v *Visitors) {
	a.visitors = v
	broker := a.ready
	a.ready = func(ctx context.Context) error {
		if broker != nil {
			if err := broker(ctx); err != nil {
				return err
			}
		}
		if err := v.ready(ctx); err != nil {
			return fmt.Errorf("postgres (sites and visitor salts): %w", err)
		}
		return nil
	}
}

// Refresh reads the sites' zones again and refreshes the salts (visitor.Salts.Refresh: create the live
// dates' salts, delete the expired ones).
func (v *Visitors) Refresh(ctx context.Context) error {
	return errors.Join(v.zones.Refresh(ctx), v.salts.Refresh(ctx))
}

// Run refreshes every interval until ctx ends, the first time at once; a failure is logged, and the
// caches keep serving.
func (v *Visitors) Run(ctx context.Context, interval time.Duration, log *slog.Logger) {
	const msg = "sites and visitor salts not refreshed; the cached ones serve"
	if err := v.Refresh(ctx); err != nil && ctx.Err() == nil {
		log.Warn(msg, "err", err)
	}
	sites.KeepFresh(ctx, interval, v.Refresh, log, msg)
}

// ready is nil when every event of now can be identified without Postgres (the zones were read and the
// salt of every date a time zone is in is cached) or, failing that, when Postgres answers a refresh.
func (v *Visitors) ready(ctx context.Context) error {
	if v.zones.Loaded() && v.salts.Covered() {
		return nil
	}
	return v.Refresh(ctx)
}

// assign sets the VisitorID of each of r's events. Its error, Postgres failing for a salt or zone that
// no cache holds, means that none may be published.
func (v *Visitors) assign(ctx context.Context, r *http.Request, events []event.Event) error {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	var ip string
	var keyed *visitor.Keyed // of keyedDay: a request's events are mostly of one date
	var keyedDay time.Time
	for i := range events {
		e := &events[i]
		if e.VisitorID != 0 { // its endpoint knew it (Segment's anonymousId)
			continue
		}
		if e.UserID != "" {
			e.VisitorID = visitor.FromUser(e.SiteID, e.UserID)
			continue
		}
		loc, err := v.zones.Get(ctx, e.SiteID)
		if err != nil {
			return err
		}
		day := visitor.Day(e.Timestamp, loc)
		if keyed == nil || !day.Equal(keyedDay) {
			salt, ok, err := v.salts.For(ctx, day)
			if err != nil {
				return err
			}
			if !ok {
				e.VisitorID = visitor.FromEvent(e.SiteID, e.EventID)
				continue
			}
			keyed, keyedDay = visitor.NewKeyed(salt), day
		}
		if ip == "" {
			ip = clientip.From(r).String()
		}
		e.VisitorID = keyed.ID(e.SiteID, ip, e.UserAgent)
	}
	return nil
}

// identified gives events their visitors and reports true, or answers 503 and reports false when a
// visitor cannot be computed now (Postgres is needed and does not answer); nothing is published then.
func (a *API) identified(w http.ResponseWriter, r *http.Request, events []event.Event) bool {
	if a.visitors == nil {
		return true
	}
	err := a.visitors.assign(r.Context(), r, events)
	if err == nil {
		return true
	}
	a.metrics.reject(rejectUnavailable, len(events))
	httpapi.LogError(a.log, w, r, "visitors not identified; events not queued", "err", err)
	w.Header().Set("Retry-After", retryAfterSeconds)
	httpapi.WriteError(w, http.StatusServiceUnavailable, "the events' visitors cannot be identified: the database is unavailable; retry later")
	return false
}
