// The top figures: the aggregate of the range, its change from the previous period, and the visitors of
// the last five minutes.

import { query } from "./api.js";

export const metrics = ["visitors", "visits", "pageviews", "bounce_rate", "visit_duration"];

// formatNumber writes a count in full, with thousands separated (12,345).
export function formatNumber(n) {
  return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US");
}

// formatValue writes a figure as its metric reads: a rate in percent, a duration in minutes and seconds.
export function formatValue(metric, v) {
  if (v === null || v === undefined) return "–";
  if (metric === "bounce_rate") return v + "%";
  if (metric === "visit_duration") {
    const m = Math.floor(v / 60);
    const s = v % 60;
    return m > 0 ? m + "m " + s + "s" : s + "s";
  }
  return formatNumber(v);
}

// change writes how v differs from the previous period's was: points for the bounce rate, percent else.
function change(metric, v, was) {
  if (v === null || was === null || v === undefined || was === undefined) return "";
  if (metric === "bounce_rate") {
    const d = v - was;
    return (d > 0 ? "+" : "") + d + " pts";
  }
  if (was === 0) return v === 0 ? "0%" : "new";
  const pct = Math.round(((v - was) / was) * 100);
  return (pct > 0 ? "+" : "") + pct + "%";
}

function figure(metric) {
  return document.querySelector(`#figures [data-metric="${metric}"]`);
}

// showAggregate fills the figures from an aggregate answer's row.
export function showAggregate(values) {
  metrics.forEach((m, i) => {
    figure(m).querySelector(".value").textContent = formatValue(m, values[i]);
    figure(m).querySelector(".change").textContent = "";
  });
}

// showComparison writes each figure's change from the previous period's values.
export function showComparison(values, previous, label) {
  metrics.forEach((m, i) => {
    const el = figure(m).querySelector(".change");
    el.textContent = change(m, values[i], previous[i]);
    el.title = "against " + label + ": " + formatValue(m, previous[i]);
  });
}

// refreshNow asks for the visitors of the last five minutes (a date-time range; filters do not apply)
// and shows them.
export async function refreshNow(site) {
  const end = new Date();
  const start = new Date(end.getTime() - 5 * 60 * 1000);
  const answer = await query({ site_id: site, metrics: ["visitors"], date_range: [start.toISOString(), end.toISOString()] });
  const row = answer.results[0];
  figure("now").querySelector(".value").textContent = formatNumber(row ? row.metrics[0] : 0);
}
