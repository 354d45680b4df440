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

// maxClientRequestID is the longest X-Request-Id kept as a correlation id. The header may be as large as
// the server's header limit (1 MiB by default), and a message carries its correlation id in its
// metadata: an id of hundreds of kilobytes would push a message past the broker's message limit.
const maxClientRequestID = 200

// get returns the client's id when it sent one of at most maxClientRequestID bytes, a new one otherwise.
func (r requestIDs) get(client string) string {
	if client != "" && len(client) <= maxClientRequestID {
		return client
	}
	return fmt.Sprintf("%s-%06d", r.prefix, chimw.NextRequestID())
}
