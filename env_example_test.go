package analytics_test

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// TestEnvExampleListsEveryVariable keeps .env.example and the README's configuration table in step with
// the variables the services read.
func TestEnvExampleListsEveryVariable(t *testing.T) {
	t.Parallel()
	example, err := os.ReadFile(".env.example")
	require.NoError(t, err)
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	var names []string
	for _, cfg := range []any{ingestion.Config{}, processor.Config{}, reporting.Config{}} {
		names = append(names, envNames(reflect.TypeOf(cfg))...)
	}
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		require.Contains(t, string(example), "\n"+name+"=", ".env.example lacks %s", name)
		require.True(t, strings.Contains(string(readme), "`"+name+"`"), "README's configuration table lacks %s", name)
	}
}
