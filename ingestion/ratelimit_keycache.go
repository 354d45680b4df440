package ingestion

import (
	"hash/maphash"
	"sync/atomic"
)

// clientKeyEntries is how many client addresses keep their bucket's key, so that a client that posts
// again soon is not hashed again: about the clients of a few seconds of a busy service, at most about
// 1.5 MiB.
const clientKeyEntries = 16384

// clientKeys holds the bucket keys of recently seen client addresses, without a lock: an address has one
// slot, picked by a hash of it, and a new address takes the slot over. A key is a pure function of the
// address, so whichever address a slot holds, a lookup that finds its own there has the right key.
type clientKeys struct {
	seed  maphash.Seed
	slots []atomic.Pointer[clientKey]
}

// clientKey is one address (IPv4-mapped or an IPv6 /64, as 16 bytes) and its bucket's key.
type clientKey struct {
	addr [16]byte
	key  string
}

func newClientKeys(entries int) *clientKeys {
	return &clientKeys{seed: maphash.MakeSeed(), slots: make([]atomic.Pointer[clientKey], entries)}
}

// slot returns the slot of addr.
func (c *clientKeys) slot(addr [16]byte) *atomic.Pointer[clientKey] {
	return &c.slots[maphash.Comparable(c.seed, addr)%uint64(len(c.slots))]
}

// get returns the key kept for addr, if any.
func (c *clientKeys) get(addr [16]byte) (string, bool) {
	if k := c.slot(addr).Load(); k != nil && k.addr == addr {
		return k.key, true
	}
	return "", false
}

// add keeps key for addr, in place of the address its slot held.
func (c *clientKeys) add(addr [16]byte, key string) {
	c.slot(addr).Store(&clientKey{addr: addr, key: key})
}

// len is how many addresses keep their key.
func (c *clientKeys) len() int {
	n := 0
	for i := range c.slots {
		if c.slots[i].Load() != nil {
			n++
		}
	}
	return n
}
