package ingestion

import (
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/analytics-pipeline/analytics/messaging"
)

// keyedPublisher is a publisher that spreads messages over partitions by their messaging.PartitionKeyKey
// metadata (Kafka). A pack mixes sites, so for such a publisher the packer sends one message per site,
// keyed by site_id: each site's events then stay in order on one partition, and the processors that
// share the topic's partitions share the sites.
type keyedPublisher interface {
	PartitionsByKey() bool
}

// partitionsByKey reports whether publisher wants messages keyed.
func partitionsByKey(publisher message.Publisher) bool {
	k, ok := publisher.(keyedPublisher)
	return ok && k.PartitionsByKey()
}

// messages packs the events of batch, in order, into messages: one message, or one per site when keyed,
// each started anew where the next event would take it over maxMessageBytes or maxEventsPerMessage. It
// records in each request's msgOf which message carries each of its events.
func (p *packer) messages(batch []packRequest) []*message.Message {
	type building struct {
		payload []byte
		events  int
		site    string
	}
	capacity := 256 // per site: unknown in advance
	if !p.keyed {
		capacity = 1
		for i := range batch {
			capacity += batch[i].size()
		}
		capacity = min(capacity, maxMessageBytes)
	}
	var built []*building
	open := map[string]int{} // site ("" unkeyed) → index in built of its message being filled
	for i := range batch {
		req := &batch[i]
		for j := range req.events {
			site := ""
			if p.keyed {
				site = req.events[j].SiteID
			}
			js := req.eventJSON(j)
			k, ok := open[site]
			if !ok || built[k].events == maxEventsPerMessage || len(built[k].payload)+len(js)+1 > maxMessageBytes {
				k = len(built)
				open[site] = k
				built = append(built, &building{payload: append(make([]byte, 0, capacity), '['), site: site})
			}
			b := built[k]
			if b.events > 0 {
				b.payload = append(b.payload, ',')
			}
			b.payload = append(b.payload, js...)
			b.events++
			req.msgOf[j] = k
		}
	}
	correlationID := ""
	if len(batch) == 1 {
		correlationID = p.requestIDs.get(batch[0].requestID)
	}
	msgs := make([]*message.Message, len(built))
	for k, b := range built {
		msgs[k] = message.NewMessage(watermill.NewUUID(), append(b.payload, ']'))
		if p.keyed {
			msgs[k].Metadata.Set(messaging.PartitionKeyKey, b.site)
		}
		if correlationID != "" {
			middleware.SetCorrelationID(correlationID, msgs[k])
		}
	}
	return msgs
}
