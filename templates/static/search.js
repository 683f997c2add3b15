// The search page: full-text search with Pagefind, facet filters and sorting, all kept in
// the URL (?q=…&type=…&sort=…) so reload, back/forward and shared links restore the view.
// Every string and URL comes from data- attributes rendered by templates/search.html.

const FACETS = ["type", "actor", "year", "tag"];
const SORTS = { newest: "desc", oldest: "asc" };
const PAGE_SIZE = 10;
const DEBOUNCE_MS = 180;

const root = document.getElementById("search");
const strings = JSON.parse(root.dataset.strings);
const months = JSON.parse(root.dataset.months);
const input = document.getElementById("q");
const sortSelect = document.getElementById("search-sort");
const statusLine = document.getElementById("search-status");
const startHint = document.getElementById("search-start");
const emptyHelp = document.getElementById("search-empty");
const list = document.getElementById("search-results");
const moreButton = document.getElementById("search-more");
const clearButton = document.getElementById("search-clear");
const boxes = Array.from(root.querySelectorAll(".facet input[type=checkbox]"));

let pagefind = null;
let allCounts = null;   // promise of facet -> value -> number of briefs in the whole archive
let generation = 0;     // a newer search makes older, slower ones drop their answers
let pending = [];       // results not shown yet (behind "Show more")
let typingTimer = 0;
let ready = null;       // resolves to true once the index is loaded, false if it cannot be

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function humanDate(iso) {
  const [year, month, day] = (iso || "").split("-").map(Number);
  return year && month && day ? `${day} ${months[month - 1]} ${year}` : iso || "";
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

function urlOf(state) {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set("q", state.q.trim());
  for (const facet of FACETS) for (const value of state.filters[facet]) params.append(facet, value);
  if (state.sort) params.set("sort", state.sort);
  const query = params.toString();
  return window.location.pathname + (query ? `?${query}` : "");
}

function showState(state) {
  input.value = state.q;
  sortSelect.value = state.sort;
  for (const box of boxes) box.checked = state.filters[box.name].includes(box.value);
}

function remember(state, push) {
  const url = urlOf(state);
  if (url === window.location.pathname + window.location.search) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
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

async function run(state) {
  const mine = ++generation;
  if (!(await ready) || mine !== generation) return;
  const query = state.q.trim();
  const filtering = FACETS.some((facet) => state.filters[facet].length);
  clearButton.hidden = !filtering;
  if (!query && !filtering) {
    list.replaceChildren();
    pending = [];
    moreButton.hidden = true;
    emptyHelp.hidden = true;
    startHint.hidden = false;
    statusLine.textContent = "";
    const counts = await allCounts;
    if (mine !== generation) return;
    showCounts(counts, state);
    return;
  }
  startHint.hidden = true;
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
  list.replaceChildren(...first.map(renderResult));
  moreButton.hidden = pending.length === 0;
  emptyHelp.hidden = results.length > 0;
  showCounts(counts, state);
  statusLine.textContent = countText(results.length, query);
}

function countText(n, query) {
  const prefix = query ? "results" : "filtered";
  const template = n === 0 ? strings[`${prefix}_none`] : n === 1 ? strings[`${prefix}_one`] : strings[`${prefix}_many`];
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
  time.textContent = humanDate(data.meta.date);
  const types = (data.filters.type || []).map(typeLabel).join(", ");
  meta.append(time, ` · ${types}`);
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.append(...excerptNodes(data.excerpt || ""));
  item.append(heading, meta, excerpt);
  return item;
}

async function showMore() {
  const mine = generation;
  const next = pending.slice(0, PAGE_SIZE);
  const datas = await Promise.all(next.map((r) => r.data()));
  if (mine !== generation) return;
  pending = pending.slice(PAGE_SIZE);
  const items = datas.map(renderResult);
  list.append(...items);
  moreButton.hidden = pending.length === 0;
  // Move focus to the first new result so keyboard users continue where the list grew.
  if (items.length) items[0].querySelector("a").focus();
}

// --- wiring -----------------------------------------------------------------------------

function changed(push) {
  const state = stateFromControls();
  remember(state, push);
  run(state).catch(failed);
}

function failed(error) {
  console.error(error);
  statusLine.textContent = strings.error;
}

// Loads the index once; until it is ready, typing and choosing already update the URL.
async function loadPagefind() {
  const bundle = root.dataset.bundle;
  let module;
  try {
    module = await import(`${bundle}pagefind.js`);
  } catch (error) {
    unavailable();  // no index: an archive without briefs has nothing to search
    return false;
  }
  await module.options({ basePath: bundle, baseUrl: root.dataset.base });
  await module.init();
  allCounts = module.filters();  // fetched alongside a first query, not before it
  pagefind = module;
  return true;
}

function unavailable() {
  const layout = root.querySelector(".search-layout");
  layout.before(statusLine);
  layout.hidden = true;
  statusLine.textContent = strings.unavailable;
}

function start() {
  const state = stateFromUrl();
  showState(state);
  root.hidden = false;
  input.addEventListener("input", () => {
    clearTimeout(typingTimer);
    if (pagefind && input.value.trim()) pagefind.preload(input.value.trim());
    typingTimer = setTimeout(() => changed(false), DEBOUNCE_MS);
  });
  root.querySelector(".search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typingTimer);
    changed(true);
  });
  sortSelect.addEventListener("change", () => changed(true));
  for (const box of boxes) box.addEventListener("change", () => changed(true));
  clearButton.addEventListener("click", () => {
    for (const box of boxes) box.checked = false;
    changed(true);
    input.focus();
  });
  moreButton.addEventListener("click", () => showMore().catch(failed));
  window.addEventListener("popstate", () => {
    const restored = stateFromUrl();
    showState(restored);
    run(restored).catch(failed);
  });
  remember(state, false);  // normalise the address (e.g. drop an unknown sort)
  ready = loadPagefind().catch((error) => {
    failed(error);
    return false;
  });
  run(stateFromControls()).catch(failed);
}

start();
