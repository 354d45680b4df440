// The site's own code: @segment/analytics-next from npm, configured by the page (window.site). The
// settings Segment's CDN would serve are given here, so the library never asks cdn.segment.com: only the
// Segment.io destination, sending to the page's apiHost over http, and no remote metrics. run() sends a
// page view of /pricing, the Signup event, then a page view of /docs after a pushState, and lists each
// call's type and messageId in window.sent once the library has handed it to ingestion.
import { AnalyticsBrowser } from '@segment/analytics-next'

const { writeKey, apiHost } = window.site

const analytics = AnalyticsBrowser.load(
  {
    writeKey,
    cdnSettings: {
      integrations: { 'Segment.io': { apiKey: writeKey } },
      metrics: { sampleRate: 0 },
    },
  },
  { integrations: { 'Segment.io': { apiHost, protocol: 'http' } } },
)

window.sent = []

function record(ctx) {
  window.sent.push({ type: ctx.event.type, messageId: ctx.event.messageId, failed: Boolean(ctx.failedDelivery()) })
}

window.run = async function () {
  record(await analytics.page())
  record(await analytics.track('Signup', { plan: 'pro' }))
  history.pushState({}, '', '/docs')
  record(await analytics.page())
}
