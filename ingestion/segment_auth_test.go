package ingestion_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// The write key comes as the HTTP Basic username or as writeKey in the body and decides the site; a
// missing, unknown or revoked key is answered 401 with a JSON error and nothing is queued.
func TestSegmentWriteKeys(t *testing.T) {
	t.Parallel()
	s := newSegmentServer(t, true)
	const call = `{"userId":"u1","event":"Signup","site_id":"other.example"}`
	withBody := `{"writeKey":"` + s.key + `","userId":"u1","event":"Signup"}`
	cases := []struct {
		name, auth, body string
		status           int
		wantErr          string
	}{
		{name: "basic_username", auth: basicAuth(s.key), body: call, status: http.StatusOK},
		{name: "basic_with_password_ignored", auth: "Basic " + b64(s.key+":secret"), body: call, status: http.StatusOK},
		{name: "body_write_key", body: withBody, status: http.StatusOK},
		{name: "missing", body: call, status: http.StatusUnauthorized, wantErr: "missing write key: send it as the HTTP Basic username or as writeKey in the body"},
		{name: "unknown_basic", auth: basicAuth("wk_unknown"), body: withBody, status: http.StatusUnauthorized, wantErr: "unknown or revoked write key"},
		{name: "unknown_body", body: `{"writeKey":"` + s.key + `x","userId":"u1","event":"Signup"}`, status: http.StatusUnauthorized, wantErr: "unknown or revoked write key"},
	}
	accepted := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			header := http.Header{"Content-Type": {"text/plain"}}
			if c.auth != "" {
				header.Set("Authorization", c.auth)
			}
			r := doWith(t, http.MethodPost, s.url+"/v1/track", header, c.body)
			if c.wantErr != "" {
				requireError(t, r, c.status, c.wantErr)
				return
			}
			requireSuccess(t, r)
			accepted++
		})
	}
	events := s.allStreamEvents(t)
	require.Len(t, events, accepted)
	for _, e := range events {
		require.Equal(t, segmentSite, e.SiteID, "the key decides the site, not the body's site_id")
	}
}

// A revoked key is refused once the cache's TTL is over (a nanosecond here), batches included.
func TestSegmentRevokedKeyIsRefused(t *testing.T) {
	t.Parallel()
	s := newSegmentServer(t, true)
	requireSuccess(t, s.postSegment(t, "/v1/track", `{"userId":"u1","event":"a"}`))
	list, err := s.store.List(context.Background())
	require.NoError(t, err)
	_, _, err = s.store.Revoke(context.Background(), list[0].ID)
	require.NoError(t, err)
	requireError(t, s.postSegment(t, "/v1/track", `{"userId":"u1","event":"a"}`), http.StatusUnauthorized, "unknown or revoked write key")
	requireError(t, s.postSegment(t, "/v1/batch", `{"batch":[{"type":"track","userId":"u1","event":"a"}]}`), http.StatusUnauthorized, "unknown or revoked write key")
	require.Len(t, s.allStreamEvents(t), 1)
}

// analytics-next posts from a site's pages with its write key in Authorization: the preflight of every
// /v1 path allows that header for any origin, and the answers allow the page to read them.
func TestSegmentCORS(t *testing.T) {
	t.Parallel()
	s := newSegmentServer(t, true)
	for _, path := range []string{"/v1/t", "/v1/page", "/v1/batch", "/v1/b"} {
		r := doWith(t, http.MethodOptions, s.url+path, http.Header{"Origin": {"https://shop.example"},
			"Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"authorization,content-type"}}, "")
		require.Equal(t, http.StatusNoContent, r.status, path)
		require.Equal(t, "*", r.header.Get("Access-Control-Allow-Origin"), path)
		require.Equal(t, "Authorization, Content-Type", r.header.Get("Access-Control-Allow-Headers"), path)
		require.Equal(t, "POST", r.header.Get("Access-Control-Allow-Methods"), path)
	}
	header := http.Header{"Origin": {"https://shop.example"}, "Content-Type": {"text/plain"}, "Authorization": {basicAuth(s.key)}}
	r := doWith(t, http.MethodPost, s.url+"/v1/t", header, `{"anonymousId":"a1","event":"Signup"}`)
	requireSuccess(t, r)
	require.Equal(t, "*", r.header.Get("Access-Control-Allow-Origin"))
	header.Del("Authorization")
	r = doWith(t, http.MethodPost, s.url+"/v1/t", header, `{"anonymousId":"a1","event":"Signup"}`)
	require.Equal(t, http.StatusUnauthorized, r.status)
	require.Equal(t, "*", r.header.Get("Access-Control-Allow-Origin"), "the page can read why")
}
