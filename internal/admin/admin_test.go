package admin_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/admin"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// newConfig returns a configuration for a fresh database, stream, consumer group and poison topic, the
// database migrated as the migrate command does with that POISON_TOPIC.
func newConfig(t *testing.T) admin.Config {
	t.Helper()
	msgCfg := testenv.Messaging(t)
	return admin.Config{DatabaseURL: testenv.ProcessorDatabaseURL(t, msgCfg), Messaging: msgCfg}
}

// runAdmin parses and runs args in-process and returns what the command printed.
func runAdmin(t *testing.T, cfg admin.Config, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd, err := admin.Parse(args, &out)
	require.NoError(t, err)
	err = cmd.Run(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return out.String(), err
}

// parseCase is a command line and the error admin.Parse must return for it (nil: a command).
type parseCase struct {
	name    string
	args    []string
	wantErr error
}

// requireParses runs each case as a parallel subtest: Parse returns a command, or the case's error and
// no command.
func requireParses(t *testing.T, cases []parseCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd, err := admin.Parse(tc.args, io.Discard)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Nil(t, cmd)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, cmd)
		})
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []parseCase{
		{name: "list", args: []string{"poison", "list"}},
		{name: "list_with_flags", args: []string{"poison", "list", "-limit", "5", "-json"}},
		{name: "list_all", args: []string{"poison", "list", "-limit", "0"}},
		{name: "show", args: []string{"poison", "show", "42"}},
		{name: "replay_offset", args: []string{"poison", "replay", "42"}},
		{name: "replay_all", args: []string{"poison", "replay", "-all"}},
		{name: "purge_offset", args: []string{"poison", "purge", "42"}},
		{name: "purge_all", args: []string{"poison", "purge", "-all"}},
		{name: "status", args: []string{"queue", "status"}},
		{name: "status_json", args: []string{"queue", "status", "-json"}},
		{name: "events_expire", args: []string{"events", "expire", "-older-than", "720h"}},
		{name: "events_expire_batch", args: []string{"events", "expire", "-older-than", "720h", "-batch-size", "100"}},
		{name: "help", args: []string{"-h"}, wantErr: flag.ErrHelp},
		{name: "help_word", args: []string{"help"}, wantErr: flag.ErrHelp},
		{name: "help_of_subcommand", args: []string{"poison", "list", "-h"}, wantErr: flag.ErrHelp},
		{name: "no_arguments", args: nil, wantErr: admin.ErrUsage},
		{name: "group_only", args: []string{"poison"}, wantErr: admin.ErrUsage},
		{name: "unknown_command", args: []string{"poison", "drop"}, wantErr: admin.ErrUsage},
		{name: "list_extra_argument", args: []string{"poison", "list", "all"}, wantErr: admin.ErrUsage},
		{name: "list_negative_limit", args: []string{"poison", "list", "-limit", "-1"}, wantErr: admin.ErrUsage},
		{name: "list_unknown_flag", args: []string{"poison", "list", "-newest"}, wantErr: admin.ErrUsage},
		{name: "show_without_offset", args: []string{"poison", "show"}, wantErr: admin.ErrUsage},
		{name: "show_two_offsets", args: []string{"poison", "show", "1", "2"}, wantErr: admin.ErrUsage},
		{name: "show_word", args: []string{"poison", "show", "first"}, wantErr: admin.ErrUsage},
		{name: "show_zero", args: []string{"poison", "show", "0"}, wantErr: admin.ErrUsage},
		{name: "replay_without_target", args: []string{"poison", "replay"}, wantErr: admin.ErrUsage},
		{name: "replay_offset_and_all", args: []string{"poison", "replay", "-all", "3"}, wantErr: admin.ErrUsage},
		{name: "purge_negative_offset", args: []string{"poison", "purge", "--", "-3"}, wantErr: admin.ErrUsage},
		{name: "expire_without_age", args: []string{"events", "expire"}, wantErr: admin.ErrUsage},
		{name: "expire_zero_age", args: []string{"events", "expire", "-older-than", "0s"}, wantErr: admin.ErrUsage},
		{name: "expire_negative_age", args: []string{"events", "expire", "-older-than", "-1h"}, wantErr: admin.ErrUsage},
		{name: "expire_zero_batch", args: []string{"events", "expire", "-older-than", "1h", "-batch-size", "0"}, wantErr: admin.ErrUsage},
		{name: "expire_extra_argument", args: []string{"events", "expire", "-older-than", "1h", "now"}, wantErr: admin.ErrUsage},
		{name: "status_extra_argument", args: []string{"queue", "status", "now"}, wantErr: admin.ErrUsage},
	}
	requireParses(t, cases)
}

func TestRunRejectsUnusableConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  admin.Config
	}{
		{name: "empty_database_url", cfg: admin.Config{}},
		{name: "bad_redis_port", cfg: admin.Config{DatabaseURL: "postgres://localhost/x", Messaging: messaging.Config{RedisPort: 70000}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd, err := admin.Parse([]string{"queue", "status"}, io.Discard)
			require.NoError(t, err)
			require.ErrorContains(t, cmd.Run(context.Background(), tc.cfg, slog.New(slog.NewTextHandler(io.Discard, nil))), "config")
		})
	}
}
