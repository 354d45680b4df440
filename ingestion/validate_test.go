package ingestion_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// oversized returns a valid event padded with an unknown field to at least size bytes.
func oversized(size int) string {
	return eventJSON(map[string]any{"padding": strings.Repeat("x", size)})
}

func TestPostEventRejects(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	valid := eventJSON(nil)
	cases := []struct {
		name        string
		contentType string
		body        string
		status      int
		wantErr     string
	}{
		{name: "missing_site_id", contentType: jsonType, body: eventJSON(map[string]any{"site_id": nil}), status: 400, wantErr: `"site_id" is required`},
		{name: "null_site_id", contentType: jsonType, body: eventJSON(map[string]any{"site_id": json.RawMessage("null")}), status: 400, wantErr: `"site_id" is required`},
		{name: "empty_site_id", contentType: jsonType, body: eventJSON(map[string]any{"site_id": ""}), status: 400, wantErr: `"site_id" is not allowed to be empty`},
		{name: "missing_event_type", contentType: jsonType, body: eventJSON(map[string]any{"event_type": nil}), status: 400, wantErr: `"event_type" is required`},
		{name: "empty_event_type", contentType: jsonType, body: eventJSON(map[string]any{"event_type": ""}), status: 400, wantErr: `"event_type" is not allowed to be empty`},
		{name: "missing_path", contentType: jsonType, body: eventJSON(map[string]any{"path": nil}), status: 400, wantErr: `"path" is required`},
		{name: "empty_path", contentType: jsonType, body: eventJSON(map[string]any{"path": ""}), status: 400, wantErr: `"path" is not allowed to be empty`},
		{name: "site_id_number", contentType: jsonType, body: eventJSON(map[string]any{"site_id": 42}), status: 400, wantErr: `"site_id" must be a string`},
		{name: "path_array", contentType: jsonType, body: eventJSON(map[string]any{"path": []string{"/a"}}), status: 400, wantErr: `"path" must be a string`},
		{name: "user_id_boolean", contentType: jsonType, body: eventJSON(map[string]any{"user_id": true}), status: 400, wantErr: `"user_id" must be a string`},
		{name: "event_id_object", contentType: jsonType, body: eventJSON(map[string]any{"event_id": map[string]any{}}), status: 400, wantErr: `"event_id" must be a string`},
		{name: "site_id_too_long", contentType: jsonType, body: eventJSON(map[string]any{"site_id": strings.Repeat("s", 129)}), status: 400, wantErr: `"site_id" length must be less than or equal to 128 characters`},
		{name: "site_id_too_long_multibyte", contentType: jsonType, body: eventJSON(map[string]any{"site_id": strings.Repeat("é", 129)}), status: 400, wantErr: `"site_id" length must be less than or equal to 128 characters`},
		{name: "event_type_too_long", contentType: jsonType, body: eventJSON(map[string]any{"event_type": strings.Repeat("t", 65)}), status: 400, wantErr: `"event_type" length must be less than or equal to 64 characters`},
		{name: "path_too_long", contentType: jsonType, body: eventJSON(map[string]any{"path": "/" + strings.Repeat("p", 2048)}), status: 400, wantErr: `"path" length must be less than or equal to 2048 characters`},
		{name: "user_id_too_long", contentType: jsonType, body: eventJSON(map[string]any{"user_id": strings.Repeat("u", 257)}), status: 400, wantErr: `"user_id" length must be less than or equal to 256 characters`},
		{name: "event_id_too_long", contentType: jsonType, body: eventJSON(map[string]any{"event_id": strings.Repeat("e", 129)}), status: 400, wantErr: `"event_id" length must be less than or equal to 128 characters`},
		{name: "site_id_with_nul", contentType: jsonType, body: eventJSON(map[string]any{"site_id": "site\x00one"}), status: 400, wantErr: `"site_id" must not contain NUL`},
		{name: "path_with_nul", contentType: jsonType, body: eventJSON(map[string]any{"path": "/\x00"}), status: 400, wantErr: `"path" must not contain NUL`},
		{name: "user_id_only_nul", contentType: jsonType, body: eventJSON(map[string]any{"user_id": "\x00"}), status: 400, wantErr: `"user_id" must not contain NUL`},
		{name: "event_id_with_nul", contentType: jsonType, body: eventJSON(map[string]any{"event_id": "id\x00"}), status: 400, wantErr: `"event_id" must not contain NUL`},
		{name: "path_invalid_utf8", contentType: jsonType, body: `{"site_id":"s","event_type":"page_view","path":"/caf` + "\xe9" + `"}`, status: 400, wantErr: `"path" must be valid UTF-8`},
		{name: "site_id_invalid_utf8", contentType: jsonType, body: `{"site_id":"` + "\xff\xfe" + `","event_type":"page_view","path":"/"}`, status: 400, wantErr: `"site_id" must be valid UTF-8`},
		{name: "user_id_overlong_utf8", contentType: jsonType, body: eventJSON(map[string]any{"user_id": nil})[:1] + `"user_id":"` + "\xc0\xaf" + `",` + eventJSON(map[string]any{"user_id": nil})[1:], status: 400, wantErr: `"user_id" must be valid UTF-8`},
		{name: "timestamp_date_only", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "2025-11-12"}), status: 400, wantErr: `"timestamp" must be an RFC 3339 date-time`},
		{name: "timestamp_without_offset", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "2025-11-12T19:30:01"}), status: 400, wantErr: `"timestamp" must be an RFC 3339 date-time`},
		{name: "timestamp_february_30", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "2025-02-30T10:00:00Z"}), status: 400, wantErr: `"timestamp" must be an RFC 3339 date-time`},
		{name: "timestamp_february_29_non_leap_year", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "2025-02-29T10:00:00Z"}), status: 400, wantErr: `"timestamp" must be an RFC 3339 date-time`},
		{name: "timestamp_month_13", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "2025-13-01T10:00:00Z"}), status: 400, wantErr: `"timestamp" must be an RFC 3339 date-time`},
		{name: "timestamp_hour_25", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "2025-11-12T25:00:00Z"}), status: 400, wantErr: `"timestamp" must be an RFC 3339 date-time`},
		{name: "timestamp_one_digit_hour", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "2025-11-12T9:30:01Z"}), status: 400, wantErr: `"timestamp" must be an RFC 3339 date-time`},
		{name: "timestamp_comma_fraction", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "2025-11-12T09:30:01,5Z"}), status: 400, wantErr: `"timestamp" must be an RFC 3339 date-time`},
		{name: "timestamp_offset_24_hours", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "2025-11-12T09:30:01+24:00"}), status: 400, wantErr: `"timestamp" must be an RFC 3339 date-time`},
		{name: "timestamp_offset_60_minutes", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "2025-11-12T09:30:01+05:60"}), status: 400, wantErr: `"timestamp" must be an RFC 3339 date-time`},
		{name: "timestamp_free_text", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "yesterday"}), status: 400, wantErr: `"timestamp" must be an RFC 3339 date-time`},
		{name: "timestamp_unix_seconds", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": 1731439801}), status: 400, wantErr: `"timestamp" must be a string`},
		{name: "timestamp_more_than_24_hours_ahead", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": time.Now().Add(25 * time.Hour).Format(time.RFC3339)}), status: 400, wantErr: `"timestamp" must not be more than 24 hours in the future`},
		{name: "timestamp_far_future_with_offset", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "9999-12-31T23:59:59-12:00"}), status: 400, wantErr: `"timestamp" must not be more than 24 hours in the future`},
		{name: "timestamp_before_1970", contentType: jsonType, body: eventJSON(map[string]any{"timestamp": "1969-12-31T23:59:59Z"}), status: 400, wantErr: `"timestamp" must not be before 1970`},
		{name: "malformed_json", contentType: jsonType, body: `{"site_id":`, status: 400, wantErr: "malformed JSON"},
		{name: "single_quotes", contentType: jsonType, body: `{'site_id':'s'}`, status: 400, wantErr: "malformed JSON"},
		{name: "trailing_comma", contentType: jsonType, body: `{"site_id":"s","event_type":"page_view","path":"/",}`, status: 400, wantErr: "malformed JSON"},
		{name: "trailing_object", contentType: jsonType, body: valid + valid, status: 400, wantErr: "unexpected data after the JSON value"},
		{name: "trailing_garbage", contentType: jsonType, body: valid + " garbage", status: 400, wantErr: "unexpected data after the JSON value"},
		{name: "trailing_bracket", contentType: jsonType, body: valid + "]", status: 400, wantErr: "unexpected data after the JSON value"},
		{name: "array_body", contentType: jsonType, body: "[" + valid + "]", status: 400, wantErr: "request body must be a JSON object"},
		{name: "string_body", contentType: jsonType, body: `"page_view"`, status: 400, wantErr: "request body must be a JSON object"},
		{name: "number_body", contentType: jsonType, body: `42`, status: 400, wantErr: "request body must be a JSON object"},
		{name: "null_body", contentType: jsonType, body: `null`, status: 400, wantErr: "request body must be a JSON object"},
		{name: "empty_body", contentType: jsonType, body: "", status: 400, wantErr: "request body is empty"},
		{name: "whitespace_body", contentType: jsonType, body: " \r\n\t", status: 400, wantErr: "malformed JSON"},
		{name: "form_content_type", contentType: "application/x-www-form-urlencoded", body: "site_id=s&event_type=page_view&path=/", status: 415, wantErr: "content type"},
		{name: "multipart_content_type", contentType: "multipart/form-data; boundary=x", body: valid, status: 415, wantErr: "content type"},
		{name: "xml_content_type", contentType: "application/xml", body: valid, status: 415, wantErr: "content type"},
		{name: "html_content_type", contentType: "text/html", body: valid, status: 415, wantErr: "content type"},
		{name: "octet_stream_content_type", contentType: "application/octet-stream", body: valid, status: 415, wantErr: "content type"},
		{name: "unparsable_content_type", contentType: "application/json; charset", body: valid, status: 415, wantErr: "content type"},
		{name: "oversized_body", contentType: jsonType, body: oversized(65 << 10), status: 413, wantErr: "request body is larger than"},
		{name: "oversized_unsupported_type_checked_first", contentType: "text/html", body: oversized(65 << 10), status: 415, wantErr: "content type"},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				requireError(t, srv.post(t, "/event", tc.contentType, tc.body), tc.status, tc.wantErr)
			})
		}
	})
	require.Zero(t, srv.streamLen(t), "a rejected event is never published")
}

func TestPostEventReportsEveryProblem(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cases := []struct {
		name string
		body string
		want []string
	}{
		{
			name: "empty_object",
			body: `{}`,
			want: []string{`"site_id" is required`, `"event_type" is required`, `"path" is required`},
		},
		{
			name: "several_bad_fields",
			body: eventJSON(map[string]any{"site_id": "", "path": strings.Repeat("p", 2049), "user_id": 7, "timestamp": "2025-02-30T00:00:00Z"}),
			want: []string{
				`"site_id" is not allowed to be empty`,
				`"path" length must be less than or equal to 2048 characters long`,
				`"user_id" must be a string`,
				`"timestamp" must be an RFC 3339 date-time with offset, such as 2025-11-12T19:30:01Z`,
			},
		},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				r := srv.post(t, "/event", jsonType, tc.body)
				require.Equal(t, http.StatusBadRequest, r.status)
				require.Equal(t, tc.want, errorMessages(t, r))
			})
		}
	})
	require.Zero(t, srv.streamLen(t))
}

func TestPostEventsRejects(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	valid := eventJSON(nil)
	batch := func(n int, item string) string {
		items := make([]string, n)
		for i := range items {
			items[i] = item
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	cases := []struct {
		name        string
		contentType string
		body        string
		status      int
		wantErr     string
	}{
		{name: "empty_array", contentType: jsonType, body: `[]`, status: 400, wantErr: "a batch must hold between 1 and 500 events, got 0"},
		{name: "too_many_events", contentType: jsonType, body: batch(501, valid), status: 400, wantErr: "a batch must hold between 1 and 500 events, got 501"},
		{name: "object_body", contentType: jsonType, body: valid, status: 400, wantErr: "request body must be a JSON array"},
		{name: "null_body", contentType: jsonType, body: `null`, status: 400, wantErr: "request body must be a JSON array"},
		{name: "malformed_json", contentType: jsonType, body: "[" + valid, status: 400, wantErr: "malformed JSON"},
		{name: "trailing_data", contentType: jsonType, body: batch(1, valid) + "[]", status: 400, wantErr: "unexpected data after the JSON value"},
		{name: "empty_body", contentType: jsonType, body: "", status: 400, wantErr: "request body is empty"},
		{name: "all_items_invalid", contentType: jsonType, body: `[{}, {"site_id":"s","event_type":"click"}]`, status: 400, wantErr: `[1] "path" is required`},
		{name: "all_items_not_objects", contentType: jsonType, body: `[null, 1, "x", []]`, status: 400, wantErr: "[3] event must be a JSON object"},
		{name: "unsupported_content_type", contentType: "application/x-www-form-urlencoded", body: batch(1, valid), status: 415, wantErr: "content type"},
		{name: "oversized_body", contentType: jsonType, body: "[" + oversized(513<<10) + "]", status: 413, wantErr: "request body is larger than 524288 bytes"},
		{name: "oversized_by_many_events", contentType: jsonType, body: batch(300, oversized(2<<10)), status: 413, wantErr: "request body is larger than"},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				requireError(t, srv.post(t, "/events", tc.contentType, tc.body), tc.status, tc.wantErr)
			})
		}
	})
	require.Zero(t, srv.streamLen(t), "a rejected batch publishes nothing")
}

func TestPostEventsAllInvalidReportsEachItem(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	body := "[" + eventJSON(map[string]any{"site_id": nil}) + `,"x",` + eventJSON(map[string]any{"timestamp": "2025-11-12"}) + "]"
	r := srv.post(t, "/events", jsonType, body)
	require.Equal(t, http.StatusBadRequest, r.status, "body: %s", r.body)
	require.Equal(t, []string{
		`[0] "site_id" is required`,
		"[1] event must be a JSON object",
		`[2] "timestamp" must be an RFC 3339 date-time with offset, such as 2025-11-12T19:30:01Z`,
	}, errorMessages(t, r))
	got := decodeBatch(t, r)
	require.Len(t, got.Results, 3)
	for i, res := range got.Results {
		require.Equal(t, i, res.Index)
		require.Empty(t, res.QueuedID)
		require.NotEmpty(t, res.Error, fmt.Sprintf("item %d", i))
	}
	require.Zero(t, srv.streamLen(t))
}
