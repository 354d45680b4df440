// Sends node/calls.js with @segment/analytics-node to the ingestion at config.host (its POST /v1/batch,
// the write key as Basic auth username and in the body), through the SDK's own flush path: flush() after
// each single call, flushAt for the batch, then closeAndFlush(). Exits 1 if any event was not delivered
// (the SDK retries 5xx, 408, 429 and network errors with the same messageIds before it gives up).
// Usage: node node/segment.js '{"host":"http://127.0.0.1:PORT","writeKey":"...","site":"..."}'
const { Analytics } = require('@segment/analytics-node')
const { singles, batch } = require('./calls')

const config = JSON.parse(process.argv[2])
const analytics = new Analytics({
  writeKey: config.writeKey,
  host: config.host,
  flushAt: batch(config.site).length,
  flushInterval: 60000,
  maxRetries: 3,
})

let failures = 0
analytics.on('error', (err) => {
  failures++
  console.error('segment: delivery failed:', err.code, err.reason && err.reason.message)
})

async function main() {
  for (const [method, params] of singles(config.site)) {
    analytics[method](params)
    await analytics.flush()
  }
  for (const [method, params] of batch(config.site)) {
    analytics[method](params)
  }
  await analytics.closeAndFlush({ timeout: 30000 })
  if (failures > 0) {
    process.exit(1)
  }
}

main().catch((err) => {
  console.error('segment:', err)
  process.exit(1)
})
