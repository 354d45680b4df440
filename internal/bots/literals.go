package bots

import (
	"fmt"
	"regexp/syntax"
	"unicode"
)

// The automaton reads a user agent between textStart and textEnd, bytes that no header value holds
// (net/http refuses control characters in one), so that a pattern's ^ and $ become bytes to find.
const (
	textStart = '\x00'
	textEnd   = '\x01'
)

// maxLiterals bounds the strings one pattern expands to ([wW]get is two, S[eE][mM]rushBot eight).
const maxLiterals = 64

// minRequired is the shortest literal that may select the user agents on which a pattern's regexp runs.
const minRequired = 3

// expand returns the strings of which a text contains one exactly when it matches pattern, with exact
// true; or, for a pattern that cannot be written so, with exact false, one string that every matching
// text contains, which selects the texts on which to run the pattern's regexp.
func expand(pattern string) (literals []string, exact bool, err error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, false, fmt.Errorf("pattern %q: %w", pattern, err)
	}
	re = re.Simplify()
	if lits, ok := literalize(re); ok && !containsEmpty(lits) {
		return lits, true, nil
	}
	if req := required(re); len(req) >= minRequired {
		return []string{req}, false, nil
	}
	return nil, false, fmt.Errorf("pattern %q: neither a set of strings nor a regexp with a literal of %d bytes or more", pattern, minRequired)
}

func containsEmpty(lits []string) bool {
	for _, l := range lits {
		if l == "" {
			return true
		}
	}
	return false
}

// literalize returns the strings of which a text contains one exactly when it matches re; false when
// re has repetitions, wide classes or too many strings.
func literalize(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpBeginText, syntax.OpBeginLine:
		return []string{string(rune(textStart))}, true
	case syntax.OpEndText, syntax.OpEndLine:
		return []string{string(rune(textEnd))}, true
	case syntax.OpLiteral:
		parts := make([][]string, len(re.Rune))
		for i, r := range re.Rune {
			parts[i] = []string{string(r)}
			if re.Flags&syntax.FoldCase != 0 && unicode.ToUpper(r) != unicode.ToLower(r) {
				parts[i] = []string{string(unicode.ToUpper(r)), string(unicode.ToLower(r))}
			}
		}
		return product(parts)
	case syntax.OpCharClass:
		var lits []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(lits) == maxLiterals {
					return nil, false
				}
				lits = append(lits, string(r))
			}
		}
		return lits, true
	case syntax.OpCapture:
		return literalize(re.Sub[0])
	case syntax.OpQuest:
		lits, ok := literalize(re.Sub[0])
		return append(lits, ""), ok && len(lits) < maxLiterals
	case syntax.OpConcat, syntax.OpAlternate:
		parts := make([][]string, len(re.Sub))
		var all []string
		for i, sub := range re.Sub {
			lits, ok := literalize(sub)
			if !ok {
				return nil, false
			}
			parts[i] = lits
			all = append(all, lits...)
		}
		if re.Op == syntax.OpConcat {
			return product(parts)
		}
		return all, len(all) <= maxLiterals
	}
	return nil, false
}

// product returns every concatenation of one string of each part, in order; false past maxLiterals.
func product(parts [][]string) ([]string, bool) {
	out := []string{""}
	for _, part := range parts {
		if len(out)*len(part) > maxLiterals {
			return nil, false
		}
		next := make([]string, 0, len(out)*len(part))
		for _, prefix := range out {
			for _, s := range part {
				next = append(next, prefix+s)
			}
		}
		out = next
	}
	return out, true
}

// required returns the longest literal that every text matching re contains, "" if none.
func required(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return ""
		}
		return string(re.Rune)
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		longest := ""
		for _, sub := range re.Sub {
			if s := required(sub); len(s) > len(longest) {
				longest = s
			}
		}
		return longest
	}
	return ""
}
