package messaging

import (
	"context"
	"log/slog"
)

// QueueFigures are the numbers of a broker's queue status that metrics export; -1 marks what the broker
// cannot tell.
type QueueFigures struct {
	// Length is how many messages the queue holds: the stream's XLEN with Redis (entries trimmed away
	// are gone), the partitions' end offsets summed with Kafka (every record ever written); -1 with memory.
	Length int64
	// Pending is how many messages the processors' group was handed and has not acknowledged: the
	// group's pending count with Redis, the messages published and not yet acknowledged with memory;
	// -1 with Kafka, which tracks committed offsets only.
	Pending int64
	// Lag is how many messages the group has still to get through: with Redis (7 or later) the entries
	// not yet handed to the group, with Kafka the records not yet committed (handed-out ones included);
	// -1 with memory, before Redis 7, or when the Redis group does not exist yet.
	Lag int64
}

// queueStatus is what a backend's status reads: a log value, and the figures behind it.
type queueStatus interface {
	slog.LogValuer
	figures() QueueFigures
}

// QueueFigures reads the queue's status, as Status does, and returns its figures.
func (b *Broker) QueueFigures(ctx context.Context) (QueueFigures, error) {
	status, err := b.backend.status(ctx)
	if err != nil {
		return QueueFigures{}, err
	}
	return status.figures(), nil
}

func (s Status) figures() QueueFigures {
	return QueueFigures{Length: s.Length, Pending: s.Pending, Lag: s.Lag}
}

func (s KafkaGroupStatus) figures() QueueFigures {
	return QueueFigures{Length: s.Length, Pending: -1, Lag: s.Lag}
}

// memoryStatus is the in-process broker's status: the messages published and not yet acknowledged.
type memoryStatus struct {
	unacknowledged int64
}

// LogValue logs the status as a group.
func (s memoryStatus) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("unacknowledged", s.unacknowledged))
}

func (s memoryStatus) figures() QueueFigures {
	return QueueFigures{Length: -1, Pending: s.unacknowledged, Lag: -1}
}
