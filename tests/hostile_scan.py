"""Scan built output for anything executable: a real HTML parser for pages and HTML
fragments, JSON and XML parsers for feeds and data, the csv module for CSV.

Each finding is a string naming the file and what was found; a safe site has none.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

FORBIDDEN_TAGS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "style", "base", "form",
    "input", "button", "textarea", "select", "math", "svg", "img", "video", "audio", "source",
    "link", "meta", "script", "template", "noscript", "portal", "xmp", "plaintext", "param",
}
# What the theme itself may use, and only in the shape the theme uses it (checked below).
THEME_TAGS = {"form", "input", "button", "select", "script", "link", "meta", "img", "svg", "template", "noscript"}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset",
    "background", "cite", "codebase", "longdesc", "manifest", "icon", "ping", "lowsrc",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
# What a browser ignores when it reads a URL (WHATWG URL parser): C0 controls and spaces
# at either end, tabs and newlines anywhere.
_URL_EDGES = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in an attribute value (entities already decoded)."""
    cleaned = _TAB_OR_NEWLINE.sub("", html.unescape(value).strip(_URL_EDGES))
    match = _SCHEME.match(cleaned)
    return match[1].lower() if match else None


def bad_url(value: str) -> bool:
    """Whether a URL value would run code or smuggle a document (javascript:, data:, ...)."""
    scheme = url_scheme(value)
    return scheme is not None and scheme not in SAFE_SCHEMES


class _Scanner(HTMLParser):
    def __init__(self, where: str, theme: bool, base_path: str):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.theme = theme  # a whole page (theme tags allowed in theme shape) or a fragment
        self.base_path = base_path
        self.findings: list[str] = []
        self.script: dict | None = None
        self.script_text: list[str] = []

    def report(self, message: str) -> None:
        self.findings.append(f"{self.where}: {message}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.check_tag(tag, dict((k, v or "") for k, v in attrs), attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.check_tag(tag, dict((k, v or "") for k, v in attrs), attrs)

    def check_tag(self, tag: str, values: dict[str, str], attrs: list) -> None:
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.report(f"<{tag}> has event handler {name}={value!r}")
            if name == "style":
                self.report(f"<{tag}> has a style attribute {value!r}")
            if name in URL_ATTRIBUTES and bad_url(value):
                self.report(f"<{tag} {name}={value!r}> uses a forbidden URL scheme")
            if name == "srcset" and any(bad_url(part.strip()) for part in value.split(",")):
                self.report(f"<{tag}> srcset has a forbidden URL")
        if tag not in FORBIDDEN_TAGS:
            return
        if not self.theme or tag not in THEME_TAGS or not self.theme_shaped(tag, values):
            self.report(f"forbidden element <{tag} {values}>")
        if tag == "script":
            self.script = values
            self.script_text = []

    def theme_shaped(self, tag: str, values: dict[str, str]) -> bool:
        """Theme elements are only ever these shapes; content cannot make them."""
        same_site = lambda url: url.startswith(self.base_path) and not url.startswith("//")  # noqa: E731
        if tag == "script":
            if values.get("type") == "application/ld+json":
                return "src" not in values
            return same_site(values.get("src", "")) and set(values) <= {"src", "defer", "type", "async"}
        if tag == "meta":
            if values.get("http-equiv", "").lower() == "refresh":
                return False
            return "http-equiv" not in values or values["http-equiv"].lower() == "content-security-policy"
        if tag == "link":
            return values.get("rel", "") != "import"
        if tag == "form":
            return same_site(values.get("action", "")) and values.get("method", "get") == "get"
        return True

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            text = "".join(self.script_text)
            if self.script.get("type") == "application/ld+json":
                try:
                    self.findings += scan_strings(json.loads(text), f"{self.where} JSON-LD")
                except ValueError:
                    self.report(f"JSON-LD block is not valid JSON (break-out?): {text[:80]!r}")
            elif text.strip():
                self.report(f"inline script {text[:80]!r}")
            self.script = None


def scan_html(text: str, where: str, base_path: str = "/", page: bool = True) -> list[str]:
    """Findings in an HTML page (`page`) or a fragment that must hold no theme elements."""
    scanner = _Scanner(where, page, base_path)
    scanner.feed(text)
    scanner.close()
    findings = scanner.findings
    if "<!--[if" in text.lower() or "<![cdata[" in text.lower():
        findings.append(f"{where}: conditional comment or CDATA section in HTML")
    return findings


# Keys and elements that hold a URL, and those that hold HTML, in JSON and XML outputs.
_URL_KEY = re.compile(r"(url|link|href|^@?id$|image|icon|sameas|^loc$|^uri$|^logo$)", re.I)
_JSON_HTML_KEY = re.compile(r"html$", re.I)
_XML_HTML_TAG = re.compile(r"^(description|encoded)$")
_DANGEROUS = ("javascript", "vbscript", "data", "file")


def _dangerous_url(value: str) -> bool:
    return url_scheme(value) in _DANGEROUS


def scan_strings(value, where: str, key: str = "") -> list[str]:
    """Findings in parsed JSON: URL fields must be safe, HTML fields must be clean."""
    findings: list[str] = []
    if isinstance(value, dict):
        for name, item in value.items():
            findings += scan_strings(item, f"{where}.{name}", str(name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            findings += scan_strings(item, f"{where}[{index}]", key)
    elif isinstance(value, str):
        if _URL_KEY.search(key) and _dangerous_url(value):
            findings.append(f"{where}: {url_scheme(value)}: URL {value[:60]!r}")
        if _JSON_HTML_KEY.search(key):
            findings += scan_html(value, where, page=False)
    return findings


def scan_xml(text: str, where: str) -> list[str]:
    """Findings in an XML file: it must parse, and its links and HTML content must be safe."""
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as exc:
        return [f"{where}: XML does not parse ({exc}): content broke out of its element?"]
    findings: list[str] = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if element.tag.startswith("{http://www.w3.org/1999/xhtml}"):
            findings.append(f"{where}: XHTML element <{tag}> in feed")
        for name, value in element.attrib.items():
            if _URL_KEY.search(name.rsplit("}", 1)[-1]) and _dangerous_url(value):
                findings.append(f"{where}: <{tag} {name}={value!r}>")
        body = (element.text or "").strip()
        if _URL_KEY.search(tag) and body and _dangerous_url(body):
            findings.append(f"{where}: <{tag}> holds a {url_scheme(body)}: URL")
        if body and (element.get("type") in ("html", "xhtml") or _XML_HTML_TAG.search(tag)):
            findings += scan_html(body, f"{where} <{tag}>", page=False)
    return findings


def scan_csv(text: str, where: str) -> list[str]:
    """Findings in a CSV file: no cell may start like a spreadsheet formula."""
    findings: list[str] = []
    for row_number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        for column, cell in enumerate(row, start=1):
            if cell.startswith(CSV_FORMULA_STARTS):
                findings.append(f"{where}:{row_number}:{column}: cell starts like a formula {cell[:40]!r}")
    return findings


def scan_tree(folder: Path, base_path: str = "/") -> tuple[list[str], dict[str, int]]:
    """Findings in every file under `folder`, and how many files of each kind were scanned."""
    findings: list[str] = []
    counts: dict[str, int] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative.startswith("static/") or (relative.startswith("pagefind/") and path.suffix != ".pf_fragment"):
            continue  # the theme's own files; Pagefind's code and binary index
        if path.suffix == ".pf_fragment":
            # A search result: gzip of b"pagefind_dcd" + JSON. Its content is plain text that
            # search.js shows as text (tested in Chromium); its URLs must be safe.
            data = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
            findings += scan_strings(data, relative)
            counts[".pf_fragment"] = counts.get(".pf_fragment", 0) + 1
            continue
        suffix = path.suffix.lower()
        text = path.read_bytes().decode("utf-8", errors="replace")
        if suffix in (".html", ".htm"):
            findings += scan_html(text, relative, base_path)
        elif suffix in (".xml", ".atom", ".rss", ".svg"):
            findings += scan_xml(text, relative)
        elif suffix == ".json" or suffix == ".jsonld":
            try:
                findings += scan_strings(json.loads(text), relative)
            except ValueError as exc:
                findings.append(f"{relative}: JSON does not parse ({exc})")
        elif suffix == ".csv":
            findings += scan_csv(text, relative)
        # Other files (robots.txt, .bib, .nojekyll) are plain text: never run as markup.
        counts[suffix or "(none)"] = counts.get(suffix or "(none)", 0) + 1
    return findings, counts
