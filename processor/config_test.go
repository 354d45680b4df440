package processor_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/processor"
)

// TestSetDefaultsFillsEveryFieldWithADefault builds the processor's configuration in code, as the tests
// and the all-in-one binary do: every setting that has a default in the environment (an envDefault tag)
// must have it in code too, the messaging settings included, and the result must be valid.
func TestSetDefaultsFillsEveryFieldWithADefault(t *testing.T) {
	t.Parallel()
	fromEnv, err := env.ParseAsWithOptions[processor.Config](env.Options{Environment: map[string]string{}})
	require.NoError(t, err)
	var cfg processor.Config
	cfg.SetDefaults()
	require.Empty(t, unfilled(reflect.ValueOf(cfg), reflect.ValueOf(fromEnv)), "settings whose default SetDefaults leaves zero")
	require.NoError(t, cfg.Validate())
}

// unfilled returns the environment names of v's fields, nested structs included, that are zero where the
// environment's defaults are not, unless their zero value is a setting of its own (zero:"valid").
func unfilled(v, defaults reflect.Value) []string {
	var names []string
	for i := range v.NumField() {
		f := v.Type().Field(i)
		switch {
		case f.Type.Kind() == reflect.Struct && f.Tag.Get("env") == "":
			names = append(names, unfilled(v.Field(i), defaults.Field(i))...)
		case v.Field(i).IsZero() && !defaults.Field(i).IsZero() && f.Tag.Get("zero") != "valid":
			names = append(names, f.Tag.Get("env"))
		}
	}
	return names
}

func TestValidateRejectsRetentionSettingsThatCannotWork(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		change  func(*processor.Config)
		wantErr string
	}{
		{name: "negative_retention", change: func(c *processor.Config) { c.RawEventsRetention = -time.Hour }, wantErr: "RAW_EVENTS_RETENTION"},
		{name: "negative_interval", change: func(c *processor.Config) { c.RetentionInterval = -time.Second }, wantErr: "RETENTION_INTERVAL"},
		{name: "negative_batch_size", change: func(c *processor.Config) { c.RetentionBatchSize = -1 }, wantErr: "RETENTION_BATCH_SIZE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var cfg processor.Config
			cfg.SetDefaults()
			require.NoError(t, cfg.Validate())
			tc.change(&cfg)
			require.ErrorContains(t, cfg.Validate(), tc.wantErr)
		})
	}
}

func TestRetentionDefaultsToKeepingEverything(t *testing.T) {
	t.Parallel()
	cfg, err := env.ParseAsWithOptions[processor.Config](env.Options{Environment: map[string]string{}})
	require.NoError(t, err)
	require.Zero(t, cfg.RawEventsRetention)
	require.Equal(t, time.Hour, cfg.RetentionInterval)
}

func TestValidateRejectsAMetricsPortThatIsNotAPort(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		port    int
		wantErr string
	}{
		{name: "negative", port: -1, wantErr: "METRICS_PORT=-1"},
		{name: "above_65535", port: 65536, wantErr: "METRICS_PORT=65536"},
		{name: "zero_picks_a_free_port", port: 0},
		{name: "highest", port: 65535},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var cfg processor.Config
			cfg.SetDefaults()
			cfg.MetricsPort = tc.port
			if tc.wantErr == "" {
				require.NoError(t, cfg.Validate())
				return
			}
			require.ErrorContains(t, cfg.Validate(), tc.wantErr)
		})
	}
}

func TestMetricsPortDefaultsTo9464FromTheEnvironmentAndZeroInCode(t *testing.T) {
	t.Parallel()
	cfg, err := env.ParseAsWithOptions[processor.Config](env.Options{Environment: map[string]string{}})
	require.NoError(t, err)
	require.Equal(t, 9464, cfg.MetricsPort)
	var inCode processor.Config
	inCode.SetDefaults()
	require.Zero(t, inCode.MetricsPort, "a config built in code listens on a free port, so tests never collide")
}
