package queryoracle

import "fmt"

// Invalid is a request body Plausible refuses with 400, and why.
type Invalid struct {
	Name, Body string
}

// InvalidQueries are requests on site that Plausible refuses: combinations its QueryParser rejects and
// names its JSON schema does not know.
func InvalidQueries(site string) []Invalid {
	q := func(rest string) string {
		return fmt.Sprintf(`{"site_id": %q, "date_range": "7d", "date": "2025-11-01", %s}`, site, rest)
	}
	return []Invalid{
		{"session_metric_with_event_dimension", q(`"metrics": ["bounce_rate"], "dimensions": ["event:name"]`)},
		{"views_per_visit_with_dimensions", q(`"metrics": ["views_per_visit"], "dimensions": ["visit:source"]`)},
		{"views_per_visit_with_page_filter", q(`"metrics": ["views_per_visit"], "filters": [["is", "event:page", ["/"]]]`)},
		{"time_labels_without_time_dimension", q(`"metrics": ["visitors"], "dimensions": ["visit:source"], "include": {"time_labels": true}`)},
		{"order_by_not_queried", q(`"metrics": ["visitors"], "order_by": [["events", "desc"]]`)},
		{"unknown_metric", q(`"metrics": ["visitors", "baa"]`)},
		{"unknown_dimension", q(`"metrics": ["visitors"], "dimensions": ["visit:planet"]`)},
		{"unknown_operator", q(`"metrics": ["visitors"], "filters": [["equals", "event:page", ["/"]]]`)},
		{"filter_on_time", q(`"metrics": ["visitors"], "filters": [["is", "time:day", ["2025-11-01"]]]`)},
		{"unknown_key", q(`"metrics": ["visitors"], "colour": "blue"`)},
		{"unknown_date_range", fmt.Sprintf(`{"site_id": %q, "metrics": ["visitors"], "date_range": "10y"}`, site)},
		{"missing_metrics", fmt.Sprintf(`{"site_id": %q, "date_range": "day"}`, site)},
	}
}
