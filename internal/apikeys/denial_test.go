package apikeys_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/apikeys"
)

func TestWriteDenialAnswersInPlausiblesShape(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		err        error
		status     int
		retryAfter string
		body       string
	}{
		{
			name: "missing_key", err: fmt.Errorf("check: %w", apikeys.ErrMissingKey), status: http.StatusUnauthorized,
			body: `{"error":"Missing API key. Please use a valid API key as a Bearer Token."}`,
		},
		{
			name: "invalid_key_or_site", err: apikeys.ErrUnauthorized, status: http.StatusUnauthorized,
			body: `{"error":"Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've requested."}`,
		},
		{
			name: "rate_limited", err: &apikeys.RateLimitedError{RetryAfter: 5400*time.Millisecond + time.Nanosecond, Limit: 600},
			status: http.StatusTooManyRequests, retryAfter: "6",
			body: `{"error":"Too many API requests. Your API key is limited to 600 requests per hour."}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			require.True(t, apikeys.WriteDenial(rec, tc.err))
			require.Equal(t, tc.status, rec.Code)
			require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			require.Equal(t, tc.retryAfter, rec.Header().Get("Retry-After"))
			require.JSONEq(t, tc.body, rec.Body.String())
			if tc.status == http.StatusUnauthorized {
				require.Equal(t, "Bearer", rec.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

func TestWriteDenialLeavesOtherErrorsToTheHandler(t *testing.T) {
	t.Parallel()
	for _, err := range []error{nil, errors.New("look up key: connection refused")} {
		rec := httptest.NewRecorder()
		require.False(t, apikeys.WriteDenial(rec, err))
		require.Empty(t, rec.Body.String())
		require.Empty(t, rec.Header())
	}
}
