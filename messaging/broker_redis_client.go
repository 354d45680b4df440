package messaging

import "github.com/redis/go-redis/v9"

// RedisClient returns the client of a Redis broker, nil with another broker, for what a service keeps
// in the broker's Redis besides the events (ingestion's shared rate limits). The broker closes it.
func (b *Broker) RedisClient() *redis.Client {
	if r, ok := b.backend.(*redisBackend); ok {
		return r.client
	}
	return nil
}
