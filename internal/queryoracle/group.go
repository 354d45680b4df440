package queryoracle

import (
	"sort"
	"strings"
)

// eventAggregate is what the events of one group add up to.
type eventAggregate struct {
	visitors          map[int64]bool
	visits            map[*Visit]bool
	pageviews, events int64
}

// sessionAggregate is what the visits of one group add up to; bounceVisits are the visits bounce_rate
// counts over (all of them, or those entering at the page of a top-level event:page filter).
type sessionAggregate struct {
	visitors                               map[int64]bool
	visits, pageviews, bounces, bounceBase int64
	durationMicros                         int64
}

// group is one result row before its metrics are computed.
type group struct {
	labels  []string
	event   eventAggregate
	session sessionAggregate
}

// groupOf returns the group of labels, created in groups (and its key appended to order) on first use.
func groupOf(groups map[string]*group, order *[]string, labels []string) *group {
	key := strings.Join(labels, "\x00")
	g, ok := groups[key]
	if !ok {
		g = &group{labels: labels,
			event:   eventAggregate{visitors: map[int64]bool{}, visits: map[*Visit]bool{}},
			session: sessionAggregate{visitors: map[int64]bool{}}}
		groups[key] = g
		*order = append(*order, key)
	}
	return g
}

// newGroups starts the groups of dims: an aggregate (no dimensions) has its one row even when nothing counts.
func newGroups(dims []string) (map[string]*group, []string) {
	groups, order := map[string]*group{}, []string{}
	if len(dims) == 0 {
		groupOf(groups, &order, []string{})
	}
	return groups, order
}

// eventGroups aggregates the events in the range that satisfy every filter, by dims.
func (o *oracle) eventGroups(dims []string, filters []Filter) (map[string]*group, []string) {
	groups, order := newGroups(dims)
	events := o.site.events
	for i := sort.Search(len(events), func(i int) bool { return !events[i].At.Before(o.span.From) }); i < len(events) && o.span.has(events[i].At); i++ {
		e := events[i]
		s := subject{e: e, v: e.Visit}
		if !o.holdsAll(filters, s) {
			continue
		}
		labels := make([]string, len(dims))
		for j, dim := range dims {
			labels[j] = o.label(dim, s, e.At)
		}
		g := groupOf(groups, &order, labels)
		g.event.visitors[e.Visitor] = true
		g.event.visits[e.Visit] = true
		g.event.events++
		if e.Name == "pageview" {
			g.event.pageviews++
		}
	}
	return groups, order
}

// visitGroups aggregates the visits starting in the range that pass the filters, by dims. With a filter on
// an event dimension a visit passes when one of its events in the range satisfies every filter.
func (o *oracle) visitGroups(dims []string, filters []Filter) (map[string]*group, []string) {
	groups, order := newGroups(dims)
	eventLeaf := false
	for _, dim := range filterDimensions(filters) {
		eventLeaf = eventLeaf || isEventDimension(dim)
	}
	var entryFilter *Filter
	for _, f := range filters {
		if f.Dimension == "event:page" {
			entry := f
			entry.Dimension = "visit:entry_page"
			entryFilter = &entry
			break
		}
	}
	visits := o.site.visits
	for i := sort.Search(len(visits), func(i int) bool { return !visits[i].Start.Before(o.span.From) }); i < len(visits) && o.span.has(visits[i].Start); i++ {
		v := visits[i]
		if !o.visitPasses(v, filters, eventLeaf) {
			continue
		}
		labels := make([]string, len(dims))
		for j, dim := range dims {
			labels[j] = o.label(dim, subject{v: v}, v.Start)
		}
		g := groupOf(groups, &order, labels)
		g.session.visitors[v.Visitor] = true
		g.session.visits++
		g.session.pageviews += int64(v.Pageviews)
		g.session.durationMicros += v.End.Sub(v.Start).Microseconds()
		if entryFilter == nil || o.holds(*entryFilter, subject{v: v}) {
			g.session.bounceBase++
			if v.EventsN == 1 {
				g.session.bounces++
			}
		}
	}
	return groups, order
}

func (o *oracle) visitPasses(v *Visit, filters []Filter, eventLeaf bool) bool {
	if !eventLeaf {
		return o.holdsAll(filters, subject{v: v})
	}
	for _, e := range v.events {
		if o.span.has(e.At) && o.holdsAll(filters, subject{e: e, v: v}) {
			return true
		}
	}
	return false
}

func (o *oracle) holdsAll(filters []Filter, s subject) bool {
	for _, f := range filters {
		if !o.holds(f, s) {
			return false
		}
	}
	return true
}
