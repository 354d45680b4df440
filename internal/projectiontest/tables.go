// Package projectiontest is test tooling, never used by a service: an oracle that computes in plain Go,
// without SQL, the rows every projection table must hold for a set of raw events; a reader of those
// tables; a comparison that names the first differing rows; and a generator of random event sets that
// hold the hard cases (time zones, local midnights, a DST change, visits that merge and cross midnight).
package projectiontest

// Table is one projection table as the oracle knows it: its columns, the first Key of which are its
// primary key.
type Table struct {
	Name    string
	Columns []string
	Key     int
}

// Tables are the projection tables compared, in the order comparisons report them.
var Tables = []Table{
	{Name: "daily_aggregates", Columns: []string{"site_id", "day", "total_views", "total_events", "unique_users"}, Key: 2},
	{Name: "daily_event_types", Columns: []string{"site_id", "day", "event_type", "events"}, Key: 3},
	{Name: "daily_path_views", Columns: []string{"site_id", "day", "path", "views"}, Key: 3},
	{Name: "daily_unique_users", Columns: []string{"site_id", "day", "user_id"}, Key: 3},
	{Name: "visits", Columns: []string{"site_id", "visitor_id", "start_at", "end_at", "day",
		"first_event_id", "last_event_id", "entry_page", "exit_page", "pageviews", "events",
		"hostname", "source", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
		"browser", "browser_version", "os", "os_version", "device"}, Key: 3},
	{Name: "hourly_visitors", Columns: []string{"site_id", "hour", "dimension", "value", "visitor_id", "events", "pageviews"}, Key: 5},
}

// Rows are a table's rows, each cell formatted as Format writes it.
type Rows [][]string

// Snapshot is every projection table's rows, by table name.
type Snapshot map[string]Rows
