package analytics_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/analytics-pipeline/analytics/internal/metrics/metricstest"
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

// TestDashboardReadsExportedMetrics runs the three services as processes, sends an event through them
// and asks for its stats, then scrapes each /metrics: every series a dashboard query reads must be one
// of theirs (a histogram exports name_bucket, name_sum and name_count).
func TestDashboardReadsExportedMetrics(t *testing.T) {
	t.Parallel()
	bin := buildBinaries(t, "ingestion", "processor", "reporting")
	ports := map[string]int{"ingestion": freePort(t), "processor": freePort(t), "reporting": freePort(t)}
	env := []string{"DATABASE_URL=" + processorDatabase(t), fmt.Sprint("INGESTION_PORT=", ports["ingestion"]),
		fmt.Sprint("METRICS_PORT=", ports["processor"]), fmt.Sprint("REPORTING_PORT=", ports["reporting"])}
	services := map[string]*binary{}
	for name := range ports {
		services[name] = startBinary(t, filepath.Join(bin, name), env)
	}
	services["ingestion"].waitFor(t, `"msg":"listening"`)
	services["processor"].waitFor(t, `"msg":"processor started"`)
	services["reporting"].waitFor(t, `"msg":"listening"`)
	url := func(name, path string) string { return fmt.Sprintf("http://127.0.0.1:%d%s", ports[name], path) }

	event := `{"site_id":"dashboard","event_type":"page_view","path":"/","timestamp":"2025-11-12T10:00:00Z"}`
	require.Equal(t, http.StatusOK, httpStatus(t, http.MethodPost, url("ingestion", "/event"), event))
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		projected := metricstest.Get(c, url("processor", "/metrics"))["processor_events_projected_total"]
		require.NotEmpty(c, projected.GetMetric(), "processor_events_projected_total not exported")
		require.Equal(c, 1.0, projected.GetMetric()[0].GetCounter().GetValue())
	}, 30*time.Second, 50*time.Millisecond, "the processor never projected the event")
	require.Equal(t, http.StatusOK, httpStatus(t, http.MethodGet, url("reporting", "/stats?site_id=dashboard&date=2025-11-12"), ""))

	exported := map[string]bool{}
	for name := range ports {
		for family, f := range metricstest.Get(t, url(name, "/metrics")) {
			exported[family] = true
			if f.GetType() == dto.MetricType_HISTOGRAM {
				exported[family+"_bucket"], exported[family+"_sum"], exported[family+"_count"] = true, true, true
			}
		}
	}
	_, exprs := readDashboard(t)
	for _, expr := range exprs {
		for _, name := range metricNames(expr) {
			require.True(t, exported[name], "the dashboard reads %s (in %q), which no service exports", name, expr)
		}
	}
}
