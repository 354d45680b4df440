package useragent

// Parser answers Parse from its cache when it can. It is safe for concurrent use.
type Parser struct {
	cache *cache
}

// New returns a Parser with an empty cache.
func New() *Parser {
	return &Parser{cache: newCache(cacheEntries)}
}

// Parse returns what userAgent tells; the zero Agent for an empty one.
func (p *Parser) Parse(userAgent string) Agent {
	if userAgent == "" {
		return Agent{}
	}
	if a, ok := p.cache.get(userAgent); ok {
		return a
	}
	a := parse(userAgent)
	p.cache.add(userAgent, a)
	return a
}
