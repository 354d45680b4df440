package ingestion_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/caarlos0/env/v11"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
)

func TestVisitorConfig(t *testing.T) {
	t.Parallel()
	cfg, err := env.ParseAsWithOptions[ingestion.Config](env.Options{Environment: map[string]string{}})
	require.NoError(t, err)
	require.NotEmpty(t, cfg.Visitors.DatabaseURL, "from the environment ingestion always has a database")
	require.NoError(t, cfg.Validate())

	cfg, err = env.ParseAsWithOptions[ingestion.Config](env.Options{Environment: map[string]string{"SITES_REFRESH_INTERVAL": "0s"}})
	require.NoError(t, err)
	require.ErrorContains(t, cfg.Validate(), "SITES_REFRESH_INTERVAL")

	cfg.Visitors.DatabaseURL = ""
	cfg.Visitors.RefreshInterval = 0
	cfg.Visitors.SetDefaults()
	require.Empty(t, cfg.Visitors.DatabaseURL, "SetDefaults leaves a code-built configuration without visitors")
	require.NoError(t, cfg.Validate())
	require.ErrorContains(t, ingestion.Run(context.Background(), cfg, slog.New(slog.DiscardHandler)), "DATABASE_URL is empty")
}
