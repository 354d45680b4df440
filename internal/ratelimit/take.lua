-- Takes the tokens of several requests, in order, each from all its buckets or from none, on Redis'
-- clock; before them puts back the unused tokens of leases given back, and after them takes the leases
-- asked for. A bucket is its key's theoretical arrival time (TAT) in microseconds; a missing key is a
-- full bucket, and a key expires when its bucket is full again. Each distinct key is read once (one
-- MGET) and written once, however many requests and leases of the call touch it.
--
-- KEYS: the distinct buckets of the call.
-- ARGV[1]: a MessagePack array: the number of requests; the number of limits L; then L pairs:
-- microseconds per event (interval), microseconds of burst (tolerance). Then the number of leases
-- given back, and for each a triple: index of the bucket in KEYS, unused tokens, index of its limit.
-- Then, for each request, its number of buckets k, then k triples: index of the bucket in KEYS, events
-- taken, index of its limit. Then the number of leases asked, and for each a triple: index of the
-- bucket, most tokens wanted, index of its limit.
-- Returns, for each request, 0 when its tokens were taken, else the microseconds until they will be;
-- then, for each lease asked, the tokens taken for it: as many whole tokens as the bucket holds, at
-- most those wanted, none when it holds less than one.
redis.replicate_commands()
-- Microseconds since 2025-01-01: small enough that a double adds a fraction of a microsecond exactly.
local time = redis.call('TIME')
local now = (tonumber(time[1]) - 1735689600) * 1000000 + tonumber(time[2])
local a = cmsgpack.unpack(ARGV[1])
local stored = redis.call('MGET', unpack(KEYS))
local tats, changed = {}, {}
for i = 1, #KEYS do
  tats[i] = math.max(tonumber(stored[i]) or 0, now)
end
local interval, tolerance = {}, {}
for l = 1, a[2] do
  interval[l], tolerance[l] = a[1 + 2 * l], a[2 + 2 * l]
end
local arg = 3 + 2 * a[2]
-- A lease given back returns its tokens, but never makes the bucket fuller than full; to a bucket that
-- is full already (its key expired) it returns nothing, and nothing is written.
local given = a[arg]
arg = arg + 1
for i = arg, arg + 3 * given - 1, 3 do
  local key = a[i]
  if tats[key] > now then
    tats[key] = math.max(now, tats[key] - a[i + 1] * interval[a[i + 2]])
    changed[key] = true
  end
end
arg = arg + 3 * given
local out = {}
for r = 1, a[1] do
  local k = a[arg]
  arg = arg + 1
  local longest = 0
  for i = arg, arg + 3 * k - 1, 3 do
    local l = a[i + 2]
    local wait = tats[a[i]] - now - (tolerance[l] - math.min(a[i + 1] * interval[l], tolerance[l]))
    if wait > longest then longest = wait end
  end
  if longest <= 0 then
    for i = arg, arg + 3 * k - 1, 3 do
      local key = a[i]
      tats[key] = tats[key] + a[i + 1] * interval[a[i + 2]]
      changed[key] = true
    end
  end
  out[r] = math.ceil(longest)
  arg = arg + 3 * k
end
local asked = a[arg]
arg = arg + 1
for i = arg, arg + 3 * asked - 1, 3 do
  local key, l = a[i], a[i + 2]
  local free = math.floor((tolerance[l] - (tats[key] - now)) / interval[l])
  local granted = math.max(0, math.min(a[i + 1], free))
  if granted > 0 then
    tats[key] = tats[key] + granted * interval[l]
    changed[key] = true
  end
  out[#out + 1] = granted
end
for key in pairs(changed) do
  redis.call('SET', KEYS[key], string.format('%.1f', tats[key]), 'PX', math.max(1, math.ceil((tats[key] - now) / 1000)))
end
return out
