package e2e_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/sources"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// Calls of Segment's spec reach the projections exactly, on every broker: a call sent again with the
// same messageId (an SDK's retry, alone or inside a batch) counts once; an anonymousId is one visitor
// whatever its user agents; identify is an event of its own, not a view; calls without a page are of
// the path /.
func TestSegmentCountsExactly(t *testing.T) {
	t.Parallel()
	for _, broker := range testenv.Brokers {
		t.Run(broker, func(t *testing.T) {
			t.Parallel()
			p := startPipeline(t, broker, identifyVisitors)
			publicSites(t, p.databaseURL, "shop")
			key := writeKey(t, p.databaseURL, "shop")
			const (
				firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
				safari  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
			)
			pricing := `{"anonymousId":"a1","messageId":"p1","properties":{"path":"/pricing"},"context":{"userAgent":"` + firefox + `"}}`
			postSegment(t, p.ingestionURL, key, "/v1/page", pricing)
			postSegment(t, p.ingestionURL, key, "/v1/page", pricing)
			postSegment(t, p.ingestionURL, key, "/v1/batch", `{"batch":[
				{"type":"page","anonymousId":"a1","messageId":"p2","context":{"page":{"path":"/docs"},"userAgent":"`+safari+`"}},
				{"type":"page","anonymousId":"a1","messageId":"p1","properties":{"path":"/pricing"}},
				{"type":"track","userId":"u1","event":"Signup","messageId":"m1","properties":{"plan":"pro"}},
				{"type":"identify","userId":"u1","messageId":"i1","traits":{"plan":"pro"}}]}`)
			postSegment(t, p.ingestionURL, key, "/v1/track", `{"userId":"u1","event":"Signup","messageId":"m1","properties":{"plan":"pro"}}`)

			waitForQuery(t, p.reportingURL, `{"site_id":"shop","metrics":["visitors","visits","pageviews","events"],"date_range":"day"}`,
				`[{"metrics":[2,2,2,4],"dimensions":[]}]`)
			waitForQuery(t, p.reportingURL, `{"site_id":"shop","metrics":["visitors","pageviews"],"date_range":"day","dimensions":["event:page"],"order_by":[["event:page","asc"]]}`,
				`[{"metrics":[1,0],"dimensions":["/"]},{"metrics":[1,1],"dimensions":["/docs"]},{"metrics":[1,1],"dimensions":["/pricing"]}]`) // track and identify without a page: /
			waitForQuery(t, p.reportingURL, `{"site_id":"shop","metrics":["events"],"date_range":"day","dimensions":["event:name"],"order_by":[["event:name","asc"]]}`,
				`[{"metrics":[1],"dimensions":["Signup"]},{"metrics":[1],"dimensions":["identify"]},{"metrics":[2],"dimensions":["pageview"]}]`)
		})
	}
}

// writeKey makes a source of site in the pipeline's database and returns its write key.
func writeKey(t *testing.T, databaseURL, site string) string {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, databaseURL)
	require.NoError(t, err)
	defer pool.Close()
	_, key, err := sources.NewStore(pool).Create(ctx, site, "e2e")
	require.NoError(t, err)
	return key
}

// postSegment posts a call of Segment's spec as analytics-node does: JSON, the key as Basic username.
func postSegment(t *testing.T, ingestionURL, key, path, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ingestionURL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(key+":")))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, b)
}
