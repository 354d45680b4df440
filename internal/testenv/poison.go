package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/analytics-pipeline/analytics/messaging"
)

// PoisonTable creates the poison table of topic in the database at dsn, as the migrate command does
// with POISON_TOPIC=topic: what a processor or a poison publisher on that database needs.
func PoisonTable(t testing.TB, dsn, topic string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool := connect(t, dsn)
	defer pool.Close()
	if err := messaging.CreatePoisonTable(ctx, pool, topic); err != nil {
		t.Fatalf("create poison table: %v", err)
	}
}

// ProcessorDatabaseURL returns a URL for a fresh, migrated database that also holds the poison table of
// cfg's POISON_TOPIC, as the migrate command leaves it for a processor; it is dropped when the test ends.
func ProcessorDatabaseURL(t testing.TB, cfg messaging.Config) string {
	t.Helper()
	dsn := DatabaseURL(t)
	PoisonTable(t, dsn, cfg.PoisonTopic)
	return dsn
}
