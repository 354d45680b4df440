package bots

// Bounds: browsers send few distinct user agents, so a few thousand cover nearly every request. A user
// agent is classified by its first maxUserAgent bytes (browsers' take a few hundred), so that neither a
// request's classification nor a cache entry grows with a huge header. Answers are cached in a
// clockcache.Cache.
const (
	cacheEntries = 4096
	maxUserAgent = 1024
)
