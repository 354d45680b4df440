package ingestion

import (
	"github.com/analytics-pipeline/analytics/internal/pageurl"
)

// capturedFields reads what the optional url and props of an event tell, values holding the event's
// validated strings, and returns the problems found.
func capturedFields(raw *rawEvent, values *[numFields]string) (pageurl.Page, map[string]string, []string) {
	var page pageurl.Page
	var problems []string
	if u := values[fieldURL]; u != "" {
		var err error
		if page, err = pageurl.Parse(u); err != nil {
			problems = append(problems, `"url" must be an absolute http or https URL`)
		}
	}
	props, more := parseProps(raw[fieldProps])
	return page, props, append(problems, more...)
}
