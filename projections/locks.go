package projections

// LockNamespace is the first key of the transaction-level advisory locks that serialise the writers of a
// site: pg_advisory_xact_lock(LockNamespace, hashtext(site_id) & (Stripes - 1)). Apply takes the stripes
// of its batch's sites, Rebuild the stripe of the site it rebuilds. The two-key form cannot collide with
// the one-key locks of retention and goose.
const LockNamespace int32 = 0x70726f6a // "proj"

// Stripes is how many locks the sites are spread over: two sites share a lock only when their stripes
// collide, and then their writes are serialised but still correct.
const Stripes = 1024

// lockSQL takes, in ascending order (so that writers never deadlock), the stripe lock of each distinct
// site in $2. The locks last until the transaction ends.
const lockSQL = `
SELECT pg_advisory_xact_lock($1, stripe)
FROM (SELECT DISTINCT hashtext(site_id) & 1023 AS stripe FROM unnest($2::text[]) AS site_id ORDER BY 1) AS s`
