package messaging

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// reclaimPage is how many pending entries one XPENDING call returns.
const reclaimPage = 1000

// ReclaimOwn makes the messages still pending under this process's consumer names (left by a previous
// run that crashed) claimable at once, by resetting their idle time to cfg.ClaimIdle: the subscribers'
// first claim round then takes them back instead of waiting for them to age. It returns how many there
// were. A stream or group that does not exist yet has nothing pending.
func ReclaimOwn(ctx context.Context, client *redis.Client, cfg Config, consumers []string) (int, error) {
	idleMillis := cfg.ClaimIdle.Milliseconds() + 1000
	total := 0
	for _, consumer := range consumers {
		start := "-"
		for {
			pending, err := client.XPendingExt(ctx, &redis.XPendingExtArgs{
				Stream: cfg.Stream, Group: cfg.ConsumerGroup, Consumer: consumer,
				Start: start, End: "+", Count: reclaimPage,
			}).Result()
			if err != nil && strings.HasPrefix(err.Error(), "NOGROUP") {
				return total, nil
			}
			if err != nil {
				return total, fmt.Errorf("pending of %s: %w", consumer, err)
			}
			if len(pending) == 0 {
				break
			}
			args := []any{"XCLAIM", cfg.Stream, cfg.ConsumerGroup, consumer, 0}
			for _, p := range pending {
				args = append(args, p.ID)
			}
			args = append(args, "IDLE", idleMillis, "JUSTID")
			if err := client.Do(ctx, args...).Err(); err != nil {
				return total, fmt.Errorf("reclaim pending of %s: %w", consumer, err)
			}
			total += len(pending)
			start = "(" + pending[len(pending)-1].ID
		}
	}
	return total, nil
}
