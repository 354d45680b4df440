package messaging

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// trimScript trims stream KEYS[1] of the entries every consumer group has acknowledged and that are older
// than ARGV[2] milliseconds, removing at most ARGV[3] entries, and returns {entries removed, MINID used}.
// It trims nothing unless group ARGV[1] (the processor's) exists, so entries published before any
// processor ran stay for it.
//
// For each group, the entries it has not acknowledged are its pending ones and those after its
// last-delivered-id; the script keeps everything from the smallest, over all groups, of the group's oldest
// pending id and the id just after its last-delivered-id (a group that has read nothing has
// last-delivered-id 0-0: nothing is trimmed). Reading the groups and trimming in one script means no group is created and no entry
// delivered in between. XTRIM MINID ~ removes only whole stream nodes whose last entry is older than the
// MINID, so it may keep a node's worth of acknowledged entries but never removes a newer one.
var trimScript = redis.NewScript(`
local function older(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if #am ~= #bm then return #am < #bm end
  if am ~= bm then return am < bm end
  if #as ~= #bs then return #as < #bs end
  return as < bs
end
local function incr(n)
  local i = #n
  while i > 0 and string.sub(n, i, i) == '9' do i = i - 1 end
  if i == 0 then return '1' .. string.rep('0', #n) end
  return string.sub(n, 1, i - 1) .. (tonumber(string.sub(n, i, i)) + 1) .. string.rep('0', #n - i)
end
local function after(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  if seq == '18446744073709551615' then return incr(ms) .. '-0' end
  return ms .. '-' .. incr(seq)
end
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, ''} end
local bound, found = nil, false
for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local f = {}
  for i = 1, #g, 2 do f[g[i]] = g[i + 1] end
  if f['name'] == ARGV[1] then found = true end
  local keep = after(f['last-delivered-id'])
  local pending = redis.call('XPENDING', KEYS[1], f['name'])
  if pending[1] > 0 and older(pending[2], keep) then keep = pending[2] end
  if bound == nil or older(keep, bound) then bound = keep end
end
if not found then return {0, ''} end
local retention = tonumber(ARGV[2])
if retention > 0 then
  local now = redis.call('TIME')
  local cutoff = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - retention
  if cutoff <= 0 then return {0, ''} end
  cutoff = string.format('%.0f', cutoff) .. '-0'
  if older(cutoff, bound) then bound = cutoff end
end
return {redis.call('XTRIM', KEYS[1], 'MINID', '~', bound, 'LIMIT', ARGV[3]), bound}`)

// trimLimit is the most entries one script call removes, so that trimming a long backlog at once does not
// hold Redis for long; TrimStream calls the script again while it removes that many.
const trimLimit = 100_000

// TrimStream removes from stream the entries that every consumer group on it has acknowledged and that
// are older than retention (stream ids are the milliseconds of Redis's clock when the entry was added),
// and returns how many it removed. It never removes an entry a group has pending or has not read yet, and
// removes nothing while group, the processor's, does not exist. Several processors may trim at once: each
// call is one atomic script, and trimming to a MINID twice removes nothing more.
func TrimStream(ctx context.Context, client redis.Scripter, stream, group string, retention time.Duration) (int64, error) {
	var total int64
	for {
		res, err := trimScript.Run(ctx, client, []string{stream}, group, retention.Milliseconds(), trimLimit).Slice()
		if err != nil {
			return total, fmt.Errorf("trim stream %s: %w", stream, err)
		}
		removed, ok := res[0].(int64)
		if !ok || len(res) != 2 {
			return total, fmt.Errorf("trim stream %s: unexpected answer %v", stream, res)
		}
		total += removed
		if removed < trimLimit {
			return total, nil
		}
	}
}
