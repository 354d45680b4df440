package reporting_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/reporting"
)

// TestStatsWithoutDateAnswersTheSitesToday: UTC+14 and UTC-10 are a day apart at every instant, so a
// site in each answers /stats without a date for two different dates, each its own today.
func TestStatsWithoutDateAnswersTheSitesToday(t *testing.T) {
	t.Parallel()
	dbURL := testenv.DatabaseURL(t)
	pool, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	store := sites.NewStore(pool)
	for site, zone := range map[string]string{"kiritimati": "Pacific/Kiritimati", "honolulu": "Pacific/Honolulu"} {
		_, err := store.Create(context.Background(), site, zone)
		require.NoError(t, err)
	}
	url := serveServiceOn(t, reporting.Config{StatsCacheSize: 0}, dbURL)
	for _, c := range []struct{ site, zone string }{{"kiritimati", "Pacific/Kiritimati"}, {"honolulu", "Pacific/Honolulu"}, {"unregistered", "UTC"}} {
		loc, err := time.LoadLocation(c.zone)
		require.NoError(t, err)
		before := time.Now().In(loc).Format(time.DateOnly)
		res := get(t, url, "/stats", "site_id="+c.site)
		after := time.Now().In(loc).Format(time.DateOnly)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		var body struct {
			Date string `json:"date"`
		}
		require.NoError(t, json.Unmarshal(res.body, &body))
		require.Contains(t, []string{before, after}, body.Date, "%s's today", c.site)
	}
}
