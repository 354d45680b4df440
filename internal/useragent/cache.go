package useragent

// Bounds: browsers send few distinct user agents, so a few thousand cover nearly every request; ingestion
// accepts user agents of at most 1,024 characters, so an entry stays small. Answers are cached in a
// clockcache.Cache, as internal/bots caches its own.
const cacheEntries = 4096
