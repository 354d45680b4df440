// The calls each Node SDK sends in e2e/sdk_node_test.go, which counts exactly these: three single calls
// (track, page, identify), each flushed in a request of its own, then a batch of six sent in one request.
// Pages carry their path in properties.path, as the SDKs' documentation shows; the ids are fixed so that
// the test knows its users, and messageId is left to each SDK.

exports.singles = (site) => [
  ['track', { userId: 'alice', event: 'Signup', properties: { plan: 'pro' } }],
  ['page', { userId: 'alice', name: 'Pricing', properties: { path: '/pricing', url: `https://${site}/pricing` } }],
  ['identify', { userId: 'alice', traits: { plan: 'pro' } }],
]

exports.batch = (site) => [
  ['page', { userId: 'bob', name: 'Pricing', properties: { path: '/pricing', url: `https://${site}/pricing` } }],
  ['page', { userId: 'bob', name: 'Docs', properties: { path: '/docs', url: `https://${site}/docs` } }],
  ['track', { userId: 'bob', event: 'Signup', properties: { plan: 'free' } }],
  ['identify', { userId: 'bob', traits: { plan: 'free' } }],
  ['track', { userId: 'carol', event: 'Signup', properties: { plan: 'pro' } }],
  ['page', { userId: 'carol', name: 'Docs', properties: { path: '/docs', url: `https://${site}/docs` } }],
]
