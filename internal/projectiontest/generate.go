package projectiontest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// Site is a site of a generated event set: its id and its zone; Registered false means nobody registered
// it, so its days are UTC days.
type Site struct {
	ID         string
	Zone       *time.Location
	Registered bool
}

// Sites are the sites generated events go to: New York (DST), Kolkata (a half-hour offset), London and
// one site nobody registered.
func Sites() []Site {
	load := func(name string) *time.Location {
		z, err := time.LoadLocation(name)
		if err != nil {
			panic(fmt.Sprintf("load zone %s: %v", name, err))
		}
		return z
	}
	return []Site{
		{ID: "new-york", Zone: load("America/New_York"), Registered: true},
		{ID: "kolkata", Zone: load("Asia/Kolkata"), Registered: true},
		{ID: "London.UK", Zone: load("Europe/London"), Registered: true},
		{ID: "unregistered", Zone: time.UTC},
	}
}

// Zones are the registered sites' zones, as Expect takes them.
func Zones(sites []Site) map[string]*time.Location {
	zones := map[string]*time.Location{}
	for _, s := range sites {
		if s.Registered {
			zones[s.ID] = s.Zone
		}
	}
	return zones
}

// anchors are the local wall-clock moments events cluster around: midnights before and after the spring
// DST change of New York (2025-03-09 02:00) and the autumn one (2025-11-02 02:00, whose 01:00 hour repeats).
var anchors = []time.Time{
	time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC),
	time.Date(2025, 11, 2, 0, 0, 0, 0, time.UTC),
}

// Generator makes random event sets from its RNG.
type Generator struct {
	rng   *rand.Rand
	sites []Site
	next  int
}

// NewGenerator returns a generator whose choices all come from rng.
func NewGenerator(rng *rand.Rand, sites []Site) *Generator {
	return &Generator{rng: rng, sites: sites}
}

// Events returns about n events in visits of one to ten events each: visitors with and without a user id,
// pauses within, at and just over VisitGap, events at one instant, visits across local midnight and the
// DST changes, bots, props, sources, UTM tags and devices. Event ids are unique.
func (g *Generator) Events(n int) []event.Event {
	var out []event.Event
	for len(out) < n {
		out = append(out, g.visit()...)
	}
	return out
}

// visit returns the events of one visitor's burst, which may become one visit or several.
func (g *Generator) visit() []event.Event {
	site := g.sites[g.rng.IntN(len(g.sites))]
	a := anchors[g.rng.IntN(len(anchors))]
	local := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, site.Zone)
	at := local.Add(time.Duration(g.rng.Int64N(int64(5*time.Hour))) - 2*time.Hour).Truncate(time.Second)
	who := g.rng.IntN(12)
	user := ""
	if who < 6 {
		user = fmt.Sprintf("user-%d", who)
	}
	bot := g.rng.IntN(20) == 0
	count := 1 + g.rng.IntN(10)
	evs := make([]event.Event, 0, count)
	for range count {
		evs = append(evs, g.event(site, at, user, who, bot))
		at = at.Add(g.pause())
	}
	return evs
}

// pause is the time to a visitor's next event.
func (g *Generator) pause() time.Duration {
	switch r := g.rng.IntN(20); {
	case r == 0:
		return 0
	case r == 1:
		return VisitGap
	case r == 2:
		return VisitGap + time.Microsecond
	case r < 5:
		return VisitGap + time.Duration(g.rng.Int64N(int64(30*time.Minute)))
	default:
		return time.Duration(g.rng.Int64N(int64(VisitGap))).Truncate(time.Microsecond)
	}
}

// event makes one event of visitor who on site at at. A visitor without a user id gets a cookieless id
// that changes with the local date, as ingestion's per-date salts make it; one in five has none at all
// (published before visitors existed) and belongs to visitor.Of.
func (g *Generator) event(site Site, at time.Time, user string, who int, bot bool) event.Event {
	g.next++
	e := event.Event{
		EventID:   fmt.Sprintf("%s-%d", pick(g.rng, "a", "B", "c", "_", "Z"), g.next),
		SiteID:    site.ID,
		EventType: pick(g.rng, event.PageView, event.PageView, event.PageView, "click", "signup"),
		Path:      pick(g.rng, "/", "/pricing", "/docs", "/Blog/a", "/blog/b"),
		UserID:    user,
		Timestamp: at,
		Bot:       bot,
		Hostname:  pick(g.rng, "", "example.com", "www.example.com"),
		Source:    pick(g.rng, "", "Google", "Facebook", "news.ycombinator.com"),
		Referrer:  pick(g.rng, "", "https://www.google.com/", "https://news.ycombinator.com/item?id=1"),
		UTMSource: pick(g.rng, "", "newsletter"), UTMMedium: pick(g.rng, "", "email"),
		UTMCampaign: pick(g.rng, "", "spring"), UTMContent: pick(g.rng, "", "top"), UTMTerm: pick(g.rng, "", "analytics"),
		Browser: pick(g.rng, "", "Chrome", "Safari"), BrowserVersion: pick(g.rng, "", "131.0", "18.1"),
		OS: pick(g.rng, "", "Windows", "iOS"), OSVersion: pick(g.rng, "", "10", "18.1"),
		Device: pick(g.rng, "", "Desktop", "Mobile", "Tablet"),
	}
	e.URL = "https://" + e.Hostname + e.Path
	for _, k := range []string{"plan", "variant", "logged_in"} {
		if g.rng.IntN(3) == 0 {
			if e.Props == nil {
				e.Props = map[string]string{}
			}
			e.Props[k] = pick(g.rng, "pro", "free", "true", "42")
		}
	}
	switch {
	case user != "":
		e.VisitorID = visitor.FromUser(site.ID, user)
	case g.rng.IntN(5) > 0:
		e.VisitorID = visitor.FromUser(site.ID, fmt.Sprintf("cookieless %d %s", who, dateCell(localDay(at, site.Zone))))
	}
	return e
}

func pick(rng *rand.Rand, options ...string) string {
	return options[rng.IntN(len(options))]
}
