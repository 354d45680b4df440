package queryoracle

// The values generated events take and generated filters ask for: filters name present values, values no
// event has, and Plausible's labels of empty values.
var (
	eventTypes = []string{"page_view", "page_view", "page_view", "page_view", "click", "signup", "Outbound Link: Click"}
	paths      = []string{"/", "/pricing", "/docs", "/docs/api", "/Blog/a", "/blog/b", "/about"}
	hostnames  = []string{"", "example.com", "www.example.com", "docs.example.com"}
	sources    = []string{"", "Google", "Facebook", "news.ycombinator.com", "Bing"}
	referrers  = map[string]string{"": "", "Google": "https://www.google.com/", "Facebook": "https://www.facebook.com/",
		"news.ycombinator.com": "https://news.ycombinator.com/item?id=1", "Bing": "https://www.bing.com/"}
	utmValues = [5][]string{
		{"", "newsletter", "twitter"}, {"", "email", "social"}, {"", "spring", "Autumn"}, {"", "top", "footer"}, {"", "analytics"},
	}
	browsers   = []string{"", "Chrome", "Safari", "Firefox"}
	versions   = []string{"", "131.0", "18.1", "132.0"}
	systems    = []string{"", "Windows", "iOS", "Mac", "Android"}
	osVersions = []string{"", "10", "18.1", "14"}
	devices    = []string{"", "Desktop", "Mobile", "Tablet"}
	propKeys   = []string{"plan", "variant", "logged_in"}
	propValues = []string{"pro", "free", "Free", "true", "42"}
)

// filterValues are the clauses a generated is or is_not filter on a dimension picks from.
func filterValues(dim string) []string {
	switch dim {
	case "event:page", "visit:entry_page", "visit:exit_page":
		return append(paths, "/missing")
	case "event:name":
		return []string{"pageview", "click", "signup", "Outbound Link: Click", "page_view"}
	case "event:hostname":
		return hostnames[1:]
	case "visit:source":
		return append(sources[1:], "Direct / None")
	case "visit:referrer":
		return []string{"https://www.google.com/", "https://news.ycombinator.com/item?id=1", "Direct / None"}
	case "visit:utm_source", "visit:utm_medium", "visit:utm_campaign", "visit:utm_content", "visit:utm_term":
		var all []string
		for _, vs := range utmValues {
			all = append(all, vs[1:]...)
		}
		return append(all, "(not set)", "Direct / None")
	case "visit:device":
		return append(devices[1:], "(not set)")
	case "visit:browser":
		return append(browsers[1:], "(not set)")
	case "visit:browser_version":
		return append(versions[1:], "(not set)")
	case "visit:os":
		return append(systems[1:], "(not set)")
	case "visit:os_version":
		return append(osVersions[1:], "(not set)")
	}
	return append(propValues, "(none)", "missing")
}

// filterFragments are the clauses of generated contains filters: substrings in any case.
var filterFragments = []string{"o", "blog", "Blog", "/d", "ex", "GOO", "oo", "1", "pro", "e", "view", "sign", "zz"}

// filterPatterns are the clauses of generated matches filters: RE2 searches.
var filterPatterns = []string{"^/docs", "^/[bB]log/", "a$", "^(Google|Bing)$", "[0-9]+\\.[0-9]", "^$", "^p", "Click$", "free|pro"}
