package messaging

import (
	"encoding/json"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
)

// undecodableKey marks a message whose stream entry could not be decoded; its value is the reason.
const undecodableKey = "undecodable"

// tolerantUnmarshaller decodes entries like watermill-redisstream does, but turns an entry it cannot
// decode into a marked message instead of an error, so that one foreign entry is poisoned instead of
// stalling the consumer (watermill-redisstream's own subscriber stops consuming on an unmarshal error).
type tolerantUnmarshaller struct {
	redisstream.DefaultMarshallerUnmarshaller
}

// Unmarshal never fails; an undecodable entry becomes a message whose payload is the entry as JSON.
func (u tolerantUnmarshaller) Unmarshal(values map[string]any) (*message.Message, error) {
	msg, err := u.DefaultMarshallerUnmarshaller.Unmarshal(values)
	if err == nil {
		return msg, nil
	}
	raw, jsonErr := json.Marshal(values)
	if jsonErr != nil {
		raw = fmt.Appendf(nil, "%v", values)
	}
	msg = message.NewMessage(watermill.NewUUID(), raw)
	msg.Metadata.Set(undecodableKey, err.Error())
	return msg, nil
}

// rejectUndecodable fails marked messages permanently, so they go to the poison queue at once.
func rejectUndecodable(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		if reason := msg.Metadata.Get(undecodableKey); reason != "" {
			return nil, Permanent(fmt.Errorf("undecodable stream entry: %s", reason))
		}
		return h(msg)
	}
}
