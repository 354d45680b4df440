package useragent

import "github.com/analytics-pipeline/analytics/internal/clockcache"

// Parser answers Parse from its cache when it can. It is safe for concurrent use.
type Parser struct {
	cache *clockcache.Cache[Agent]
}

// New returns a Parser with an empty cache.
func New() *Parser {
	return &Parser{cache: clockcache.New[Agent](cacheEntries)}
}

// Parse returns what userAgent tells; the zero Agent for an empty one.
func (p *Parser) Parse(userAgent string) Agent {
	if userAgent == "" {
		return Agent{}
	}
	if a, ok := p.cache.Get(userAgent); ok {
		return a
	}
	a := parse(userAgent)
	p.cache.Add(userAgent, a)
	return a
}
