package apikeys

import "time"

// SetClock makes g read the time, for its caches, from now.
func (g *Guard) SetClock(now func() time.Time) {
	g.now = now
}
