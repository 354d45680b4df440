package projections

// LockNamespace is the first key of the transaction-level advisory locks that keep a rebuild apart from
// the writes of its site: pg_advisory_xact_lock(LockNamespace, hashtext(site_id) & (Stripes - 1)). Rebuild
// takes the stripe of the site it rebuilds exclusively (lockSQL); Apply takes the stripes of its batch's
// sites shared (sharedLockSQL), so writers do not wait for each other on it. The two-key form cannot
// collide with the one-key locks of retention and goose.
const LockNamespace int32 = 0x70726f6a // "proj"

// MergeLockNamespace is the first key of the locks that serialise the visits merges of a site: Apply
// takes pg_advisory_xact_lock(MergeLockNamespace, stripe) exclusively for each stripe of its batch's sites
// after it has written everything else, and merges its new events into visits in the next statement, whose
// snapshot then holds every earlier merge of those sites.
const MergeLockNamespace int32 = 0x76697369 // "visi"

// Stripes is how many locks the sites are spread over: two sites share a lock only when their stripes
// collide, and then their writes are serialised but still correct.
const Stripes = 1024

// lockSQL takes exclusively, in ascending order (so that writers never deadlock), the stripe lock in
// namespace $1 of each distinct site in $2. The locks last until the transaction ends.
const lockSQL = `
SELECT pg_advisory_xact_lock($1, stripe)
FROM (SELECT DISTINCT hashtext(site_id) & 1023 AS stripe FROM unnest($2::text[]) AS site_id ORDER BY 1) AS s`

// sharedLockSQL is lockSQL taking the locks shared.
const sharedLockSQL = `
SELECT pg_advisory_xact_lock_shared($1, stripe)
FROM (SELECT DISTINCT hashtext(site_id) & 1023 AS stripe FROM unnest($2::text[]) AS site_id ORDER BY 1) AS s`
