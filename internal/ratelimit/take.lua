-- Takes the tokens of several requests, in order, each from all its buckets or from none, on Redis'
-- clock. A bucket is its key's theoretical arrival time (TAT) in microseconds; a missing key is a full
-- bucket, and a key expires when its bucket is full again.
--
-- KEYS: the buckets of every request, request after request.
-- ARGV[1]: the number of requests; then, for each request, its number of buckets k, then k triples:
-- events taken, microseconds per event (interval), microseconds of burst (tolerance).
-- Returns, for each request, 0 when its tokens were taken, else the microseconds until they will be.
redis.replicate_commands()
-- Microseconds since 2025-01-01: small enough that a double adds a fraction of a microsecond exactly.
local time = redis.call('TIME')
local now = (tonumber(time[1]) - 1735689600) * 1000000 + tonumber(time[2])
local out = {}
local arg, key = 2, 1
for r = 1, tonumber(ARGV[1]) do
  local k = tonumber(ARGV[arg])
  arg = arg + 1
  local tats, longest = {}, 0
  for i = 0, k - 1 do
    local n, interval, tolerance = tonumber(ARGV[arg + 3 * i]), tonumber(ARGV[arg + 3 * i + 1]), tonumber(ARGV[arg + 3 * i + 2])
    local tat = math.max(tonumber(redis.call('GET', KEYS[key + i]) or 0), now)
    tats[i] = tat
    local wait = tat - now - (tolerance - math.min(n * interval, tolerance))
    if wait > longest then longest = wait end
  end
  if longest <= 0 then
    for i = 0, k - 1 do
      local tat = tats[i] + tonumber(ARGV[arg + 3 * i]) * tonumber(ARGV[arg + 3 * i + 1])
      redis.call('SET', KEYS[key + i], string.format('%.1f', tat), 'PX', math.max(1, math.ceil((tat - now) / 1000)))
    end
  end
  out[r] = math.ceil(longest)
  arg, key = arg + 3 * k, key + k
end
return out
