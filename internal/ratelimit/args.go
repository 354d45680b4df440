package ratelimit

import (
	"encoding/binary"
	"math"
)

// scriptArgs builds the KEYS and the one argument of a call of take.lua: each distinct key once, each
// distinct limit once, the leases given back, per request the index of each of its buckets' key and
// limit, and the leases asked, all in one MessagePack array, which Redis decodes in C (cmsgpack) rather
// than as many arguments. The writer goroutine reuses one, so a call allocates little.
type scriptArgs struct {
	keys   []string
	index  map[string]int // 1-based index of each key in keys, as Lua counts
	limits []Limit
	give   []int // per lease given back: key index, tokens, limit index
	body   []int // per request: its number of buckets, then (key index, events, limit index) each
	asked  []int // per lease asked: key index, tokens, limit index
	leases int   // leases asked
	packed []byte
}

// build returns the keys and the argument of the call for group and give, valid until the next build.
func (s *scriptArgs) build(group []*takeRequest, give []giveBack) ([]string, []byte) {
	if s.index == nil {
		s.index = map[string]int{}
	}
	s.keys, s.limits, s.give, s.body, s.asked = s.keys[:0], s.limits[:0], s.give[:0], s.body[:0], s.asked[:0]
	clear(s.index)
	for _, g := range give {
		s.give = append(s.give, s.key(g.key), g.tokens, s.limit(g.limit))
	}
	for _, req := range group {
		s.body = append(s.body, len(req.costs))
		for i, c := range req.costs {
			key, limit := s.key(c.Key), s.limit(c.Limit)
			s.body = append(s.body, key, c.N, limit)
			if req.ask[i] > 0 {
				s.asked = append(s.asked, key, req.ask[i], limit)
			}
		}
	}
	s.leases = len(s.asked) / 3
	p := appendArrayHeader(s.packed[:0], 4+2*len(s.limits)+len(s.give)+len(s.body)+len(s.asked))
	p = appendUint(appendUint(p, len(group)), len(s.limits))
	for _, l := range s.limits {
		p = appendFloat(appendFloat(p, l.interval()), l.tolerance())
	}
	p = appendUint(p, len(give))
	for _, n := range s.give {
		p = appendUint(p, n)
	}
	for _, n := range s.body {
		p = appendUint(p, n)
	}
	p = appendUint(p, s.leases)
	for _, n := range s.asked {
		p = appendUint(p, n)
	}
	s.packed = p
	return s.keys, p
}

// key returns the index of key in keys, adding it.
func (s *scriptArgs) key(key string) int {
	i, ok := s.index[key]
	if !ok {
		s.keys = append(s.keys, key)
		i = len(s.keys)
		s.index[key] = i
	}
	return i
}

// limit returns the 1-based index of l in limits, adding it.
func (s *scriptArgs) limit(l Limit) int {
	for i, known := range s.limits {
		if known == l {
			return i + 1
		}
	}
	s.limits = append(s.limits, l)
	return len(s.limits)
}

// appendArrayHeader appends a MessagePack array32 header of n elements.
func appendArrayHeader(b []byte, n int) []byte {
	return binary.BigEndian.AppendUint32(append(b, 0xdd), uint32(n))
}

// appendUint appends n, not negative, as a MessagePack positive fixint or uint32.
func appendUint(b []byte, n int) []byte {
	if n < 128 {
		return append(b, byte(n))
	}
	return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
}

// appendFloat appends f as a MessagePack float64.
func appendFloat(b []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(f))
}
