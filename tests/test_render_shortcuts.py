"""The renderer's shortcuts (UI strings as attributes, plain calls without Jinja's checks,
term labels looked up once) behave exactly like the plain Jinja ways they replace."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from briefing.errors import BuildFailed
from briefing.model import Term, Vocabulary
from briefing.site.plan import OutputFile
from briefing.output.render import TemplateRenderer
from briefing.site.urls import Urls


class Lookup:
    """An object with methods, as templates call them (like Urls or Archive)."""

    def label(self, key: str) -> str:
        return {"a": "Alpha"}[key] if key == "a" else next(iter(()))  # unknown: StopIteration

    @jinja2.pass_context
    def page_kind(self, context, suffix: str) -> str:
        return context["kind"] + suffix


@jinja2.pass_context
def kind_of(context) -> str:
    return context.get("kind", "?")


def render(tmp_path: Path, source: str, strings: dict | None = None, **context) -> str:
    templates = tmp_path / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "page.html").write_text(source, encoding="utf-8")
    renderer = TemplateRenderer(templates, tmp_path, {"t": strings or {}, "lookup": Lookup(), "kind_of": kind_of})
    return renderer.render(OutputFile("page.html", "page.html", "/", context))


def test_ui_strings_read_as_attributes_and_items(tmp_path: Path):
    strings = {"hello": "Hi <you>", "items": "shadowed", "with space": "ok", "greet": "Hi {name}"}
    out = render(tmp_path, "{{ t.hello }}|{{ t['items'] }}|{{ t['with space'] }}|{{ t.greet.format(name='A&B') }}|{{ t.items is callable }}", strings)
    # A string named like a dict method stays reachable by item, as in a plain dict.
    assert out == "Hi &lt;you&gt;|shadowed|ok|Hi A&amp;B|True"


def test_functions_that_take_the_context_still_get_it(tmp_path: Path):
    out = render(tmp_path, "{{ kind_of() }} {{ lookup.page_kind('!') }}{% for x in [1] %} {{ kind_of() }}{% endfor %}", kind="brief")
    assert out == "brief brief! brief"


def test_macros_and_methods_are_called_with_their_arguments(tmp_path: Path):
    source = "{% macro m(a, b='d') %}{{ a }}-{{ b }}{% endmacro %}{% macro w(a) %}[{{ a }}{{ caller() }}]{% endmacro %}" \
             "{{ m(1) }} {{ m(1, b=2) }} {% call w(3) %}in{% endcall %} {{ lookup.label('a') }} {{ 'x,y'.split(',')|join('+') }}"
    assert render(tmp_path, source) == "1-d 1-2 [3in] Alpha x+y"


def test_a_call_that_raises_stop_iteration_is_an_undefined_value(tmp_path: Path):
    with pytest.raises(BuildFailed) as failed:
        render(tmp_path, "{{ lookup.label('zzz') }}")
    assert "StopIteration" in str(failed.value.problems[0])


def test_term_lookup_keeps_the_first_of_an_id_and_refuses_unknown_ones():
    from briefing.site.archive import Archive

    vocabulary = Vocabulary((Term("a", "First", ""), Term("a", "Second", "")), (Term("x", "Actor", ""),), ())
    archive = Archive(None, vocabulary, (), (), (), {}, {}, {}, {}, {})  # type: ignore[arg-type]
    assert archive.term_label("types", "a") == "First"
    assert archive.term_label("actors", "x") == "Actor"
    with pytest.raises(StopIteration):
        archive.term("tags", "a")


def test_urls_work_out_their_base_once_and_stay_plain_data():
    urls = Urls("https://example.org/archive")
    assert (urls.base_path, urls.origin) == ("/archive/", "https://example.org")
    assert urls.brief("x") == "/archive/briefs/x/" and urls == Urls("https://example.org/archive")
