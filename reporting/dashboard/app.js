// The dashboard: reads its state from the URL, issues every query of a view at once (the figures, the
// chart, each panel and the visitors now), and draws each answer as it comes. Every change of the view
// goes through navigate, which puts the new state in the URL first.

import * as st from "./state.js";
import { query, storedKey, storeKey, Refused } from "./api.js";
import * as figures from "./figures.js";
import { draw } from "./chart.js";
import { panels, queryOf, frame, fill, message } from "./panels.js";
import { showControls, rememberSite } from "./controls.js";

let state = st.read(location.search);
let generation = 0; // answers of an older view are dropped
let nowTimer = 0;

const $ = (id) => document.getElementById(id);

// navigate shows next and records it in the URL (a new history entry unless replace).
function navigate(next, replace) {
  state = next;
  history[replace ? "replaceState" : "pushState"](null, "", st.write(state));
  render();
}

const on = {
  filter(dimension, value) {
    const filters = state.filters.filter((f) => f.dimension !== dimension);
    navigate({ ...state, filters: [...filters, { dimension, value }] });
  },
  unfilter(dimension) {
    navigate({ ...state, filters: state.filters.filter((f) => f.dimension !== dimension) });
  },
  tab(panel, key) {
    navigate({ ...state, tabs: { ...state.tabs, [panel]: key } });
  },
  prop(key) {
    navigate({ ...state, prop: key });
  },
  site(site) {
    navigate({ ...state, site, filters: [] });
  },
  period(period, from, to) {
    navigate({ ...state, period, from: from || "", to: to || "" });
  },
};

// refused shows the sign-in form with why the query API refused the view.
function refused(err) {
  clearInterval(nowTimer);
  $("dashboard").hidden = true;
  $("sign-in").hidden = false;
  const key = storedKey();
  let text;
  if (err.status === 429) text = `This API key has spent its hourly budget; retry in ${err.retryAfter || "a few"} seconds.`;
  else if (key) text = "The API key was refused: " + err.message;
  else text = "This site is not public: sign in with an API key for it.";
  $("refusal").textContent = text;
  $("refusal").className = key ? "refused" : "";
  document.body.dataset.state = "refused";
}

function failed(err, gen) {
  if (gen !== generation) return;
  if (err instanceof Refused) return refused(err);
  $("error").hidden = false;
  $("error").textContent = "The statistics could not be read: " + err.message;
}

function render() {
  const gen = ++generation;
  clearInterval(nowTimer);
  showControls(state, on, storedKey() !== "");
  $("error").hidden = true;
  document.body.dataset.state = "loading";
  if (!state.site) {
    $("dashboard").hidden = true;
    $("sign-in").hidden = true;
    document.body.dataset.state = "no-site";
    return;
  }
  const base = { site_id: state.site, date_range: st.dateRange(state), filters: st.queryFilters(state) };
  const bodies = frame($("panels"), state, on);
  const current = (f) => (answer) => (gen === generation ? f(answer) : undefined);

  const jobs = [
    query({ ...base, metrics: figures.metrics }).then(current(async (answer) => {
      const values = answer.results.length ? answer.results[0].metrics : figures.metrics.map(() => 0);
      showView(answer.query.date_range);
      figures.showAggregate(values);
      if (!performance.getEntriesByName("figures-rendered").length) performance.mark("figures-rendered");
      const prev = st.previousRange(state.period, answer.query.date_range);
      if (!prev) return;
      const before = await query({ ...base, metrics: figures.metrics, date_range: prev });
      if (gen !== generation) return;
      const was = before.results.length ? before.results[0].metrics : figures.metrics.map(() => 0);
      figures.showComparison(values, was, prev[0] + " – " + prev[1]);
    })),
    query({ ...base, metrics: ["visitors"], dimensions: [st.interval(state)], include: { time_labels: true } })
      .then(current((answer) => draw($("chart-svg"), answer, "visitors", st.interval(state)))),
    figures.refreshNow(state.site),
  ];
  for (const panel of panels) {
    const q = queryOf(panel, state, base);
    if (!q) {
      message(bodies[panel.id], "Type a property key to break the events down by its values.");
      continue;
    }
    jobs.push(query(q).then(current((answer) => fill(bodies[panel.id], panel, state, answer, on)), (err) => {
      if (err instanceof Refused) throw err;
      if (gen === generation) message(bodies[panel.id], err.message);
    }));
  }
  Promise.all(jobs).then(() => {
    if (gen !== generation) return;
    document.body.dataset.state = "ready";
    if (!performance.getEntriesByName("view-ready").length) performance.mark("view-ready");
    nowTimer = setInterval(() => figures.refreshNow(state.site).catch((err) => failed(err, gen)), 30000);
  }, (err) => failed(err, gen));
}

// showView shows the dashboard for the range the query API resolved.
function showView(resolved) {
  rememberSite(state.site);
  $("sign-in").hidden = true;
  $("dashboard").hidden = false;
  $("range").textContent = resolved[0].slice(0, 10) + " – " + resolved[1].slice(0, 10);
}

$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  storeKey($("key").value.trim());
  $("key").value = "";
  render();
});
$("sign-out").addEventListener("click", () => {
  storeKey("");
  render();
});
window.addEventListener("popstate", () => {
  state = st.read(location.search);
  render();
});
render();
