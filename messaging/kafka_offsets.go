package messaging

import "sync"

// offsetWindow tracks the offsets of one partition handed out and not yet acknowledged, in order.
type offsetWindow struct {
	mu      sync.Mutex
	pending []int64 // handed-out offsets, ascending
	acked   map[int64]bool
}

func (w *offsetWindow) add(offset int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending = append(w.pending, offset)
}

// done records offset as acknowledged and returns the offset to commit (the first not acknowledged, or
// the one after the last handed out) and whether it moved.
func (w *offsetWindow) done(offset int64) (int64, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.acked == nil {
		w.acked = map[int64]bool{}
	}
	w.acked[offset] = true
	var next int64
	advanced := false
	for len(w.pending) > 0 && w.acked[w.pending[0]] {
		delete(w.acked, w.pending[0])
		next = w.pending[0] + 1
		w.pending = w.pending[1:]
		advanced = true
	}
	return next, advanced
}
