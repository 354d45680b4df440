package ratelimit

import (
	"hash/maphash"
	"math/bits"
	"sync"
)

// leaseShards is how many parts the lease table is split into by a hash of the key, each under its own
// lock, so that concurrent takes of different keys seldom wait for each other: at most 64, so that a
// take's shards fit one uint64.
const leaseShards = 64

// leaseShard is one part of the lease table, padded to a cache line of its own.
type leaseShard struct {
	mu    sync.Mutex
	byKey map[string]*lease
	_     [48]byte
}

// shardSet is a set of shards, one bit each.
type shardSet uint64

// shardOf returns the shard that holds key's lease.
func (ls *leases) shardOf(key string) *leaseShard {
	return &ls.shards[maphash.String(ls.seed, key)%leaseShards]
}

// lock locks the shards of costs' keys, in the order of their index, so that two takes never wait for
// each other crosswise, and returns them for unlock.
func (ls *leases) lock(costs []Cost) shardSet {
	var set shardSet
	for _, c := range costs {
		set |= 1 << (maphash.String(ls.seed, c.Key) % leaseShards)
	}
	ls.lockSet(set)
	return set
}

// lockSet locks the shards of set in the order of their index.
func (ls *leases) lockSet(set shardSet) {
	for s := uint64(set); s != 0; s &= s - 1 {
		ls.shards[bits.TrailingZeros64(s)].mu.Lock()
	}
}

// unlock unlocks the shards of set.
func (ls *leases) unlock(set shardSet) {
	for s := uint64(set); s != 0; s &= s - 1 {
		ls.shards[bits.TrailingZeros64(s)].mu.Unlock()
	}
}

// allShards is the set of every shard.
const allShards = shardSet(1<<leaseShards - 1)
