"""Convert a generated project into an equivalent Hugo project, for a fair comparison.

The same briefs (front matter mapped to Hugo taxonomies: types, actors, tags, years) and
the same pages: a page per brief, year/type/actor/tag pages with the same page size, the
timeline, the home page, the standalone pages and an Atom feed. Layouts are in bench/hugo_layouts/.
Each brief's related briefs and older/newer neighbours are chosen here by our engine and
written into its front matter, so Hugo shows the same ones by cheap lookups.
"""

from __future__ import annotations

import functools
import json
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from briefing.site.archive import Archive, assemble_archive  # noqa: E402
from briefing.content.loader import load_content  # noqa: E402
from briefing.store.parallel import default_jobs, map_chunks  # noqa: E402

LAYOUTS = Path(__file__).resolve().parent / "hugo_layouts" / "layouts"


def convert_project(project: Path, out: Path) -> Path:
    """Write a Hugo project in `out` from our project folder `project`."""
    archive = assemble_archive(load_content(project, project / "content", map_chunks=functools.partial(map_chunks, jobs=default_jobs())))
    if out.exists():
        shutil.rmtree(out)
    (out / "content" / "briefs").mkdir(parents=True)
    site = yaml.safe_load((project / "content" / "site.yaml").read_text(encoding="utf-8"))
    vocabulary = yaml.safe_load((project / "content" / "vocabulary.yaml").read_text(encoding="utf-8"))
    (out / "hugo.json").write_text(json.dumps(_config(site, vocabulary), indent=1, sort_keys=True), encoding="utf-8")
    shutil.copytree(LAYOUTS, out / "layouts")
    if (project / "templates" / "static").is_dir():
        shutil.copytree(project / "templates" / "static", out / "static" / "static")
    for kind, taxonomy in (("types", "types"), ("actors", "actors"), ("tags", "tags")):
        for term in vocabulary[kind]:
            folder = out / "content" / taxonomy / term["id"]
            folder.mkdir(parents=True)
            _write(folder / "_index.md", {"title": term["label"], "description": term["description"]}, "")
    _write(out / "content" / "timeline" / "_index.md", {"title": "Timeline"}, "")
    _write(out / "content" / "timeline" / "oldest" / "_index.md", {"title": "Timeline", "order": "oldest"}, "")
    # The briefs section itself has no page of its own in our site either.
    _write(out / "content" / "briefs" / "_index.md", {"title": "Briefs", "build": {"render": "never", "list": "always"}}, "")
    _write(out / "content" / "search.md", {"title": "Search", "layout": "search", "url": "/search/"}, "")
    # Our Data page documents downloads Hugo does not make; the page itself is matched.
    _write(out / "content" / "data.md", {"title": "Data", "summary": site["description"], "url": "/data/"}, "")
    for path in sorted((project / "content" / "pages").glob("*.md")):
        front, body = _split(path.read_text(encoding="utf-8"))
        _write(out / "content" / path.name, {"title": front["title"], "summary": front["summary"], "weight": front.get("order", 100), "url": f"/{path.stem}/", "menus": "main"}, body)
    for path in sorted((project / "content" / "briefs").rglob("*.md")):
        front, body = _split(path.read_text(encoding="utf-8"))
        hugo = {
            "title": front["title"], "date": str(front["date"]), "slug": path.stem, "url": f"/briefs/{path.stem}/",
            "summary": front["summary"], "types": [front["type"]], "actors": front["actors"],
            "tags": front.get("tags", []), "years": [str(front["date"].year)],
            "sources": [{k: str(v) for k, v in s.items()} for s in front["sources"]],
        }
        if front.get("updated"):
            hugo["lastmod"] = str(front["updated"])
        hugo.update(_neighbours(archive, path.stem))
        _write(out / "content" / "briefs" / path.name, hugo, body)
    return out


def _config(site: dict, vocabulary: dict) -> dict:
    return {
        "baseURL": site["base_url"], "title": site["title"], "languageCode": site["language"],
        "disableKinds": ["RSS", "sitemap", "robotsTXT"],
        "buildFuture": True,  # generated dates run to the end of the last year
        "taxonomies": {"type": "types", "actor": "actors", "tag": "tags", "year": "years"},
        "pagination": {"pagerSize": site.get("page_size", 20), "disableAliases": True},
        "params": {"description": site["description"], "author": site["author"], "license": site["license"], "feed_size": site.get("feed_size", 20)},
        "outputFormats": {"atom": {"mediaType": "application/atom+xml", "baseName": "feed", "isPlainText": False}},
        "mediaTypes": {"application/atom+xml": {"suffixes": ["xml"]}},
        "outputs": {"home": ["html", "atom"]},
        # Same Markdown features as ours: footnotes, tables, definition lists, smart quotes;
        # raw HTML is not rendered (Goldmark's default).
        "markup": {"goldmark": {"renderer": {"unsafe": False}, "extensions": {"typographer": {"disable": False}, "footnote": True, "table": True, "definitionList": True}}},
    }


def _neighbours(archive: Archive, brief_id: str) -> dict:
    """Front matter naming the brief's related briefs and its neighbours, as our engine chose them.

    Hugo's own `.Related` grows faster than linearly with the archive (over 100 s at 10,000
    briefs), and its section order breaks same-day ties by title where ours uses the id.
    """
    found: dict = {"related": [b.id for b in archive.related[brief_id]]}
    for name in ("older", "newer"):
        other = getattr(archive, name)[brief_id]
        if other is not None:
            found[name] = other.id
    return found


def _split(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def _write(path: Path, front: dict, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + json.dumps(front, sort_keys=True, indent=1) + "\n---\n" + body, encoding="utf-8")


if __name__ == "__main__":
    convert_project(Path(sys.argv[1]), Path(sys.argv[2]))
