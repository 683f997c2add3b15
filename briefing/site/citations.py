"""How to cite a brief: plain text, BibTeX, CSL-JSON, and the page's schema.org JSON-LD.

Pure functions of a brief, the site settings and the UI strings; the brief page shows
them (templates/_cite.html) and embeds the JSON-LD (templates/_head_meta.html).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any, Mapping

from .archive import Archive
from .dates import human_date
from ..model import Brief
from .urls import Urls

# What BibTeX reads as markup in a field value, and the text that stands for it.
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
    "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}",
}
_BIBTEX_TABLE = str.maketrans(_BIBTEX_SPECIAL)
# Inside <script> a JSON string must not contain '<', '>' or '&' literally: '</script>'
# or '<!--' in a title would end or change the block. JSON allows \uXXXX for any of them.
# U+2028/2029 are valid in JSON but were line breaks to older JavaScript parsers.
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


@dataclass(frozen=True)
class Citation:
    """Every machine and human form of a brief's citation."""

    plain: str
    bibtex: str
    csl_json: str
    json_ld: str  # safe to place between <script type="application/ld+json"> tags


@dataclass(frozen=True, eq=False)
class LazyCitation:
    """A brief's citation, made only when a template first reads it.

    Most builds render few brief pages, so the plan must not pay for every citation.
    `fingerprint` stands for everything the citation is made from (see citation_settings).
    """

    brief: Brief
    archive: Archive
    urls: Urls
    strings: Mapping[str, Any]
    fingerprint: str
    settings: str = ""  # the digest of citation_settings, which `fingerprint` includes

    @functools.cached_property
    def made(self) -> Citation:
        """The citation itself (computed once)."""
        return assemble_citation(self.brief, self.archive, self.urls, self.strings)

    plain = property(lambda self: self.made.plain)
    bibtex = property(lambda self: self.made.bibtex)
    csl_json = property(lambda self: self.made.csl_json)
    json_ld = property(lambda self: self.made.json_ld)

    def json_ld_with(self, versions: tuple = ()) -> str:
        """The JSON-LD with links to the page's versions in other languages (LanguageLink)."""
        return render_json_ld(self.brief, self.archive, self.urls, versions) if versions else self.json_ld


def citation_settings(archive: Archive, urls: Urls, strings: Mapping[str, Any]) -> tuple:
    """Everything besides the brief a citation depends on (for LazyCitation.fingerprint)."""
    return (archive.config, archive.vocabulary, urls.base_url, tuple(sorted((k, repr(v)) for k, v in strings.items())))


def assemble_citation(brief: Brief, archive: Archive, urls: Urls, strings: Mapping[str, Any]) -> Citation:
    """All citation forms of one brief."""
    return Citation(
        plain=render_plain(brief, archive, urls, strings),
        bibtex=render_bibtex(brief, archive, urls, strings),
        csl_json=json.dumps([assemble_csl(brief, archive, urls)], ensure_ascii=False, indent=2, sort_keys=True),
        json_ld=render_json_ld(brief, archive, urls),
    )


def render_plain(brief: Brief, archive: Archive, urls: Urls, strings: Mapping[str, Any]) -> str:
    """A reference in running text: author, title, site, date (and last change), URL."""
    language = archive.config.language
    changed = brief.last_modified != brief.date
    return strings["cite_plain_updated" if changed else "cite_plain"].format(
        author=archive.config.author, title=brief.title, site=archive.config.title,
        date=human_date(brief.date, language), updated=human_date(brief.last_modified, language),
        url=urls.absolute(urls.brief(brief.id)),
    )


def render_bibtex(brief: Brief, archive: Archive, urls: Urls, strings: Mapping[str, Any]) -> str:
    """A BibTeX @misc entry keyed by the brief id; the author is braced as an organisation."""
    url = urls.absolute(urls.brief(brief.id)).replace("{", "%7B").replace("}", "%7D")
    fields = [
        ("author", "{" + bibtex_escape(archive.config.author) + "}"),
        ("title", "{" + bibtex_escape(brief.title) + "}"),
        ("howpublished", bibtex_escape(archive.config.title)),
        ("year", str(brief.date.year)),
        ("month", str(brief.date.month)),
        ("date", brief.date.isoformat()),
        ("url", url),
    ]
    if brief.last_modified != brief.date:
        note = strings["cite_bibtex_updated"].format(date=brief.last_modified.isoformat())
        fields.append(("note", bibtex_escape(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{brief.id},\n{body}\n}}\n"


def bibtex_escape(text: str) -> str:
    """Escape the characters BibTeX and LaTeX read as markup."""
    return text.translate(_BIBTEX_TABLE)


def assemble_csl(brief: Brief, archive: Archive, urls: Urls) -> dict[str, Any]:
    """The brief as one CSL-JSON item (what Zotero, Mendeley and citeproc read)."""
    item: dict[str, Any] = {
        "id": brief.id,
        "type": "webpage",
        "title": brief.title,
        "author": [{"literal": archive.config.author}],
        "container-title": archive.config.title,
        "publisher": archive.config.author,
        "issued": {"date-parts": [[brief.date.year, brief.date.month, brief.date.day]]},
        "URL": urls.absolute(urls.brief(brief.id)),
        "abstract": brief.summary,
        "language": archive.config.language,
    }
    if brief.last_modified != brief.date:
        changed = brief.last_modified
        item["available-date"] = {"date-parts": [[changed.year, changed.month, changed.day]]}
    return item


def assemble_json_ld(brief: Brief, archive: Archive, urls: Urls, versions: tuple = ()) -> dict[str, Any]:
    """schema.org Article about the event, citing the brief's sources; `versions` (the page
    in every language) link a translation to its original, and the original to them."""
    config = archive.config
    url = urls.absolute(urls.brief(brief.id))
    links: dict[str, Any] = {}
    if brief.translation is not None:
        links["translationOfWork"] = {"@id": urls.absolute(brief.translation.original_url), "inLanguage": config.original}
    elif versions:
        others = [{"@id": urls.absolute(v.url), "inLanguage": v.code} for v in versions if v.code != config.language]
        if others:
            links["workTranslation"] = others
    event: dict[str, Any] = {"@type": "Event", "name": brief.title, "startDate": brief.date.isoformat()}
    if brief.end_date:
        event["endDate"] = brief.end_date.isoformat()
    return {
        "@context": "https://schema.org",
        "@type": "Article",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": brief.title[:110],  # search engines cut longer headlines
        "name": brief.title,
        "description": brief.summary,
        "datePublished": brief.date.isoformat(),
        "dateModified": brief.last_modified.isoformat(),
        "inLanguage": config.language,
        "author": {"@type": "Organization", "name": config.author},
        "publisher": {"@type": "Organization", "name": config.author, "url": urls.absolute(urls.home())},
        "isPartOf": {"@type": "WebSite", "name": config.title, "url": urls.absolute(urls.home())},
        "license": config.license,
        "articleSection": archive.term_label("types", brief.type),
        "keywords": [archive.term_label("tags", t) for t in brief.tags],
        "about": event,
        "citation": [
            {"@type": "CreativeWork", "name": s.title, "url": s.url,
             "publisher": {"@type": "Organization", "name": s.publisher},
             **({"datePublished": s.date.isoformat()} if s.date else {})}
            for s in brief.sources
        ],
        **links,
    }


def render_json_ld(brief: Brief, archive: Archive, urls: Urls, versions: tuple = ()) -> str:
    """The JSON-LD of a brief, escaped so it cannot end its <script> element early."""
    text = json.dumps(assemble_json_ld(brief, archive, urls, versions), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for character, escape in _SCRIPT_SAFE:
        text = text.replace(character, escape)
    return text
