package analytics_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// dashboardPath is the Grafana dashboard that the compose profile `observability` provisions.
const dashboardPath = "observability/grafana/dashboards/analytics.json"

type dashboard struct {
	UID    string `json:"uid"`
	Title  string `json:"title"`
	Panels []struct {
		Title      string     `json:"title"`
		Datasource datasource `json:"datasource"`
		Targets    []struct {
			Expr       string     `json:"expr"`
			Datasource datasource `json:"datasource"`
		} `json:"targets"`
	} `json:"panels"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// readDashboard parses the dashboard and returns it with every query's expression.
func readDashboard(t *testing.T) (dashboard, []string) {
	t.Helper()
	raw, err := os.ReadFile(dashboardPath)
	require.NoError(t, err)
	var d dashboard
	require.NoError(t, json.Unmarshal(raw, &d), "the dashboard is not valid JSON")
	var exprs []string
	for _, p := range d.Panels {
		for _, target := range p.Targets {
			exprs = append(exprs, target.Expr)
		}
	}
	return d, exprs
}

var (
	promStrings   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	promMatchers  = regexp.MustCompile(`\{[^}]*\}`)
	promRanges    = regexp.MustCompile(`\[[^\]]*\]`)
	promGroupings = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promNumbers   = regexp.MustCompile(`\b\d[0-9A-Za-z.]*`)
	promIdents    = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*\s*\(?`)
	promKeywords  = []string{"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan"}
)

// metricNames returns the series names a PromQL expression reads: the identifiers left once strings,
// label matchers, ranges, groupings, numbers and durations are removed that are neither a function call nor a keyword.
func metricNames(expr string) []string {
	expr = promStrings.ReplaceAllString(expr, `""`)
	expr = promMatchers.ReplaceAllString(expr, " ")
	expr = promRanges.ReplaceAllString(expr, " ")
	expr = promGroupings.ReplaceAllString(expr, " ")
	expr = promNumbers.ReplaceAllString(expr, " ")
	var names []string
	for _, token := range promIdents.FindAllString(expr, -1) {
		if strings.HasSuffix(token, "(") {
			continue
		}
		token = strings.TrimSpace(token)
		if !slices.Contains(promKeywords, strings.ToLower(token)) && !slices.Contains(names, token) {
			names = append(names, token)
		}
	}
	return names
}

func TestMetricNamesOfPromQL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		expr string
		want []string
	}{
		{name: "bare_metric", expr: "go_goroutines", want: []string{"go_goroutines"}},
		{name: "rate_with_matchers", expr: `sum by (reason) (rate(ingestion_events_rejected_total{reason!="x",a=~"b(c)"}[1m]))`,
			want: []string{"ingestion_events_rejected_total"}},
		{name: "quantile_of_buckets", expr: `histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m])))`,
			want: []string{"http_request_duration_seconds_bucket"}},
		{name: "ratio_of_two", expr: `sum(rate(a_sum[5m])) / sum(rate(a_count[5m] offset 1h)) > bool 0`,
			want: []string{"a_sum", "a_count"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, metricNames(tc.expr))
		})
	}
}

// TestObservabilityProfile checks the compose profile without a Docker engine: Prometheus scrapes every
// service where the code listens, Grafana reads the dashboard through a data source with the uid its panels
// name, and the dashboard shows what an operator looks at first.
func TestObservabilityProfile(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("docker-compose.yml")
	require.NoError(t, err)
	var compose composeFile
	require.NoError(t, yaml.Unmarshal(raw, &compose))

	for _, name := range []string{"prometheus", "grafana"} {
		require.Equal(t, []string{"observability"}, compose.Services[name].Profiles, "%s starts only with --profile observability", name)
	}

	raw, err = os.ReadFile("observability/prometheus.yml")
	require.NoError(t, err)
	var prom struct {
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &prom))
	scraped := map[string][]string{}
	for _, sc := range prom.ScrapeConfigs {
		for _, s := range sc.StaticConfigs {
			scraped[sc.JobName] = append(scraped[sc.JobName], s.Targets...)
		}
	}
	ports := map[string]string{"ingestion": "INGESTION_PORT", "reporting": "REPORTING_PORT", "processor": "METRICS_PORT"}
	for service, setting := range ports {
		port := compose.Services[service].Environment[setting]
		require.NotEmpty(t, port, "%s must set %s in docker-compose.yml", service, setting)
		require.Equal(t, []string{service + ":" + port}, scraped[service], "Prometheus must scrape %s where it listens", service)
	}

	raw, err = os.ReadFile("observability/grafana/provisioning/datasources/prometheus.yml")
	require.NoError(t, err)
	var sources struct {
		Datasources []struct {
			UID  string `yaml:"uid"`
			Type string `yaml:"type"`
			URL  string `yaml:"url"`
		} `yaml:"datasources"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &sources))
	require.Len(t, sources.Datasources, 1)
	source := sources.Datasources[0]
	require.Equal(t, "prometheus", source.Type)
	require.Equal(t, "http://prometheus:9090", source.URL)

	d, exprs := readDashboard(t)
	require.NotEmpty(t, d.UID)
	var titles []string
	for _, p := range d.Panels {
		titles = append(titles, p.Title)
		require.Equal(t, datasource{Type: "prometheus", UID: source.UID}, p.Datasource, "panel %q", p.Title)
		require.NotEmpty(t, p.Targets, "panel %q has no query", p.Title)
		for _, target := range p.Targets {
			require.NotEmpty(t, metricNames(target.Expr), "panel %q: %q reads no metric", p.Title, target.Expr)
		}
	}
	for _, want := range []string{"Ingest rate", "Broker lag", "Batch commit latency", "Errors"} {
		require.Contains(t, titles, want)
	}
	require.NotEmpty(t, exprs)
}
