package reporting_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/sites"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/projections"
	"github.com/analytics-pipeline/analytics/reporting"
)

// querySite is a site of a query test: its zone ("" for one nobody registered) and its events.
type querySite struct {
	id     string
	zone   string
	events []event.Event
}

// newQueryServer serves the reporting API, POST /api/v2/query included, on a fresh database holding the
// sites' events, with exact projections (projections.Apply, then Rebuild).
func newQueryServer(t *testing.T, all ...querySite) string {
	t.Helper()
	ctx := context.Background()
	pool := testenv.Database(t)
	var events []event.Event
	for _, s := range all {
		if s.zone != "" {
			_, err := sites.NewStore(pool).Create(ctx, s.id, s.zone)
			require.NoError(t, err)
		}
		events = append(events, s.events...)
	}
	if len(events) > 0 {
		_, err := projections.Apply(ctx, pool, events)
		require.NoError(t, err)
		require.NoError(t, projections.Rebuild(ctx, pool, projections.RebuildOptions{}))
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	api := reporting.NewAPI(reporting.NewStore(pool), nil, pool.Ping, log)
	api.CountDaysIn(sites.NewZones(pool, log))
	api.AnswerQueries(pool, nil)
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Reporting, api.Routes()))
	t.Cleanup(srv.Close)
	return srv.URL
}

// queryAnswer is a decoded answer of POST /api/v2/query.
type queryAnswer struct {
	status int
	body   map[string]any
	raw    string
}

// postQuery sends body to POST /api/v2/query.
func postQuery(t *testing.T, url, body string) queryAnswer {
	t.Helper()
	res, err := http.Post(url+"/api/v2/query", "application/json", bytes.NewBufferString(body))
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Contains(t, res.Header.Get("Content-Type"), "application/json")
	var decoded map[string]any
	require.NoError(t, json.Unmarshal(raw, &decoded), "body: %s", raw)
	return queryAnswer{status: res.StatusCode, body: decoded, raw: string(raw)}
}

// results returns an answer's results as JSON text, for comparing with a hand-written expectation.
func (a queryAnswer) results(t *testing.T) string {
	t.Helper()
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.raw)
	b, err := json.Marshal(a.body["results"])
	require.NoError(t, err)
	return string(b)
}

// visitorEvents builds events of one visitor on site: each step is "type path at" with at an RFC 3339
// instant; ids are unique per site.
type eventSpec struct {
	typ, path, at string
	edit          func(*event.Event)
}

var eventSeq int

func visitorEvents(t *testing.T, site string, visitor int64, specs ...eventSpec) []event.Event {
	t.Helper()
	out := make([]event.Event, len(specs))
	for i, s := range specs {
		at, err := time.Parse(time.RFC3339, s.at)
		require.NoError(t, err)
		eventSeq++
		out[i] = event.Event{EventID: fmt.Sprintf("ev-%06d", eventSeq), SiteID: site, EventType: s.typ, Path: s.path,
			UserID: fmt.Sprintf("user-%d", visitor), Timestamp: at, VisitorID: visitor}
		if s.edit != nil {
			s.edit(&out[i])
		}
	}
	return out
}

func pv(path, at string) eventSpec { return eventSpec{typ: event.PageView, path: path, at: at} }

func custom(name, path, at string) eventSpec { return eventSpec{typ: name, path: path, at: at} }

// with returns spec with edit applied to its event.
func (s eventSpec) with(edit func(*event.Event)) eventSpec {
	s.edit = edit
	return s
}

func concat(lists ...[]event.Event) []event.Event {
	var out []event.Event
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
