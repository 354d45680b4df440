package clientip

import "strings"

// forwardedFor returns the for= value of every element of the Forwarded header lines (RFC 7239), in
// order, unquoted. ok is false when a line does not parse, or an element has no for= or has two: such a
// header says nothing reliable about the hops.
func forwardedFor(lines []string) (nodes []string, ok bool) {
	for _, s := range lines {
		for {
			var node string
			node, s, ok = forwardedElement(s)
			if !ok {
				return nil, false
			}
			nodes = append(nodes, node)
			if s == "" {
				break
			}
			s = s[1:] // the comma before the next element
		}
	}
	return nodes, true
}

// forwardedElement reads the pairs of one element at the start of s and returns its for= value and the
// rest of s, empty or from the comma that ends the element.
func forwardedElement(s string) (node, rest string, ok bool) {
	found := false
	for {
		name, afterName := cutToken(trimOWS(s))
		if name == "" || !strings.HasPrefix(afterName, "=") {
			return "", "", false
		}
		value, afterValue, valueOK := cutValue(afterName[1:])
		if !valueOK || (found && strings.EqualFold(name, "for")) {
			return "", "", false
		}
		if strings.EqualFold(name, "for") {
			node, found = value, true
		}
		s = trimOWS(afterValue)
		switch {
		case s == "" || s[0] == ',':
			return node, s, found
		case s[0] != ';':
			return "", "", false
		}
		s = s[1:]
	}
}

// cutValue reads a token or a quoted string at the start of s and returns it, unquoted, and the rest.
func cutValue(s string) (value, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		value, rest = cutToken(s)
		return value, rest, value != ""
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return b.String(), s[i+1:], true
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c < ' ' && c != '\t' || c == 0x7f:
			return "", "", false
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

// cutToken splits s after its leading RFC 9110 token characters.
func cutToken(s string) (token, rest string) {
	i := 0
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func isTokenChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func trimOWS(s string) string {
	return strings.TrimLeft(s, " \t")
}
