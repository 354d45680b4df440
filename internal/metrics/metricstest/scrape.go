// Package metricstest is test tooling, never used by a service: it scrapes a service's GET /metrics over
// HTTP and reads single series out of the Prometheus text exposition.
package metricstest

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"
)

// Scrape is one answer of GET /metrics, parsed.
type Scrape map[string]*dto.MetricFamily

// Get scrapes url (a service's /metrics) and fails the test unless it answers 200 with metrics in the
// text format. t may be an assert.CollectT, to scrape inside require.EventuallyWithT.
func Get(t require.TestingT, url string) Scrape {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	res, err := http.Get(url)
	require.NoError(t, err, "GET %s", url)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "GET %s", url)
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain"),
		"GET %s: Content-Type %q, want the text exposition format", url, res.Header.Get("Content-Type"))
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	require.NoError(t, err, "parse %s", url)
	return families
}

// Has reports whether the scrape holds a family called name.
func (s Scrape) Has(name string) bool {
	_, ok := s[name]
	return ok
}

// Value returns the sum of the counter or gauge series of name whose labels include labels: 0 when there
// is none (a counter that never moved).
func (s Scrape) Value(t testing.TB, name string, labels map[string]string) float64 {
	t.Helper()
	sum := 0.0
	for _, m := range s.series(name, labels) {
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		default:
			t.Fatalf("%s is neither a counter nor a gauge", name)
		}
	}
	return sum
}

// Count returns how many observations the histogram series of name whose labels include labels hold
// together: 0 when there is none.
func (s Scrape) Count(t testing.TB, name string, labels map[string]string) uint64 {
	t.Helper()
	var n uint64
	for _, m := range s.series(name, labels) {
		if m.Histogram == nil {
			t.Fatalf("%s is not a histogram", name)
		}
		n += m.Histogram.GetSampleCount()
	}
	return n
}

// LabelValues returns the distinct values the label takes across the series of name, sorted.
func (s Scrape) LabelValues(name, label string) []string {
	values := map[string]bool{}
	if f, ok := s[name]; ok {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label {
					values[l.GetValue()] = true
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(values))
}

func (s Scrape) series(name string, labels map[string]string) []*dto.Metric {
	var found []*dto.Metric
	for _, m := range s[name].GetMetric() {
		if hasLabels(m, labels) {
			found = append(found, m)
		}
	}
	return found
}

func hasLabels(m *dto.Metric, labels map[string]string) bool {
	have := make(map[string]string, len(m.GetLabel()))
	for _, l := range m.GetLabel() {
		have[l.GetName()] = l.GetValue()
	}
	for k, v := range labels {
		if have[k] != v {
			return false
		}
	}
	return true
}
