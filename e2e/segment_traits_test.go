package e2e_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/messaging"
)

// An identify's traits are stored with its raw event (events.traits) and reported nowhere: the query
// API's event:props:<key> breakdowns, which anyone holding a key (everyone, on a public site) can read,
// show a track's properties but not an identify's email.
func TestSegmentTraitsAreStoredNotReported(t *testing.T) {
	t.Parallel()
	p := startPipeline(t, messaging.BrokerRedis, identifyVisitors)
	publicSites(t, p.databaseURL, "shop")
	key := writeKey(t, p.databaseURL, "shop")
	postSegment(t, p.ingestionURL, key, "/v1/batch", `{"batch":[
		{"type":"identify","userId":"u1","messageId":"i1","traits":{"email":"ada@example.com","plan":"pro"}},
		{"type":"track","userId":"u1","event":"Signup","messageId":"m1","properties":{"plan":"pro"}}]}`)

	breakdown := func(key string) string {
		dimension := `"event:props:` + key + `"`
		return `{"site_id":"shop","metrics":["events"],"date_range":"day","dimensions":[` + dimension + `],"order_by":[[` + dimension + `,"asc"]]}`
	}
	waitForQuery(t, p.reportingURL, `{"site_id":"shop","metrics":["events"],"date_range":"day","dimensions":["event:name"],"order_by":[["event:name","asc"]]}`,
		`[{"metrics":[1],"dimensions":["Signup"]},{"metrics":[1],"dimensions":["identify"]}]`)
	// Events without the property count under (none): the identify has props of neither key.
	waitForQuery(t, p.reportingURL, breakdown("email"), `[{"metrics":[2],"dimensions":["(none)"]}]`)
	waitForQuery(t, p.reportingURL, breakdown("plan"), `[{"metrics":[1],"dimensions":["(none)"]},{"metrics":[1],"dimensions":["pro"]}]`)

	pool, err := pgxpool.New(context.Background(), p.databaseURL)
	require.NoError(t, err)
	defer pool.Close()
	require.Equal(t, "ada@example.com|pro|t",
		queryRow(t, pool, `SELECT concat_ws('|', traits->>'email', traits->>'plan', props IS NULL) FROM events WHERE event_id = 'i1'`))
}
