package reporting_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestQueryRefusals checks that what Plausible refuses is refused with a 400 {"error": "..."} naming the
// field and the reason, in Plausible's words where they are known (its query_validations_test.exs and
// query_parser_test.exs).
func TestQueryRefusals(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t)
	const base = `"site_id":"x.example","date_range":"all",`
	tests := []struct {
		name string
		body string
		want string
	}{
		{"not_json", `{"site_id":`, `Invalid JSON body: unexpected EOF`},
		{"not_an_object", `[1]`, `#: Type mismatch. Expected Object but got Array.`},
		{"missing_metrics", `{"site_id":"x.example","date_range":"all"}`, `#: Required property metrics was not present.`},
		{"unknown_key", `{` + base + `"metrics":["visitors"],"property":"event:page"}`, `#/property: Schema does not allow additional properties.`},
		{"site_id_not_a_string", `{"site_id":1,"metrics":["visitors"],"date_range":"all"}`, `#/site_id: Type mismatch. Expected String but got Integer.`},
		{"invalid_metric", `{` + base + `"metrics":["visitors","baa"]}`, `#/metrics/1: Invalid metric "baa"`},
		{"metric_twice", `{` + base + `"metrics":["visitors","visitors"]}`, `#/metrics: Expected items to be unique but they were not.`},
		{"no_metrics", `{` + base + `"metrics":[]}`, `#/metrics: Expected a minimum of 1 items but got 0.`},
		{"goal_metric", `{` + base + `"metrics":["conversion_rate"]}`,
			`#/metrics/0: Metric "conversion_rate" is not supported by this pipeline (see the README's differences from Plausible)`},
		{"invalid_date_range", `{"site_id":"x.example","date_range":"bad_period","metrics":["visitors"]}`, `#/date_range: Invalid date range "bad_period"`},
		{"date_range_of_non_dates", `{"site_id":"x.example","date_range":["2025-01-01","tomorrow"],"metrics":["visitors"]}`,
			`Invalid date_range '["2025-01-01", "tomorrow"]'.`},
		{"invalid_date", `{` + base + `"date":"yesterday","metrics":["visitors"]}`, `Invalid date 'yesterday'.`},
		{"invalid_dimension", `{` + base + `"metrics":["visitors"],"dimensions":["badproperty"]}`, `#/dimensions/0: Invalid dimension "badproperty"`},
		{"empty_custom_property", `{` + base + `"metrics":["visitors"],"dimensions":["event:props:"]}`, `#/dimensions/0: Invalid dimension "event:props:"`},
		{"geography", `{` + base + `"metrics":["visitors"],"dimensions":["visit:country"]}`,
			`#/dimensions/0: Dimension "visit:country" is not supported by this pipeline (see the README's differences from Plausible)`},
		{"unknown_operator", `{` + base + `"metrics":["visitors"],"filters":[["equals","event:page",["/"]]]}`,
			`#/filters/0: Invalid filter ["equals", "event:page", ["/"]]`},
		{"time_filter", `{` + base + `"metrics":["visitors"],"filters":[["is","time:day",["2025-01-01"]]]}`,
			`#/filters/0: Invalid filter ["is", "time:day", ["2025-01-01"]]`},
		{"invalid_regexp", `{` + base + `"metrics":["visitors"],"filters":[["matches","event:page",["("]]]}`,
			`#/filters/0: Invalid filter ["matches", "event:page", ["("]]: "(" is not a valid re2 regular expression`},
		{"unknown_modifier", `{` + base + `"metrics":["visitors"],"filters":[["is","event:page",["/"],{"ignore_case":true}]]}`,
			`#/filters/0: Invalid filter ["is", "event:page", ["/"], %{"ignore_case" => true}]`},
		{"hostname_below_top_level", `{` + base + `"metrics":["visitors"],"filters":[["or",[["is","event:hostname",["a"]],["is","event:page",["/"]]]]]}`,
			"Invalid filters. Dimension `event:hostname` can only be filtered at the top level."},
		{"session_metric_with_event_dimension", `{` + base + `"metrics":["visitors","bounce_rate"],"dimensions":["event:name"]}`,
			`Session metric(s) [:bounce_rate] cannot be queried along with event dimension(s) ["event:name"]`},
		{"session_metric_with_property", `{` + base + `"metrics":["bounce_rate"],"dimensions":["event:props:url"]}`,
			`Session metric(s) [:bounce_rate] cannot be queried along with event dimension(s) ["event:props:url"]`},
		{"event_metric_with_entry_page", `{` + base + `"metrics":["pageviews"],"dimensions":["visit:entry_page"]}`,
			`Event metric(s) [:pageviews] cannot be queried along with session dimension(s) ["visit:entry_page"]`},
		{"views_per_visit_with_page_filter", `{` + base + `"metrics":["views_per_visit"],"filters":[["is","event:page",["/a"]]]}`,
			"Metric `views_per_visit` cannot be queried with a filter on `event:page`."},
		{"views_per_visit_with_dimensions", `{` + base + `"metrics":["views_per_visit"],"dimensions":["visit:source"]}`,
			"Metric `views_per_visit` cannot be queried with `dimensions`."},
		{"order_by_not_queried", `{` + base + `"metrics":["visitors"],"order_by":[["visits","desc"]]}`,
			`Invalid order_by entry '{:visits, :desc}'. Entry is not a queried metric or dimension.`},
		{"order_by_bad_direction", `{` + base + `"metrics":["visitors"],"order_by":[["visitors","up"]]}`,
			`#/order_by/0: Invalid value in order_by ["visitors", "up"]`},
		{"time_labels_without_time", `{` + base + `"metrics":["visitors"],"include":{"time_labels":true}}`,
			`Invalid include.time_labels: requires a time dimension.`},
		{"unknown_include", `{` + base + `"metrics":["visitors"],"include":{"everything":true}}`,
			`#/include/everything: Schema does not allow additional properties.`},
		{"limit_zero", `{` + base + `"metrics":["visitors"],"pagination":{"limit":0}}`, `#/pagination/limit: Expected the value to be >= 1`},
		{"limit_too_big", `{` + base + `"metrics":["visitors"],"pagination":{"limit":10001}}`, `#/pagination/limit: Expected the value to be <= 10000`},
		{"offset_not_an_integer", `{` + base + `"metrics":["visitors"],"pagination":{"offset":1.5}}`,
			`#/pagination/offset: Type mismatch. Expected Integer but got Number.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := postQuery(t, url, tt.body)
			require.Equal(t, http.StatusBadRequest, a.status, a.raw)
			require.Equal(t, map[string]any{"error": tt.want}, a.body)
		})
	}
}

func TestQueryHTTPEdges(t *testing.T) {
	t.Parallel()
	url := newQueryServer(t)
	res, err := http.Get(url + "/api/v2/query")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)

	big := `{"site_id":"x.example","metrics":["visitors"],"date_range":"all","filters":[["is","event:page",["` +
		strings.Repeat("a", 70<<10) + `"]]]}`
	a := postQuery(t, url, big)
	require.Equal(t, http.StatusRequestEntityTooLarge, a.status)
	require.Equal(t, map[string]any{"error": "request body too large"}, a.body)

	a = postQuery(t, url, `{"site_id":"nobody.example","metrics":["visitors","visits"],"date_range":"all"}`)
	require.JSONEq(t, `[{"dimensions":[],"metrics":[0,0]}]`, a.results(t), "a site without data answers zeros")
}
