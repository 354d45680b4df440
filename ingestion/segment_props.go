package ingestion

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// segmentProps reads a call's properties or traits (name says which) into an event's props or traits,
// under the limits of props (see parseProps): at most maxProps keys after null values are dropped; a
// string, number or boolean is kept as POST /event keeps it; an object or array, which Segment allows and
// our flat props do not, is kept as its compact JSON text, a string of at most maxPropValue bytes. Keys that
// page takes (a page call's path, url and referrer, the event's own fields) are left out; page is nil
// for other calls. Of duplicate keys the last counts.
func segmentProps(raw, name string, page *pageProperties) (map[string]string, []string) {
	if absent(raw) {
		return nil, nil
	}
	if !utf8.ValidString(raw) {
		return nil, []string{fmt.Sprintf("%q must be valid UTF-8", name)}
	}
	var problems []string
	var props map[string]string
	ok := scanMembers(raw, func(key, v string) {
		if (page != nil && page.take(key, v)) || v == "null" {
			return
		}
		if msg := propKeyProblem(key); msg != "" {
			problems = appendProblem(problems, fmt.Sprintf("%q keys must be 1 to %d bytes of UTF-8 without NUL", name, maxPropKey))
			return
		}
		s, msg := segmentPropValue(v)
		if msg != "" {
			problems = append(problems, fmt.Sprintf("%q %s", name+"."+key, msg))
			return
		}
		if props == nil {
			props = make(map[string]string, 8)
		}
		props[key] = s
	})
	switch {
	case !ok:
		return nil, []string{fmt.Sprintf("%q must be an object", name)}
	case len(props) > maxProps:
		return nil, []string{fmt.Sprintf(`%q must hold at most %d properties, got %d`, name, maxProps, len(props))}
	case len(problems) > 0:
		return nil, problems
	}
	return props, nil
}

// segmentPropValue returns a value of properties or traits as stored in props, or what is wrong with it.
func segmentPropValue(v string) (string, string) {
	if v[0] != '{' && v[0] != '[' {
		return propValue(v)
	}
	var b bytes.Buffer
	_ = json.Compact(&b, []byte(v)) // well-formed: scanMembers read it
	if b.Len() > maxPropValue {
		return "", fmt.Sprintf("must be at most %d bytes of JSON", maxPropValue)
	}
	return b.String(), ""
}
