package ingestion_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/ingestion"
)

// waitFor bounds every wait for an answer or a queue; it only stops a stuck test and is far above what
// any step needs.
const waitFor = 30 * time.Second

// gatedPublisher holds its first Publish until release is closed, then publishes through the publisher
// it wraps. Requests that arrive while the packer's writer is held queue up, and the writer packs them
// together as soon as it is released: the tests choose what one pack holds.
type gatedPublisher struct {
	message.Publisher
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func newGatedPublisher(pub message.Publisher) *gatedPublisher {
	return &gatedPublisher{Publisher: pub, entered: make(chan struct{}), release: make(chan struct{})}
}

func (g *gatedPublisher) Publish(topic string, msgs ...*message.Message) error {
	first := false
	g.once.Do(func() { first = true })
	if first {
		close(g.entered)
		<-g.release
	}
	return g.Publisher.Publish(topic, msgs...)
}

// PartitionsByKey passes on the wrapped publisher's answer.
func (g *gatedPublisher) PartitionsByKey() bool {
	k, ok := g.Publisher.(interface{ PartitionsByKey() bool })
	return ok && k.PartitionsByKey()
}

// queuedRequest is a request sent while the writer is held; answer waits for its response.
type queuedRequest struct {
	done chan response
}

func (q queuedRequest) answer(t *testing.T) response {
	t.Helper()
	select {
	case r := <-q.done:
		return r
	case <-time.After(waitFor):
		require.FailNow(t, "no answer")
		return response{}
	}
}

// packTogether holds the writer with a first request, queues each of requests in order behind it, then
// releases the writer, so that the queued requests are packed as the packer packs a burst. It returns the
// answers to requests (path, body), in order, and to the first one.
func packTogether(t *testing.T, url string, api *ingestion.API, gate *gatedPublisher, first string, requests [][2]string) (response, []response) {
	t.Helper()
	send := func(path, body string) queuedRequest {
		q := queuedRequest{done: make(chan response, 1)}
		go func() { q.done <- doQuietly(http.MethodPost, url+path, body) }()
		return q
	}
	held := send("/event", first)
	select {
	case <-gate.entered:
	case <-time.After(waitFor):
		require.FailNow(t, "the first request never reached the publisher")
	}
	queued := make([]queuedRequest, len(requests))
	for i, req := range requests {
		queued[i] = send(req[0], req[1])
		require.Eventually(t, func() bool { return api.Queued() == i+1 }, waitFor, time.Millisecond, "request %d queued", i)
	}
	close(gate.release)
	answers := make([]response, len(requests))
	for i, q := range queued {
		answers[i] = q.answer(t)
	}
	return held.answer(t), answers
}

// doQuietly is do for goroutines other than the test's: a failed request is a response of status 0.
func doQuietly(method, url, body string) response {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return response{body: []byte(err.Error())}
	}
	req.Header.Set("Content-Type", jsonType)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{body: []byte(err.Error())}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{body: []byte(err.Error())}
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}
