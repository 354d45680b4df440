package ingestion_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/event"
)

func TestPostEventAccepts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	soon := time.Now().Add(23 * time.Hour).Truncate(time.Second)
	seed := event.Event{SiteID: "site-abc-123", EventType: "page_view", Path: "/pricing", UserID: "user-xyz-789", Timestamp: ts("2025-11-12T19:30:01Z")}
	with := func(change func(*event.Event)) event.Event {
		e := seed
		change(&e)
		return e
	}
	cases := []struct {
		name        string
		contentType string
		body        string
		want        event.Event // an empty EventID means a generated UUIDv7; a zero Timestamp the receive time
	}{
		{name: "seed_example", contentType: jsonType, body: eventJSON(nil), want: seed},
		{name: "text_plain_from_send_beacon", contentType: "text/plain;charset=UTF-8", body: eventJSON(nil), want: seed},
		{name: "no_content_type", body: eventJSON(nil), want: seed},
		{name: "json_with_charset", contentType: "application/json; charset=utf-8", body: eventJSON(nil), want: seed},
		{name: "json_suffix_media_type", contentType: "application/vnd.api+json", body: eventJSON(nil), want: seed},
		{name: "trailing_newline", contentType: jsonType, body: eventJSON(nil) + "\r\n", want: seed},
		{
			name: "unknown_fields_ignored", contentType: jsonType,
			body: eventJSON(map[string]any{"screen_width": 1280, "extra": map[string]any{"a": []int{1}}, "Site_ID": 7}),
			want: seed,
		},
		{
			name: "client_event_id_kept", contentType: jsonType,
			body: eventJSON(map[string]any{"event_id": "client-evt-42"}),
			want: with(func(e *event.Event) { e.EventID = "client-evt-42" }),
		},
		{
			name: "empty_event_id_generated", contentType: jsonType,
			body: eventJSON(map[string]any{"event_id": ""}), want: seed,
		},
		{
			name: "null_event_id_generated", contentType: jsonType,
			body: eventJSON(map[string]any{"event_id": json.RawMessage("null")}), want: seed,
		},
		{
			name: "null_user_id_anonymous", contentType: jsonType,
			body: eventJSON(map[string]any{"user_id": json.RawMessage("null")}),
			want: with(func(e *event.Event) { e.UserID = "" }),
		},
		{
			name: "empty_user_id_anonymous", contentType: jsonType,
			body: eventJSON(map[string]any{"user_id": ""}),
			want: with(func(e *event.Event) { e.UserID = "" }),
		},
		{
			name: "missing_user_id_anonymous", contentType: jsonType,
			body: eventJSON(map[string]any{"user_id": nil}),
			want: with(func(e *event.Event) { e.UserID = "" }),
		},
		{
			name: "timestamp_negative_offset_normalised_to_utc", contentType: jsonType,
			body: eventJSON(map[string]any{"timestamp": "2025-11-12T23:30:00-02:00"}),
			want: with(func(e *event.Event) { e.Timestamp = ts("2025-11-13T01:30:00Z") }),
		},
		{
			name: "timestamp_fractional_positive_offset", contentType: jsonType,
			body: eventJSON(map[string]any{"timestamp": "2025-11-13T01:00:00.123456789+05:30"}),
			want: with(func(e *event.Event) { e.Timestamp = ts("2025-11-12T19:30:00.123456789Z") }),
		},
		{
			name: "timestamp_leap_day", contentType: jsonType,
			body: eventJSON(map[string]any{"timestamp": "2024-02-29T12:00:00Z"}),
			want: with(func(e *event.Event) { e.Timestamp = ts("2024-02-29T12:00:00Z") }),
		},
		{
			name: "timestamp_23_hours_ahead", contentType: jsonType,
			body: eventJSON(map[string]any{"timestamp": soon.Format(time.RFC3339)}),
			want: with(func(e *event.Event) { e.Timestamp = soon.UTC() }),
		},
		{
			name: "timestamp_missing_is_receive_time", contentType: jsonType,
			body: eventJSON(map[string]any{"timestamp": nil}),
			want: with(func(e *event.Event) { e.Timestamp = time.Time{} }),
		},
		{
			name: "timestamp_null_is_receive_time", contentType: jsonType,
			body: eventJSON(map[string]any{"timestamp": json.RawMessage("null")}),
			want: with(func(e *event.Event) { e.Timestamp = time.Time{} }),
		},
		{
			name: "maximum_lengths", contentType: jsonType,
			body: eventJSON(map[string]any{
				"site_id": strings.Repeat("s", 128), "event_type": strings.Repeat("t", 64), "path": "/" + strings.Repeat("p", 2047),
				"user_id": strings.Repeat("u", 256), "event_id": strings.Repeat("e", 128),
			}),
			want: with(func(e *event.Event) {
				e.SiteID, e.EventType, e.Path = strings.Repeat("s", 128), strings.Repeat("t", 64), "/"+strings.Repeat("p", 2047)
				e.UserID, e.EventID = strings.Repeat("u", 256), strings.Repeat("e", 128)
			}),
		},
		{
			name: "maximum_lengths_counted_in_characters", contentType: jsonType,
			body: eventJSON(map[string]any{"site_id": strings.Repeat("é", 128), "path": strings.Repeat("日", 2048)}),
			want: with(func(e *event.Event) { e.SiteID, e.Path = strings.Repeat("é", 128), strings.Repeat("日", 2048) }),
		},
		{
			name: "unicode_values", contentType: jsonType,
			body: eventJSON(map[string]any{"path": "/café/日本語?q=😀", "event_type": "clic\u00e9"}),
			want: with(func(e *event.Event) { e.Path, e.EventType = "/café/日本語?q=😀", "clicé" }),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := time.Now().UTC()
			got := decodeAccepted(t, srv.post(t, "/event", tc.contentType, tc.body))
			after := time.Now().UTC()

			stored := srv.streamEvent(t, got.QueuedID, got.EventID)
			if tc.want.EventID == "" {
				requireUUIDv7(t, got.EventID)
			} else {
				require.Equal(t, tc.want.EventID, got.EventID)
			}
			if tc.want.Timestamp.IsZero() {
				require.WithinRange(t, stored.Timestamp, before.Add(-time.Millisecond), after.Add(time.Millisecond))
			} else {
				require.True(t, tc.want.Timestamp.Equal(stored.Timestamp), "timestamp %s, want %s", stored.Timestamp, tc.want.Timestamp)
			}
			require.Equal(t, time.UTC, stored.Timestamp.Location())
			want, gotEvent := tc.want, stored
			want.EventID, want.Timestamp, gotEvent.Timestamp = stored.EventID, time.Time{}, time.Time{}
			want.Browser, want.BrowserVersion = "Go-http-client", "1.1" // the test client's User-Agent
			require.Equal(t, want, gotEvent)
		})
	}
}

func TestPostEventGeneratesDistinctUUIDv7(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	first := decodeAccepted(t, srv.post(t, "/event", jsonType, eventJSON(nil)))
	second := decodeAccepted(t, srv.post(t, "/event", jsonType, eventJSON(nil)))
	requireUUIDv7(t, first.EventID)
	requireUUIDv7(t, second.EventID)
	require.NotEqual(t, first.EventID, second.EventID)
	require.NotEqual(t, first.QueuedID, second.QueuedID)
	srv.streamEvent(t, first.QueuedID, first.EventID)
	srv.streamEvent(t, second.QueuedID, second.EventID)
	require.EqualValues(t, 2, srv.streamLen(t))
}

func TestPostEventsReportsEachItem(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	body := "[" + strings.Join([]string{
		eventJSON(map[string]any{"event_id": "batch-0", "path": "/a"}),
		eventJSON(map[string]any{"site_id": ""}),
		eventJSON(map[string]any{"path": "/c"}),
		`"not an object"`,
		eventJSON(map[string]any{"timestamp": "2025-02-30T00:00:00Z", "event_type": strings.Repeat("t", 65)}),
	}, ",") + "]"

	r := srv.post(t, "/events", jsonType, body)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	got := decodeBatch(t, r)
	require.False(t, got.Success, "not every event was queued")
	require.Equal(t, 2, got.Accepted)
	require.Equal(t, 3, got.Rejected)
	require.Len(t, got.Results, 5)
	for i, res := range got.Results {
		require.Equal(t, i, res.Index)
	}

	require.Equal(t, "batch-0", got.Results[0].EventID)
	require.Equal(t, "/a", srv.streamEvent(t, got.Results[0].QueuedID, "batch-0").Path)
	requireUUIDv7(t, got.Results[2].EventID)
	require.Equal(t, "/c", srv.streamEvent(t, got.Results[2].QueuedID, got.Results[2].EventID).Path)
	require.Equal(t, got.Results[0].QueuedID, got.Results[2].QueuedID, "a batch travels as one message")
	for _, i := range []int{0, 2} {
		require.Empty(t, got.Results[i].Error)
	}

	for _, i := range []int{1, 3, 4} {
		require.Empty(t, got.Results[i].QueuedID)
		require.Empty(t, got.Results[i].EventID)
	}
	require.Equal(t, []string{`"site_id" is not allowed to be empty`}, got.Results[1].Error)
	require.Equal(t, []string{"event must be a JSON object"}, got.Results[3].Error)
	require.Len(t, got.Results[4].Error, 2, "every problem of an item is reported: %q", got.Results[4].Error)
	require.True(t, containsMessage(got.Results[4].Error, `"event_type" length must be less than or equal to 64`))
	require.True(t, containsMessage(got.Results[4].Error, `"timestamp" must be an RFC 3339`))

	require.Len(t, srv.streamEvents(t, got.Results[0].QueuedID), 2, "only the valid items are published")
	require.EqualValues(t, 1, srv.streamLen(t))
}

func TestPostEventsAcceptsFullBatch(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	items := make([]string, 500)
	for i := range items {
		items[i] = eventJSON(map[string]any{"event_id": fmt.Sprintf("full-%03d", i), "path": fmt.Sprintf("/p/%d", i)})
	}
	r := srv.post(t, "/events", "text/plain", "["+strings.Join(items, ",")+"]")
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	got := decodeBatch(t, r)
	require.True(t, got.Success)
	require.Equal(t, 500, got.Accepted)
	require.Zero(t, got.Rejected)
	require.Len(t, got.Results, 500)

	entries, err := srv.redis.XRange(context.Background(), srv.stream, "-", "+").Result()
	require.NoError(t, err)
	require.Len(t, entries, 1, "a batch travels as one message")
	stored := srv.streamEvents(t, entries[0].ID)
	require.Len(t, stored, 500)
	for i, res := range got.Results {
		require.Equal(t, i, res.Index)
		require.Equal(t, fmt.Sprintf("full-%03d", i), res.EventID)
		require.Equal(t, entries[0].ID, res.QueuedID)
		require.Equal(t, res.EventID, stored[i].EventID, "events keep the request's order")
	}
	require.Equal(t, "/p/499", stored[499].Path)
}

func TestBrokerDown(t *testing.T) {
	t.Parallel()
	srv := newServerWithBrokerDown(t)
	requireRetryLater := func(t *testing.T, r response) {
		t.Helper()
		requireError(t, r, http.StatusServiceUnavailable, "retry later")
		seconds, err := strconv.Atoi(r.header.Get("Retry-After"))
		require.NoError(t, err, "Retry-After %q", r.header.Get("Retry-After"))
		require.Positive(t, seconds)
	}
	t.Run("post_event_answers_503", func(t *testing.T) {
		t.Parallel()
		requireRetryLater(t, srv.post(t, "/event", jsonType, eventJSON(nil)))
	})
	t.Run("post_events_answers_503", func(t *testing.T) {
		t.Parallel()
		requireRetryLater(t, srv.post(t, "/events", jsonType, "["+eventJSON(nil)+","+eventJSON(nil)+"]"))
	})
	t.Run("invalid_event_still_answers_400", func(t *testing.T) {
		t.Parallel()
		requireError(t, srv.post(t, "/event", jsonType, `{}`), http.StatusBadRequest, `"site_id" is required`)
	})
	t.Run("ready_answers_503", func(t *testing.T) {
		t.Parallel()
		r := srv.get(t, "/ready")
		require.Equal(t, http.StatusServiceUnavailable, r.status, "body: %s", r.body)
		require.Contains(t, r.header.Get("Content-Type"), "application/json")
		var body map[string]string
		require.NoError(t, json.Unmarshal(r.body, &body))
		require.Equal(t, "unavailable", body["status"])
		require.NotEmpty(t, body["broker"])
	})
	t.Run("health_answers_200", func(t *testing.T) {
		t.Parallel()
		r := srv.get(t, "/health")
		require.Equal(t, http.StatusOK, r.status)
		require.JSONEq(t, `{"status":"ok"}`, string(r.body))
	})
}

func TestProbes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cases := []struct {
		name string
		path string
		want string
	}{
		{name: "health", path: "/health", want: `{"status":"ok"}`},
		{name: "ready_with_broker_up", path: "/ready", want: `{"status":"ok","broker":"ok"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := srv.get(t, tc.path)
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			require.Contains(t, r.header.Get("Content-Type"), "application/json")
			require.JSONEq(t, tc.want, string(r.body))
		})
	}
}

func TestUnknownRoutesAnswerJSON(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cases := []struct {
		name   string
		method string
		path   string
		status int
	}{
		{name: "get_unknown_path", method: http.MethodGet, path: "/nope", status: http.StatusNotFound},
		{name: "post_unknown_path", method: http.MethodPost, path: "/event/extra", status: http.StatusNotFound},
		{name: "get_root", method: http.MethodGet, path: "/", status: http.StatusNotFound},
		{name: "get_on_post_route", method: http.MethodGet, path: "/event", status: http.StatusMethodNotAllowed},
		{name: "delete_on_post_route", method: http.MethodDelete, path: "/events", status: http.StatusMethodNotAllowed},
	}
	t.Run("routes", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				r := do(t, tc.method, srv.url+tc.path, jsonType, eventJSON(nil))
				require.Equal(t, tc.status, r.status, "body: %s", r.body)
				errorMessages(t, r)
			})
		}
	})
	require.Zero(t, srv.streamLen(t), "nothing is published")
}

func TestConcurrentEventsArePackedWithoutLossOrDuplicates(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const requests = 64
	answers := make([]accepted, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			r := srv.post(t, "/event", jsonType, eventJSON(map[string]any{"event_id": fmt.Sprint("packed-", i)}))
			if assert.Equal(t, http.StatusOK, r.status) {
				assert.NoError(t, json.Unmarshal([]byte(r.body), &answers[i]))
			}
		})
	}
	wg.Wait()

	for i, a := range answers {
		srv.streamEvent(t, a.QueuedID, fmt.Sprint("packed-", i))
	}
	entries, err := srv.redis.XRange(context.Background(), srv.stream, "-", "+").Result()
	require.NoError(t, err)
	seen := map[string]int{}
	for _, entry := range entries {
		for _, e := range srv.streamEvents(t, entry.ID) {
			seen[e.EventID]++
		}
	}
	require.Len(t, seen, requests)
	for id, n := range seen {
		require.Equal(t, 1, n, "event %s published %d times", id, n)
	}
	t.Logf("%d requests travelled in %d messages", requests, len(entries))
}
