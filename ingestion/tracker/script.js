// The browser tracker served at GET /js/script.js: the snippet and window.plausible() API of Plausible's
// script.js, written for this project. Paste:
//   <script defer data-domain="SITE" src="https://INGESTION/js/script.js"></script>
// Attributes: data-domain (the site id, comma-separated for several), data-api (the endpoint, default
// this script's origin + /api/event), data-hash (pageviews on hash changes, as script.hash.js),
// data-local (count localhost and file: pages too, as script.local.js).
(function () {
  'use strict'
  var win = window
  var loc = win.location
  var tag = document.currentScript
  var endpoint = tag.getAttribute('data-api') || new URL(tag.src).origin + '/api/event'
  var domain = tag.getAttribute('data-domain')
  var hashRouting = tag.hasAttribute('data-hash')
  var countLocal = tag.hasAttribute('data-local')
  var localHost = /^localhost$|^127(\.[0-9]+){0,2}\.[0-9]+$|^\[::1?\]$/

  // skip answers a call that sends nothing: a warning when there is a reason to show, and the callback
  // without arguments.
  function skip(options, reason) {
    if (reason) console.warn('Ignoring Event: ' + reason)
    if (options && options.callback) options.callback()
  }

  function optedOut() {
    try {
      return win.localStorage.plausible_ignore === 'true'
    } catch (e) {
      return false
    }
  }

  // send posts one event as text/plain JSON (a CORS-simple request: no preflight) with fetch keepalive,
  // so that an event sent as the page unloads still leaves; the callback gets {status} or {error}.
  function send(name, options) {
    if (!countLocal && (localHost.test(loc.hostname) || loc.protocol === 'file:')) return skip(options, 'localhost')
    if ((win._phantom || win.__nightmare || win.navigator.webdriver || win.Cypress) && !win.__plausible) return skip(options)
    if (optedOut()) return skip(options, 'localStorage flag')
    var body = { n: name, u: loc.href, d: domain, r: document.referrer || null }
    if (options && options.props) body.p = options.props
    if (options && options.revenue) body.$ = options.revenue
    if (options && options.interactive === false) body.i = false
    if (hashRouting) body.h = 1
    var done = (options && options.callback) || function () {}
    fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, keepalive: true, body: JSON.stringify(body) })
      .then(function (res) { done({ status: res.status }) }, function (err) { done({ error: err }) })
  }

  var queued = (win.plausible && win.plausible.q) || []
  win.plausible = send
  for (var i = 0; i < queued.length; i++) send.apply(null, queued[i])

  // A pageview on load, then on each SPA navigation that changes the path (pushState, back and forward),
  // or on each hash change with data-hash.
  var lastPath
  function pageview(navigated) {
    if (navigated && !hashRouting && lastPath === loc.pathname) return
    lastPath = loc.pathname
    send('pageview')
  }
  function navigated() {
    pageview(true)
  }
  if (hashRouting) {
    win.addEventListener('hashchange', navigated)
  } else if (win.history.pushState) {
    var push = win.history.pushState
    win.history.pushState = function () {
      push.apply(this, arguments)
      navigated()
    }
    win.addEventListener('popstate', navigated)
  }
  // A page prerendered or opened in a background tab counts once it is first shown.
  if (document.visibilityState === 'hidden' || document.visibilityState === 'prerender') {
    document.addEventListener('visibilitychange', function () {
      if (lastPath === undefined && document.visibilityState === 'visible') pageview()
    })
  } else {
    pageview()
  }
  // A page restored from the back-forward cache is a new view.
  win.addEventListener('pageshow', function (e) {
    if (e.persisted) pageview()
  })
})()
