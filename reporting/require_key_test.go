package reporting_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/apikeys"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/projections"
	"github.com/analytics-pipeline/analytics/reporting"
)

// keyedDatabase returns a migrated database where sites s and other sent an event on 2025-11-12, open is
// registered and public, and a key for s exists; it returns the database's URL and the key.
func keyedDatabase(t *testing.T) (dbURL, key string) {
	t.Helper()
	ctx := context.Background()
	dbURL = testenv.DatabaseURL(t)
	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(t, err)
	defer pool.Close()
	_, err = projections.Apply(ctx, pool, []event.Event{
		ev("1", "s", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
		ev("2", "other", event.PageView, "/b", "u2", "2025-11-12T10:00:00Z"),
	})
	require.NoError(t, err)
	_, err = sites.NewStore(pool).Create(ctx, "open", "")
	require.NoError(t, err)
	_, _, err = sites.NewStore(pool).SetPublic(ctx, "open", true)
	require.NoError(t, err)
	_, key, err = apikeys.NewStore(pool).Create(ctx, "stats", "s")
	require.NoError(t, err)
	return dbURL, key
}

// getAuthorized requests /stats?rawQuery with the Authorization header authorization (none when empty).
func getAuthorized(t *testing.T, url, rawQuery, authorization string) (response, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+"/stats?"+rawQuery, nil)
	require.NoError(t, err)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	openapitest.Exchange(t, openapi.Reporting, req, nil, res.StatusCode, res.Header, body)
	return response{status: res.StatusCode, contentType: res.Header.Get("Content-Type"), body: body}, res.Header
}

const (
	sDay            = `{"site_id":"s","date":"2025-11-12","total_views":1,"unique_users":1,"top_paths":[{"path":"/a","views":1}]}`
	missingKeyError = `{"error":"Missing API key. Please use a valid API key as a Bearer Token."}`
	invalidKeyError = `{"error":"Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've requested."}`
)

// TestStatsStaysOpenByDefault: without STATS_REQUIRE_KEY, /stats answers every site without a key, as
// the seed did, whatever Authorization says.
func TestStatsStaysOpenByDefault(t *testing.T) {
	t.Parallel()
	dbURL, _ := keyedDatabase(t)
	url := serveServiceOn(t, reporting.Config{}, dbURL)
	for _, authorization := range []string{"", "Bearer apk_wrong"} {
		res, _ := getAuthorized(t, url, "site_id=s&date=2025-11-12", authorization)
		require.Equal(t, http.StatusOK, res.status)
		require.JSONEq(t, sDay, string(res.body))
	}
	res, _ := getAuthorized(t, url, "site_id=nobody&date=2025-11-12", "")
	require.Equal(t, http.StatusOK, res.status, "a site without events answers zeros")
}

// TestStatsRequireKey: with STATS_REQUIRE_KEY=true, /stats answers a site with a key for it, or a public
// site without a key, and refuses the rest as the query API does; a malformed request is still a 400.
func TestStatsRequireKey(t *testing.T) {
	t.Parallel()
	dbURL, key := keyedDatabase(t)
	url := serveServiceOn(t, reporting.Config{StatsRequireKey: true}, dbURL)
	cases := []struct {
		name          string
		query         string
		authorization string
		status        int
		body          string
	}{
		{name: "key_for_the_site", query: "site_id=s&date=2025-11-12", authorization: "Bearer " + key, status: http.StatusOK, body: sDay},
		{name: "no_key", query: "site_id=s&date=2025-11-12", status: http.StatusUnauthorized, body: missingKeyError},
		{name: "wrong_key", query: "site_id=s&date=2025-11-12", authorization: "Bearer apk_wrong", status: http.StatusUnauthorized, body: invalidKeyError},
		{name: "key_for_another_site", query: "site_id=other&date=2025-11-12", authorization: "Bearer " + key, status: http.StatusUnauthorized, body: invalidKeyError},
		{name: "site_that_does_not_exist", query: "site_id=nobody&date=2025-11-12", authorization: "Bearer " + key, status: http.StatusUnauthorized, body: invalidKeyError},
		{
			name: "public_site_without_key", query: "site_id=open&date=2025-11-12", status: http.StatusOK,
			body: `{"site_id":"open","date":"2025-11-12","total_views":0,"unique_users":0,"top_paths":[]}`,
		},
		{name: "missing_site_id", query: "date=2025-11-12", status: http.StatusBadRequest, body: `{"error":["\"site_id\" is required"]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, header := getAuthorized(t, url, tc.query, tc.authorization)
			require.Equal(t, tc.status, res.status)
			require.Equal(t, "application/json; charset=utf-8", res.contentType)
			require.JSONEq(t, tc.body, string(res.body))
			if tc.status == http.StatusUnauthorized {
				require.Equal(t, "Bearer", header.Get("WWW-Authenticate"))
			}
		})
	}
}

// TestStatsRequireKeyLimitsEachKey: API_KEY_HOURLY_REQUESTS applies to /stats behind keys: once a key's
// budget is spent, 429 with Retry-After.
func TestStatsRequireKeyLimitsEachKey(t *testing.T) {
	t.Parallel()
	dbURL, key := keyedDatabase(t)
	cfg := reporting.Config{StatsRequireKey: true}
	cfg.APIKeys.HourlyRequests = 2
	url := serveServiceOn(t, cfg, dbURL)
	for range 2 {
		res, _ := getAuthorized(t, url, "site_id=s&date=2025-11-12", "Bearer "+key)
		require.Equal(t, http.StatusOK, res.status)
	}
	res, header := getAuthorized(t, url, "site_id=s&date=2025-11-12", "Bearer "+key)
	require.Equal(t, http.StatusTooManyRequests, res.status)
	require.JSONEq(t, `{"error":"Too many API requests. Your API key is limited to 2 requests per hour."}`, string(res.body))
	require.Equal(t, "1800", header.Get("Retry-After"), "one request comes back every 30 minutes")
}

// TestQueryNeedsAKeyOrAPublicSite: POST /api/v2/query always checks keys, STATS_REQUIRE_KEY or not: a
// key for the site or a public site is answered; no key, a wrong key, a key for another site and a site
// that does not exist are refused as Plausible refuses them, the last two alike.
func TestQueryNeedsAKeyOrAPublicSite(t *testing.T) {
	t.Parallel()
	dbURL, key := keyedDatabase(t)
	url := serveServiceOn(t, reporting.Config{}, dbURL)
	query := func(site, authorization string) response {
		body := `{"site_id":"` + site + `","metrics":["pageviews"],"date_range":["2025-11-12","2025-11-12"]}`
		req, err := http.NewRequest(http.MethodPost, url+"/api/v2/query", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		got, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		openapitest.Exchange(t, openapi.Reporting, req, []byte(body), res.StatusCode, res.Header, got)
		return response{status: res.StatusCode, body: got}
	}
	for _, tt := range []struct {
		name, site, authorization string
		status                    int
		body                      string
	}{
		{"key_for_the_site", "s", "Bearer " + key, http.StatusOK, `"results":[{"metrics":[1],"dimensions":[]}]`},
		{"public_site_without_key", "open", "", http.StatusOK, `"results":[{"metrics":[0],"dimensions":[]}]`},
		{"no_key", "s", "", http.StatusUnauthorized, missingKeyError},
		{"wrong_key", "s", "Bearer apk_wrong", http.StatusUnauthorized, invalidKeyError},
		{"key_for_another_site", "other", "Bearer " + key, http.StatusUnauthorized, invalidKeyError},
		{"site_that_does_not_exist", "nobody", "Bearer " + key, http.StatusUnauthorized, invalidKeyError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := query(tt.site, tt.authorization)
			require.Equal(t, tt.status, res.status, string(res.body))
			require.Contains(t, string(res.body), strings.TrimSuffix(tt.body, "\n"))
		})
	}
}
