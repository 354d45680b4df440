package queryoracle

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/projectiontest"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// Month is the first day (UTC) of the month generated events fall in, give or take a day: it holds
// London's (2025-10-26) and New York's (2025-11-02) autumn DST changes.
var Month = time.Date(2025, 10, 15, 0, 0, 0, 0, time.UTC)

// EventGenerator makes random event sets over a month from its RNG.
type EventGenerator struct {
	rng   *rand.Rand
	sites []projectiontest.Site
	next  int
}

// NewEventGenerator returns a generator of events on sites whose choices all come from rng.
func NewEventGenerator(rng *rand.Rand, sites []projectiontest.Site) *EventGenerator {
	return &EventGenerator{rng: rng, sites: sites}
}

// Events returns at least n events in bursts of one visitor: visitors with a user id, cookieless ones
// whose id changes with the local date, ones without a visitor id (the processor derives it), bots, pauses
// within, at and just over 30 minutes, events at one instant, bursts across local midnight and the DST
// changes. Every timestamp has a non-zero microsecond part, so that no event sits on a whole-second
// boundary of a date-time range.
func (g *EventGenerator) Events(n int) []event.Event {
	var out []event.Event
	for len(out) < n {
		out = append(out, g.burst()...)
	}
	return out
}

func (g *EventGenerator) burst() []event.Event {
	s := g.sites[g.rng.IntN(len(g.sites))]
	day := Month.AddDate(0, 0, g.rng.IntN(31))
	local := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, s.Zone)
	var offset time.Duration
	if g.rng.IntN(4) == 0 {
		offset = time.Duration(g.rng.Int64N(int64(2*time.Hour))) - time.Hour // around local midnight
	} else {
		offset = time.Duration(g.rng.Int64N(int64(24 * time.Hour)))
	}
	at := local.Add(offset).Truncate(time.Second).Add(time.Duration(1+g.rng.IntN(999_999)) * time.Microsecond)
	who := g.rng.IntN(400)
	kind := g.rng.IntN(20)
	bot := g.rng.IntN(40) == 0
	count := 1 + g.rng.IntN(8)
	if g.rng.IntN(3) == 0 {
		count = 1
	}
	evs := make([]event.Event, 0, count)
	for range count {
		e := g.event(s, at, bot)
		switch {
		case kind < 8:
			e.UserID = fmt.Sprintf("user-%d", who)
			e.VisitorID = visitor.FromUser(s.ID, e.UserID)
		case kind < 19:
			local := at.In(s.Zone).Format(time.DateOnly)
			e.VisitorID = visitor.FromUser(s.ID, fmt.Sprintf("cookieless %d %s", who, local))
		}
		evs = append(evs, e)
		at = at.Add(g.pause())
	}
	return evs
}

func (g *EventGenerator) pause() time.Duration {
	switch r := g.rng.IntN(20); {
	case r == 0:
		return 0
	case r == 1:
		return visitGap
	case r == 2:
		return visitGap + time.Microsecond
	case r < 5:
		return visitGap + time.Duration(g.rng.Int64N(int64(3*time.Hour)))
	default:
		return time.Duration(g.rng.Int64N(int64(visitGap))).Truncate(time.Microsecond)
	}
}

func (g *EventGenerator) event(s projectiontest.Site, at time.Time, bot bool) event.Event {
	g.next++
	pick := func(options []string) string { return options[g.rng.IntN(len(options))] }
	e := event.Event{
		EventID:   fmt.Sprintf("%s%d", pick([]string{"a", "B", "c", "_", "Z"}), g.next),
		SiteID:    s.ID,
		EventType: pick(eventTypes),
		Path:      pick(paths),
		Timestamp: at,
		Bot:       bot,
		Hostname:  pick(hostnames),
		Source:    pick(sources),
		UTMSource: pick(utmValues[0]), UTMMedium: pick(utmValues[1]), UTMCampaign: pick(utmValues[2]),
		UTMContent: pick(utmValues[3]), UTMTerm: pick(utmValues[4]),
		Browser: pick(browsers), BrowserVersion: pick(versions), OS: pick(systems), OSVersion: pick(osVersions),
		Device: pick(devices),
	}
	e.Referrer = referrers[e.Source]
	if e.Hostname != "" {
		e.URL = "https://" + e.Hostname + e.Path
	}
	for _, k := range propKeys {
		if g.rng.IntN(3) == 0 {
			if e.Props == nil {
				e.Props = map[string]string{}
			}
			e.Props[k] = pick(propValues)
		}
	}
	return e
}
