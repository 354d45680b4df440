package bots

import (
	"fmt"
	"math/bits"
	"regexp"

	"github.com/analytics-pipeline/analytics/internal/clockcache"
)

// Classifier tells bots by their User-Agent header. It is safe for concurrent use. A user agent takes
// one pass of the automaton over its bytes the first time, and a cache lookup while the cache of
// cacheEntries answers keeps it (internal/clockcache).
type Classifier struct {
	automaton *automaton
	regexps   []*regexp.Regexp // the patterns that are not sets of strings, run only on candidates
	cache     *clockcache.Cache[bool]
}

// New compiles the embedded list, less its server-side senders (see crawlerFrameworks), into one
// automaton. It fails only when a pattern of the list cannot be compiled, which the package's tests
// would have caught.
func New() (*Classifier, error) {
	list, err := readList()
	if err != nil {
		return nil, err
	}
	c := &Classifier{cache: clockcache.New[bool](cacheEntries)}
	var words []word
	for _, e := range list {
		if e.serverSide() {
			continue
		}
		lits, exact, err := expand(e.Pattern)
		if err != nil {
			return nil, fmt.Errorf("crawler list %s: %w", ListVersion, err)
		}
		index := -1
		if !exact {
			re, err := regexp.Compile(e.Pattern)
			if err != nil {
				return nil, fmt.Errorf("crawler list %s: %w", ListVersion, err)
			}
			index = len(c.regexps)
			c.regexps = append(c.regexps, re)
		}
		for _, l := range lits {
			words = append(words, word{text: l, regexp: index})
		}
	}
	if c.automaton, err = newAutomaton(words); err != nil {
		return nil, fmt.Errorf("crawler list %s: %w", ListVersion, err)
	}
	return c, nil
}

// IsBot reports whether userAgent, read up to its first maxUserAgent bytes, is a known crawler's,
// headless browser's or monitoring tool's. An empty user agent, and those of HTTP client libraries
// (curl, python-requests, Go-http-client, ...), are not: servers post events with them.
func (c *Classifier) IsBot(userAgent string) bool {
	userAgent = userAgent[:min(len(userAgent), maxUserAgent)]
	if bot, ok := c.cache.Get(userAgent); ok {
		return bot
	}
	bot := c.classify(userAgent)
	c.cache.Add(userAgent, bot)
	return bot
}

// classify runs the automaton over userAgent, and the regexps it selects.
func (c *Classifier) classify(userAgent string) bool {
	bot, candidates := c.automaton.scan(userAgent)
	for candidates != 0 && !bot {
		i := bits.TrailingZeros64(candidates)
		candidates &^= 1 << i
		bot = c.regexps[i].MatchString(userAgent)
	}
	return bot
}
