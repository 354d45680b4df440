// The dashboard's state, all of it in the URL's query string so that a reload or a shared link shows
// the same view: site, period (from and to for a custom one), filters (f=dimension=value, repeated),
// the tab of each panel and the property key.

export const periods = ["day", "7d", "30d", "month", "12mo", "all", "custom"];

const tabKeys = ["pages", "sources", "devices"];

// read returns the state of a URL's query string.
export function read(search) {
  const q = new URLSearchParams(search);
  const period = periods.includes(q.get("period")) ? q.get("period") : "30d";
  const state = {
    site: q.get("site") || "",
    period,
    from: q.get("from") || "",
    to: q.get("to") || "",
    filters: [],
    prop: q.get("prop") || "",
    tabs: {},
  };
  for (const f of q.getAll("f")) {
    const at = f.indexOf("=");
    if (at > 0) state.filters.push({ dimension: f.slice(0, at), value: f.slice(at + 1) });
  }
  for (const k of tabKeys) state.tabs[k] = q.get(k) || "";
  if (state.period === "custom" && !(isDate(state.from) && isDate(state.to))) state.period = "30d";
  return state;
}

// write returns the query string of a state.
export function write(state) {
  const q = new URLSearchParams();
  if (state.site) q.set("site", state.site);
  q.set("period", state.period);
  if (state.period === "custom") {
    q.set("from", state.from);
    q.set("to", state.to);
  }
  for (const f of state.filters) q.append("f", f.dimension + "=" + f.value);
  for (const k of tabKeys) if (state.tabs[k]) q.set(k, state.tabs[k]);
  if (state.prop) q.set("prop", state.prop);
  return "?" + q.toString();
}

export function isDate(s) {
  return /^\d{4}-\d{2}-\d{2}$/.test(s);
}

// dateRange is the query API's date_range of a state.
export function dateRange(state) {
  return state.period === "custom" ? [state.from, state.to] : state.period;
}

// queryFilters are the query API's filters of a state: every filter ANDed.
export function queryFilters(state) {
  return state.filters.map((f) => ["is", f.dimension, [f.value]]);
}

// previousRange is the period before the one the query API resolved (its answer's query.date_range, the
// site's local instants): as many days before it, or the month or twelve months before for those; null
// for all time, which has nothing before it.
export function previousRange(period, resolved) {
  if (period === "all") return null;
  const first = day(resolved[0]);
  const last = day(resolved[1]);
  if (period === "month" || period === "12mo") {
    const months = period === "month" ? 1 : 12;
    const start = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() - months, 1));
    return [iso(start), iso(addDays(first, -1))];
  }
  const n = Math.round((last - first) / 86400000) + 1;
  return [iso(addDays(first, -n)), iso(addDays(first, -1))];
}

// interval is the chart's time dimension: hours for one day, months for twelve months, the query API's
// choice by length for all time, else days.
export function interval(state) {
  if (state.period === "day" || (state.period === "custom" && state.from === state.to)) return "time:hour";
  if (state.period === "all") return "time";
  return state.period === "12mo" ? "time:month" : "time:day";
}

function day(instant) {
  return new Date(instant.slice(0, 10) + "T00:00:00Z");
}

function addDays(d, n) {
  return new Date(d.getTime() + n * 86400000);
}

function iso(d) {
  return d.toISOString().slice(0, 10);
}
