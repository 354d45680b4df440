package ingestion

import "time"

// maxFuture is how far ahead of the server's clock an event's timestamp may be.
const maxFuture = 24 * time.Hour

// earliest is the oldest timestamp accepted.
var earliest = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// parseTimestamp accepts an RFC 3339 instant with any offset that is a real date, not before 1970 and
// not more than maxFuture ahead of now.
func parseTimestamp(s string, now time.Time) (time.Time, string) {
	if !isRFC3339(s) {
		return time.Time{}, `"timestamp" must be an RFC 3339 date-time with offset, such as 2025-11-12T19:30:01Z`
	}
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, `"timestamp" must be an RFC 3339 date-time with offset, such as 2025-11-12T19:30:01Z`
	}
	if ts.Before(earliest) {
		return time.Time{}, `"timestamp" must not be before 1970-01-01T00:00:00Z`
	}
	if ts.After(now.Add(maxFuture)) {
		return time.Time{}, `"timestamp" must not be more than 24 hours in the future`
	}
	return ts, ""
}

// isRFC3339 reports whether s has the exact shape of an RFC 3339 date-time,
// ^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$, which time.Parse
// alone does not check: it also accepts one-digit hours, a comma before the fraction and offsets such as
// +24:00. Whether the date is real is time.Parse's business.
func isRFC3339(s string) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(shape)+1 {
		return false
	}
	for i := range len(shape) {
		c := s[i]
		switch shape[i] {
		case 'd':
			if !isDigit(c) {
				return false
			}
		case 'T':
			if c != 'T' && c != 't' {
				return false
			}
		default:
			if c != shape[i] {
				return false
			}
		}
	}
	rest := s[len(shape):]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	switch len(rest) {
	case 1:
		return rest[0] == 'Z' || rest[0] == 'z'
	case 6:
		hourOK := (rest[1] == '0' || rest[1] == '1') && isDigit(rest[2]) || rest[1] == '2' && '0' <= rest[2] && rest[2] <= '3'
		return (rest[0] == '+' || rest[0] == '-') && hourOK && rest[3] == ':' && '0' <= rest[4] && rest[4] <= '5' && isDigit(rest[5])
	}
	return false
}

func isDigit(c byte) bool {
	return '0' <= c && c <= '9'
}
