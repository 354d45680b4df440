-- Takes the tokens of several requests, in order, each from all its buckets or from none, on Redis'
-- clock. A bucket is its key's theoretical arrival time (TAT) in microseconds; a missing key is a full
-- bucket, and a key expires when its bucket is full again. Each distinct key is read once (one MGET)
-- and written once, however many requests of the call touch it.
--
-- KEYS: the distinct buckets of the call.
-- ARGV[1]: the number of requests; ARGV[2]: the number of limits L; then L pairs: microseconds per
-- event (interval), microseconds of burst (tolerance). Then, for each request, its number of buckets
-- k, then k triples: index of the bucket in KEYS, events taken, index of its limit.
-- Returns, for each request, 0 when its tokens were taken, else the microseconds until they will be.
redis.replicate_commands()
-- Microseconds since 2025-01-01: small enough that a double adds a fraction of a microsecond exactly.
local time = redis.call('TIME')
local now = (tonumber(time[1]) - 1735689600) * 1000000 + tonumber(time[2])
local stored = redis.call('MGET', unpack(KEYS))
local tats, changed = {}, {}
for i = 1, #KEYS do
  tats[i] = math.max(tonumber(stored[i]) or 0, now)
end
local interval, tolerance = {}, {}
for l = 1, tonumber(ARGV[2]) do
  interval[l], tolerance[l] = tonumber(ARGV[1 + 2 * l]), tonumber(ARGV[2 + 2 * l])
end
local arg = 3 + 2 * #interval
local out = {}
for r = 1, tonumber(ARGV[1]) do
  local k = tonumber(ARGV[arg])
  arg = arg + 1
  local longest = 0
  for i = arg, arg + 3 * k - 1, 3 do
    local key, n, l = tonumber(ARGV[i]), tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
    local wait = tats[key] - now - (tolerance[l] - math.min(n * interval[l], tolerance[l]))
    if wait > longest then longest = wait end
  end
  if longest <= 0 then
    for i = arg, arg + 3 * k - 1, 3 do
      local key, n, l = tonumber(ARGV[i]), tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
      tats[key] = tats[key] + n * interval[l]
      changed[key] = true
    end
  end
  out[r] = math.ceil(longest)
  arg = arg + 3 * k
end
for key in pairs(changed) do
  redis.call('SET', KEYS[key], string.format('%.1f', tats[key]), 'PX', math.max(1, math.ceil((tats[key] - now) / 1000)))
end
return out
