package ingestion

import (
	"fmt"
	"os"

	"github.com/ThreeDotsLabs/watermill"
	chimw "github.com/go-chi/chi/v5/middleware"
)

// requestIDs names requests as chi's RequestID middleware does, host/random-counter, but only when
// asked: a request id becomes the correlation id of a message that carries one request and goes nowhere
// else, so making one for every request would be wasted.
type requestIDs struct {
	prefix string
}

func newRequestIDs() requestIDs {
	host, err := os.Hostname()
	if host == "" || err != nil {
		host = "localhost"
	}
	return requestIDs{prefix: host + "/" + watermill.NewShortUUID()[:10]}
}

// get returns the client's id when it sent one, a new one otherwise.
func (r requestIDs) get(client string) string {
	if client != "" {
		return client
	}
	return fmt.Sprintf("%s-%06d", r.prefix, chimw.NextRequestID())
}
