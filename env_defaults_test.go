package analytics_test

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/internal/admin"
	"github.com/analytics-pipeline/analytics/internal/kafkadev"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

// TestDocumentedDefaultsAreTheCodes checks the defaults that .env.example and the README's configuration
// table give against the envDefault tags of the config structs, where the code declares them.
func TestDocumentedDefaultsAreTheCodes(t *testing.T) {
	t.Parallel()
	example, err := os.ReadFile(".env.example")
	require.NoError(t, err)
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	inExample := exampleValues(string(example))
	inReadme := readmeDefaults(t, string(readme))

	// Some variables are read by several structs, each with its own tag: every one must agree.
	for _, cfg := range []any{ingestion.Config{}, processor.Config{}, reporting.Config{}, admin.Config{}, kafkadev.Config{}} {
		defaults := map[string]string{}
		envDefaults(reflect.TypeOf(cfg), defaults)
		require.NotEmpty(t, defaults)
		for name, value := range defaults {
			require.Equal(t, value, inExample[name], "%T: .env.example: %s", cfg, name)
			require.Equal(t, value, inReadme[name], "%T: README's configuration table: %s", cfg, name)
		}
	}
}

// envDefaults adds the envDefault of each field of struct type t (nested structs included) to defaults,
// under its environment name.
func envDefaults(t reflect.Type, defaults map[string]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		if value, ok := f.Tag.Lookup("envDefault"); ok {
			defaults[strings.Split(f.Tag.Get("env"), ",")[0]] = value
		}
		if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() != "time" {
			envDefaults(f.Type, defaults)
		}
	}
}

// exampleValues returns the NAME=value assignments of an .env file.
func exampleValues(example string) map[string]string {
	values := map[string]string{}
	for line := range strings.Lines(example) {
		if name, value, ok := strings.Cut(strings.TrimSpace(line), "="); ok && !strings.HasPrefix(name, "#") {
			values[name] = value
		}
	}
	return values
}

var quoted = regexp.MustCompile("`([^`]*)`")

// readmeDefaults returns the defaults of the README's configuration table, whose rows read
// "| `NAME` | `default` ..." or "| `A` / `B` | `default of A` / `default of B` ...".
func readmeDefaults(t *testing.T, readme string) map[string]string {
	t.Helper()
	_, table, ok := strings.Cut(readme, "| variable | default | used by | meaning |")
	require.True(t, ok, "README has no configuration table")
	defaults := map[string]string{}
	for line := range strings.Lines(strings.TrimPrefix(table, "\n")) {
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		names, values := strings.Split(cells[1], " / "), strings.Split(cells[2], " / ")
		for i, name := range names {
			n := quoted.FindStringSubmatch(name)
			if n == nil || i >= len(values) {
				continue
			}
			if v := quoted.FindStringSubmatch(values[i]); v != nil {
				defaults[n[1]] = v[1]
			}
		}
	}
	return defaults
}
