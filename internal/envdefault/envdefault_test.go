package envdefault_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/envdefault"
)

type inner struct {
	Hosts []string `env:"HOSTS" envSeparator:"," envDefault:"a:1,b:2"`
	Name  string   `env:"NAME"`
}

type config struct {
	Port    int           `env:"PORT" envDefault:"3000"`
	Wait    time.Duration `env:"WAIT" envDefault:"5ms"`
	Retries int           `env:"RETRIES" envDefault:"5" zero:"valid"`
	Inner   inner         `envPrefix:""`
}

func TestFill(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  config
		want config
	}{
		{
			name: "zero_fields_get_their_defaults",
			want: config{Port: 3000, Wait: 5 * time.Millisecond, Inner: inner{Hosts: []string{"a:1", "b:2"}}},
		},
		{
			name: "set_fields_are_kept",
			cfg:  config{Port: 8080, Wait: time.Second, Retries: 2, Inner: inner{Hosts: []string{"c:3"}, Name: "x"}},
			want: config{Port: 8080, Wait: time.Second, Retries: 2, Inner: inner{Hosts: []string{"c:3"}, Name: "x"}},
		},
		{
			name: "nested_fields_are_filled_one_by_one",
			cfg:  config{Inner: inner{Name: "x"}},
			want: config{Port: 3000, Wait: 5 * time.Millisecond, Inner: inner{Hosts: []string{"a:1", "b:2"}, Name: "x"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			envdefault.Fill(&tc.cfg)
			require.Equal(t, tc.want, tc.cfg)
		})
	}
}

// TestFillKeepsAZeroReadFromTheEnvironment reads RETRIES=0 from the environment: filling the defaults
// afterwards, as the services do for configs from either source, must not turn it into the default.
func TestFillKeepsAZeroReadFromTheEnvironment(t *testing.T) {
	t.Parallel()
	cfg, err := env.ParseAsWithOptions[config](env.Options{Environment: map[string]string{"RETRIES": "0"}})
	require.NoError(t, err)
	envdefault.Fill(&cfg)
	require.Zero(t, cfg.Retries)
}

func TestFillPanicsOnADefaultThatDoesNotParse(t *testing.T) {
	t.Parallel()
	var cfg struct {
		Port int `env:"PORT" envDefault:"three thousand"`
	}
	defer func() {
		require.Contains(t, fmt.Sprint(recover()), `parsing "three thousand"`, "Fill must panic, naming the default")
	}()
	envdefault.Fill(&cfg)
}
