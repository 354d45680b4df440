// Package jsonstr appends strings as JSON without reflection, byte for byte as encoding/json writes them,
// for the hand-written encoders on the hot paths.
package jsonstr

import (
	"encoding/json"
	"unicode/utf8"
)

// Append appends s as a JSON string escaped exactly as encoding/json escapes it, which it leaves to
// encoding/json for the rare strings that need escaping.
func Append(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if !plainASCII[c] {
				return appendMarshalled(b, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return appendMarshalled(b, s)
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendMarshalled(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// plainASCII tells the ASCII characters encoding/json writes as they are: not control characters,
// quotes, backslashes or the HTML-sensitive <, > and &.
var plainASCII = func() (plain [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		plain[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return plain
}()
