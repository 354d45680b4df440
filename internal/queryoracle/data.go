package queryoracle

import (
	"cmp"
	"slices"
	"time"

	"github.com/analytics-pipeline/analytics/event"
	"github.com/analytics-pipeline/analytics/internal/visitor"
)

// visitGap is the longest pause within one visit.
const visitGap = 30 * time.Minute

// Event is one counted event as the oracle sees it.
type Event struct {
	ID, Name, Page, Hostname string
	At                       time.Time
	Visitor                  int64
	Props                    map[string]string
	Visit                    *Visit
}

// Visit is one visit: its events and the attributes of its first event.
type Visit struct {
	Visitor               int64
	Start, End            time.Time
	Entry, Exit           string
	Pageviews, EventsN    int
	Source, Referrer      string
	UTM                   [5]string // source, medium, campaign, content, term
	Browser, BrowserVer   string
	OS, OSVersion, Device string
	events                []*Event // in occurrence order
}

// site is one site's counted events in time order and its visits.
type site struct {
	zone   *time.Location
	events []*Event
	visits []*Visit
}

// Data is every site's counted events and visits.
type Data struct {
	sites map[string]*site
	zones map[string]*time.Location
}

// raw is an event with the visit attributes it may lend its visit.
type raw struct {
	Event
	site  string
	attrs Visit
}

// FromEvents builds the data of events as the processor stores them: repeats of a (site_id, event_id)
// pair count once, bots never, an event without a VisitorID belongs to visitor.Of. zones maps registered
// sites to their zones; any other site is in UTC.
func FromEvents(events []event.Event, zones map[string]*time.Location) *Data {
	type key struct{ site, id string }
	seen := map[key]bool{}
	raws := make([]raw, 0, len(events))
	for _, e := range events {
		if seen[key{e.SiteID, e.EventID}] || e.Bot {
			seen[key{e.SiteID, e.EventID}] = true
			continue
		}
		seen[key{e.SiteID, e.EventID}] = true
		id := e.VisitorID
		if id == 0 {
			id = visitor.Of(e.SiteID, e.UserID, e.EventID)
		}
		raws = append(raws, raw{
			site: e.SiteID,
			Event: Event{ID: e.EventID, Name: eventName(e.EventType), Page: e.Path, Hostname: e.Hostname,
				At: e.Timestamp, Visitor: id, Props: e.Props},
			attrs: Visit{Source: e.Source, Referrer: e.Referrer,
				UTM:     [5]string{e.UTMSource, e.UTMMedium, e.UTMCampaign, e.UTMContent, e.UTMTerm},
				Browser: e.Browser, BrowserVer: e.BrowserVersion, OS: e.OS, OSVersion: e.OSVersion, Device: e.Device},
		})
	}
	return build(raws, zones)
}

// eventName is Plausible's event:name of our event_type: "pageview" for page_view, the type otherwise.
func eventName(eventType string) string {
	if eventType == event.PageView {
		return "pageview"
	}
	return eventType
}

// build cuts every visitor's events into visits.
func build(raws []raw, zones map[string]*time.Location) *Data {
	d := &Data{sites: map[string]*site{}, zones: zones}
	type who struct {
		site    string
		visitor int64
	}
	byVisitor := map[who][]*raw{}
	for i := range raws {
		r := &raws[i]
		byVisitor[who{r.site, r.Visitor}] = append(byVisitor[who{r.site, r.Visitor}], r)
	}
	for k, rs := range byVisitor {
		s := d.site(k.site)
		slices.SortFunc(rs, func(a, b *raw) int {
			if c := a.At.Compare(b.At); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
		var v *Visit
		for i, r := range rs {
			if i == 0 || r.At.Sub(rs[i-1].At) > visitGap {
				v = &Visit{}
				*v = r.attrs
				v.Visitor, v.Start, v.Entry = r.Visitor, r.At, r.Page
				s.visits = append(s.visits, v)
			}
			v.End, v.Exit = r.At, r.Page
			v.EventsN++
			if r.Name == "pageview" {
				v.Pageviews++
			}
			e := r.Event
			e.Visit = v
			s.events = append(s.events, &e)
			v.events = append(v.events, &e)
		}
	}
	for _, s := range d.sites {
		slices.SortFunc(s.events, func(a, b *Event) int { return a.At.Compare(b.At) })
		slices.SortFunc(s.visits, func(a, b *Visit) int { return a.Start.Compare(b.Start) })
	}
	return d
}

func (d *Data) site(id string) *site {
	s, ok := d.sites[id]
	if !ok {
		s = &site{zone: d.Zone(id)}
		d.sites[id] = s
	}
	return s
}

// Zone is the site's zone: UTC for a site nobody registered.
func (d *Data) Zone(siteID string) *time.Location {
	if z, ok := d.zones[siteID]; ok {
		return z
	}
	return time.UTC
}

// Sites are the ids of the sites with counted events, in byte order.
func (d *Data) Sites() []string {
	ids := make([]string, 0, len(d.sites))
	for id := range d.sites {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
