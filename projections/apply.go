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
// own implicit transaction) or a pgx.Tx.
type DB interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Apply stores events, counting each (site_id, event_id) at most once ever, advances the daily tables
// from the ones that are new and queues those for the projector (Project), which advances visits and
// hourly_visitors; a bot's event (Bot) is stored but counted in no projection. An event without a
// VisitorID gets visitor.Of. It returns how many events were new and counted.
//
// It is one round trip, one transaction of two statements: the write stripes of the batch's sites,
// shared, which only a rebuild waits for (sharedLockSQL), then the write (applySQL). Concurrent writers
// of a site wait for each other only for the daily rows both increment.
func Apply(ctx context.Context, db DB, events []event.Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	cols, err := columnsOf(events)
	if err != nil {
		return 0, fmt.Errorf("apply %d events: %w", len(events), err)
	}
	batch := &pgx.Batch{}
	batch.Queue(sharedLockSQL, LockNamespace, cols.distinctSites())
	batch.Queue(applySQL, cols.args()...)
	results := db.SendBatch(ctx, batch)
	_, err = results.Exec()
	var counted int
	if err == nil {
		err = results.QueryRow().Scan(&counted)
	}
	if closeErr := results.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return 0, fmt.Errorf("apply %d events: %w", len(events), err)
	}
	return counted, nil
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
	devices, props                              []string
}

func columnsOf(events []event.Event) (*columns, error) {
	n := len(events)
	str := func() []string { return make([]string, n) }
	c := &columns{ids: str(), sites: str(), types: str(), paths: str(), users: str(), times: make([]time.Time, n),
		bots: make([]bool, n), visitors: make([]int64, n), urls: str(), hostnames: str(), referrers: str(),
		sources: str(), utmSources: str(), utmMediums: str(), utmCampaigns: str(), utmContents: str(), utmTerms: str(),
		browsers: str(), browserVersions: str(), oses: str(), osVersions: str(), devices: str(), props: str()}
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
		if len(e.Props) > 0 {
			b, err := json.Marshal(e.Props)
			if err != nil {
				return nil, fmt.Errorf("props of event %s: %w", e.EventID, err)
			}
			c.props[i] = string(b)
		}
	}
	return c, nil
}

// distinctSites returns the distinct site ids, sorted.
func (c *columns) distinctSites() []string {
	sites := slices.Clone(c.sites)
	slices.Sort(sites)
	return slices.Compact(sites)
}

func (c *columns) args() []any {
	return []any{c.ids, c.sites, c.types, c.paths, c.users, c.times, c.bots, c.visitors, c.urls, c.hostnames,
		c.referrers, c.sources, c.utmSources, c.utmMediums, c.utmCampaigns, c.utmContents, c.utmTerms, c.browsers,
		c.browserVersions, c.oses, c.osVersions, c.devices, c.props}
}
