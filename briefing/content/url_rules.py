"""Addresses as browsers read them (the WHATWG URL Standard, through ada-url, the only module
that uses it): a link must take a reader where it appears to.

Each check returns a message for the field, or None when the address is acceptable.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

import ada_url

from .text_rules import describe_deceptive_host, find_not_carried

# Longest accepted address: the sitemaps protocol's limit for <loc>, and far beyond any
# real source address; a longer one only hides where it leads.
MAX_URL_LENGTH = 2048
# Ports browsers refuse to connect to (the Fetch standard's "bad port" list).
BLOCKED_PORTS = frozenset({
    1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
    103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
    512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
    995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
    6669, 6679, 6697, 10080,
})
_SCHEME = re.compile(r"(?i)(https?)://")
# Categories no address needs and that could hide part of one: spaces, controls, format and
# private-use characters, unassigned code points.
_HIDDEN_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn", "Cs"})
_ASCII_HIDDEN = re.compile(r"[\x00-\x20\x7f]")  # the same, for an all-ASCII address


def check_source_url(url: str) -> str | None:
    """Check a source's (or archived copy's) address: a public web page, named by its host."""
    return _check(url, public=True)


def check_base_url(url: str) -> str | None:
    """Check the site's own address, base_url: every link on the site is made from it.

    A preview may live at a local address (http://127.0.0.1:8000/), so the rules that keep
    sources public do not apply; those that keep links on the site's own host do.
    """
    message = _check(url, public=False)
    if message:
        return message
    rest = url[_SCHEME.match(url).end():]  # type: ignore[union-attr]
    path = rest[len(re.split(r"[/?#]", rest, maxsplit=1)[0]):]
    if "?" in path or "#" in path:
        return "must not have a query ('?') or fragment ('#'): page addresses are added after its path"
    if "//" in path:
        return "has '//' in its path; links made from it would lead to another host"
    if any(segment in (".", "..") for segment in path.split("/")):
        return "has '.' or '..' segments in its path; write the path browsers would resolve them to"
    return None


def _check(url: str, public: bool) -> str | None:
    if len(url) > MAX_URL_LENGTH:
        return f"is {len(url)} characters long; the limit is {MAX_URL_LENGTH}"
    if _ASCII_HIDDEN.search(url) if url.isascii() else (find_not_carried(url) or _hidden_character(url)):
        return "must not contain spaces, control or invisible characters (encode them, e.g. a space as %20)"
    if "\\" in url:
        return "contains a backslash, which browsers read as '/'; write '/' or encode it as %5C"
    scheme = _SCHEME.match(url)
    if not scheme:
        return f"must start with http:// or https://, got '{_shorten(url)}'"
    authority = re.split(r"[/?#]", url[scheme.end():], maxsplit=1)[0]
    if "@" in authority:
        user, host = authority.rsplit("@", 1)
        return f"has user info '{_shorten(user)}@' before its host: browsers go to '{_shorten(host)}', not to what comes first"
    if not authority:
        return "has no host name"
    host, message = _split_port(authority, scheme[1].lower())
    if message:
        return message
    try:
        parsed = ada_url.parse_url(url, attributes=("hostname", "host_type"))
    except ValueError:
        return "is not an address browsers can open"
    hostname = parsed["hostname"]
    if parsed["host_type"] != ada_url.HostType.DEFAULT:
        return _check_ip_host(hostname.strip("[]"), public)
    return _check_domain(host, hostname, public)


def _hidden_character(url: str) -> bool:
    return any(unicodedata.category(c) in _HIDDEN_CATEGORIES for c in url)


def _split_port(authority: str, scheme: str) -> tuple[str, str | None]:
    """The host as written and a message about the port, if it is odd."""
    if authority.startswith("["):  # an IPv6 literal, checked as an IP address later
        host, _, after = authority.partition("]")
        host += "]"
        if not after.startswith(":"):
            return host, None  # nothing after it, or something the parser refuses
        port = after[1:]
    else:
        host, colon, port = authority.partition(":")
        if not colon:
            return host, None
    if not port:
        return host, "has a ':' after its host but no port number"
    if not port.isascii() or not port.isdigit():
        return host, f"has a port that is not a number, '{_shorten(port)}'"
    number = int(port)
    if not 1 <= number <= 65535:
        return host, f"port {number} is out of range (1 to 65535)"
    if port.startswith("0"):
        return host, f"port '{port}' starts with 0; write the number plainly"
    if number in BLOCKED_PORTS:
        return host, f"port {number} is one browsers refuse to connect to"
    return host, None


def _check_ip_host(address: str, public: bool) -> str | None:
    if not public:
        return None
    ip = ipaddress.ip_address(address)
    if not ip.is_global:
        return f"points to {address}, a loopback, private, link-local or reserved address; sources must be public web pages"
    return f"names its host by the IP address {address}; cite the site by its domain name so readers can see where it leads"


def _check_domain(written: str, hostname: str, public: bool) -> str | None:
    """Check a domain host: written as browsers read it, not deceptive, public if asked."""
    shown = ada_url.idna_to_unicode(hostname)
    if any(label.startswith("xn--") for label in shown.split(".")):
        return f"has a host label that is not valid Punycode, '{_shorten(hostname)}'"
    if written.lower() not in (hostname, shown):
        return f"has the host '{_shorten(written)}', which browsers read as '{_shorten(shown)}'; write it that way"
    name = hostname[:-1] if hostname.endswith(".") else hostname  # a final dot names the same host
    if "" in name.split("."):
        return "has an empty label in its host ('..'); write the host without it"
    if public and "." not in name:
        return f"has the single-label host '{_shorten(hostname)}', which is no public site; write its full domain name"
    if shown != hostname:  # an internationalized name: can it pass for another host?
        deceptive = describe_deceptive_host(shown)
        if deceptive:
            return f"has the host '{_shorten(shown)}', which {deceptive}"
    return None


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
