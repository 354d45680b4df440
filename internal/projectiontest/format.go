package projectiontest

import (
	"fmt"
	"strconv"
	"time"
)

// Cell formats as a comparison shows them: text quoted, NULL bare, numbers in decimal, dates as
// YYYY-MM-DD, instants (timestamptz) in UTC with microseconds, wall-clock times (timestamp) bare.
func textCell(s string) string { return strconv.Quote(s) }

// optionalCell is a captured or derived field, which Postgres holds as NULL when it is empty.
func optionalCell(s string) string {
	if s == "" {
		return nullCell
	}
	return textCell(s)
}

func intCell(n int64) string { return strconv.FormatInt(n, 10) }

func dateCell(t time.Time) string { return t.Format(time.DateOnly) }

func instantCell(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func wallCell(t time.Time) string { return t.Format("2006-01-02 15:04:05") }

const nullCell = "NULL"

// Postgres type oids of the columns the projections use.
const (
	oidBool        = 16
	oidInt8        = 20
	oidInt4        = 23
	oidText        = 25
	oidDate        = 1082
	oidTimestamp   = 1114
	oidTimestamptz = 1184
)

// formatValue formats one value read from Postgres, of the column type oid, as the oracle formats it.
func formatValue(oid uint32, v any) (string, error) {
	if v == nil {
		return nullCell, nil
	}
	switch x := v.(type) {
	case string:
		return textCell(x), nil
	case int64:
		return intCell(x), nil
	case int32:
		return intCell(int64(x)), nil
	case bool:
		return strconv.FormatBool(x), nil
	case time.Time:
		switch oid {
		case oidDate:
			return dateCell(x), nil
		case oidTimestamp:
			return wallCell(x), nil
		case oidTimestamptz:
			return instantCell(x), nil
		}
	}
	return "", fmt.Errorf("value %v of type %T (oid %d) has no format", v, v, oid)
}
