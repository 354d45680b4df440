package ingestion

// maxDepth is the deepest nesting the scanner follows; deeper documents are left to encoding/json.
const maxDepth = 512

// scanner reads a request body in one pass, checking the JSON syntax as encoding/json does and keeping
// the raw values of the event fields, without allocating. Whenever it reports false the body is
// malformed (or nested deeper than maxDepth) and the caller decodes it with encoding/json instead, for
// its exact error message.
type scanner struct {
	s string
	i int
}

// scanEvent reads a body that must be a single JSON object.
func scanEvent(body string) (rawEvent, bool) {
	d := scanner{s: body}
	d.space()
	if d.peek() != '{' {
		return rawEvent{}, false
	}
	var raw rawEvent
	ok := d.object(&raw, 1)
	d.space()
	return raw, ok && d.i == len(d.s)
}

// scanBatch reads a body that must be a JSON array, calling item with the fields of each element in
// turn; raw is nil for an element that is not an object.
func scanBatch(body string, item func(raw *rawEvent)) bool {
	d := scanner{s: body}
	d.space()
	if d.peek() != '[' {
		return false
	}
	d.i++
	d.space()
	if d.peek() == ']' {
		d.i++
		d.space()
		return d.i == len(d.s)
	}
	var raw rawEvent
	for {
		if d.peek() == '{' {
			raw = rawEvent{}
			if !d.object(&raw, 2) {
				return false
			}
			item(&raw)
		} else {
			if !d.value(2) {
				return false
			}
			item(nil)
		}
		d.space()
		switch d.peek() {
		case ',':
			d.i++
			d.space()
		case ']':
			d.i++
			d.space()
			return d.i == len(d.s)
		default:
			return false
		}
	}
}

// peek returns the next byte, or 0 at the end.
func (d *scanner) peek() byte {
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

func (d *scanner) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// object reads the object at d.i; when raw is not nil it records the values of the event fields in it.
func (d *scanner) object(raw *rawEvent, depth int) bool {
	if depth > maxDepth {
		return false
	}
	d.i++
	d.space()
	if d.peek() == '}' {
		d.i++
		return true
	}
	for {
		start := d.i
		if d.peek() != '"' || !d.str() {
			return false
		}
		key := d.s[start:d.i]
		d.space()
		if d.peek() != ':' {
			return false
		}
		d.i++
		d.space()
		start = d.i
		if !d.value(depth + 1) {
			return false
		}
		if raw != nil {
			if name, ok := unquote(key); ok {
				if f := fieldIndex(name); f >= 0 {
					raw[f] = d.s[start:d.i]
				}
			}
		}
		d.space()
		switch d.peek() {
		case ',':
			d.i++
			d.space()
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// value reads any JSON value.
func (d *scanner) value(depth int) bool {
	switch c := d.peek(); c {
	case '{':
		return d.object(nil, depth)
	case '[':
		return d.array(depth)
	case '"':
		return d.str()
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		return d.number()
	}
}

func (d *scanner) array(depth int) bool {
	if depth > maxDepth {
		return false
	}
	return d.elements(depth, func(string) {})
}

// str reads a string: no control characters, only JSON's escapes. Like encoding/json it lets invalid
// UTF-8 through; the fields' validation reports it.
func (d *scanner) str() bool {
	d.i++
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			d.i++
			switch d.peek() {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.i++
			case 'u':
				if d.i+5 > len(d.s) {
					return false
				}
				for _, h := range []byte(d.s[d.i+1 : d.i+5]) {
					if !isDigit(h) && (h|0x20 < 'a' || h|0x20 > 'f') {
						return false
					}
				}
				d.i += 5
			default:
				return false
			}
		default:
			d.i++
		}
	}
	return false
}

func (d *scanner) literal(word string) bool {
	if len(d.s)-d.i < len(word) || d.s[d.i:d.i+len(word)] != word {
		return false
	}
	d.i += len(word)
	return true
}

// number reads -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?; what follows is the caller's to check.
func (d *scanner) number() bool {
	if d.peek() == '-' {
		d.i++
	}
	switch c := d.peek(); {
	case c == '0':
		d.i++
	case '1' <= c && c <= '9':
		d.digits()
	default:
		return false
	}
	if d.peek() == '.' {
		d.i++
		if !d.digits() {
			return false
		}
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.i++
		if c := d.peek(); c == '+' || c == '-' {
			d.i++
		}
		if !d.digits() {
			return false
		}
	}
	return true
}

// digits reads one or more digits and reports whether there was one.
func (d *scanner) digits() bool {
	start := d.i
	for d.i < len(d.s) && isDigit(d.s[d.i]) {
		d.i++
	}
	return d.i > start
}
