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
	var built []building
	if p.alone(batch) {
		req := &batch[0]
		req.encoded[len(req.encoded)-1] = ']'
		built = []building{{payload: req.encoded, events: len(req.events), site: req.events[0].SiteID}}
	} else {
		capacity := 256 // per site: unknown in advance
		if !p.keyed {
			capacity = 1
			for i := range batch {
				capacity += batch[i].size()
			}
			capacity = min(capacity, maxMessageBytes)
		}
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
				if !ok || built[k].events == maxEventsPerMessage || len(built[k].payload)+1+len(js)+1 > maxMessageBytes {
					k = len(built)
					open[site] = k
					built = append(built, building{payload: make([]byte, 0, capacity), site: site})
				}
				b := &built[k]
				if b.events == 0 {
					b.payload = append(b.payload, '[')
				} else {
					b.payload = append(b.payload, ',')
				}
				b.payload = append(b.payload, js...)
				b.events++
				req.msgOf[j] = k
			}
		}
		for k := range built {
			built[k].payload = append(built[k].payload, ']')
		}
	}
	correlationID := ""
	if len(batch) == 1 {
		correlationID = p.requestIDs.get(batch[0].requestID)
	}
	msgs := make([]*message.Message, len(built))
	for k, b := range built {
		msgs[k] = message.NewMessage(watermill.NewUUID(), b.payload)
		if p.keyed {
			msgs[k].Metadata.Set(messaging.PartitionKeyKey, b.site)
		}
		if correlationID != "" {
			middleware.SetCorrelationID(correlationID, msgs[k])
		}
	}
	return msgs
}

// alone reports whether batch is one request whose events make one message as they are encoded.
func (p *packer) alone(batch []packRequest) bool {
	if len(batch) != 1 {
		return false
	}
	req := &batch[0]
	if len(req.encoded) > maxMessageBytes || len(req.events) > maxEventsPerMessage {
		return false
	}
	if p.keyed {
		for j := range req.events {
			if req.events[j].SiteID != req.events[0].SiteID {
				return false
			}
		}
	}
	return true
}
