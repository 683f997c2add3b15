// The search page: full-text search with Pagefind, facet filters and sorting, all kept in
// the URL (?q=…&type=…&sort=…) so reload, back/forward and shared links restore the view.
// Every string and URL comes from data- attributes rendered by templates/search.html.
//
// The results region says when what it shows is settled: aria-busy="true" from the moment
// a query, filter or sort changes until the results and count of that state are on screen,
// then aria-busy="false" with the state's query string in data-state. Assistive technology
// waits for it, and so do the tests.

const FACETS = ["type", "actor", "year", "tag"];
const SORTS = { newest: "desc", oldest: "asc" };
const PAGE_SIZE = 10;
const DEBOUNCE_MS = 180;
const ANNOUNCE_MS = 700;  // a count is said once the reader has paused, not at every keystroke

const root = document.getElementById("search");
const strings = JSON.parse(root.dataset.strings);
const input = document.getElementById("q");
const sortSelect = document.getElementById("search-sort");
const region = document.getElementById("search-region");
const statusLine = document.getElementById("search-status");
const announcer = document.getElementById("search-announcer");
const startHint = document.getElementById("search-start");
const emptyHelp = document.getElementById("search-empty");
const list = document.getElementById("search-results");
const moreButton = document.getElementById("search-more");
const clearButton = document.getElementById("search-clear");
const toggle = document.getElementById("search-filters-toggle");
const controls = document.getElementById("search-controls");
const activeLabel = document.getElementById("search-active");
const boxes = Array.from(root.querySelectorAll(".facet input[type=checkbox]"));
const originalLink = document.getElementById("search-original");  // on a translation's search page

let pagefind = null;
let allCounts = null;   // promise of facet -> value -> number of briefs in the whole archive
let generation = 0;     // every change takes a new number; work for an older one is dropped
let pending = [];       // results not shown yet (behind "Show more")
let typingTimer = 0;
let announceTimer = 0;
let announced = "";
let ready = null;       // resolves to "loaded", "missing" (an archive without briefs) or "failed"

// A text in plural forms ({one, few, many, other...}) in the form the page's language uses
// for n (CLDR's rules, as the build writes counts); a plain text as it is.
const pluralRules = new Intl.PluralRules(document.documentElement.lang || "en");
function plural(forms, n) {
  if (typeof forms === "string") return forms;
  return forms[pluralRules.select(n)] ?? forms.other;
}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// --- state <-> URL ---------------------------------------------------------------------

function stateFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const state = { q: params.get("q") || "", sort: SORTS[params.get("sort")] ? params.get("sort") : "", filters: {} };
  for (const facet of FACETS) state.filters[facet] = params.getAll(facet).filter(Boolean);
  return state;
}

function stateFromControls() {
  const state = { q: input.value, sort: sortSelect.value, filters: {} };
  for (const facet of FACETS) state.filters[facet] = boxes.filter((b) => b.name === facet && b.checked).map((b) => b.value);
  return state;
}

function queryOf(state) {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set("q", state.q.trim());
  for (const facet of FACETS) for (const value of state.filters[facet]) params.append(facet, value);
  if (state.sort) params.set("sort", state.sort);
  return params.toString();
}

function showState(state) {
  input.value = state.q;
  sortSelect.value = state.sort;
  for (const box of boxes) box.checked = state.filters[box.name].includes(box.value);
  showActive(state);
}

function remember(state, push) {
  const query = queryOf(state);
  if (originalLink) originalLink.search = state.q.trim() ? `?${new URLSearchParams({ q: state.q.trim() })}` : "";
  const url = window.location.pathname + (query ? `?${query}` : "");
  if (url === window.location.pathname + window.location.search) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

// The toggle says how many filters are on (and a sort other than relevance), so a reader
// knows what narrows the results without opening it.
function showActive(state) {
  const active = FACETS.reduce((n, facet) => n + state.filters[facet].length, 0);
  const parts = [];
  if (active) parts.push(format(plural(strings.active, active), { n: active }));
  if (state.sort) parts.push(strings[`sort_${state.sort}`]);
  activeLabel.textContent = parts.length ? ` (${parts.join(", ")})` : "";
  clearButton.hidden = active === 0;
}

// --- settling ---------------------------------------------------------------------------

// A change has begun: whatever is on screen no longer answers the current state.
function begin() {
  generation += 1;
  clearTimeout(announceTimer);
  region.setAttribute("aria-busy", "true");
  return generation;
}

function settle(mine, state, message) {
  if (mine !== generation) return;
  statusLine.textContent = message;
  region.dataset.state = queryOf(state);
  region.setAttribute("aria-busy", "false");
  announceTimer = setTimeout(() => announce(message), ANNOUNCE_MS);
}

function announce(message) {
  if (message === announced) return;  // the same count for the same search is said once
  announced = message;
  announcer.textContent = message;
}

// --- searching --------------------------------------------------------------------------

function pagefindFilters(filters, except) {
  const result = {};
  for (const facet of FACETS) {
    // Values of one facet widen the results (any of them); different facets narrow them.
    if (facet !== except && filters[facet].length) result[facet] = { any: filters[facet] };
  }
  return result;
}

async function run(mine, state) {
  const loaded = await ready;
  if (mine !== generation) return;
  if (loaded !== "loaded") {
    settle(mine, state, loaded === "missing" ? strings.unavailable : strings.error);
    return;
  }
  const query = state.q.trim();
  const filtering = FACETS.some((facet) => state.filters[facet].length);
  if (!query && !filtering) {
    const counts = await allCounts;
    if (mine !== generation) return;
    list.replaceChildren();
    pending = [];
    moreButton.hidden = true;
    emptyHelp.hidden = true;
    startHint.hidden = false;
    showCounts(counts, state);
    settle(mine, state, "");
    return;
  }
  const options = { filters: pagefindFilters(state.filters) };
  if (state.sort) options.sort = { date: SORTS[state.sort] };
  const search = await pagefind.search(query || null, options);
  if (mine !== generation || !search) return;
  // A facet's own counts ignore its own selection, so choosing one type still shows how
  // many briefs the other types would add.
  const counts = { ...search.filters };
  for (const facet of FACETS) {
    if (!state.filters[facet].length) continue;
    const wider = await pagefind.search(query || null, { filters: pagefindFilters(state.filters, facet) });
    if (mine !== generation) return;
    if (wider) counts[facet] = wider.filters[facet] || {};
  }
  const results = search.results;
  const first = await Promise.all(results.slice(0, PAGE_SIZE).map((r) => r.data()));
  if (mine !== generation) return;
  pending = results.slice(PAGE_SIZE);
  startHint.hidden = true;
  list.replaceChildren(...first.map(renderResult));
  moreButton.hidden = pending.length === 0;
  emptyHelp.hidden = results.length > 0;
  showCounts(counts, state);
  settle(mine, state, countText(results.length, query));
}

function countText(n, query) {
  const prefix = query ? "results" : "filtered";
  const template = n === 0 ? strings[`${prefix}_none`] : plural(strings[prefix], n);
  return format(template, { n, q: query });
}

function showCounts(counts, state) {
  for (const box of boxes) {
    const n = (counts[box.name] || {})[box.value] || 0;
    const label = box.nextElementSibling;
    label.textContent = format(strings.facet_option, { label: label.dataset.label, n });
    // Keep a chosen value visible even at zero, so it can always be unchosen.
    box.closest("li").hidden = n === 0 && !state.filters[box.name].includes(box.value);
  }
}

function typeLabel(id) {
  const box = boxes.find((b) => b.name === "type" && b.value === id);
  return box ? box.nextElementSibling.dataset.label : id;
}

// Pagefind's excerpt is HTML with <mark> around matches; keep only text and <mark>.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const nodes = [];
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

function renderResult(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h3");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "meta";
  const time = document.createElement("time");
  time.dateTime = data.meta.date || "";
  time.textContent = data.meta.when || data.meta.date || "";  // as the brief's page writes it
  const types = (data.filters.type || []).map(typeLabel).join(", ");
  meta.append(time, ` · ${types}`);
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.append(...excerptNodes(data.excerpt || ""));
  item.append(heading, meta, excerpt);
  return item;
}

async function showMore() {
  const mine = begin();
  const state = stateFromControls();
  const next = pending.slice(0, PAGE_SIZE);
  const datas = await Promise.all(next.map((r) => r.data()));
  if (mine !== generation) return;
  pending = pending.slice(PAGE_SIZE);
  const items = datas.map(renderResult);
  list.append(...items);
  moreButton.hidden = pending.length === 0;
  settle(mine, state, statusLine.textContent);
  // Move focus to the first new result so keyboard users continue where the list grew.
  if (items.length) items[0].querySelector("a").focus();
}

// --- wiring -----------------------------------------------------------------------------

function changed(push) {
  const mine = begin();
  const state = stateFromControls();
  remember(state, push);
  showActive(state);
  run(mine, state).catch((error) => failed(mine, state, error));
}

function failed(mine, state, error) {
  console.error(error);
  settle(mine, state, strings.error);
}

// Loads the index once; until it is ready, typing and choosing already update the URL.
async function loadPagefind() {
  const bundle = root.dataset.bundle;
  // Nothing in this language: Pagefind would answer from another language's index.
  if (root.dataset.searchable === "false") return "missing";
  let module;
  try {
    module = await import(`${bundle}pagefind.js`);
  } catch (error) {
    return "missing";  // no index: an archive without briefs has nothing to search
  }
  await module.options({ basePath: bundle, baseUrl: root.dataset.base });
  await module.init();
  allCounts = module.filters();  // fetched alongside a first query, not before it
  pagefind = module;
  return "loaded";
}

// Nothing to search: the message alone stays, where the search box was.
function unavailable() {
  const layout = root.querySelector(".search-layout");
  root.querySelector(".search-toolbar").hidden = true;
  layout.before(statusLine);
  layout.hidden = true;
}

function setExpanded(open) {
  toggle.setAttribute("aria-expanded", String(open));
  controls.hidden = !open;
  root.classList.toggle("filters-open", open);
}

function start() {
  const state = stateFromUrl();
  showState(state);
  root.hidden = false;
  document.querySelector(".skip-results").hidden = false;
  input.addEventListener("input", () => {
    begin();  // busy from the first keystroke, though the search waits for a pause
    clearTimeout(typingTimer);
    if (pagefind && input.value.trim()) pagefind.preload(input.value.trim());
    typingTimer = setTimeout(() => changed(false), DEBOUNCE_MS);
  });
  root.querySelector(".search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typingTimer);
    changed(true);
  });
  toggle.addEventListener("click", () => setExpanded(controls.hidden));
  sortSelect.addEventListener("change", () => changed(true));
  for (const box of boxes) box.addEventListener("change", () => changed(true));
  clearButton.addEventListener("click", () => {
    for (const box of boxes) box.checked = false;
    changed(true);
    input.focus();
  });
  moreButton.addEventListener("click", () => showMore().catch((error) => failed(generation, stateFromControls(), error)));
  window.addEventListener("popstate", () => {
    const restored = stateFromUrl();
    // Following a #fragment link (the skip link) adds a history entry too: nothing to redo.
    if (queryOf(restored) === queryOf(stateFromControls())) return;
    const mine = begin();
    showState(restored);
    run(mine, restored).catch((error) => failed(mine, restored, error));
  });
  remember(state, false);  // normalise the address (e.g. drop an unknown sort)
  const mine = begin();
  ready = loadPagefind().catch((error) => {
    console.error(error);
    return "failed";
  });
  ready.then((loaded) => {
    if (loaded === "missing") unavailable();
  });
  run(mine, stateFromControls()).catch((error) => failed(mine, state, error));
}

start();
