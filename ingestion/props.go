package ingestion

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits of props, the custom properties of an event (Plausible keeps the first 30 and bounds keys to
// 300 bytes and values to 2,000; here more is an error, as for every other field). Keys and values are
// bounded in bytes, not characters: both are part of hourly_visitors' key, and a Postgres index entry
// holds at most 2,704 bytes (a 128-character site id, a 64-byte key and a 2,000-byte value fit).
const (
	maxProps      = 30
	maxPropKey    = 64
	maxPropValue  = 2000
	maxPropNumber = 64 // a JSON number's text
)

// parseProps reads the raw JSON value of props: an object whose values are strings, numbers or booleans,
// numbers and booleans kept as their JSON text ("12", "1.50", "true"). Null is no props. Of duplicate
// keys the last counts, as with the event's fields. Problems come in key order.
func parseProps(raw string) (map[string]string, []string) {
	if absent(raw) {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, []string{`"props" must be an object`}
	}
	if !utf8.ValidString(raw) {
		return nil, []string{`"props" must be valid UTF-8`}
	}
	obj, ok := propsObject(raw)
	if !ok {
		return nil, []string{`"props" must be an object`} // not reached: both parsers checked the syntax
	}
	if len(obj) > maxProps {
		return nil, []string{fmt.Sprintf(`"props" must hold at most %d properties, got %d`, maxProps, len(obj))}
	}
	var problems []string
	props := make(map[string]string, len(obj))
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		if msg := propKeyProblem(key); msg != "" {
			if !slices.Contains(problems, msg) {
				problems = append(problems, msg)
			}
			continue
		}
		v, msg := propValue(obj[key])
		if msg != "" {
			problems = append(problems, fmt.Sprintf("%q %s", "props."+key, msg))
			continue
		}
		props[key] = v
	}
	if len(problems) > 0 || len(props) == 0 {
		return nil, problems // {} is no props, as it is once published
	}
	return props, nil
}

// propKeyProblem returns what is wrong with a props key, "" when nothing.
func propKeyProblem(key string) string {
	switch {
	case key == "" || len(key) > maxPropKey:
		return fmt.Sprintf(`"props" keys must be 1 to %d bytes of UTF-8`, maxPropKey)
	case strings.IndexByte(key, 0) >= 0:
		return `"props" keys must not contain NUL characters`
	}
	return ""
}

// propsObject returns the raw JSON value of each key of the object raw, which both parsers have read as
// JSON already, the last of duplicate keys counting; ok is false if raw is not an object.
func propsObject(raw string) (obj map[string]string, ok bool) {
	d := scanner{s: raw}
	if d.peek() != '{' {
		return nil, false
	}
	d.i++
	d.space()
	obj = map[string]string{}
	if d.peek() == '}' {
		return obj, true
	}
	for {
		start := d.i
		if d.peek() != '"' || !d.str() {
			return nil, false
		}
		key, ok := unquote(d.s[start:d.i])
		d.space()
		if !ok || d.peek() != ':' {
			return nil, false
		}
		d.i++
		d.space()
		start = d.i
		if !d.value(2) {
			return nil, false
		}
		obj[key] = d.s[start:d.i]
		d.space()
		switch d.peek() {
		case ',':
			d.i++
			d.space()
		case '}':
			return obj, true
		default:
			return nil, false
		}
	}
}

// propValue returns a props value as stored, or what is wrong with it.
func propValue(s string) (string, string) {
	switch c := s[0]; {
	case c == '"':
		v, _ := unquote(s)
		switch {
		case strings.IndexByte(v, 0) >= 0:
			return "", "must not contain NUL characters"
		case len(v) > maxPropValue:
			return "", fmt.Sprintf("must be at most %d bytes of UTF-8", maxPropValue)
		}
		return v, ""
	case s == "true" || s == "false":
		return s, ""
	case c == '-' || ('0' <= c && c <= '9'):
		if len(s) > maxPropNumber {
			return "", fmt.Sprintf("must be a number of at most %d characters", maxPropNumber)
		}
		return s, ""
	}
	return "", "must be a string, number or boolean"
}
