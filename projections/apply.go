package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// DB sends a batch of statements in one round trip: a *pgxpool.Pool or *pgx.Conn (the batch is then its
// own implicit transaction) or a pgx.Tx. In a pgx.Tx, call Apply at most once: the merge statement finds
// the batch's new events as those of its keys inserted by the current transaction, so a second call in
// the same transaction would count again the events of the first that it repeats.
type DB interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Apply stores events and advances every projection from the ones that are new, counting each
// (site_id, event_id) at most once ever; a bot's event (Bot) is stored but counted in no projection. An
// event without a VisitorID gets visitor.Of. It returns how many events were new and projected.
//
// It is one round trip, one transaction of four statements: the write stripes of the batch's sites,
// shared, which only a rebuild waits for (sharedLockSQL); the raw events and hourly_visitors (applySQL),
// which writers of the same sites run at once; the merge stripes of the sites, exclusive (lockSQL with
// MergeLockNamespace); and the daily tables and the visits merge of the new events (visitsSQL), whose
// snapshot holds every merge of those sites committed before. So the projections end up the same
// whatever the order, the batching, the duplication or the concurrency of the deliveries, and concurrent
// writers of a site wait for each other only for the last statement and for the hourly_visitors rows both
// increment.
func Apply(ctx context.Context, db DB, events []event.Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	cols, err := columnsOf(events)
	if err != nil {
		return 0, fmt.Errorf("apply %d events: %w", len(events), err)
	}
	sites := cols.distinctSites()
	ids, idSites := cols.distinctKeys()
	batch := &pgx.Batch{}
	batch.Queue(sharedLockSQL, LockNamespace, sites)
	batch.Queue(applySQL, cols.args()...)
	batch.Queue(lockSQL, MergeLockNamespace, sites)
	batch.Queue(visitsSQL, ids, idSites)
	results := db.SendBatch(ctx, batch)
	_, err = results.Exec()
	var projected int
	if err == nil {
		err = results.QueryRow().Scan(&projected)
	}
	for range 2 {
		if err == nil {
			_, err = results.Exec()
		}
	}
	if closeErr := results.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return 0, fmt.Errorf("apply %d events: %w", len(events), err)
	}
	return projected, nil
}

// columns holds the events column by column, as the statement's arrays.
type columns struct {
	ids, sites, types, paths, users             []string
	times                                       []time.Time
	bots                                        []bool
	visitors                                    []int64
	urls, hostnames, referrers, sources         []string
	utmSources, utmMediums, utmCampaigns        []string
	utmContents, utmTerms                       []string
	browsers, browserVersions, oses, osVersions []string
	devices, props, traits                      []string
}

func columnsOf(events []event.Event) (*columns, error) {
	n := len(events)
	str := func() []string { return make([]string, n) }
	c := &columns{ids: str(), sites: str(), types: str(), paths: str(), users: str(), times: make([]time.Time, n),
		bots: make([]bool, n), visitors: make([]int64, n), urls: str(), hostnames: str(), referrers: str(),
		sources: str(), utmSources: str(), utmMediums: str(), utmCampaigns: str(), utmContents: str(), utmTerms: str(),
		browsers: str(), browserVersions: str(), oses: str(), osVersions: str(), devices: str(), props: str(), traits: str()}
	for i, e := range events {
		c.ids[i], c.sites[i], c.types[i], c.paths[i], c.users[i] = e.EventID, e.SiteID, e.EventType, e.Path, e.UserID
		c.times[i], c.bots[i], c.visitors[i] = e.Timestamp, e.Bot, e.VisitorID
		if e.VisitorID == 0 {
			c.visitors[i] = visitor.Of(e.SiteID, e.UserID, e.EventID)
		}
		c.urls[i], c.hostnames[i], c.referrers[i], c.sources[i] = e.URL, e.Hostname, e.Referrer, e.Source
		c.utmSources[i], c.utmMediums[i], c.utmCampaigns[i], c.utmContents[i], c.utmTerms[i] =
			e.UTMSource, e.UTMMedium, e.UTMCampaign, e.UTMContent, e.UTMTerm
		c.browsers[i], c.browserVersions[i], c.oses[i], c.osVersions[i], c.devices[i] =
			e.Browser, e.BrowserVersion, e.OS, e.OSVersion, e.Device
		var err error
		if c.props[i], err = jsonObject(e.Props); err != nil {
			return nil, fmt.Errorf("props of event %s: %w", e.EventID, err)
		}
		if c.traits[i], err = jsonObject(e.Traits); err != nil {
			return nil, fmt.Errorf("traits of event %s: %w", e.EventID, err)
		}
	}
	return c, nil
}

// jsonObject returns m as a JSON object, "" (stored as NULL) when it is empty.
func jsonObject(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// distinctSites returns the distinct site ids, sorted.
func (c *columns) distinctSites() []string {
	sites := slices.Clone(c.sites)
	slices.Sort(sites)
	return slices.Compact(sites)
}

// distinctKeys returns each (event id, site id) pair of the batch once, as two columns.
func (c *columns) distinctKeys() (ids, sites []string) {
	type key struct{ id, site string }
	seen := make(map[key]struct{}, len(c.ids))
	ids, sites = make([]string, 0, len(c.ids)), make([]string, 0, len(c.ids))
	for i, id := range c.ids {
		k := key{id, c.sites[i]}
		if _, ok := seen[k]; ok {
			continue
		}
		seen[k] = struct{}{}
		ids, sites = append(ids, id), append(sites, c.sites[i])
	}
	return ids, sites
}

func (c *columns) args() []any {
	return []any{c.ids, c.sites, c.types, c.paths, c.users, c.times, c.bots, c.visitors, c.urls, c.hostnames,
		c.referrers, c.sources, c.utmSources, c.utmMediums, c.utmCampaigns, c.utmContents, c.utmTerms, c.browsers,
		c.browserVersions, c.oses, c.osVersions, c.devices, c.props, c.traits}
}
