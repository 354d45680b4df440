package ingestion_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A batch with invalid calls is answered as POST /events answers: the valid ones queued, every item's
// outcome reported; the batch's context applies to the calls that lack their own.
func TestSegmentBatchReportsEachCall(t *testing.T) {
	t.Parallel()
	s := newSegmentServer(t, true)
	r := s.postSegment(t, "/v1/batch", `{"context":{"page":{"path":"/from-batch"}},"batch":[
		{"type":"track","userId":"u1","event":"Signup","messageId":"ok-1"},
		{"type":"track","event":"Signup"},
		{"type":"teleport","userId":"u1"},
		5,
		{"type":"page","anonymousId":"a1","messageId":"ok-2","context":{"page":{"path":"/own"}}},
		{"type":"track","userId":"u1","event":"x","timestamp":"yesterday"},
		{"type":"group","userId":"u1"}]}`)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	answer := decodeBatch(t, r)
	require.False(t, answer.Success)
	require.Equal(t, 2, answer.Accepted)
	require.Equal(t, 5, answer.Rejected)
	errs := map[int][]string{}
	for _, res := range answer.Results {
		if res.Error != nil {
			errs[res.Index] = res.Error
		}
	}
	require.Equal(t, map[int][]string{
		1: {`"userId" or "anonymousId" is required`},
		2: {`"type" must be one of track, page, screen, identify, group, alias`},
		3: {"event must be a JSON object"},
		5: {`"timestamp" must be an ISO 8601 date-time with offset, such as 2025-11-12T19:30:01.123Z`},
		6: {`"groupId" is required`},
	}, errs)
	events := s.allStreamEvents(t)
	require.Len(t, events, 2)
	require.Equal(t, []string{"ok-1", "ok-2"}, []string{events[0].EventID, events[1].EventID})
	require.Equal(t, []string{"/from-batch", "/own"}, []string{events[0].Path, events[1].Path})

	r = s.postSegment(t, "/v1/import", `{"batch":[{"type":"track","userId":"u1"},{"type":"alias","userId":"u1"}]}`)
	require.Equal(t, http.StatusBadRequest, r.status, "body: %s", r.body)
	require.Equal(t, []string{`[0] "event" is required`, `[1] "previousId" is required`}, errorMessages(t, r))
	require.Len(t, s.allStreamEvents(t), 2)
}

// Invalid single calls are answered 400 with every problem, named by Segment's fields.
func TestSegmentRefusesInvalidCalls(t *testing.T) {
	t.Parallel()
	s := newSegmentServer(t, true)
	many := map[string]int{}
	for i := range 31 {
		many[fmt.Sprintf("k%02d", i)] = i
	}
	manyJSON, err := json.Marshal(many)
	require.NoError(t, err)
	cases := []struct {
		name, path, body string
		want             []string
	}{
		{name: "no_ids", path: "/v1/track", body: `{"event":"a"}`, want: []string{`"userId" or "anonymousId" is required`}},
		{name: "user_id_not_string", path: "/v1/track", body: `{"userId":7,"event":"a"}`, want: []string{`"userId" must be a string`}},
		{name: "track_without_event", path: "/v1/track", body: `{"userId":"u"}`, want: []string{`"event" is required`}},
		{name: "too_many_properties", path: "/v1/track", body: `{"userId":"u","event":"a","properties":` + string(manyJSON) + `}`,
			want: []string{`"properties" must hold at most 30 properties, got 31`}},
		{name: "group_id_over_the_props_limit", path: "/v1/group", body: `{"userId":"u","groupId":"g","traits":` + strings.Replace(string(manyJSON), `,"k30":30`, "", 1) + `}`,
			want: []string{`"groupId" and traits must hold at most 30 properties together, got 31`}},
		{name: "properties_not_object", path: "/v1/track", body: `{"userId":"u","event":"a","properties":[1]}`, want: []string{`"properties" must be an object`}},
		{name: "context_not_object", path: "/v1/page", body: `{"userId":"u","context":"web"}`, want: []string{`"context" must be an object`}},
		{name: "bad_page_url", path: "/v1/page", body: `{"userId":"u","properties":{"url":"not a url"}}`, want: []string{`"properties.url" must be an absolute http or https URL`}},
		{name: "bad_sent_at", path: "/v1/track", body: `{"userId":"u","event":"a","timestamp":"2026-11-29T11:00:00Z","sentAt":"now"}`,
			want: []string{`"sentAt" must be an ISO 8601 date-time with offset, such as 2025-11-12T19:30:01.123Z`}},
		{name: "far_future", path: "/v1/track", body: `{"userId":"u","event":"a","timestamp":"2026-12-29T11:00:00Z"}`,
			want: []string{`"timestamp" must not be more than 24 hours in the future`}},
		{name: "long_message_id", path: "/v1/identify", body: `{"userId":"u","messageId":"` + strings.Repeat("m", 129) + `"}`,
			want: []string{`"messageId" length must be less than or equal to 128 characters long`}},
		{name: "not_json", path: "/v1/track", body: `{"userId":`, want: []string{"malformed JSON: unexpected EOF"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := s.postSegment(t, c.path, c.body)
			require.Equal(t, http.StatusBadRequest, r.status, "body: %s", r.body)
			require.Equal(t, c.want, errorMessages(t, r))
		})
	}
}

// A body that is not a batch is refused whole, with 400 and one problem.
func TestSegmentRefusesMalformedBatches(t *testing.T) {
	t.Parallel()
	s := newSegmentServer(t, true)
	cases := []struct{ name, body, want string }{
		{name: "not_an_object", body: `[{"type":"track"}]`, want: "request body must be a JSON object"},
		{name: "malformed", body: `{"batch":[{"type":"track",}]}`, want: "malformed JSON: invalid character '}' looking for beginning of object key string"},
		{name: "batch_not_array", body: `{"batch":{"type":"track"}}`, want: `"batch" must be an array of calls`},
		{name: "no_batch", body: `{"sentAt":"2026-11-29T12:00:00Z"}`, want: `"batch" must be an array of calls`},
		{name: "batch_then_null", body: `{"batch":[{"type":"track","userId":"u","event":"a"}],"batch":null}`, want: `"batch" must be an array of calls`},
		{name: "context_not_object", body: `{"batch":[{"type":"track","userId":"u","event":"a"}],"context":[]}`, want: `"context" must be an object`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			requireError(t, s.postSegment(t, "/v1/batch", c.body), http.StatusBadRequest, c.want)
		})
	}
	require.Empty(t, s.allStreamEvents(t))
}
