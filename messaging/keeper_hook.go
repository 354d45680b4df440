package messaging

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// heldEntries is a go-redis hook on the client of one watermill-redisstream subscriber that tells a
// PendingKeeper what the subscriber holds: the entries its XREADGROUP and XCLAIM calls hand to its
// consumer, until their XACK. That subscriber exposes no stream ids to its handlers, so its client is the
// one place that sees them all, including those waiting in its channel behind a busy handler.
type heldEntries struct {
	keeper *PendingKeeper
}

// DialHook leaves dialing alone.
func (h heldEntries) DialHook(next redis.DialHook) redis.DialHook {
	return next
}

// ProcessPipelineHook leaves pipelines alone: the subscriber sends none.
func (h heldEntries) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// ProcessHook observes every command once it has succeeded.
func (h heldEntries) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err == nil {
			h.observe(cmd)
		}
		return err
	}
}

func (h heldEntries) observe(cmd redis.Cmder) {
	k := h.keeper
	args := cmd.Args()
	switch c := cmd.(type) {
	case *redis.XStreamSliceCmd: // XREADGROUP GROUP group consumer ...
		if cmd.Name() != "xreadgroup" || !argsAre(args, 2, k.group, k.consumer) {
			return
		}
		for _, xs := range c.Val() {
			if xs.Stream == k.stream {
				for _, m := range xs.Messages {
					k.Hold(m.ID)
				}
			}
		}
	case *redis.XMessageSliceCmd: // XCLAIM stream group consumer min-idle id...
		if cmd.Name() != "xclaim" || !argsAre(args, 1, k.stream, k.group, k.consumer) {
			return
		}
		for _, m := range c.Val() {
			k.Hold(m.ID)
		}
	case *redis.IntCmd: // XACK stream group id...
		if cmd.Name() != "xack" || !argsAre(args, 1, k.stream, k.group) {
			return
		}
		for _, id := range args[3:] {
			if s, ok := id.(string); ok {
				k.Release(s)
			}
		}
	}
}

// argsAre reports whether args, from index from on, begin with want.
func argsAre(args []any, from int, want ...string) bool {
	if len(args) < from+len(want) {
		return false
	}
	for i, w := range want {
		if s, ok := args[from+i].(string); !ok || s != w {
			return false
		}
	}
	return true
}
