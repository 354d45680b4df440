package queryoracle

import (
	"cmp"
	"slices"
	"strings"
)

// order sorts rows by the query's order_by, else by its time dimension ascending then its first metric
// descending; ties go by the dimension values in byte order.
func (o *oracle) order(rows []Row, q Query) {
	orders := q.OrderBy
	if len(orders) == 0 {
		for _, dim := range q.Dimensions {
			if strings.HasPrefix(dim, "time") {
				orders = append(orders, Order{Name: dim, Direction: "asc"})
			}
		}
		orders = append(orders, Order{Name: q.Metrics[0], Direction: "desc"})
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		for _, ord := range orders {
			c := 0
			if i := slices.Index(q.Dimensions, ord.Name); i >= 0 {
				c = strings.Compare(a.Dimensions[i], b.Dimensions[i])
			} else {
				i := slices.Index(q.Metrics, ord.Name)
				c = compareMetric(a.Metrics[i], b.Metrics[i])
			}
			if ord.Direction == "desc" {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return slices.Compare(a.Dimensions, b.Dimensions)
	})
}

// compareMetric orders metric values, nil first.
func compareMetric(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Compare(a.(float64), b.(float64))
}
