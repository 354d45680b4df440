package reporting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/openapi"
	"github.com/analytics-pipeline/analytics/internal/openapitest"
	"github.com/analytics-pipeline/analytics/internal/testenv"
)

func TestStatsCounts(t *testing.T) {
	t.Parallel()
	url := newServer(t,
		ev("1", "s", event.PageView, "/a", "u1", "2025-11-12T10:00:00Z"),
		ev("2", "s", event.PageView, "/a", "u2", "2025-11-12T11:00:00Z"),
		ev("3", "s", event.PageView, "/b", "u1", "2025-11-12T12:00:00Z"),
		ev("4", "s", "click", "/a", "u3", "2025-11-12T13:00:00Z"),
		ev("5", "s", "signup", "/signup", "", "2025-11-12T13:30:00Z"),
		ev("6", "s", event.PageView, "/c", "", "2025-11-12T14:00:00Z"),
		ev("7", "s", event.PageView, "/early", "u5", "2025-11-13T01:00:00+02:00"),
		ev("8", "s", event.PageView, "/late", "u4", "2025-11-12T23:30:00-02:00"),
		ev("9", "s", event.PageView, "/a", "u1", "2025-11-11T23:59:59Z"),
		ev("10", "other", event.PageView, "/a", "u9", "2025-11-12T10:00:00Z"),
		ev("11", "s", "click", "/only-clicked", "u6", "2025-11-14T10:00:00Z"),
	)
	cases := []struct {
		name  string
		query string
		want  string
	}{
		{
			name:  "views_are_page_views_users_any_event_type",
			query: "site_id=s&date=2025-11-12",
			want: `{"site_id":"s","date":"2025-11-12","total_views":5,"unique_users":4,
				"top_paths":[{"path":"/a","views":2},{"path":"/b","views":1},{"path":"/c","views":1},{"path":"/early","views":1}]}`,
		},
		{
			name:  "event_late_in_negative_offset_belongs_to_next_utc_day",
			query: "site_id=s&date=2025-11-13",
			want:  `{"site_id":"s","date":"2025-11-13","total_views":1,"unique_users":1,"top_paths":[{"path":"/late","views":1}]}`,
		},
		{
			name:  "last_second_of_previous_day",
			query: "site_id=s&date=2025-11-11",
			want:  `{"site_id":"s","date":"2025-11-11","total_views":1,"unique_users":1,"top_paths":[{"path":"/a","views":1}]}`,
		},
		{
			name:  "only_non_view_events",
			query: "site_id=s&date=2025-11-14",
			want:  `{"site_id":"s","date":"2025-11-14","total_views":0,"unique_users":1,"top_paths":[]}`,
		},
		{
			name:  "other_site_is_separate",
			query: "site_id=other&date=2025-11-12",
			want:  `{"site_id":"other","date":"2025-11-12","total_views":1,"unique_users":1,"top_paths":[{"path":"/a","views":1}]}`,
		},
		{
			name:  "empty_day",
			query: "site_id=s&date=2025-11-15",
			want:  `{"site_id":"s","date":"2025-11-15","total_views":0,"unique_users":0,"top_paths":[]}`,
		},
		{
			name:  "unknown_site",
			query: "site_id=nobody&date=2025-11-12",
			want:  `{"site_id":"nobody","date":"2025-11-12","total_views":0,"unique_users":0,"top_paths":[]}`,
		},
		{
			name:  "site_id_is_case_sensitive",
			query: "site_id=S&date=2025-11-12",
			want:  `{"site_id":"S","date":"2025-11-12","total_views":0,"unique_users":0,"top_paths":[]}`,
		},
		{
			name:  "parameters_in_any_order",
			query: "date=2025-11-13&site_id=s",
			want:  `{"site_id":"s","date":"2025-11-13","total_views":1,"unique_users":1,"top_paths":[{"path":"/late","views":1}]}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := get(t, url, "/stats", tc.query)
			decodeStats(t, r)
			require.JSONEq(t, tc.want, string(r.body))
		})
	}
}

func TestStatsEmptyDayListsNoPaths(t *testing.T) {
	t.Parallel()
	url := newServer(t)
	r := get(t, url, "/stats", "site_id=s&date=2025-11-12")
	decodeStats(t, r)
	require.Contains(t, string(r.body), `"top_paths":[]`)
}

func TestStatsTopPaths(t *testing.T) {
	t.Parallel()
	// views per path: /l 12, /k 11, ... /d 4, then /a, /b and /c tie at 3: the tie is broken by path
	// ascending, so /a takes the tenth place.
	views := map[string]int{"/a": 3, "/b": 3, "/c": 3}
	for i, p := range []string{"/d", "/e", "/f", "/g", "/h", "/i", "/j", "/k", "/l"} {
		views[p] = i + 4
	}
	var events []event.Event
	total := 0
	for p, n := range views {
		for i := range n {
			total++
			events = append(events, ev(fmt.Sprintf("%s-%d", p, i), "s", event.PageView, p, "", "2025-11-12T12:00:00Z"))
		}
	}
	events = append(events,
		ev("tie-1", "ties", event.PageView, "/z", "", "2025-11-12T12:00:00Z"),
		ev("tie-2", "ties", event.PageView, "/m", "", "2025-11-12T12:00:00Z"),
		ev("tie-3", "ties", event.PageView, "/a/b", "", "2025-11-12T12:00:00Z"),
		ev("tie-4", "ties", event.PageView, "/a", "", "2025-11-12T12:00:00Z"),
		ev("tie-5", "ties", event.PageView, "/m", "", "2025-11-12T12:00:00Z"),
	)
	url := newServer(t, events...)

	t.Run("top_10_by_views_ties_by_path", func(t *testing.T) {
		t.Parallel()
		got := decodeStats(t, get(t, url, "/stats", "site_id=s&date=2025-11-12"))
		require.EqualValues(t, total, got.TotalViews)
		require.Equal(t, []pathViews{
			{"/l", 12}, {"/k", 11}, {"/j", 10}, {"/i", 9}, {"/h", 8},
			{"/g", 7}, {"/f", 6}, {"/e", 5}, {"/d", 4}, {"/a", 3},
		}, got.TopPaths)
	})
	t.Run("ties_by_path_ascending", func(t *testing.T) {
		t.Parallel()
		got := decodeStats(t, get(t, url, "/stats", "site_id=ties&date=2025-11-12"))
		require.Equal(t, []pathViews{{"/m", 2}, {"/a", 1}, {"/a/b", 1}, {"/z", 1}}, got.TopPaths)
	})
}

func TestStatsDateDefaultsToTodayUTC(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	today := now.Format(time.DateOnly)
	url := newServer(t, event.Event{EventID: "now", SiteID: "s", EventType: event.PageView, Path: "/now", UserID: "u", Timestamp: now})

	for _, query := range []string{"site_id=s", "site_id=s&date="} {
		got := decodeStats(t, get(t, url, "/stats", query))
		after := time.Now().UTC().Format(time.DateOnly)
		require.Contains(t, []string{today, after}, got.Date, "query %q", query)
		if got.Date == today {
			require.Equal(t, stats{SiteID: "s", Date: today, TotalViews: 1, UniqueUsers: 1, TopPaths: []pathViews{{"/now", 1}}}, got, "query %q", query)
		}
	}
}

func TestStatsValidation(t *testing.T) {
	t.Parallel()
	url := newServer(t, ev("1", "s", event.PageView, "/", "u", "2024-02-29T12:00:00Z"))
	cases := []struct {
		name    string
		query   string
		status  int
		wantErr string // a substring of one error message; empty for a 200
	}{
		{name: "no_query", query: "", status: 400, wantErr: `"site_id" is required`},
		{name: "empty_site_id", query: "site_id=&date=2025-11-12", status: 400, wantErr: `"site_id" is required`},
		{name: "only_date", query: "date=2025-11-12", status: 400, wantErr: `"site_id" is required`},
		{name: "misspelt_site_id", query: "siteid=s", status: 400, wantErr: `"site_id" is required`},
		{name: "site_id_too_long", query: "site_id=" + strings.Repeat("s", 129), status: 400, wantErr: `"site_id" must be valid UTF-8 without NUL, of at most 128 characters`},
		{name: "site_id_too_long_multibyte", query: "site_id=" + strings.Repeat("%C3%A9", 129), status: 400, wantErr: `of at most 128 characters`},
		{name: "site_id_with_nul", query: "site_id=a%00b", status: 400, wantErr: `"site_id" must be valid UTF-8 without NUL`},
		{name: "site_id_invalid_utf8", query: "site_id=%ff", status: 400, wantErr: `"site_id" must be valid UTF-8 without NUL`},
		{name: "site_id_utf16_surrogate", query: "site_id=%ed%a0%80", status: 400, wantErr: `"site_id" must be valid UTF-8 without NUL`},
		{name: "date_february_30", query: "site_id=s&date=2025-02-30", status: 400, wantErr: `"date" must be a calendar date in the form YYYY-MM-DD`},
		{name: "date_february_29_non_leap_year", query: "site_id=s&date=2025-02-29", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "date_month_13", query: "site_id=s&date=2025-13-01", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "date_day_00", query: "site_id=s&date=2025-11-00", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "date_single_digits", query: "site_id=s&date=2025-1-2", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "date_with_time", query: "site_id=s&date=2025-11-12T00:00:00Z", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "date_with_slashes", query: "site_id=s&date=2025/11/12", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "date_day_first", query: "site_id=s&date=12-11-2025", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "date_five_digit_year", query: "site_id=s&date=99999-01-01", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "date_negative_year", query: "site_id=s&date=-2025-11-12", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "date_word", query: "site_id=s&date=today", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "date_trailing_space", query: "site_id=s&date=2025-11-12%20", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "date_with_nul", query: "site_id=s&date=2025-11-12%00", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "bad_escape_in_date", query: "site_id=s&date=%zz", status: 400, wantErr: `malformed query string: invalid URL escape "%zz"`},
		{name: "bad_escape_in_site_id", query: "site_id=%zz&date=2025-11-12", status: 400, wantErr: "malformed query string"},
		{name: "truncated_escape_in_date", query: "site_id=s&date=2025-11-1%", status: 400, wantErr: "malformed query string"},
		{name: "bad_escape_in_other_parameter", query: "site_id=s&utm=%e", status: 400, wantErr: "malformed query string"},
		{name: "semicolon_separator", query: "site_id=s;date=2025-11-12", status: 400, wantErr: "malformed query string"},
		{name: "invalid_date_without_site_id", query: "date=nope", status: 400, wantErr: `"date" must be a calendar date`},
		{name: "site_id_of_128_characters", query: "site_id=" + strings.Repeat("s", 128), status: 200},
		{name: "site_id_of_128_multibyte_characters", query: "site_id=" + strings.Repeat("%C3%A9", 128), status: 200},
		{name: "leap_day", query: "site_id=s&date=2024-02-29", status: 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := get(t, url, "/stats", tc.query)
			if tc.status == http.StatusOK {
				decodeStats(t, r)
				return
			}
			require.Equal(t, tc.status, r.status, "body: %s", r.body)
			msgs := errorMessages(t, r)
			require.True(t, containsMessage(msgs, tc.wantErr), "no error message contains %q: %q", tc.wantErr, msgs)
		})
	}
}

func TestStatsReportsEveryProblem(t *testing.T) {
	t.Parallel()
	url := newServer(t)
	r := get(t, url, "/stats", "date=2025-02-30")
	require.Equal(t, http.StatusBadRequest, r.status)
	require.Equal(t, []string{`"site_id" is required`, `"date" must be a calendar date in the form YYYY-MM-DD`}, errorMessages(t, r))
}

func TestStatsDecodesQuery(t *testing.T) {
	t.Parallel()
	url := newServer(t,
		ev("1", "site one", event.PageView, "/a", "", "2025-11-12T10:00:00Z"),
		ev("2", "café/日本&x=1", event.PageView, "/b", "", "2025-11-12T10:00:00Z"),
	)
	cases := []struct {
		name  string
		query string
		site  string
	}{
		{name: "percent_encoded_space", query: "site_id=site%20one&date=2025-11-12", site: "site one"},
		{name: "plus_is_space", query: "site_id=site+one&date=2025-11-12", site: "site one"},
		{name: "encoded_unicode_and_reserved", query: "site_id=caf%C3%A9%2F%E6%97%A5%E6%9C%AC%26x%3D1&date=2025-11-12", site: "café/日本&x=1"},
		{name: "encoded_date", query: "site_id=site+one&date=%32%30%32%35-11-12", site: "site one"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := decodeStats(t, get(t, url, "/stats", tc.query))
			require.Equal(t, tc.site, got.SiteID)
			require.Equal(t, "2025-11-12", got.Date)
			require.EqualValues(t, 1, got.TotalViews)
		})
	}
}

// nastyQueries are query strings that must never make /stats answer 5xx or anything but JSON.
var nastyQueries = []struct {
	name  string
	query string
}{
	{name: "empty", query: ""},
	{name: "bare_key", query: "site_id"},
	{name: "bare_equals", query: "="},
	{name: "only_separators", query: "&&&"},
	{name: "percent_alone", query: "site_id=%"},
	{name: "truncated_escape", query: "site_id=%f"},
	{name: "bad_escape_in_site_id", query: "site_id=%zz"},
	{name: "bad_escape_in_date", query: "site_id=s&date=%zz"},
	{name: "bad_escape_in_key", query: "site_%id=s"},
	{name: "nul_in_site_id", query: "site_id=a%00b"},
	{name: "only_nul_site_id", query: "site_id=%00"},
	{name: "nul_in_date", query: "site_id=s&date=%00"},
	{name: "invalid_utf8_site_id", query: "site_id=%ff%fe"},
	{name: "overlong_utf8_site_id", query: "site_id=%c0%af"},
	{name: "surrogate_site_id", query: "site_id=%ed%a0%80"},
	{name: "invalid_utf8_date", query: "site_id=s&date=%ff"},
	{name: "huge_site_id", query: "site_id=" + strings.Repeat("x", 100_000)},
	{name: "huge_encoded_site_id", query: "site_id=" + strings.Repeat("%E6%97%A5", 10_000)},
	{name: "huge_date", query: "site_id=s&date=" + strings.Repeat("9", 100_000)},
	{name: "date_february_30", query: "site_id=s&date=2025-02-30"},
	{name: "date_year_zero", query: "site_id=s&date=0000-01-01"},
	{name: "date_year_one", query: "site_id=s&date=0001-01-01"},
	{name: "date_year_9999", query: "site_id=s&date=9999-12-31"},
	{name: "date_five_digit_year", query: "site_id=s&date=99999-01-01"},
	{name: "date_negative_year", query: "site_id=s&date=-0001-01-01"},
	{name: "date_before_epoch", query: "site_id=s&date=1969-12-31"},
	{name: "repeated_site_id", query: "site_id=s&site_id=t"},
	{name: "repeated_date", query: "site_id=s&date=2025-11-12&date=bogus"},
	{name: "repeated_empty_then_valid", query: "site_id=&site_id=s"},
	{name: "semicolon_separator", query: "site_id=s;date=2025-11-12"},
	{name: "array_syntax", query: "site_id[]=s&date[]=2025-11-12"},
	{name: "object_syntax", query: "site_id[a]=s"},
	{name: "sql_injection", query: "site_id=%27%3B%20DROP%20TABLE%20events%3B--&date=2025-11-12"},
	{name: "sql_injection_raw_quote", query: "site_id='OR'1'='1"},
	{name: "like_wildcards", query: "site_id=%25&date=2025-11-12"},
	{name: "right_to_left_override", query: "site_id=%E2%80%AE"},
	{name: "byte_order_mark", query: "site_id=%EF%BB%BF"},
	{name: "emoji_site_id", query: "site_id=%F0%9F%98%80"},
	{name: "many_parameters", query: strings.Repeat("x=1&", 5_000) + "site_id=s"},
	{name: "unknown_parameters", query: "site_id=s&limit=-1&offset=%ff&format=xml"},
	{name: "uppercase_keys", query: "SITE_ID=s&DATE=2025-11-12"},
	{name: "encoded_separator_in_value", query: "site_id=s%26date%3D2025-02-30"},
	{name: "double_encoded", query: "site_id=%2525ff&date=2025%252D11-12"},
}

func TestStatsNeverAnswers5xx(t *testing.T) {
	t.Parallel()
	url := newServer(t, ev("1", "s", event.PageView, "/", "u", "2025-11-12T10:00:00Z"))
	for _, tc := range nastyQueries {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requireClientAnswer(t, get(t, url, "/stats", tc.query))
		})
	}
}

func TestProbes(t *testing.T) {
	t.Parallel()
	url := newServer(t)
	cases := []struct {
		name   string
		path   string
		status int
		want   string
	}{
		{name: "health", path: "/health", status: 200, want: `{"status":"ok"}`},
		{name: "ready_with_postgres_up", path: "/ready", status: 200, want: `{"status":"ok","postgres":"ok"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := get(t, url, tc.path, "")
			require.Equal(t, tc.status, r.status, "body: %s", r.body)
			require.Contains(t, r.contentType, "application/json")
			require.JSONEq(t, tc.want, string(r.body))
		})
	}
}

func TestPostgresDown(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(context.Background(), testenv.DatabaseURL(t))
	require.NoError(t, err)
	pool.Close()
	srv := httptest.NewServer(openapitest.Handler(t, openapi.Reporting, handler(pool)))
	t.Cleanup(srv.Close)

	t.Run("ready_answers_503", func(t *testing.T) {
		t.Parallel()
		r := get(t, srv.URL, "/ready", "")
		require.Equal(t, http.StatusServiceUnavailable, r.status, "body: %s", r.body)
		var body map[string]string
		require.NoError(t, json.Unmarshal(r.body, &body))
		require.Equal(t, "unavailable", body["status"])
		require.NotEmpty(t, body["postgres"])
	})
	t.Run("stats_answers_503", func(t *testing.T) {
		t.Parallel()
		r := get(t, srv.URL, "/stats", "site_id=s&date=2025-11-12")
		require.Equal(t, http.StatusServiceUnavailable, r.status, "body: %s", r.body)
		require.Equal(t, []string{"statistics are unavailable; retry later"}, errorMessages(t, r))
	})
	t.Run("health_answers_200", func(t *testing.T) {
		t.Parallel()
		r := get(t, srv.URL, "/health", "")
		require.Equal(t, http.StatusOK, r.status)
		require.JSONEq(t, `{"status":"ok"}`, string(r.body))
	})
}

func TestUnknownRoutesAnswerJSON(t *testing.T) {
	t.Parallel()
	url := newServer(t)
	cases := []struct {
		name   string
		method string
		path   string
		status int
	}{
		{name: "get_unknown_path", method: http.MethodGet, path: "/nope", status: http.StatusNotFound},
		{name: "post_root", method: http.MethodPost, path: "/", status: http.StatusMethodNotAllowed},
		{name: "dashboard_file_unknown", method: http.MethodGet, path: "/dashboard/nope.js", status: http.StatusNotFound},
		{name: "stats_with_trailing_segment", method: http.MethodGet, path: "/stats/s", status: http.StatusNotFound},
		{name: "post_stats", method: http.MethodPost, path: "/stats", status: http.StatusMethodNotAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, url+tc.path+"?site_id=s", nil)
			require.NoError(t, err)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, res.StatusCode, "body: %s", body)
			errorMessages(t, response{status: res.StatusCode, contentType: res.Header.Get("Content-Type"), body: body})
		})
	}
}
