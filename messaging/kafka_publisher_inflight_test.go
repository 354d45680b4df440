package messaging_test

import (
	"encoding/binary"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// TestKafkaPublisherKeepsProduceRequestsInFlight holds the cluster's answer to a produce request and
// publishes a second message, to another partition, meanwhile: its produce request goes out on the same
// connection without waiting for the first answer (an idempotent producer may keep up to five in flight
// per broker), and both publishes succeed once the first is answered.
func TestKafkaPublisherKeepsProduceRequestsInFlight(t *testing.T) {
	t.Parallel()
	cfg := testenv.Kafka(t)
	hold := &produceHold{holding: make(chan struct{}), overlapped: make(chan bool, 1)}
	cluster, err := kfake.NewCluster(kfake.Ports(0), kfake.ListenFn(func(network, addr string) (net.Listener, error) {
		ln, err := net.Listen(network, addr)
		return holdingListener{ln, hold}, err
	}))
	require.NoError(t, err)
	t.Cleanup(cluster.Close)
	cfg.KafkaBrokers = cluster.ListenAddrs()
	cfg.PublishTimeout = waitFor
	broker, err := messaging.NewBroker(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, broker.Close()) })
	require.NoError(t, broker.Ready(t.Context()))

	keys := keysOnDistinctPartitions(t, 2, testenv.KafkaPartitions)
	publish := func(key string) error {
		msg := message.NewMessage(watermill.NewUUID(), []byte(`{}`))
		msg.Metadata.Set(messaging.PartitionKeyKey, key)
		return broker.Publisher().Publish(broker.Topic(), msg)
	}
	// A producer learns from its first answer how many requests the cluster lets it keep in flight.
	require.NoError(t, publish(keys[0]))

	hold.armed.Store(true)
	published := make(chan error, 2)
	go func() { published <- publish(keys[0]) }()
	<-hold.holding
	go func() { published <- publish(keys[1]) }()
	require.True(t, <-hold.overlapped, "no second produce request within %s while the first was unanswered", heldFor)
	for range 2 {
		require.NoError(t, <-published)
	}
}

// heldFor is how long produceHold holds an answer waiting for another produce request.
const heldFor = 5 * time.Second

// produceHold, once armed, holds the next produce answer the cluster writes until the client has sent
// another produce request on that connection, or heldFor has passed, and reports which.
type produceHold struct {
	armed      atomic.Bool
	holding    chan struct{} // closed when the answer is held
	overlapped chan bool
}

// holdingListener gives the cluster connections that watch the requests read and the answers written.
type holdingListener struct {
	net.Listener
	hold *produceHold
}

func (l holdingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &watchedConn{Conn: conn, hold: l.hold, keys: map[int32]int16{}, produced: make(chan int32, 16)}, nil
}

// watchedConn is the cluster's side of a client connection. The cluster reads each request as a 4-byte
// size then the body (key, version, correlation id, ...), and writes each answer in one Write (size,
// correlation id, ...).
type watchedConn struct {
	net.Conn
	hold     *produceHold
	mu       sync.Mutex
	keys     map[int32]int16 // request key by correlation id
	header   []byte          // the current request's bytes read so far, up to its first 12
	left     int             // bytes of the current request still to read; 0 between requests
	produced chan int32      // correlation ids of produce requests read
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	for b := p[:n]; len(b) > 0; {
		if c.left == 0 && len(c.header) < 4 {
			take := min(4-len(c.header), len(b))
			c.header, b = append(c.header, b[:take]...), b[take:]
			if len(c.header) == 4 {
				c.left = int(binary.BigEndian.Uint32(c.header))
			}
			continue
		}
		take := min(c.left, len(b), max(0, 12-len(c.header)))
		c.header = append(c.header, b[:take]...)
		skip := min(c.left, len(b))
		c.left, b = c.left-skip, b[skip:]
		if c.left == 0 {
			c.request(c.header)
			c.header = c.header[:0]
		}
	}
	return n, err
}

// request notes a whole request's key and correlation id.
func (c *watchedConn) request(header []byte) {
	if len(header) < 12 {
		return
	}
	key, corr := int16(binary.BigEndian.Uint16(header[4:])), int32(binary.BigEndian.Uint32(header[8:]))
	c.mu.Lock()
	c.keys[corr] = key
	c.mu.Unlock()
	if key == int16(kmsg.Produce) {
		select {
		case c.produced <- corr:
		default:
		}
	}
}

func (c *watchedConn) Write(p []byte) (int, error) {
	if len(p) >= 8 {
		corr := int32(binary.BigEndian.Uint32(p[4:]))
		c.mu.Lock()
		key := c.keys[corr]
		c.mu.Unlock()
		if key == int16(kmsg.Produce) && c.hold.armed.CompareAndSwap(true, false) {
			close(c.hold.holding)
			c.hold.overlapped <- c.anotherProduce(corr)
		}
	}
	return c.Conn.Write(p)
}

// anotherProduce waits up to heldFor for a produce request after the one numbered answered.
func (c *watchedConn) anotherProduce(answered int32) bool {
	timeout := time.After(heldFor)
	for {
		select {
		case corr := <-c.produced:
			if corr > answered {
				return true
			}
		case <-timeout:
			return false
		}
	}
}
