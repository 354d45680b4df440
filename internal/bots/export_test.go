package bots

import (
	"encoding/json"
	"regexp"
	"strings"
)

// Entry is an element of the embedded list, for the tests.
type Entry struct {
	Pattern    string
	Instances  []string
	ServerSide bool // left out as a server-side sender's
}

// List returns the embedded list with its example user agents.
func List() ([]Entry, error) {
	list, err := readList()
	if err != nil {
		return nil, err
	}
	var examples []struct {
		Instances []string `json:"instances"`
	}
	if err := json.Unmarshal(listJSON, &examples); err != nil {
		return nil, err
	}
	out := make([]Entry, len(list))
	for i, e := range list {
		out[i] = Entry{Pattern: e.Pattern, Instances: examples[i].Instances, ServerSide: e.serverSide()}
	}
	return out, nil
}

// CrawlerFrameworks are the http-library entries kept as bots.
var CrawlerFrameworks = crawlerFrameworks

// Size returns the automaton's states and byte classes, and how many patterns run as regexps.
func (c *Classifier) Size() (states, classes, regexps int) {
	return len(c.automaton.out), c.automaton.width, len(c.regexps)
}

// Reference reports whether any of the list's patterns, less the server-side senders', matches
// userAgent, by running each as a regexp: what IsBot must answer.
func Reference() (func(userAgent string) bool, error) {
	list, err := readList()
	if err != nil {
		return nil, err
	}
	// A pattern that is one literal is looked for with strings.Contains, as regexp itself does, for speed
	// under the race detector.
	var literals []string
	var res []*regexp.Regexp
	for _, e := range list {
		if e.serverSide() {
			continue
		}
		re := regexp.MustCompile(e.Pattern)
		if prefix, complete := re.LiteralPrefix(); complete {
			literals = append(literals, prefix)
		} else {
			res = append(res, re)
		}
	}
	return func(userAgent string) bool {
		for _, l := range literals {
			if strings.Contains(userAgent, l) {
				return true
			}
		}
		for _, re := range res {
			if re.MatchString(userAgent) {
				return true
			}
		}
		return false
	}, nil
}

// Classify answers as IsBot does, without the cache.
func (c *Classifier) Classify(userAgent string) bool {
	return c.classify(userAgent)
}

// Cached returns how many answers the cache holds and whether it holds userAgent's.
func (c *Classifier) Cached(userAgent string) (int, bool) {
	return c.cache.Len(), c.cache.Holds(userAgent)
}

// CacheEntries is the most answers the cache holds.
const CacheEntries = cacheEntries

// MaxUserAgent is how much of a user agent is classified.
const MaxUserAgent = maxUserAgent
