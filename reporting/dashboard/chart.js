// The time series: visitors per hour, day or month of the range, drawn as SVG by hand (no library).
// Every bucket of the range is a point (meta.time_labels; a bucket without data is 0), each a <circle>
// carrying its label and value.

const svgNS = "http://www.w3.org/2000/svg";
const width = 1000;
const height = 240;
const pad = { left: 48, right: 16, top: 12, bottom: 28 };

function el(name, attrs, text) {
  const e = document.createElementNS(svgNS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// niceMax is the top of the y axis: the maximum rounded up to 1, 2 or 5 times a power of ten.
function niceMax(max) {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

// draw replaces the chart in svg with the answer of a query of one metric by interval (time, time:hour,
// time:day or time:month).
export function draw(svg, answer, metric, interval) {
  const labels = (answer.meta && answer.meta.time_labels) || answer.results.map((r) => r.dimensions[0]);
  const byLabel = new Map(answer.results.map((r) => [r.dimensions[0], r.metrics[0]]));
  const values = labels.map((l) => byLabel.get(l) || 0);
  const top = niceMax(Math.max(0, ...values));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const x = (i) => pad.left + (labels.length > 1 ? (i * innerW) / (labels.length - 1) : innerW / 2);
  const y = (v) => pad.top + innerH - (v / top) * innerH;

  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.dataset.metric = metric;
  svg.dataset.points = String(labels.length);
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    svg.append(el("line", { class: "grid", x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }));
    svg.append(el("text", { class: "axis", x: pad.left - 6, y: y(v) + 4, "text-anchor": "end" }, String(+v.toFixed(2))));
  }
  const every = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((l, i) => {
    if (i % every === 0) svg.append(el("text", { class: "axis", x: x(i), y: height - 8, "text-anchor": "middle" }, shortLabel(l, interval)));
  });
  svg.append(el("polyline", { class: "line", points: values.map((v, i) => `${x(i)},${y(v)}`).join(" ") }));
  values.forEach((v, i) => {
    const c = el("circle", { class: "point", cx: x(i), cy: y(v), r: 4, "data-label": labels[i], "data-value": v });
    c.append(el("title", {}, `${labels[i]}: ${v} ${metric}`));
    svg.append(c);
  });
}

// shortLabel is the axis' text of a label: an hour's time, a month's year and month, a day's month and day.
function shortLabel(l, interval) {
  if (l.length > 10) return l.slice(11, 16);
  if (interval === "time:month") return l.slice(0, 7);
  return interval === "time" ? l : l.slice(5);
}
