package sites

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// ErrInvalidOrigin is the error of an allowed origin that is not scheme://host[:port].
var ErrInvalidOrigin = errors.New("not an origin")

// maxOrigins bounds a site's list of allowed origins.
const maxOrigins = 100

// ParseOrigins reads a comma-separated list of origins, as `admin sites update -allowed-origins` takes
// it: each an http or https scheme and a host, with an optional port and nothing else. They are
// returned as a browser writes its Origin header (lower-case, without the scheme's default port),
// sorted, each once. An empty or blank list is nil: any origin.
func ParseOrigins(list string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	var origins []string
	for raw := range strings.SplitSeq(list, ",") {
		o, err := parseOrigin(strings.TrimSpace(raw))
		if err != nil {
			return nil, err
		}
		origins = append(origins, o)
	}
	slices.Sort(origins)
	origins = slices.Compact(origins)
	if len(origins) > maxOrigins {
		return nil, fmt.Errorf("%w: at most %d origins, got %d", ErrInvalidOrigin, maxOrigins, len(origins))
	}
	return origins, nil
}

// parseOrigin returns one origin as a browser serializes it.
func parseOrigin(raw string) (string, error) {
	u, err := url.Parse(raw)
	invalid := err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != ""
	if invalid {
		return "", fmt.Errorf("%w: %q (want scheme://host[:port], such as https://www.example.com)", ErrInvalidOrigin, raw)
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	if port := u.Port(); (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		host = strings.TrimSuffix(host, ":"+port)
	}
	return scheme + "://" + host, nil
}

// OriginAllowed reports whether a browser at origin, the request's Origin header, may send events to a
// site whose allowed origins are allowed: any origin when the list is empty.
func OriginAllowed(allowed []string, origin string) bool {
	return len(allowed) == 0 || slices.Contains(allowed, origin)
}
