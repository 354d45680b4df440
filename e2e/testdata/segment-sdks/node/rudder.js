// Sends node/calls.js with @rudderstack/rudder-sdk-node to the ingestion at config.host (its POST
// /v1/batch, gzip and the write key as Basic auth username, as the SDK does by default), through the
// SDK's own flush path: the first call is flushed alone by the SDK, flush() after the other single
// calls, flushAt for the batch, then flush() until nothing is pending (the SDK has no close()). Exits 1
// if any request failed (the SDK retries 5xx, 429 and network errors with identical bytes first).
// Usage: node node/rudder.js '{"host":"http://127.0.0.1:PORT","writeKey":"...","site":"..."}'
const Analytics = require('@rudderstack/rudder-sdk-node')
const { singles, batch } = require('./calls')

const config = JSON.parse(process.argv[2])
let failures = 0
const client = new Analytics(config.writeKey, {
  dataPlaneUrl: config.host,
  flushAt: batch(config.site).length,
  flushInterval: 60000,
  logLevel: 'error',
  // Without an error handler a failed flush rejects, and the process would crash without saying which.
  errorHandler: (err) => {
    failures++
    console.error('rudder: request failed:', err.response ? err.response.status : err.code, err.message)
  },
})

async function main() {
  for (const [method, params] of singles(config.site)) {
    client[method](params)
    await client.flush()
  }
  for (const [method, params] of batch(config.site)) {
    client[method](params)
  }
  await client.flush()
  if (failures > 0) {
    process.exit(1)
  }
}

main().catch((err) => {
  console.error('rudder:', err)
  process.exit(1)
})
