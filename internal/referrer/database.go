// Package referrer names the traffic source of a page view from its referrer: a well-known site by the
// name Snowplow's referer-parser database gives it ("Google", "Facebook"), any other site by its host,
// and nothing (Direct / None) when there is no referrer or it is the page's own site.
package referrer

import (
	_ "embed"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// The database is resources/referers.yml of github.com/snowplow-referer-parser/referer-parser, copied
// unchanged from commit b70173e763f803ce03d5b484949cc625ade21184 (2025-11-25). Its README says it is
// based on Piwik's (now Matomo's) lists and available under the GNU General Public License v3, whose text
// is LICENSE.referers beside it. Plausible resolves sources with the same file. To update it, replace the
// file with a newer commit's and change DatabaseVersion; the tests say whether the names they rely on
// are still there.
//
//go:embed referers.yml
var databaseYAML []byte

// DatabaseVersion is the commit of referer-parser that the embedded database comes from.
const DatabaseVersion = "b70173e763f803ce03d5b484949cc625ade21184"

// entry is one source of the database: its domains, some with a path ("google.com/imgres"). The search
// parameters it also lists are of no use here.
type entry struct {
	Domains []string `yaml:"domains"`
}

// Sources maps referrer hosts (and host/path prefixes) to source names. It is read-only once made, so
// safe for concurrent use.
type Sources struct {
	names map[string]string // "host" or "host/path" -> name
}

// New reads the embedded database. It fails only when the file does not parse, which the package's tests
// would have caught.
func New() (*Sources, error) {
	var media map[string]map[string]entry // medium (search, social, ...) -> name -> entry
	if err := yaml.Unmarshal(databaseYAML, &media); err != nil {
		return nil, fmt.Errorf("referer-parser database %s: %w", DatabaseVersion, err)
	}
	s := &Sources{names: make(map[string]string)}
	for _, sources := range media {
		for name, e := range sources {
			for _, d := range e.Domains {
				d = strings.ToLower(d)
				if old, ok := s.names[d]; !ok || name < old { // the order of a map is random: keep the same name every time
					s.names[d] = name
				}
			}
		}
	}
	return s, nil
}

// lookup returns the name of host with path, as referer-parser's reference parser finds it: the host
// with the whole path, or with the path's first segment, then the same for each parent domain
// ("news.google.co.uk", "google.co.uk", "co.uk", "uk"); failing that, the host alone, then each parent
// domain.
func (s *Sources) lookup(host, path string) (string, bool) {
	for h := host; ; {
		if name, ok := s.names[h+path]; ok {
			return name, true
		}
		if first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/"); first != "" {
			if name, ok := s.names[h+"/"+first]; ok {
				return name, true
			}
		}
		_, parent, ok := strings.Cut(h, ".")
		if !ok {
			break
		}
		h = parent
	}
	for h := host; ; {
		if name, ok := s.names[h]; ok {
			return name, true
		}
		_, parent, ok := strings.Cut(h, ".")
		if !ok {
			return "", false
		}
		h = parent
	}
}
