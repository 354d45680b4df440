package sources

import "time"

// SetClock makes k read the time, for its cache, from now.
func (k *Keys) SetClock(now func() time.Time) {
	k.now = now
}
