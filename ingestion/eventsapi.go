package ingestion

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/jsonstr"
)

// plausiblePageView is the name Plausible's clients give a page view; it becomes event.PageView.
const plausiblePageView = "pageview"

// maxDomainList bounds the raw domain field, a comma-separated list of site ids; the body's limit
// bounds it first.
const maxDomainList = maxEventBody

// plausibleRequest is a POST /api/event body: the raw JSON value of each field that is read, the short
// key (the trackers') winning over the long one (the docs'), as Plausible reads them. Others, such as
// revenue, interactive and the screen width, are accepted and ignored.
type plausibleRequest struct {
	name, url, domain, referrer, props, hashMode string
}

// readPlausible reads the fields of a body that checkJSON found to be one JSON object.
func readPlausible(body []byte) (plausibleRequest, bool) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return plausibleRequest{}, false
	}
	pick := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := obj[k]; ok && !absent(string(v)) {
				return string(v)
			}
		}
		return ""
	}
	return plausibleRequest{
		name: pick("n", "name"), url: pick("u", "url"), domain: pick("d", "domain"), referrer: pick("r", "referrer"),
		props: pick("m", "meta", "p", "props"), hashMode: pick("h", "hashMode"),
	}, true
}

// parsePlausible decodes and validates a POST /api/event body, Plausible's Events API, into one event
// per site its domain names, each validated as POST /event validates its event; problems name
// Plausible's fields. The caller gives each event its id.
func parsePlausible(body []byte, now time.Time) ([]event.Event, []string) {
	if msg := checkJSON(body, '{'); msg != "" {
		return nil, []string{msg}
	}
	req, ok := readPlausible(body)
	if !ok {
		return nil, []string{notAnObject}
	}
	var problems []string
	if absent(req.url) {
		problems = append(problems, `"url" is required`)
	} else if req.url == `""` {
		problems = append(problems, `"url" is not allowed to be empty`)
	}
	domains, msg := splitDomains(req.domain)
	if msg != "" {
		problems = append(problems, msg)
	}
	props, msg := plausibleProps(req.props)
	if msg != "" {
		problems = append(problems, msg)
	}
	var raw rawEvent
	raw[fieldEventType], raw[fieldURL], raw[fieldReferrer], raw[fieldProps] = req.name, req.url, req.referrer, props
	if s, _ := unquote(req.name); s == plausiblePageView {
		raw[fieldEventType] = `"` + event.PageView + `"`
	}
	if absent(req.url) || req.url == `""` {
		raw[fieldPath] = `"/"` // not a problem of its own: the url's is reported
	}
	if len(domains) == 0 {
		domains = []string{"-"} // for the other fields' problems
	}
	events := make([]event.Event, 0, len(domains))
	for _, d := range domains {
		raw[fieldSiteID] = string(jsonstr.Append(nil, d))
		e, more := newEvent(&raw, now)
		if problems = append(problems, more...); len(problems) > 0 {
			return nil, plausibleNames(problems)
		}
		if req.hashMode == "1" || req.hashMode == "true" {
			e.Path += fragment(e.URL)
		}
		events = append(events, e)
	}
	return events, nil
}

// splitDomains reads the raw domain field: site ids separated by commas, each trimmed of spaces, the
// same one named twice counted once.
func splitDomains(raw string) ([]string, string) {
	list, msg := stringValue(raw, field{name: "domain", max: maxDomainList, required: true})
	if msg != "" {
		return nil, msg
	}
	if strings.TrimSpace(list) == "" {
		return nil, `"domain" is not allowed to be empty`
	}
	var domains []string
	seen := map[string]bool{}
	for d := range strings.SplitSeq(list, ",") {
		d = strings.TrimSpace(d)
		if d == "" {
			return nil, `"domain" must be a comma-separated list of site ids`
		}
		if !seen[d] {
			seen[d] = true
			domains = append(domains, d)
		}
	}
	if len(domains) > maxBatch {
		return nil, fmt.Sprintf(`"domain" may name at most %d sites, got %d`, maxBatch, len(domains))
	}
	return domains, ""
}

// plausibleProps returns the raw props object: as sent, or the content of a JSON string holding one,
// which is how plausible-tracker sends props.
func plausibleProps(raw string) (string, string) {
	if absent(raw) || raw[0] != '"' {
		return raw, ""
	}
	const msg = `"props" must be an object, or a string holding one in JSON`
	s, ok := unquote(raw)
	if !ok || checkJSON([]byte(s), '{') != "" {
		return "", msg
	}
	return s, ""
}

// fragment returns "#" and the fragment of a validated page URL, "" when it has none: what Plausible's
// hash mode adds to the path. A fragment whose decoding is not valid UTF-8 or holds NUL is kept escaped.
func fragment(pageURL string) string {
	u, err := url.Parse(pageURL)
	if err != nil || u.Fragment == "" {
		return ""
	}
	f := u.Fragment
	if !utf8.ValidString(f) || strings.IndexByte(f, 0) >= 0 {
		f = u.EscapedFragment()
	}
	return "#" + f
}

// plausibleNames renames the fields of POST /event in problems to those of the Events API.
func plausibleNames(problems []string) []string {
	r := strings.NewReplacer(`"site_id"`, `"domain"`, `"event_type"`, `"name"`)
	for i, p := range problems {
		problems[i] = r.Replace(p)
	}
	return problems
}
