// The search page: full-text search with Pagefind, facet filters and sorting, all kept in
// the URL (?q=…&type=…&sort=…) so reload, back/forward and shared links restore the view.
// Every string and URL comes from data- attributes rendered by templates/search.html.
//
// A result is shown as a match only if it holds every word of the query, as written or as
// a stemmed form (Pagefind's exact search of each word), or a spelling of a place or person
// it names (the register's spellings are indexed as the pages' `places` and `people`
// metadata, weighted so those briefs come first). Pagefind also returns pages for words
// that merely begin with a query word, or, when nothing begins with it, for a shorter word
// that the query word begins with ("step" for "Stepanakert"): such pages are never shown as
// matches. When the last word (perhaps still being typed) has no exact match, pages with a
// word beginning with it are shown, checked one by one and labelled as partial matches.
//
// The results region says when what it shows is settled: aria-busy="true" from the moment
// a query, filter or sort changes until the results and count of that state are on screen,
// then aria-busy="false" with the state's query string in data-state. Assistive technology
// waits for it, and so do the tests.

const FACETS = ["type", "actor", "year", "tag", "place", "person"];
const SORTS = { newest: "desc", oldest: "asc" };
// A spelling from the register counts twice the title's default weight (5): the briefs that
// name a place or person rank above those that only mention a word of it.
const RANKING = { metaWeights: { title: 5, places: 10, people: 10 } };
const NAME_FIELDS = ["places", "people"];
const PARTIAL_MIN = 3;     // letters a last word needs before partial matches are offered
const PARTIAL_LIMIT = 50;  // pages checked for partial matches; beyond, the reader types more
const SUGGESTIONS = 5;
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
const fieldsets = Array.from(root.querySelectorAll(".facet"));
const filtersTitle = root.querySelector(".search-filters-title");
const suggestions = document.getElementById("search-suggestions");

let pagefind = null;
let allCounts = null;   // promise of facet -> value -> number of briefs in the whole archive
let register = null;    // promise of the names register's spellings (fetched when a search finds nothing)
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

// --- matching ---------------------------------------------------------------------------

// Text as Pagefind compares it: lower case, without accents or punctuation ('ə' is a letter
// of its own, as it is to Pagefind; the register lists 'e' spellings as variants).
function fold(text) {
  return text.toLocaleLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/[\p{P}\p{S}]/gu, "");
}

// The words Pagefind searches for: the query split at spaces, less bare punctuation.
function queryWords(query) {
  return query.trim().split(/\s+/).filter((word) => fold(word).length > 0);
}

// Words of a text, each also in its parts ("Nagorno-Karabakh": nagornokarabakh, nagorno, karabakh).
function textWords(text) {
  const words = [];
  for (const token of text.split(/\s+/)) {
    words.push(fold(token));
    if (/[\p{P}\p{S}]/u.test(token)) words.push(...token.split(/[\p{P}\p{S}]+/u).map(fold));
  }
  return words.filter(Boolean);
}

async function ids(search) {
  const found = await search;
  return new Set((found ? found.results : []).map((result) => result.id));
}

// The pages that answer `query`, best first (or in date order), before any filter: every
// word matched as written or stemmed ("exact"); else, when only the last word has no such
// match, pages checked to hold a word beginning with it ("partial"); else none.
async function match(query, sort) {
  const words = queryWords(query);
  const options = sort ? { sort: { date: SORTS[sort] } } : {};
  // A quoted word is Pagefind's exact search: the word or a stemmed form, nothing longer or shorter.
  const [ranked, ...exact] = await Promise.all([
    pagefind.search(query, options), ...words.map((word) => ids(pagefind.search(`"${word}"`))),
  ]);
  const results = ranked ? ranked.results : [];
  const within = (sets) => (result) => sets.every((set) => set.has(result.id));
  if (exact.every((set) => set.size > 0)) {
    const matches = results.filter(within(exact));
    const ranked = sort ? matches : await rankAsRegistered(query, matches, options);
    return { mode: "exact", results: ranked, complete: matches.length === results.length };
  }
  const last = words.length - 1;
  const prefix = fold(words[last] || "");
  if (last < 0 || exact.slice(0, last).some((set) => set.size === 0) || prefix.length < PARTIAL_MIN) {
    return { mode: "none", results: [] };
  }
  const candidates = results.filter(within(exact.slice(0, last)));
  if (candidates.length > PARTIAL_LIMIT) return { mode: "wide", results: [], word: words[last] };
  // Pagefind found the last word's pages by words beginning with it, or, when no word
  // does, by a shorter word it begins with: only pages that hold a word beginning with it
  // are partial matches. Most likely to be real ones come first, so a fake set costs one page.
  if (!candidates.length || !(await beginsWith(candidates[0], prefix))) return { mode: "none", results: [] };
  const checked = await Promise.all(candidates.map((result) => beginsWith(result, prefix)));
  return { mode: "partial", results: candidates.filter((_, i) => checked[i]), word: words[last] };
}

async function beginsWith(result, prefix) {
  const data = await result.data();
  const text = [data.content, ...Object.values(data.meta || {})].join(" ");
  return textWords(text).some((word) => word.startsWith(prefix));
}

// The places and people a result names, from its metadata (templates/_names.html):
// facet, id, and spellings with the archive's own first.
function namesOf(data) {
  const names = [];
  for (const field of NAME_FIELDS) {
    for (const part of (data.meta[field] || "").split(" ; ")) {
      const split = part.indexOf(": ");
      if (split > 0) {
        const spellings = part.slice(split + 2).split(" · ");
        names.push({ facet: field === "places" ? "place" : "person", id: part.slice(0, split), spellings, words: new Set(textWords(spellings.join(" "))) });
      }
    }
  }
  return names;
}

// The places and people a result names whose spellings hold a word of the query: they are
// why a brief that does not use the reader's spelling is a match.
function namedMatches(data, query) {
  const wanted = queryWords(query).map(fold);
  return namesOf(data).filter((name) => wanted.some((word) => name.words.has(word))).map((name) => labelOf(name.facet, name.id));
}

// A reader's spelling of a registered name ("Bruxelles", "Пашинян") ranks the briefs as the
// archive's own spelling does, which their text uses: the matches stay the same.
async function rankAsRegistered(query, results, options) {
  if (!results.length) return results;
  const names = namesOf(await results[0].data());
  let changed = false;
  const words = queryWords(query).map((word) => {
    const folded = fold(word);
    const name = names.find((n) => n.words.has(folded) && !textWords(n.spellings[0]).includes(folded));
    if (!name) return word;
    changed = true;
    return name.spellings[0];
  });
  if (!changed) return results;
  const again = await pagefind.search(words.join(" "), options);
  const order = new Map((again ? again.results : []).map((result, i) => [result.id, i]));
  return [...results].sort((a, b) => (order.get(a.id) ?? order.size) - (order.get(b.id) ?? order.size));
}

// --- filters and counts -------------------------------------------------------------------

function pagefindFilters(filters, except) {
  const result = {};
  for (const facet of FACETS) {
    // Values of one facet widen the results (any of them); different facets narrow them.
    if (facet !== except && filters[facet].length) result[facet] = { any: filters[facet] };
  }
  return result;
}

// Counts of every facet value among the matches. A facet's own counts ignore its own
// selection, so choosing one type still shows how many briefs the other types would add.
// Pagefind counts its own results; when some of those are not shown as matches, each value
// it counts is counted again among the matches (its index chunks are loaded already).
async function countsOf(query, search, state, matches) {
  const counts = { ...search.filters };
  for (const facet of FACETS) {
    if (!state.filters[facet].length) continue;
    const wider = await pagefind.search(query || null, { filters: pagefindFilters(state.filters, facet) });
    if (wider) counts[facet] = wider.filters[facet] || {};
  }
  if (!matches) return counts;
  for (const facet of FACETS) {
    const exact = {};
    for (const [value, n] of Object.entries(counts[facet] || {})) {
      if (!n) continue;
      const filters = { ...pagefindFilters(state.filters, facet), [facet]: { any: [value] } };
      exact[value] = [...(await ids(pagefind.search(query, { filters })))].filter((id) => matches.has(id)).length;
    }
    counts[facet] = exact;
  }
  return counts;
}

// --- searching --------------------------------------------------------------------------

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
    suggestions.hidden = true;
    startHint.hidden = false;
    showCounts(counts, state);
    settle(mine, state, "");
    return;
  }
  // A search counts filter values only in the filter indexes loaded so far: wait for all.
  await allCounts;
  if (mine !== generation) return;
  const options = { filters: pagefindFilters(state.filters) };
  if (state.sort) options.sort = { date: SORTS[state.sort] };
  // Pagefind applies the filters; the matches (in their order) are those it also finds.
  const [found, search] = await Promise.all([query ? match(query, state.sort) : null, pagefind.search(query || null, options)]);
  if (mine !== generation || !search) return;
  const kept = new Set(search.results.map((result) => result.id));
  const results = found ? found.results.filter((result) => kept.has(result.id)) : search.results;
  const matches = found && !found.complete ? new Set(found.results.map((result) => result.id)) : null;
  const counts = !found || found.results.length ? await countsOf(query, search, state, matches) : {};
  if (mine !== generation) return;
  const first = await Promise.all(results.slice(0, PAGE_SIZE).map((r) => r.data()));
  if (mine !== generation) return;
  pending = results.slice(PAGE_SIZE);
  startHint.hidden = true;
  list.replaceChildren(...first.map((data) => renderResult(data, query)));
  moreButton.hidden = pending.length === 0;
  emptyHelp.hidden = results.length > 0;
  showCounts(counts, state);
  await showSuggestions(mine, results.length === 0 && query ? query : "");
  if (mine !== generation) return;
  settle(mine, state, countText(results.length, query, found || { mode: "exact" }));
}

function countText(n, query, found) {
  if (query && found.mode === "wide") return format(strings.partial_wide, { q: query, word: found.word });
  if (query && found.mode === "partial" && n > 0) {
    return format(plural(strings.partial, n), { n, q: query, word: found.word });
  }
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
  // A group with nothing to choose is left out, heading and all (and the title over none).
  for (const fieldset of fieldsets) fieldset.hidden = !fieldset.querySelector("li:not([hidden])");
  filtersTitle.hidden = fieldsets.every((fieldset) => fieldset.hidden);
}

function labelOf(facet, value) {
  const box = boxes.find((b) => b.name === facet && b.value === value);
  return box ? box.nextElementSibling.dataset.label : value;
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

function renderResult(data, query) {
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
  const types = (data.filters.type || []).map((id) => labelOf("type", id)).join(", ");
  meta.append(time, ` · ${types}`);
  item.append(heading, meta);
  const names = query ? namedMatches(data, query) : [];
  if (names.length) {
    const named = document.createElement("p");
    named.className = "named";
    named.textContent = format(strings.named, { names: names.join(", ") });
    item.append(named);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.append(...excerptNodes(data.excerpt || ""));
  item.append(excerpt);
  return item;
}

// --- suggestions --------------------------------------------------------------------------

// Names from the register close to what was typed: a spelling within a few typing errors
// of the query or of one of its words, or beginning with it.
async function showSuggestions(mine, query) {
  suggestions.hidden = true;
  if (!query) return;
  if (!register) {
    register = fetch(root.dataset.names).then((response) => (response.ok ? response.json() : [])).catch(() => []);
  }
  const entries = await register;
  if (mine !== generation) return;
  const close = closeNames(entries, query);
  if (!close.length) return;
  const items = close.map((entry) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = entry.url;
    link.textContent = entry.label;
    if (entry.lang && entry.lang !== document.documentElement.lang) link.lang = entry.lang;  // a name the page's language lacks
    const count = entry.count === 0 ? strings.suggest_unnamed
      : format(plural(strings.count, entry.count), { n: entry.count });
    item.append(link, ` (${strings[entry.kind === "places" ? "suggest_place" : "suggest_person"]}, ${count})`);
    return item;
  });
  suggestions.querySelector("ul").replaceChildren(...items);
  suggestions.hidden = false;
}

function closeNames(entries, query) {
  const typed = [fold(query.replace(/ə/g, "e")), ...queryWords(query).map((w) => fold(w.replace(/ə/g, "e")))];
  const scored = [];
  for (const entry of entries) {
    let best = Infinity;
    for (const spelling of entry.spellings) {
      const folded = fold(spelling.replace(/ə/g, "e"));
      const parts = [folded, ...textWords(spelling.replace(/ə/g, "e"))];
      for (const word of typed) {
        if (word.length < PARTIAL_MIN) continue;
        for (const part of parts) {
          const distance = part.startsWith(word) ? 0 : editDistance(word, part);
          if (distance <= Math.max(1, Math.floor(word.length / 4))) best = Math.min(best, distance);
        }
      }
    }
    if (best < Infinity) scored.push([best, -entry.count, entry.label, entry]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]));
  return scored.slice(0, SUGGESTIONS).map((item) => item[3]);
}

// Typing errors between two words: letters added, left out, changed or swapped.
function editDistance(a, b) {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  const rows = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i += 1) {
    rows[i] = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

async function showMore() {
  const mine = begin();
  const state = stateFromControls();
  const next = pending.slice(0, PAGE_SIZE);
  const datas = await Promise.all(next.map((r) => r.data()));
  if (mine !== generation) return;
  pending = pending.slice(PAGE_SIZE);
  const items = datas.map((data) => renderResult(data, state.q.trim()));
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
  await module.options({ basePath: bundle, baseUrl: root.dataset.base, ranking: RANKING });
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
