// The site's own code: the official plausible-tracker package, configured by the page (window.site).
import Plausible from 'plausible-tracker'

const { trackEvent, enableAutoPageviews } = Plausible({
  domain: window.site.domain,
  apiHost: window.site.apiHost,
})

enableAutoPageviews()

// The page's Signup button calls this; the answer goes to window.answers as the page shows it.
window.signup = function () {
  trackEvent('Signup', {
    props: { plan: 'pro' },
    callback: function () {
      window.answers.push('Signup')
      window.render()
    },
  })
}
