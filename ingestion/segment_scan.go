package ingestion

// scanMembers reads s, which must be one JSON object and nothing else, calling f with the unquoted key
// and the raw value of each member in turn (a value is a substring of s). It reports false when s is
// not well-formed JSON or is nested deeper than maxDepth: the caller then asks checkJSON why.
func scanMembers(s string, f func(key, value string)) bool {
	d := scanner{s: s}
	more, ok := d.openObject()
	for ok && more {
		var key string
		if key, ok = d.key(); !ok {
			return false
		}
		start := d.i
		if !d.value(2) {
			return false
		}
		f(key, d.s[start:d.i])
		more, ok = d.nextMember()
	}
	return ok && d.i == len(d.s)
}

// openObject reads the opening of the object s must start with: more is false for {}, ok false when s
// does not start with an object.
func (d *scanner) openObject() (more, ok bool) {
	d.space()
	if d.peek() != '{' {
		return false, false
	}
	d.i++
	d.space()
	if d.peek() == '}' {
		d.i++
		d.space()
		return false, true
	}
	return true, true
}

// key reads a member's key and the colon after it, leaving d at its value.
func (d *scanner) key() (string, bool) {
	start := d.i
	if d.peek() != '"' || !d.str() {
		return "", false
	}
	key, ok := unquote(d.s[start:d.i])
	d.space()
	if !ok || d.peek() != ':' {
		return "", false
	}
	d.i++
	d.space()
	return key, true
}

// nextMember reads what follows a member: a comma (more members) or the end of the outermost object
// and the spaces after it.
func (d *scanner) nextMember() (more, ok bool) {
	d.space()
	switch d.peek() {
	case ',':
		d.i++
		d.space()
		return true, true
	case '}':
		d.i++
		d.space()
		return false, true
	}
	return false, false
}

// elements reads the array at d.i, calling f with the raw value of each element.
func (d *scanner) elements(depth int, f func(value string)) bool {
	d.i++
	d.space()
	if d.peek() == ']' {
		d.i++
		return true
	}
	for {
		start := d.i
		if !d.value(depth + 1) {
			return false
		}
		f(d.s[start:d.i])
		d.space()
		switch d.peek() {
		case ',':
			d.i++
			d.space()
		case ']':
			d.i++
			return true
		default:
			return false
		}
	}
}

// scanFailure is why a body that the scanner did not take is refused: checkJSON's message, or, for
// JSON that is well-formed but nested deeper than the scanner follows, that.
func scanFailure(body []byte) string {
	if msg := checkJSON(body, '{'); msg != "" {
		return msg
	}
	return "JSON nested too deeply"
}
