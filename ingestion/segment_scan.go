package ingestion

// scanMembers reads s, which must be one JSON object and nothing else, calling f with the unquoted key
// and the raw value of each member in turn (a value is a substring of s). It reports false when s is
// not well-formed JSON or is nested deeper than maxDepth: the caller then asks checkJSON why.
func scanMembers(s string, f func(key, value string)) bool {
	d := scanner{s: s}
	d.space()
	if d.peek() != '{' {
		return false
	}
	d.i++
	d.space()
	if d.peek() == '}' {
		d.i++
		d.space()
		return d.i == len(d.s)
	}
	for {
		start := d.i
		if d.peek() != '"' || !d.str() {
			return false
		}
		key, ok := unquote(d.s[start:d.i])
		d.space()
		if !ok || d.peek() != ':' {
			return false
		}
		d.i++
		d.space()
		start = d.i
		if !d.value(2) {
			return false
		}
		f(key, d.s[start:d.i])
		d.space()
		switch d.peek() {
		case ',':
			d.i++
			d.space()
		case '}':
			d.i++
			d.space()
			return d.i == len(d.s)
		default:
			return false
		}
	}
}

// scanElements reads s, a well-formed JSON array, calling f with the raw value of each element.
func scanElements(s string, f func(value string)) bool {
	d := scanner{s: s}
	if d.peek() != '[' {
		return false
	}
	d.i++
	d.space()
	if d.peek() == ']' {
		return true
	}
	for {
		start := d.i
		if !d.value(2) {
			return false
		}
		f(d.s[start:d.i])
		d.space()
		switch d.peek() {
		case ',':
			d.i++
			d.space()
		case ']':
			return true
		default:
			return false
		}
	}
}

// scanFailure is why a body that scanMembers did not take is refused: checkJSON's message, or, for
// JSON that is well-formed but nested deeper than the scanner follows, that.
func scanFailure(body []byte) string {
	if msg := checkJSON(body, '{'); msg != "" {
		return msg
	}
	return "JSON nested too deeply"
}
