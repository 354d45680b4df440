package openapi_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/openapi"
)

// document is what the tests read of a document.
type document struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
	Tags    []struct {
		Name string `json:"name"`
	} `json:"tags"`
	Components map[string]json.RawMessage `json:"components"`
}

func decode(t *testing.T, body []byte) document {
	t.Helper()
	var d document
	require.NoError(t, json.Unmarshal(body, &d))
	return d
}

// TestDocumentKeepsTheServicesOperations checks each service's part: its paths, the tags its operations
// carry, every component, and nothing of the query API while no service is tagged to serve it.
func TestDocumentKeepsTheServicesOperations(t *testing.T) {
	t.Parallel()
	source := decode(t, openapi.Source())
	require.Contains(t, source.Paths, "/api/v2/query")
	cases := []struct {
		name  openapi.Service
		paths []string
		tags  []string
	}{
		{openapi.Ingestion, []string{"/event", "/events", "/api/event", "/js/script.js", "/health", "/ready", "/metrics", "/openapi.json",
			"/v1/track", "/v1/page", "/v1/screen", "/v1/identify", "/v1/group", "/v1/alias", "/v1/batch", "/v1/import",
			"/v1/t", "/v1/p", "/v1/s", "/v1/i", "/v1/g", "/v1/a", "/v1/b"}, []string{"ingestion"}},
		{openapi.Reporting, []string{"/", "/dashboard/{file}", "/stats", "/api/v2/query", "/health", "/ready", "/metrics", "/openapi.json"}, []string{"reporting", "stats-api-v2"}},
		{openapi.Processor, []string{"/health", "/metrics", "/openapi.json"}, []string{"processor"}},
	}
	for _, c := range cases {
		t.Run(string(c.name), func(t *testing.T) {
			t.Parallel()
			body, err := openapi.Document(c.name)
			require.NoError(t, err)
			d := decode(t, body)
			require.Equal(t, "3.1.0", d.OpenAPI)
			require.ElementsMatch(t, c.paths, slices.Collect(maps.Keys(d.Paths)))
			var tags []string
			for _, tag := range d.Tags {
				tags = append(tags, tag.Name)
			}
			require.ElementsMatch(t, c.tags, tags)
			want, err := json.Marshal(source.Components)
			require.NoError(t, err)
			got, err := json.Marshal(d.Components)
			require.NoError(t, err)
			require.JSONEq(t, string(want), string(got))
		})
	}
}

// TestHandlerServesTheDocument checks the answer of GET /openapi.json.
func TestHandlerServesTheDocument(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	openapi.Handler(openapi.Processor).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	want, err := openapi.Document(openapi.Processor)
	require.NoError(t, err)
	require.Equal(t, string(want), rec.Body.String())
}
