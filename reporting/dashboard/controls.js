// The header's controls: the site picker (a site id, remembered in the URL; the sites opened in this
// browser are offered), the date-range picker and the active filters.

const $ = (id) => document.getElementById(id);
const sitesKey = "analytics.sites";

// names are how the filters' dimensions read.
const names = {
  "event:page": "Page", "event:name": "Event", "visit:entry_page": "Entry page", "visit:exit_page": "Exit page",
  "visit:source": "Source", "visit:referrer": "Referrer", "visit:utm_source": "UTM source",
  "visit:utm_medium": "UTM medium", "visit:utm_campaign": "UTM campaign", "visit:utm_content": "UTM content",
  "visit:utm_term": "UTM term", "visit:browser": "Browser", "visit:os": "OS", "visit:device": "Device",
};

let bound = false;

function bind(on) {
  $("site-form").addEventListener("submit", (e) => {
    e.preventDefault();
    on.site($("site").value.trim());
  });
  for (const b of document.querySelectorAll("#periods button")) {
    b.addEventListener("click", () => {
      if (b.dataset.period !== "custom") return on.period(b.dataset.period);
      $("custom-range").hidden = false;
      if (!$("from").value) {
        const today = new Date().toISOString().slice(0, 10);
        $("from").value = today;
        $("to").value = today;
      }
    });
  }
  $("custom-range").addEventListener("submit", (e) => {
    e.preventDefault();
    const [from, to] = [$("from").value, $("to").value].sort();
    on.period("custom", from, to);
  });
}

// showControls sets the controls to state; on receives the user's changes.
export function showControls(state, on, signedIn) {
  if (!bound) {
    bind(on);
    bound = true;
  }
  $("site").value = state.site;
  for (const b of document.querySelectorAll("#periods button")) {
    b.classList.toggle("active", b.dataset.period === state.period);
  }
  $("custom-range").hidden = state.period !== "custom";
  if (state.period === "custom") {
    $("from").value = state.from;
    $("to").value = state.to;
  }
  $("sign-out").hidden = !signedIn;
  const list = $("filters");
  list.replaceChildren();
  for (const f of state.filters) {
    const li = document.createElement("li");
    li.className = "filter";
    li.dataset.dimension = f.dimension;
    li.dataset.value = f.value;
    const name = names[f.dimension] || "Property " + f.dimension.replace(/^event:props:/, "");
    li.textContent = name + " is " + f.value + " ";
    const x = document.createElement("button");
    x.type = "button";
    x.textContent = "×";
    x.title = "Remove this filter";
    x.addEventListener("click", () => on.unfilter(f.dimension));
    li.append(x);
    list.append(li);
  }
  const known = $("known-sites");
  known.replaceChildren(...sites().map((s) => Object.assign(document.createElement("option"), { value: s })));
}

function sites() {
  try {
    const list = JSON.parse(localStorage.getItem(sitesKey) || "[]");
    return Array.isArray(list) ? list.filter((s) => typeof s === "string") : [];
  } catch {
    return [];
  }
}

// rememberSite adds a site whose statistics were shown to the sites offered, most recent first.
export function rememberSite(site) {
  const list = [site, ...sites().filter((s) => s !== site)].slice(0, 20);
  localStorage.setItem(sitesKey, JSON.stringify(list));
}
