package statsquery

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// properties are the keys a query may have, in the order the schema lists them: any other key is
// refused, as Plausible's schema (additionalProperties: false) does. date is the reference day of
// relative ranges, which Plausible's internal schema accepts.
var properties = []string{"site_id", "metrics", "date_range", "dimensions", "filters", "order_by", "include",
	"pagination", "date"}

// maxLimit is the largest page Plausible serves (pagination.limit).
const maxLimit = 10000

// Decode reads a request body: a JSON object with no unknown keys and the required ones present.
func Decode(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, invalid("Invalid JSON body: %s", err.Error())
	}
	if dec.More() {
		return nil, invalid("Invalid JSON body: more than one value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, typeMismatch("#", "Object", v)
	}
	for _, key := range []string{"site_id", "metrics", "date_range"} {
		if _, ok := obj[key]; !ok {
			return nil, invalid("#: Required property %s was not present.", key)
		}
	}
	for key := range obj {
		if !contains(properties, key) {
			return nil, invalid("#/%s: Schema does not allow additional properties.", key)
		}
	}
	return obj, nil
}

// SiteID returns the query's site_id, which Decode checked is present.
func SiteID(obj map[string]any) (string, error) {
	s, ok := obj["site_id"].(string)
	if !ok {
		return "", typeMismatch("#/site_id", "String", obj["site_id"])
	}
	return s, nil
}

// Parse checks a decoded query field by field, in the schema's order, then the combinations Plausible
// refuses (validate.go), and returns it as a Request.
func Parse(obj map[string]any) (Request, error) {
	var r Request
	var err error
	if r.SiteID, err = SiteID(obj); err != nil {
		return r, err
	}
	if r.Metrics, err = parseMetrics(obj["metrics"]); err != nil {
		return r, err
	}
	if r.DateRange, err = parseDateRange(obj["date_range"]); err != nil {
		return r, err
	}
	if r.Dimensions, err = parseDimensions(obj["dimensions"]); err != nil {
		return r, err
	}
	if r.Filters, err = parseFilters(obj["filters"]); err != nil {
		return r, err
	}
	if raw, ok := obj["filters"].([]any); ok {
		r.rawFilters = raw
	}
	if r.OrderBy, err = parseOrderBy(obj["order_by"]); err != nil {
		return r, err
	}
	if r.Include, err = parseInclude(obj["include"]); err != nil {
		return r, err
	}
	r.rawInclude, _ = obj["include"].(map[string]any)
	r.rawPagination, _ = obj["pagination"].(map[string]any)
	if r.Limit, r.Offset, err = parsePagination(obj["pagination"]); err != nil {
		return r, err
	}
	if d, ok := obj["date"]; ok {
		if r.Date, ok = d.(string); !ok {
			return r, typeMismatch("#/date", "String", d)
		}
	}
	return r, validate(r)
}

// stringList checks that v is an array of unique strings (nil: absent, allowed when optional).
func stringList(path string, v any, minItems int) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, typeMismatch(path, "Array", v)
	}
	if len(list) < minItems {
		return nil, invalid("%s: Expected a minimum of %d items but got %d.", path, minItems, len(list))
	}
	out := make([]string, len(list))
	seen := map[string]bool{}
	for i, item := range list {
		s, ok := item.(string)
		if !ok {
			return nil, typeMismatch(fmt.Sprintf("%s/%d", path, i), "String", item)
		}
		if seen[s] {
			return nil, invalid("%s: Expected items to be unique but they were not.", path)
		}
		seen[s] = true
		out[i] = s
	}
	return out, nil
}

func parseMetrics(v any) ([]string, error) {
	list, err := stringList("#/metrics", v, 1)
	if err != nil {
		return nil, err
	}
	for i, m := range list {
		switch {
		case contains(plausibleOnlyMetrics, m):
			return nil, invalid("#/metrics/%d: Metric %q is not supported by this pipeline (see the README's differences from Plausible)", i, m)
		case !contains(metrics, m):
			return nil, invalid("#/metrics/%d: Invalid metric %s", i, inspect(m))
		}
	}
	return list, nil
}

// relativeRanges are the date_range shorthands answered here.
var relativeRanges = []string{"day", "7d", "28d", "30d", "91d", "month", "6mo", "12mo", "year", "all"}

func parseDateRange(v any) (any, error) {
	switch r := v.(type) {
	case string:
		if contains(relativeRanges, r) {
			return r, nil
		}
	case []any:
		if len(r) == 2 {
			if from, ok := r[0].(string); ok {
				if to, ok := r[1].(string); ok {
					return [2]string{from, to}, nil
				}
			}
		}
	}
	return nil, invalid("#/date_range: Invalid date range %s", inspect(v))
}

func parseDimensions(v any) ([]string, error) {
	if v == nil {
		return []string{}, nil
	}
	list, err := stringList("#/dimensions", v, 0)
	if err != nil {
		return nil, err
	}
	for i, d := range list {
		switch {
		case contains(plausibleOnlyDimensions, d):
			return nil, invalid("#/dimensions/%d: Dimension %q is not supported by this pipeline (see the README's differences from Plausible)", i, d)
		case !knownDimension(d):
			return nil, invalid("#/dimensions/%d: Invalid dimension %s", i, inspect(d))
		}
	}
	return list, nil
}
