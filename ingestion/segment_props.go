package ingestion

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// segmentProps reads a call's properties or traits (name says which) into an event's props, under the
// limits of props (see parseProps): at most maxProps keys after null values are dropped; a string,
// number or boolean is kept as POST /event keeps it; an object or array, which Segment allows and our
// flat props do not, is kept as its compact JSON text, a string of at most maxPropValue bytes. Keys in
// skip are left out: a page call's path, url and referrer, which are the event's own fields.
func segmentProps(raw, name string, skip map[string]*string) (map[string]string, []string) {
	if absent(raw) {
		return nil, nil
	}
	obj, ok := propsObject(raw)
	if !ok {
		return nil, []string{fmt.Sprintf("%q must be an object", name)}
	}
	var problems []string
	props := make(map[string]string, len(obj))
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		v := obj[key]
		if _, skipped := skip[key]; skipped || v == "null" {
			continue
		}
		if msg := propKeyProblem(key); msg != "" {
			problems = appendProblem(problems, fmt.Sprintf("%q keys must be 1 to %d bytes of UTF-8 without NUL", name, maxPropKey))
			continue
		}
		if v[0] == '{' || v[0] == '[' {
			var b bytes.Buffer
			_ = json.Compact(&b, []byte(v)) // valid: the body was read as JSON
			if b.Len() > maxPropValue {
				problems = append(problems, fmt.Sprintf("%q must be at most %d bytes of JSON", name+"."+key, maxPropValue))
				continue
			}
			props[key] = b.String()
			continue
		}
		s, msg := propValue(v)
		if msg != "" {
			problems = append(problems, fmt.Sprintf("%q %s", name+"."+key, msg))
			continue
		}
		props[key] = s
	}
	if len(props) > maxProps {
		return nil, []string{fmt.Sprintf(`%q must hold at most %d properties, got %d`, name, maxProps, len(props))}
	}
	if len(problems) > 0 || len(props) == 0 {
		return nil, problems
	}
	return props, nil
}
