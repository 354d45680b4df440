package openapitest_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/openapi"
)

// loadSource loads openapi.json, every operation in it, as kin-openapi does and validates it.
func loadSource(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Source())
	require.NoError(t, err)
	require.True(t, doc.IsOpenAPI31OrLater(), "openapi %s", doc.OpenAPI)
	require.NoError(t, doc.Validate(context.Background()))
	return doc
}

// TestDocumentsAreValidOpenAPI31 checks the whole document and each service's part.
func TestDocumentsAreValidOpenAPI31(t *testing.T) {
	t.Parallel()
	full := loadSource(t)
	for _, s := range openapi.Services {
		body, err := openapi.Document(s)
		require.NoError(t, err)
		doc, err := openapi3.NewLoader().LoadFromData(body)
		require.NoError(t, err, "%s", s)
		require.NoError(t, doc.Validate(context.Background()), "%s", s)
		require.NotZero(t, doc.Paths.Len(), "%s", s)
		require.Len(t, doc.Components.Schemas, len(full.Components.Schemas), "%s keeps every component", s)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				require.Contains(t, op.Tags, string(s), "%s %s in the document of %s", method, path, s)
			}
		}
	}
}

// TestQuerySchemas checks the query API's schemas on the request and response examples of Plausible's
// Stats API documentation (docs/stats-api.md and its examples), and on queries they must refuse.
func TestQuerySchemas(t *testing.T) {
	t.Parallel()
	doc := loadSource(t)
	cases := []struct {
		name, schema, value string
		valid               bool
	}{
		{"first_request", "QueryRequest", `{"site_id":"dummy.site","metrics":["visitors"],"date_range":"7d"}`, true},
		{"custom_date_range", "QueryRequest", `{"site_id":"dummy.site","metrics":["visitors"],"date_range":["2024-08-01","2024-08-15"]}`, true},
		{"date_time_range", "QueryRequest", `{"site_id":"dummy.site","metrics":["visitors"],"date_range":["2024-01-01T12:00:00+02:00","2024-01-01T15:59:59+02:00"]}`, true},
		{"utm", "QueryRequest", `{"site_id":"dummy.site","metrics":["visitors","events","pageviews"],"date_range":"7d","dimensions":["visit:utm_medium","visit:utm_source"]}`, true},
		{"pagination", "QueryRequest", `{"site_id":"dummy.site","metrics":["visitors","events","pageviews"],"date_range":"7d","dimensions":["visit:utm_medium","visit:utm_source"],"include":{"total_rows":true},"pagination":{"limit":3,"offset":1}}`, true},
		{"time_labels", "QueryRequest", `{"site_id":"dummy.site","metrics":["visitors"],"date_range":["2024-08-20","2024-08-20"],"dimensions":["time:hour"],"include":{"time_labels":true}}`, true},
		{"custom_properties", "QueryRequest", `{"site_id":"dummy.site","metrics":["visitors"],"date_range":"7d","dimensions":["time:day","event:props:is_customer"],"order_by":[["time:day","asc"],["event:props:is_customer","desc"]]}`, true},
		{"case_insensitive_filter", "QueryRequest", `{"site_id":"dummy.site","metrics":["visitors"],"date_range":"7d","filters":[["contains","event:page",["blog"],{"case_sensitive":false}]]}`, true},
		{"logical_filters", "QueryRequest", `{"site_id":"s","metrics":["visits"],"date_range":"all","filters":[["or",[["is","visit:source",["Google"]],["not",["matches","event:page",["^/user/\\d+$"]]]]]]}`, true},
		{"every_metric", "QueryRequest", `{"site_id":"s","metrics":["visitors","visits","pageviews","views_per_visit","bounce_rate","visit_duration","events","percentage"],"date_range":"28d","date":"2025-11-12"}`, true},
		{"geography_filter", "QueryRequest", `{"site_id":"dummy.site","metrics":["visitors"],"date_range":"7d","filters":[["contains","event:page",["/docs","/pricing"]],["is","visit:country_name",["Estonia","United States of America"]]]}`, false},
		{"unknown_metric", "QueryRequest", `{"site_id":"s","metrics":["baa"],"date_range":"7d"}`, false},
		{"unknown_key", "QueryRequest", `{"site_id":"s","metrics":["visitors"],"date_range":"7d","period":"7d"}`, false},
		{"unknown_operator", "QueryRequest", `{"site_id":"s","metrics":["visitors"],"date_range":"7d","filters":[["starts_with","event:page",["/a"]]]}`, false},
		{"time_filter", "QueryRequest", `{"site_id":"s","metrics":["visitors"],"date_range":"7d","filters":[["is","time:day",["2024-01-01"]]]}`, false},
		{"modifiers_on_matches", "QueryRequest", `{"site_id":"s","metrics":["visitors"],"date_range":"7d","filters":[["matches","event:page",["a"],{"case_sensitive":false}]]}`, false},
		{"no_date_range", "QueryRequest", `{"site_id":"s","metrics":["visitors"]}`, false},
		{"three_dates", "QueryRequest", `{"site_id":"s","metrics":["visitors"],"date_range":["2024-01-01","2024-01-02","2024-01-03"]}`, false},
		{"limit_over_10000", "QueryRequest", `{"site_id":"s","metrics":["visitors"],"date_range":"7d","pagination":{"limit":10001}}`, false},
		{"pagination_response", "QueryResponse", `{"results":[{"metrics":[325,397,317],"dimensions":["(not set)","duckduckgo"]},{"metrics":[311,369,295],"dimensions":["(not set)","google"]}],"meta":{"total_rows":6},"query":{"site_id":"dummy.site","metrics":["visitors","events","pageviews"],"date_range":["2024-09-10T00:00:00+00:00","2024-09-16T23:59:59+00:00"],"filters":[],"dimensions":["visit:utm_medium","visit:utm_source"],"order_by":[["visitors","desc"]],"include":{"total_rows":true},"pagination":{"offset":1,"limit":3}}}`, true},
		{"time_labels_response", "QueryResponse", `{"results":[{"metrics":[4],"dimensions":["2024-08-20 01:00:00"]}],"meta":{"time_labels":["2024-08-20 00:00:00","2024-08-20 01:00:00"]},"query":{"site_id":"dummy.site","metrics":["visitors"],"date_range":["2024-08-20","2024-08-20"],"filters":[],"dimensions":["time:hour"],"order_by":[["time:hour","asc"],["visitors","desc"]],"include":{"time_labels":true}}}`, true},
		{"aggregate_response", "QueryResponse", `{"results":[{"metrics":[2,1.5,40,null],"dimensions":[]}],"meta":{},"query":{"site_id":"s","metrics":["visitors","views_per_visit","bounce_rate","visit_duration"],"date_range":["2024-09-10T00:00:00+02:00","2024-09-16T23:59:59+02:00"]}}`, true},
		{"response_without_query", "QueryResponse", `{"results":[],"meta":{}}`, false},
		{"row_with_dimension_null", "QueryResponse", `{"results":[{"metrics":[1],"dimensions":[null]}],"meta":{},"query":{"site_id":"s","metrics":["visitors"],"date_range":"7d"}}`, false},
		{"plausible_error", "PlausibleError", `{"error":"Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've requested."}`, true},
		{"seed_error_is_not_plausible_error", "PlausibleError", `{"error":["no"]}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var value any
			require.NoError(t, json.Unmarshal([]byte(c.value), &value))
			err := doc.Components.Schemas[c.schema].Value.VisitJSON(value, openapi3.EnableJSONSchema2020())
			if c.valid {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}
}
