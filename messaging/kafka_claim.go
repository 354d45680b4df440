package messaging

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"
	"golang.org/x/sync/semaphore"
)

// minMessageWeight is the least room a message takes in the window, whatever the size of its payload:
// without it a message without payload would take none, and the window would not bound how many messages
// are out. A Watermill message's UUID header alone is about this size.
const minMessageWeight = 64

// messageWeight is the room record takes in a window of inFlight bytes: the size of its payload, at least
// minMessageWeight, at most the whole window (so that a larger message still goes out, alone).
func messageWeight(record *sarama.ConsumerMessage, inFlight int64) int64 {
	return min(max(int64(len(record.Value)), minMessageWeight), inFlight)
}

// claimHandler hands out the messages of every partition a session claims, for one subscription.
type claimHandler struct {
	sub  *kafkaSubscriber
	out  chan<- *message.Message
	done <-chan struct{} // closed when the subscription ends

	// window holds the weight of every message handed out that a handler may still hold, whatever session
	// handed it out: a message its handler holds across a rebalance keeps its room until the handler
	// acknowledges it, Nacks it, or the subscription ends.
	window *semaphore.Weighted
	// holding counts the messages in the window, so that the subscription ends after them.
	holding sync.WaitGroup
}

func (h *claimHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *claimHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

// ConsumeClaim hands out the claim's messages until the session ends, then waits until each one handed
// out is settled or abandoned by the session. An abandoned message a handler still holds stays in the
// window after ConsumeClaim returns; it is delivered again by the partition's next owner.
func (h *claimHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	ctx := sess.Context()
	offsets := &offsetWindow{}
	var settling sync.WaitGroup
	defer settling.Wait()
	for {
		var record *sarama.ConsumerMessage
		select {
		case r, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			record = r
		case <-ctx.Done():
			return nil
		}
		weight := messageWeight(record, h.sub.inFlight)
		if err := h.window.Acquire(ctx, weight); err != nil {
			return nil
		}
		msg, err := kafka.DefaultMarshaler{}.Unmarshal(record)
		if err != nil {
			h.window.Release(weight)
			return fmt.Errorf("unmarshal partition %d offset %d: %w", record.Partition, record.Offset, err)
		}
		offsets.add(record.Offset)
		if !h.send(ctx, msg) {
			h.window.Release(weight)
			return nil
		}
		settling.Add(1)
		h.holding.Add(1)
		go func() {
			defer h.holding.Done()
			acked, held := h.settle(ctx, msg)
			if acked && ctx.Err() == nil {
				if next, advanced := offsets.done(record.Offset); advanced {
					sess.MarkOffset(record.Topic, record.Partition, next, "")
				}
			}
			settling.Done()
			h.awaitRelease(held)
			h.window.Release(weight)
		}()
	}
}

// awaitRelease waits until held, a message of an ended session that a handler may still hold, is
// acknowledged or Nacked, or the subscription ends. A nil held returns at once.
func (h *claimHandler) awaitRelease(held *message.Message) {
	if held == nil {
		return
	}
	select {
	case <-held.Acked():
	case <-held.Nacked():
	case <-h.done:
	}
}

// send hands msg out, with a context that ends with the session; it reports false if the session ended
// first.
func (h *claimHandler) send(ctx context.Context, msg *message.Message) bool {
	msgCtx, cancel := context.WithCancel(ctx)
	msg.SetContext(msgCtx)
	select {
	case h.out <- msg:
		go func() {
			select {
			case <-msg.Acked():
			case <-msg.Nacked():
			case <-ctx.Done():
			}
			cancel()
		}()
		return true
	case <-ctx.Done():
		cancel()
		return false
	}
}

// settle waits until msg is acknowledged, sending it again after each Nack, and reports whether it was.
// If the session ends first, it also returns the copy of msg a handler holds at that moment, if any.
func (h *claimHandler) settle(ctx context.Context, msg *message.Message) (acked bool, held *message.Message) {
	for {
		select {
		case <-msg.Acked():
			return true, nil
		case <-msg.Nacked():
		case <-ctx.Done():
			return false, msg
		}
		select {
		case <-time.After(h.sub.nackSleep):
		case <-ctx.Done():
			return false, nil
		}
		msg = msg.Copy()
		if !h.send(ctx, msg) {
			return false, nil
		}
	}
}
