package ingestion

import (
	"github.com/analytics-pipeline/analytics/internal/httpapi"
)

// requestIDs gives a message that carries a single request that request's id as its correlation id:
// the id httpapi.RequestID found, or one made only now. With debug logging off a request id goes
// nowhere else, so making one for every request would be wasted.
type requestIDs struct{}

func newRequestIDs() requestIDs {
	return requestIDs{}
}

// get returns id, the request's id (sane and bounded, see httpapi.SaneRequestID), or a new one when it
// has none.
func (requestIDs) get(id string) string {
	if id != "" {
		return id
	}
	return httpapi.NewRequestID()
}
