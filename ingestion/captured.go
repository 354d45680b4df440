package ingestion

import (
	"fmt"

	"github.com/analytics-pipeline/analytics/internal/pageurl"
)

// maxHostnameBytes is DNS's bound on a host name; the hostname is part of hourly_visitors' key.
const maxHostnameBytes = 253

// capturedFields reads what the optional url and props of an event tell, values holding the event's
// validated strings, and returns the problems found.
func capturedFields(raw *rawEvent, values *[numFields]string) (pageurl.Page, map[string]string, []string) {
	var page pageurl.Page
	var problems []string
	if u := values[fieldURL]; u != "" {
		var err error
		if page, err = pageurl.Parse(u); err != nil {
			problems = append(problems, `"url" must be an absolute http or https URL`)
		} else if len(page.Hostname) > maxHostnameBytes {
			problems = append(problems, fmt.Sprintf(`"url" host must be at most %d bytes`, maxHostnameBytes))
		}
	}
	props, more := parseProps(raw[fieldProps])
	return page, props, append(problems, more...)
}
