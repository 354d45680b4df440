package ratelimit

import "strconv"

// scriptArgs builds the KEYS and ARGV of one call of take.lua: each distinct key once, each distinct
// limit once, and per request the index of each of its buckets' key and limit. The writer goroutine
// reuses one, so a call allocates little.
type scriptArgs struct {
	keys   []string
	index  map[string]int // 1-based index of each key in keys, as Lua counts
	limits []Limit
	body   []any // per request: its number of buckets, then (key index, events, limit index) each
	args   []any
}

// build returns the keys and arguments of the call for group, valid until the next build.
func (s *scriptArgs) build(group []*takeRequest) ([]string, []any) {
	if s.index == nil {
		s.index = map[string]int{}
	}
	s.keys, s.limits, s.body = s.keys[:0], s.limits[:0], s.body[:0]
	clear(s.index)
	for _, req := range group {
		s.body = append(s.body, len(req.costs))
		for _, c := range req.costs {
			s.body = append(s.body, s.key(c.Key), c.N, s.limit(c.Limit))
		}
	}
	s.args = append(s.args[:0], len(group), len(s.limits))
	for _, l := range s.limits {
		s.args = append(s.args, strconv.FormatFloat(l.interval(), 'f', -1, 64), strconv.FormatFloat(l.tolerance(), 'f', -1, 64))
	}
	s.args = append(s.args, s.body...)
	return s.keys, s.args
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
