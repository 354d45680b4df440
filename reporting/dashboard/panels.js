// The breakdown panels: one query each, their rows with the numbers behind the bars; a click on a row
// filters the whole dashboard by it.

import { formatNumber } from "./figures.js";

const visitorsOnly = ["visitors"];
const utm = (field, label) => ({ key: field, label, dimension: "visit:" + field, metrics: visitorsOnly });

// panels lists each panel's tabs: the dimension and metrics of each, the first tab by default.
export const panels = [
  {
    id: "pages", title: "Pages", tabs: [
      { key: "top", label: "Top pages", dimension: "event:page", metrics: ["visitors", "pageviews"] },
      { key: "entry", label: "Entry pages", dimension: "visit:entry_page", metrics: ["visitors", "visits"] },
      { key: "exit", label: "Exit pages", dimension: "visit:exit_page", metrics: ["visitors", "visits"] },
    ],
  },
  {
    id: "sources", title: "Sources", tabs: [
      { key: "source", label: "Sources", dimension: "visit:source", metrics: visitorsOnly },
      { key: "referrer", label: "Referrers", dimension: "visit:referrer", metrics: visitorsOnly },
      utm("utm_source", "UTM source"), utm("utm_medium", "UTM medium"), utm("utm_campaign", "UTM campaign"),
      utm("utm_content", "UTM content"), utm("utm_term", "UTM term"),
    ],
  },
  {
    id: "devices", title: "Devices", tabs: [
      { key: "browser", label: "Browsers", dimension: "visit:browser", metrics: ["visitors", "percentage"] },
      { key: "os", label: "Operating systems", dimension: "visit:os", metrics: ["visitors", "percentage"] },
      { key: "device", label: "Devices", dimension: "visit:device", metrics: ["visitors", "percentage"] },
    ],
  },
  {
    id: "events", title: "Events", tabs: [
      { key: "name", label: "Event types", dimension: "event:name", metrics: ["visitors", "events"] },
    ],
  },
  {
    id: "props", title: "Custom properties", tabs: [
      { key: "prop", label: "Property", dimension: "event:props:", metrics: ["visitors", "events"] },
    ],
  },
];

const headings = { visitors: "Visitors", pageviews: "Page views", visits: "Visits", events: "Events", percentage: "%" };

// rowLimit is how many rows a panel shows; meta.total_rows tells how many more there are.
const rowLimit = 10;

// tabOf returns the tab a state selects in a panel: its tabs[id] key, else the first.
export function tabOf(panel, state) {
  const tab = panel.tabs.find((t) => t.key === state.tabs[panel.id]) || panel.tabs[0];
  if (panel.id !== "props") return tab;
  return { ...tab, label: state.prop || tab.label, dimension: state.prop ? "event:props:" + state.prop : "" };
}

// queryOf is a panel's query, or null when it has none to make (no property key).
export function queryOf(panel, state, base) {
  const tab = tabOf(panel, state);
  if (!tab.dimension) return null;
  return { ...base, metrics: tab.metrics, dimensions: [tab.dimension], pagination: { limit: rowLimit }, include: { total_rows: true } };
}

// frame draws every panel empty, with its tabs, and returns the element of each body by panel id.
export function frame(container, state, on) {
  container.replaceChildren();
  const bodies = {};
  for (const panel of panels) {
    const section = document.createElement("section");
    section.className = "panel";
    section.id = "panel-" + panel.id;
    const h = document.createElement("h2");
    h.textContent = panel.title;
    section.append(h);
    const current = tabOf(panel, state);
    if (panel.tabs.length > 1) {
      const tabs = document.createElement("div");
      tabs.className = "tabs";
      for (const t of panel.tabs) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = t.label;
        b.dataset.tab = t.key;
        if (t.key === current.key) b.className = "active";
        b.addEventListener("click", () => on.tab(panel.id, t.key));
        tabs.append(b);
      }
      section.append(tabs);
    }
    if (panel.id === "props") section.append(propForm(state, on));
    const body = document.createElement("div");
    body.className = "body";
    section.append(body);
    container.append(section);
    bodies[panel.id] = body;
  }
  return bodies;
}

function propForm(state, on) {
  const form = document.createElement("form");
  form.id = "prop-form";
  const input = document.createElement("input");
  input.id = "prop-key";
  input.placeholder = "property key, e.g. plan";
  input.value = state.prop;
  const b = document.createElement("button");
  b.type = "submit";
  b.textContent = "Show";
  form.append(input, b);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    on.prop(input.value.trim());
  });
  return form;
}

// fill writes a panel's answer into its body: a table, a bar behind each row's name as wide as its
// share of the first row's visitors.
export function fill(body, panel, state, answer, on) {
  const tab = tabOf(panel, state);
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const text of [tab.label, ...tab.metrics.map((m) => headings[m])]) {
    const th = document.createElement("th");
    th.textContent = text;
    head.append(th);
  }
  const tbody = table.createTBody();
  const top = answer.results.length ? answer.results[0].metrics[0] : 0;
  for (const r of answer.results) {
    const value = r.dimensions[0];
    const tr = tbody.insertRow();
    tr.className = "row";
    tr.dataset.dimension = tab.dimension;
    tr.dataset.value = value;
    tr.title = "Filter by " + value;
    const name = tr.insertCell();
    name.className = "name";
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.style.width = (top > 0 ? (100 * r.metrics[0]) / top : 0) + "%";
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = value;
    name.append(bar, label);
    r.metrics.forEach((v, i) => {
      const td = tr.insertCell();
      td.className = "num";
      td.dataset.metric = tab.metrics[i];
      td.textContent = tab.metrics[i] === "percentage" ? (v === null ? "–" : v + "%") : formatNumber(v);
    });
    tr.tabIndex = 0;
    tr.addEventListener("click", () => on.filter(tab.dimension, value));
    tr.addEventListener("keydown", (e) => {
      if (e.key === "Enter") on.filter(tab.dimension, value);
    });
  }
  body.replaceChildren(table);
  const total = answer.meta && answer.meta.total_rows;
  if (!answer.results.length) body.append(note("No data in this range."));
  else if (total > answer.results.length) body.append(note(formatNumber(total - answer.results.length) + " more not shown"));
}

// message writes a note (no property key, an error) into a panel's body.
export function message(body, text) {
  body.replaceChildren(note(text));
}

function note(text) {
  const p = document.createElement("p");
  p.className = "note";
  p.textContent = text;
  return p;
}
