package queryoracle

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Querier is what Load needs of a connection or pool.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// eventsSQL reads every counted raw event, the source of truth, with its visitor as readers must take it.
const eventsSQL = `
SELECT site_id, event_id, event_type, path, occurred_at,
       coalesce(visitor_id, visitor_of(site_id, user_id, event_id)),
       coalesce(hostname, ''), coalesce(source, ''), coalesce(referrer, ''),
       coalesce(utm_source, ''), coalesce(utm_medium, ''), coalesce(utm_campaign, ''),
       coalesce(utm_content, ''), coalesce(utm_term, ''),
       coalesce(browser, ''), coalesce(browser_version, ''), coalesce(os, ''), coalesce(os_version, ''),
       coalesce(device, ''), coalesce(props::text, '{}')
FROM events WHERE NOT is_bot`

// Load reads the raw events and the sites' zones from Postgres and builds the data the oracle answers from.
func Load(ctx context.Context, db Querier) (*Data, error) {
	zones, err := loadZones(ctx, db)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, eventsSQL)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	var raws []raw
	for rows.Next() {
		var r raw
		var typ, props string
		a := &r.attrs
		if err := rows.Scan(&r.site, &r.ID, &typ, &r.Page, &r.At, &r.Visitor, &r.Hostname, &a.Source, &a.Referrer,
			&a.UTM[0], &a.UTM[1], &a.UTM[2], &a.UTM[3], &a.UTM[4], &a.Browser, &a.BrowserVer, &a.OS, &a.OSVersion,
			&a.Device, &props); err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		r.Name = eventName(typ)
		if r.Props, err = decodeProps(props); err != nil {
			return nil, fmt.Errorf("props of event %s: %w", r.ID, err)
		}
		raws = append(raws, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return build(raws, zones), nil
}

// decodeProps turns the props object into strings: a JSON string as itself, anything else as its JSON text.
func decodeProps(text string) (map[string]string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, nil
	}
	props := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			props[k] = s
			continue
		}
		props[k] = string(v)
	}
	return props, nil
}

func loadZones(ctx context.Context, db Querier) (map[string]*time.Location, error) {
	rows, err := db.Query(ctx, `SELECT site_id, time_zone FROM sites`)
	if err != nil {
		return nil, fmt.Errorf("read sites: %w", err)
	}
	defer rows.Close()
	zones := map[string]*time.Location{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("read sites: %w", err)
		}
		z, err := time.LoadLocation(name)
		if err != nil {
			return nil, fmt.Errorf("zone of site %s: %w", id, err)
		}
		zones[id] = z
	}
	return zones, rows.Err()
}
