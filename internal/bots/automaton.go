package bots

import (
	"errors"
	"math"
	"slices"
)

// word is a string for the automaton to find: a literal of a pattern (regexp < 0), whose presence makes a
// bot, or the required literal of regexp number regexp, whose presence makes the regexp worth running.
type word struct {
	text   string
	regexp int
}

// Outputs of a state: what the text read so far ends with.
const (
	outNone      uint8 = iota
	outBot             // a literal of a pattern: the user agent is a bot
	outCandidate       // only required literals: the regexps of candidates[state] are to be run
)

// An entry of the table is the next state's number, with outFlag set when that state has outputs.
const (
	outFlag   uint16 = 1 << 15
	stateMask        = outFlag - 1
)

// automaton finds in one pass over a text whether it contains any of many words (Aho–Corasick, compiled
// to a table of each state's next state for each class of bytes). Bytes that occur in no word share one
// class, so the table has as many columns as the words have distinct bytes, plus one.
type automaton struct {
	class      [256]uint8
	width      int
	next       []uint16 // next[state*width+class]: a state number, with outFlag
	out        []uint8
	candidates map[uint16]uint64 // bit i: regexp i
}

// errTooLarge means the words need more states, or more regexps, than the table's integers hold.
var errTooLarge = errors.New("crawler patterns too many for the automaton")

func newAutomaton(words []word) (*automaton, error) {
	a := &automaton{candidates: map[uint16]uint64{}}
	width := 1
	for _, w := range words {
		if w.regexp >= 64 {
			return nil, errTooLarge
		}
		for i := range len(w.text) {
			if c := w.text[i]; a.class[c] == 0 {
				a.class[c] = uint8(width)
				width++
			}
		}
	}
	if width > math.MaxUint8+1 {
		return nil, errTooLarge
	}
	a.width = width

	// The trie of the words: goto_[s*width+c] is s's child by class c, or -1. Allocated once, at its
	// size: the table is the largest thing built here.
	states := trieSize(words)
	if states > int(stateMask)+1 {
		return nil, errTooLarge
	}
	goto_ := make([]int32, states*width)
	for i := range goto_ {
		goto_[i] = -1
	}
	out := make([]uint8, 1, states)
	cand := make([]uint64, 1, states)
	for _, w := range words {
		s := int32(0)
		for i := range len(w.text) {
			c := int32(a.class[w.text[i]])
			if goto_[s*int32(width)+c] < 0 {
				goto_[s*int32(width)+c] = int32(len(out))
				out = append(out, outNone)
				cand = append(cand, 0)
			}
			s = goto_[s*int32(width)+c]
		}
		if w.regexp < 0 {
			out[s] = outBot
		} else {
			cand[s] |= 1 << w.regexp
		}
	}

	// Breadth first, each state takes the outputs of its longest proper suffix that is a state (fail),
	// and a missing child becomes fail's next state: from then on the table alone finds every word.
	fail := make([]int32, len(out))
	order := []int32{0} // every state, breadth first
	queue := make([]int32, 0, len(out))
	for c := range width {
		if t := goto_[c]; t < 0 {
			goto_[c] = 0
		} else {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		order = append(order, s)
		if out[fail[s]] == outBot {
			out[s] = outBot
		}
		cand[s] |= cand[fail[s]]
		for c := range int32(width) {
			t := goto_[s*int32(width)+c]
			failNext := goto_[fail[s]*int32(width)+c]
			if t < 0 {
				goto_[s*int32(width)+c] = failNext
				continue
			}
			fail[t] = failNext
			queue = append(queue, t)
		}
	}

	// States are numbered in breadth-first order, so that the rows that most texts visit, those near
	// the root, lie together; a state with outputs carries outFlag in every entry that leads to it.
	id := make([]uint16, len(out))
	for i, s := range order {
		id[s] = uint16(i)
		if out[s] != outNone || cand[s] != 0 {
			id[s] |= outFlag
		}
	}
	a.next = make([]uint16, len(goto_))
	a.out = make([]uint8, len(out))
	for s := range out {
		row := int(id[s]&stateMask) * width
		for c := range width {
			a.next[row+c] = id[goto_[s*width+c]]
		}
		n := id[s] & stateMask
		a.out[n] = out[s]
		if out[s] == outNone && cand[s] != 0 {
			a.out[n] = outCandidate
			a.candidates[n] = cand[s]
		}
	}
	return a, nil
}

// trieSize returns the number of states of the trie of words: the root and one per distinct non-empty
// prefix.
func trieSize(words []word) int {
	texts := make([]string, len(words))
	for i, w := range words {
		texts[i] = w.text
	}
	slices.Sort(texts)
	n, prev := 1, ""
	for _, t := range texts {
		common := 0
		for common < len(t) && common < len(prev) && t[common] == prev[common] {
			common++
		}
		n += len(t) - common
		prev = t
	}
	return n
}

// scan reads textStart, text and textEnd. It returns true as soon as a bot's literal is found;
// otherwise the regexps whose required literal was found, as bits.
func (a *automaton) scan(text string) (bot bool, regexps uint64) {
	s := a.next[a.class[textStart]]
	if s&outFlag != 0 && a.found(s, &regexps) {
		return true, 0
	}
	for i := range len(text) {
		s = a.next[int(s&stateMask)*a.width+int(a.class[text[i]])]
		if s&outFlag != 0 && a.found(s, &regexps) {
			return true, 0
		}
	}
	s = a.next[int(s&stateMask)*a.width+int(a.class[textEnd])]
	if s&outFlag != 0 && a.found(s, &regexps) {
		return true, 0
	}
	return false, regexps
}

// found reports whether state s finds a bot's literal, or adds the regexps it makes candidates.
func (a *automaton) found(s uint16, regexps *uint64) bool {
	n := s & stateMask
	if a.out[n] == outBot {
		return true
	}
	*regexps |= a.candidates[n]
	return false
}
