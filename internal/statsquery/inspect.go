package statsquery

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// inspect writes a decoded JSON value as Elixir's inspect/1 does, which Plausible's error messages quote:
// ["is", "event:page", ["/"]], %{"case_sensitive" => false}, nil.
func inspect(v any) string {
	var b strings.Builder
	writeInspect(&b, v)
	return b.String()
}

func writeInspect(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("nil")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case json.Number:
		b.WriteString(v.String())
	case string:
		b.WriteString(strconv.Quote(v))
	case []any:
		b.WriteByte('[')
		for i, item := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeInspect(b, item)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("%{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(k) + " => ")
			writeInspect(b, v[k])
		}
		b.WriteByte('}')
	default:
		b.WriteString("?")
	}
}

// typeName is a JSON value's type as ExJsonSchema names it in "Type mismatch" errors.
func typeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "Null"
	case bool:
		return "Boolean"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "Integer"
		}
		return "Number"
	case string:
		return "String"
	case []any:
		return "Array"
	case map[string]any:
		return "Object"
	}
	return "Unknown"
}
