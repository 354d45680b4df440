package statsquery

import (
	"encoding/json"
	"strings"
)

func parseOrderBy(v any) ([]Order, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, typeMismatch("#/order_by", "Array", v)
	}
	orders := make([]Order, len(list))
	for i, item := range list {
		entry, ok := item.([]any)
		var by, dir string
		if ok && len(entry) == 2 {
			by, _ = entry[0].(string)
			dir, _ = entry[1].(string)
		}
		valid := (contains(metrics, by) || knownDimension(by)) && (dir == "asc" || dir == "desc")
		if !valid {
			return nil, invalid("#/order_by/%d: Invalid value in order_by %s", i, inspect(item))
		}
		orders[i] = Order{By: by, Desc: dir == "desc"}
	}
	return orders, nil
}

func parseInclude(v any) (Include, error) {
	var inc Include
	if v == nil {
		return inc, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return inc, typeMismatch("#/include", "Object", v)
	}
	for key, val := range obj {
		var dst *bool
		switch key {
		case "time_labels":
			dst = &inc.TimeLabels
		case "total_rows":
			dst = &inc.TotalRows
		case "imports":
			dst = &inc.Imports
		case "comparisons":
			return inc, invalid("#/include/comparisons: comparisons are not supported by this pipeline (see the README's differences from Plausible)")
		default:
			return inc, invalid("#/include/%s: Schema does not allow additional properties.", key)
		}
		b, ok := val.(bool)
		if !ok {
			return inc, typeMismatch("#/include/"+key, "Boolean", val)
		}
		*dst = b
	}
	return inc, nil
}

func parsePagination(v any) (limit, offset int, err error) {
	limit = maxLimit
	if v == nil {
		return limit, 0, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return 0, 0, typeMismatch("#/pagination", "Object", v)
	}
	for key, val := range obj {
		if key != "limit" && key != "offset" {
			return 0, 0, invalid("#/pagination/%s: Schema does not allow additional properties.", key)
		}
		num, ok := val.(json.Number)
		n, convErr := num.Int64()
		if !ok || convErr != nil || strings.ContainsAny(num.String(), ".eE") {
			return 0, 0, typeMismatch("#/pagination/"+key, "Integer", val)
		}
		switch {
		case key == "limit" && n < 1:
			return 0, 0, invalid("#/pagination/limit: Expected the value to be >= 1")
		case key == "limit" && n > maxLimit:
			return 0, 0, invalid("#/pagination/limit: Expected the value to be <= %d", maxLimit)
		case key == "offset" && n < 0:
			return 0, 0, invalid("#/pagination/offset: Expected the value to be >= 0")
		case key == "limit":
			limit = int(n)
		default:
			offset = int(min(n, 1<<40))
		}
	}
	return limit, offset, nil
}
