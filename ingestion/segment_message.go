package ingestion

// segmentMessage is one call of Segment's HTTP Tracking API: the raw JSON value of each field read, ""
// when absent. Others (integrations, channel, receivedAt, …) are accepted and ignored. Keys are matched
// exactly, as Segment does; of duplicates the last counts.
type segmentMessage struct {
	typ, userID, anonymousID, messageID, timestamp, originalTimestamp, sentAt string
	event, name, properties, traits, context, groupID, previousID, writeKey   string
}

// readSegmentMessage reads one call, raw, a JSON object; ok is false when raw is not one.
func readSegmentMessage(raw string) (m segmentMessage, ok bool) {
	ok = scanMembers(raw, func(key, value string) {
		if f := m.field(key); f != nil {
			*f = value
		}
	})
	return m, ok
}

// field returns where the value of key goes, nil for a key that is not read.
func (m *segmentMessage) field(key string) *string {
	switch key {
	case "type":
		return &m.typ
	case "userId":
		return &m.userID
	case "anonymousId":
		return &m.anonymousID
	case "messageId":
		return &m.messageID
	case "timestamp":
		return &m.timestamp
	case "originalTimestamp":
		return &m.originalTimestamp
	case "sentAt":
		return &m.sentAt
	case "event":
		return &m.event
	case "name":
		return &m.name
	case "properties":
		return &m.properties
	case "traits":
		return &m.traits
	case "context":
		return &m.context
	case "groupId":
		return &m.groupID
	case "previousId":
		return &m.previousID
	case "writeKey":
		return &m.writeKey
	}
	return nil
}
