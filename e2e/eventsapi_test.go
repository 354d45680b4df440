package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

// Page views and a custom event sent to Plausible's Events API, one of them to two sites, reach the
// projections exactly: the query API counts those visitors, visits, page views, events, pages, event
// names and props, on every broker.
func TestEventsAPICountsExactly(t *testing.T) {
	t.Parallel()
	for _, broker := range testenv.Brokers {
		t.Run(broker, func(t *testing.T) {
			t.Parallel()
			p := startPipeline(t, broker, identifyVisitors)
			publicSites(t, p.databaseURL, "shop", "mirror")
			const (
				firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
				safari  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
			)
			postPlausible(t, p.ingestionURL, firefox, `{"n":"pageview","u":"https://shop.example/pricing","d":"shop,mirror","r":null,"w":1280,"h":0}`)
			postPlausible(t, p.ingestionURL, firefox, `{"n":"pageview","u":"https://shop.example/docs","d":"shop","r":"https://shop.example/pricing"}`)
			postPlausible(t, p.ingestionURL, firefox, `{"n":"Signup","u":"https://shop.example/docs","d":"shop","p":"{\"plan\":\"pro\"}"}`)
			postPlausible(t, p.ingestionURL, safari, `{"name":"pageview","url":"https://shop.example/pricing","domain":"shop","revenue":null}`)

			total := `{"site_id":"%s","metrics":["visitors","visits","pageviews","events"],"date_range":"day"}`
			waitForQuery(t, p.reportingURL, strings.Replace(total, "%s", "shop", 1), `[{"metrics":[2,2,3,4],"dimensions":[]}]`)
			waitForQuery(t, p.reportingURL, strings.Replace(total, "%s", "mirror", 1), `[{"metrics":[1,1,1,1],"dimensions":[]}]`)
			waitForQuery(t, p.reportingURL, `{"site_id":"shop","metrics":["visitors","pageviews"],"date_range":"day","dimensions":["event:page"]}`,
				`[{"metrics":[2,2],"dimensions":["/pricing"]},{"metrics":[1,1],"dimensions":["/docs"]}]`)
			waitForQuery(t, p.reportingURL, `{"site_id":"shop","metrics":["events"],"date_range":"day","dimensions":["event:name"]}`,
				`[{"metrics":[3],"dimensions":["pageview"]},{"metrics":[1],"dimensions":["Signup"]}]`)
			waitForQuery(t, p.reportingURL, `{"site_id":"shop","metrics":["events"],"date_range":"day","dimensions":["event:props:plan"],"filters":[["is","event:name",["Signup"]]]}`,
				`[{"metrics":[1],"dimensions":["pro"]}]`)
		})
	}
}

// identifyVisitors makes ingestion give anonymous events their cookieless visitors, as cmd/ingestion does.
func identifyVisitors(cfg *ingestion.Config, databaseURL string) {
	cfg.Visitors.DatabaseURL = databaseURL
}

// publicSites registers sites whose statistics the query API answers without a key.
func publicSites(t *testing.T, databaseURL string, ids ...string) {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, databaseURL)
	require.NoError(t, err)
	defer pool.Close()
	store := sites.NewStore(pool)
	for _, id := range ids {
		_, err := store.Create(ctx, id, "UTC")
		require.NoError(t, err)
		_, _, err = store.SetPublic(ctx, id, true)
		require.NoError(t, err)
	}
}

// postPlausible posts body to /api/event as a browser's tracker does: text/plain, with its User-Agent.
func postPlausible(t *testing.T, ingestionURL, userAgent, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ingestionURL+"/api/event", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("User-Agent", userAgent)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, "body: %s", b)
	require.Equal(t, "ok", string(b))
}

// waitForQuery polls POST /api/v2/query until its results equal want, failing with the last answer.
func waitForQuery(t *testing.T, reportingURL, query, want string) {
	t.Helper()
	var last string
	ok := assert.Eventually(t, func() bool {
		resp, err := http.Post(reportingURL+"/api/v2/query", "application/json", strings.NewReader(query))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var answer struct {
			Results json.RawMessage `json:"results"`
		}
		b, _ := io.ReadAll(resp.Body)
		last = string(bytes.TrimSpace(b))
		if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &answer) != nil {
			return false
		}
		return string(answer.Results) == want
	}, 60*time.Second, 50*time.Millisecond)
	if !ok {
		t.Fatalf("query %s never answered\nwant results %s\nlast %s", query, want, last)
	}
}
