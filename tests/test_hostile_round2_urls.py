"""Deceptive URLs: source and archived addresses and base_url are read as browsers read them
(WHATWG), and each deceptive form is refused with its field and line."""

from __future__ import annotations

import sys

import pytest

from briefing.build import check_site
from briefing.content.config import load_site_config
from briefing.content.url_rules import MAX_URL_LENGTH, check_base_url, check_source_url
from briefing.errors import BuildFailed
from conftest import SITE_YAML

# Each: an address that does not lead where it appears to, and a fragment of the message.
DECEPTIVE = {
    "user info before the host": ("https://known.example@other.example/", "user info"),
    "user info with a password": ("https://known.example:pass@other.example/", "user info"),
    "empty user info": ("https://@other.example/", "user info"),
    "backslash before @": ("https://known.example\\@other.example/", "backslash"),
    "backslash in the path": ("https://example.org\\path", "backslash"),
    "backslashes for slashes": ("https:\\\\evil.example/", "backslash"),
    "port out of range": ("https://example.org:99999/", "out of range"),
    "port 0": ("https://example.org:0/", "out of range"),
    "port with a leading zero": ("https://example.org:0443/", "starts with 0"),
    "port that is not a number": ("https://example.org:8o/", "not a number"),
    "empty port": ("https://example.org:/", "no port number"),
    "port browsers block": ("https://example.org:25/", "refuse to connect"),
    "loopback address": ("http://127.0.0.1/admin", "loopback, private"),
    "loopback in hex": ("http://0x7f.1/", "loopback, private"),
    "loopback as one number": ("http://2130706433/", "loopback, private"),
    "private address": ("http://192.168.1.1/", "loopback, private"),
    "link-local address": ("http://169.254.169.254/latest/meta-data/", "loopback, private"),
    "IPv6 loopback": ("http://[::1]:8080/", "loopback, private"),
    "IPv4-mapped IPv6 loopback": ("http://[::ffff:127.0.0.1]/", "loopback, private"),
    "public IP address": ("https://8.8.8.8/", "IP address"),
    "single-label host": ("https://localhost/", "single-label host"),
    "intranet name": ("https://intranet/report", "single-label host"),
    "empty label": ("https://example..org/", "empty label"),
    "full-width letters": ("https://\uff45vil.example/", "which browsers read as 'evil.example'"),
    "percent-encoded host": ("https://%65vil.example/", "which browsers read as 'evil.example'"),
    "ideographic full stop": ("https://example.org\u3002evil.example/", "which browsers read as 'example.org.evil.example'"),
    "Cyrillic a in a Latin name": ("https://\u0430pple.com/", "mixes Cyrillic and Latin"),
    "Cyrillic o twice": ("https://g\u043e\u043egle.com/", "mixes Latin and Cyrillic"),
    "Greek omicron": ("https://micr\u03bfsoft.com/", "mixes Latin and Greek"),
    "whole-script look-alike": ("https://\u0430\u0440\u0440\u04cf\u0435.com/", "looks like the host 'apple.com'"),
    "look-alike in Punycode": ("https://xn--80ak6aa92e.com/", "looks like the host 'apple.com'"),
    "invalid Punycode": ("https://xn--zz.example/", "not valid Punycode"),
    "tens of kilobytes": ("https://example.org/" + "a" * 30_000, f"the limit is {MAX_URL_LENGTH}"),
    "just over the limit": ("https://example.org/" + "a" * (MAX_URL_LENGTH - 19), f"the limit is {MAX_URL_LENGTH}"),
    "zero-width space": ("https://exam\u200bple.org/", "invisible"),
    "right-to-left override": ("https://example.org/\u202egpj.exe", "invisible"),
    "no-break space": ("https://example.org/a\u00a0b", "spaces"),
    "not http": ("javascript:alert(1)", "must start with http"),
    "no slashes": ("https:evil.example", "must start with http"),
}
# Addresses that are fine, however unusual.
ACCEPTED = [
    "https://news.az/news/moscow-hails",
    "HTTPS://EXAMPLE.ORG/Upper/Case",
    "https://www.trtworld.com:443/article/18201999",
    "https://example.org:8443/path?q=1#part",
    "https://president.az./en/articles/view/50070",  # a final dot names the same host
    "https://b\u00fccher.de/",
    "https://xn--bcher-kva.de/",
    "https://\u043c\u043e\u0441\u043a\u0432\u0430.\u0440\u0444/",
    "https://\u4f8b\u3048.jp/",
    "https://web.archive.org/web/2023/https://news.az/news/moscow-hails",
    "https://example.org/" + "a" * (MAX_URL_LENGTH - 20),
    "https://example.org/caf%C3%A9?q=%20",
]


@pytest.mark.parametrize("url,fragment", DECEPTIVE.values(), ids=DECEPTIVE.keys())
def test_a_deceptive_address_is_refused(url, fragment):
    message = check_source_url(url)
    assert message and fragment in message, message


@pytest.mark.parametrize("url", ACCEPTED)
def test_an_honest_address_is_accepted(url):
    assert check_source_url(url) is None


def test_every_whitespace_character_is_refused():
    spaces = [chr(p) for p in range(sys.maxunicode + 1) if chr(p).isspace()]
    assert len(spaces) > 20
    for space in spaces:
        assert check_source_url(f"https://example.org/a{space}b"), repr(space)


@pytest.mark.parametrize("field", ["url", "archived"])
@pytest.mark.parametrize("case", ["user info before the host", "backslash before @", "port out of range", "loopback address",
                                  "Cyrillic a in a Latin name", "tens of kilobytes", "full-width letters"])
def test_refused_with_its_field_and_line(project, field, case):
    url, fragment = DECEPTIVE[case]
    line = "    url: https://news.az/news/moscow-hails\n"
    quoted = '"' + url.replace("\\", "\\\\") + '"'
    replacement = f"    url: {quoted}\n" if field == "url" else line + f"    archived: {quoted}\n"
    path = project.brief()
    path.write_text(path.read_text(encoding="utf-8").replace(line, replacement), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        check_site(project.options())
    [problem] = failure.value.problems
    assert (problem.line, problem.field) == (10 if field == "url" else 11, f"sources[1].{field}"), problem
    assert fragment in problem.message


BASE_REFUSED = {
    "path starting with //": ("https://example.org//evil.example/", "'//' in its path"),
    "// later in the path": ("https://example.org/archive//evil.example/", "'//' in its path"),
    "dot segments": ("https://example.org/a/../", "'.' or '..' segments"),
    "query": ("https://example.org/archive/?x=1", "query"),
    "fragment": ("https://example.org/archive/#top", "fragment"),
    "user info": ("https://user@example.org/", "user info"),
    "backslash": ("https://example.org\\archive/", "backslash"),
    "look-alike host": ("https://ex\u0430mple.org/", "mixes"),
    "port out of range": ("https://example.org:70000/", "out of range"),
    "not http": ("ftp://example.org/", "must start with http"),
}


@pytest.mark.parametrize("url,fragment", BASE_REFUSED.values(), ids=BASE_REFUSED.keys())
def test_a_base_url_that_would_send_links_elsewhere_is_refused(project, url, fragment):
    assert fragment in (check_base_url(url) or "")
    project.write("content/site.yaml", SITE_YAML.replace("base_url: https://example.org/", f'base_url: "{url.replace(chr(92), chr(92) * 2)}"'))
    config, problems = load_site_config(project.root, project.root / "content")
    assert config is None and [(p.path, p.line, p.field) for p in problems] == [("content/site.yaml", 3, "base_url")], problems
    assert fragment in problems[0].message


@pytest.mark.parametrize("url", ["https://example.org/", "https://example.org/archive/", "http://127.0.0.1:8000/", "http://localhost:8000/x/", "https://octo.github.io/archive"])
def test_a_base_url_may_be_local_for_a_preview(url):
    assert check_base_url(url) is None
