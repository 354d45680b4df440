package messaging

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/redis/go-redis/v9"
)

// keepScript resets the idle time of the given entries (ARGV[3:]) of stream KEYS[1] that are still pending
// under consumer ARGV[2] of group ARGV[1]. It returns the others in two lists: those pending under
// another consumer, and those no longer pending at all. XCLAIM to the same consumer with JUSTID sets the
// idle time to zero and leaves the delivery count alone; checking the owner in the same script means an
// entry another consumer has claimed meanwhile is never taken back.
var keepScript = redis.NewScript(`
local taken, gone = {}, {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #p == 0 then
    gone[#gone + 1] = ARGV[i]
  elseif p[1][2] ~= ARGV[2] then
    taken[#taken + 1] = ARGV[i]
  else
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
  end
end
return {taken, gone}`)

// keepChunk is how many entries one script call refreshes.
const keepChunk = 500

// PendingKeeper keeps the stream entries a live consumer holds (read or claimed, not yet acknowledged)
// from looking idle, so that the group's other consumers do not claim them after CLAIM_IDLE while this one
// still works on them, for example while it retries through a database outage. Entries a dead consumer
// left behind are held by no keeper: they age and are claimed as before.
type PendingKeeper struct {
	client                  redis.UniversalClient
	stream, group, consumer string
	interval                time.Duration
	logger                  watermill.LoggerAdapter

	mu   sync.Mutex
	held map[string]struct{}
}

// NewPendingKeeper returns a keeper for consumer of group on stream that refreshes what it holds every
// interval, which must be well below the claim idle time (a quarter of it lets two refreshes fail).
func NewPendingKeeper(client redis.UniversalClient, stream, group, consumer string, interval time.Duration, logger watermill.LoggerAdapter) *PendingKeeper {
	return &PendingKeeper{client: client, stream: stream, group: group, consumer: consumer, interval: interval,
		logger: logger, held: make(map[string]struct{})}
}

// Hold marks entries as held by this consumer from now until Release.
func (k *PendingKeeper) Hold(ids ...string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, id := range ids {
		k.held[id] = struct{}{}
	}
}

// hold marks entry id as held and reports whether it was not held already.
func (k *PendingKeeper) hold(id string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.held[id]; ok {
		return false
	}
	k.held[id] = struct{}{}
	return true
}

// Release forgets entries, once acknowledged.
func (k *PendingKeeper) Release(ids ...string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, id := range ids {
		delete(k.held, id)
	}
}

// Held returns the entries held now.
func (k *PendingKeeper) Held() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Sorted(maps.Keys(k.held))
}

// Run refreshes the held entries every interval until ctx ends.
func (k *PendingKeeper) Run(ctx context.Context) {
	ticker := time.NewTicker(k.interval)
	defer ticker.Stop()
	fields := watermill.LogFields{"stream": k.stream, "consumer": k.consumer}
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		taken, err := k.Refresh(ctx)
		if err != nil && ctx.Err() == nil {
			k.logger.Error("keep pending entries fresh", err, fields)
		}
		if len(taken) > 0 {
			k.logger.Error("pending entries claimed by another consumer while held; they may be worked on twice",
				nil, fields.Add(watermill.LogFields{"entries": taken}))
		}
	}
}

// Refresh resets the idle time of every held entry still pending under this consumer. It forgets those
// that are not: it returns the ones another consumer has claimed (the refresh came too late, say after
// Redis was unreachable for longer than the claim idle time) and drops in silence the ones no longer
// pending at all (acknowledged meanwhile).
func (k *PendingKeeper) Refresh(ctx context.Context) (taken []string, err error) {
	for chunk := range slices.Chunk(k.Held(), keepChunk) {
		args := []any{k.group, k.consumer}
		for _, id := range chunk {
			args = append(args, id)
		}
		res, err := keepScript.Run(ctx, k.client, []string{k.stream}, args...).Slice()
		if err != nil {
			return taken, fmt.Errorf("refresh %d pending entries of %s: %w", len(chunk), k.consumer, err)
		}
		if len(res) != 2 {
			return taken, fmt.Errorf("refresh pending entries of %s: unexpected answer %v", k.consumer, res)
		}
		for i, list := range res {
			ids, _ := list.([]any)
			for _, id := range ids {
				s, _ := id.(string)
				k.Release(s)
				if i == 0 {
					taken = append(taken, s)
				}
			}
		}
	}
	return taken, nil
}
