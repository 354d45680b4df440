package queryoracle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// response is the part of a POST /api/v2/query answer the oracle checks.
type response struct {
	Results []struct {
		Metrics    []any `json:"metrics"`
		Dimensions []any `json:"dimensions"`
	} `json:"results"`
	Meta struct {
		TotalRows  *int     `json:"total_rows"`
		TimeLabels []string `json:"time_labels"`
	} `json:"meta"`
}

// Compare checks an API answer to q against the oracle's: every row's dimension values and metrics in
// order, meta.total_rows and meta.time_labels when q includes them. Its error shows the query, the
// expected and the actual rows.
func Compare(q Query, want Result, body []byte) error {
	var got response
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil {
		return fmt.Errorf("decode the answer: %w\nbody: %.2000s", err, body)
	}
	actual := make([]Row, len(got.Results))
	for i, r := range got.Results {
		actual[i] = Row{Dimensions: make([]string, len(r.Dimensions)), Metrics: make([]any, len(r.Metrics))}
		for j, d := range r.Dimensions {
			actual[i].Dimensions[j] = fmt.Sprint(d)
		}
		for j, m := range r.Metrics {
			actual[i].Metrics[j] = m
			if n, ok := m.(json.Number); ok {
				f, err := n.Float64()
				if err != nil {
					return fmt.Errorf("row %d metric %d: %w", i, j, err)
				}
				actual[i].Metrics[j] = f
			}
		}
	}
	var problems []string
	if !rowsEqual(want.Rows, actual) {
		problems = append(problems, "rows differ")
	}
	if q.Include != nil && q.Include.TotalRows && (got.Meta.TotalRows == nil || *got.Meta.TotalRows != want.TotalRows) {
		problems = append(problems, fmt.Sprintf("meta.total_rows: want %d, got %v", want.TotalRows, formatInt(got.Meta.TotalRows)))
	}
	if q.Include != nil && q.Include.TimeLabels && !slices.Equal(want.TimeLabels, got.Meta.TimeLabels) {
		problems = append(problems, fmt.Sprintf("meta.time_labels:\n  want %q\n  got  %q", want.TimeLabels, got.Meta.TimeLabels))
	}
	if len(problems) == 0 {
		return nil
	}
	query, _ := json.Marshal(q)
	return fmt.Errorf("%s\nquery: %s\nexpected rows (%d):\n%s\nactual rows (%d):\n%s", strings.Join(problems, "\n"), query,
		len(want.Rows), formatRows(want.Rows), len(actual), formatRows(actual))
}

func rowsEqual(a, b []Row) bool {
	return slices.EqualFunc(a, b, func(x, y Row) bool {
		return slices.Equal(x.Dimensions, y.Dimensions) && slices.Equal(x.Metrics, y.Metrics)
	})
}

func formatInt(n *int) string {
	if n == nil {
		return "absent"
	}
	return fmt.Sprint(*n)
}

// formatRows prints up to 40 rows, one a line.
func formatRows(rows []Row) string {
	var b strings.Builder
	for i, r := range rows {
		if i == 40 {
			fmt.Fprintf(&b, "  … %d more\n", len(rows)-40)
			break
		}
		fmt.Fprintf(&b, "  %q %v\n", r.Dimensions, r.Metrics)
	}
	return b.String()
}
