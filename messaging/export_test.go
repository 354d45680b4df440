package messaging

import (
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// MinMessageWeight is minMessageWeight, for the tests of the Kafka subscriber's window.
const MinMessageWeight = minMessageWeight

// Undecodable reports whether a subscriber marked msg as an entry it could not decode.
func Undecodable(msg *message.Message) bool {
	return msg.Metadata.Get(undecodableKey) != ""
}

// NewQueueCollectorWithin is NewQueueCollector with its read timeout and reuse period given.
func NewQueueCollectorWithin(broker *Broker, timeout, reuse time.Duration) *QueueCollector {
	return newQueueCollector(broker, timeout, reuse)
}
