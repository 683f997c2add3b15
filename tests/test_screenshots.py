"""Screenshots at phone and desktop widths: no page scrolls sideways; the timeline's marks
are all on screen and big enough to tap; field names never break mid-word."""

from __future__ import annotations


import pytest

from conftest import sized_page
from sitecheck import contrast

PAGES = [
    "",
    "timeline/",
    "timeline/oldest/page/2/",
    "search/?q=border&type=border-delimitation",
    "briefs/2023-12-07-first-bilateral-joint-statement/",
    "briefs/2022-09-13-border-fighting-september-2022/",
    "years/",
    "years/2025/",
    "types/",
    "actors/armenia/",
    "tags/",
    "methodology/",
    "data/",
    "404.html",
    # Longer labels in other languages (Russian's are the longest) and other scripts.
    "ru/",
    "ru/timeline/",
    "ru/briefs/2025-08-08-washington-summit-joint-declaration/",
    "ru/search/?q=граница&type=border-delimitation",
    "ru/data/",
    "hy/briefs/2024-04-19-tavush-gazakh-border-sections-agreed/",
    "hy/types/",
    "az/actors/",
    "translations/",
    "tracks/",
    "tracks/peace-treaty/",
    "tracks/border/",
    "tracks/mediation-formats/",
    "tracks/security/",
    "reactions/",
    "actors/russia/",
]


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_no_horizontal_overflow(bundled_site, serve_folder, browser, width, tmp_path):
    base = serve_folder(bundled_site)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    overflowing = []
    try:
        for path in PAGES:
            page.goto(base + path)
            shot = tmp_path / f"{path.strip('/').replace('/', '_') or 'home'}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5000
            scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            if scroll_width > inner_width:
                overflowing.append(f"/{path}: {scroll_width}px wide at {inner_width}px")
    finally:
        context.close()
    assert overflowing == []


def test_overflow_check_catches_a_wide_page(serve_folder, browser, tmp_path):
    """Control: a page wider than the viewport is reported by the same measurement."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title><body><pre>' + "x" * 400 + "</pre></body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 375, "height": 600})
    page = context.new_page()
    page.goto(serve_folder(tmp_path))
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    context.close()
    assert scroll_width > inner_width


# Phones (the smallest in use and a common one) and a desktop, with their screen heights.
SCREENS = [(320, 568), (375, 667), (1280, 800)]
MARKS = """() => {
  const shown = [...document.querySelectorAll('.timeline-svg')].filter(svg => getComputedStyle(svg).display !== 'none');
  return shown.map(svg => {
    const frame = svg.closest('.timeline-frame');
    return {
      hiddenScroll: frame.scrollWidth > frame.clientWidth,
      marks: [...svg.querySelectorAll('a.tl-mark')].map(a => {
        a.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
        const r = a.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return {href: a.getAttribute('href'), x: r.x, y: r.y, w: r.width, h: r.height, right: r.right,
                left: r.x + scrollX, top: r.y + scrollY,  // on the page, wherever it is scrolled to
                tappable: hit !== null && hit.closest('a') === a};
      }),
    };
  });
}"""


@pytest.mark.parametrize("width, height", SCREENS, ids=[f"{w}px" for w, _ in SCREENS])
def test_every_timeline_mark_is_on_screen_and_at_least_24px(bundled_site, serve_folder, browser, width, height):
    base = serve_folder(bundled_site)
    with sized_page(browser, width, height) as page:
        page.goto(base)
        figures = page.evaluate(MARKS)
        assert len(figures) == 1  # one drawing shown: down the page on phones, across on desktops
        figure = figures[0]
        assert not figure["hiddenScroll"]  # nothing tucked away sideways
        marks = figure["marks"]
        assert len(marks) == len(list((bundled_site / "briefs").iterdir()))
        inner_width = page.evaluate("innerWidth")
        for mark in marks:
            assert mark["w"] >= 24 and mark["h"] >= 24, mark  # WCAG 2.2 target size
            assert mark["x"] >= 0 and mark["right"] <= inner_width, mark
            assert mark["tappable"], mark  # nothing covers it
        for i, a in enumerate(marks):
            for b in marks[i + 1:]:
                overlap = a["left"] < b["left"] + b["w"] - 0.5 and b["left"] < a["left"] + a["w"] - 0.5
                overlap = overlap and a["top"] < b["top"] + b["h"] - 0.5 and b["top"] < a["top"] + a["h"] - 0.5
                assert not overlap, (a, b)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_timeline_marks_have_3_to_1_contrast_with_what_is_behind_them(bundled_site, serve_folder, browser, scheme, width):
    with sized_page(browser, width, 900, scheme) as page:
        page.goto(serve_folder(bundled_site))
        colours = page.evaluate("""() => {
          const svg = [...document.querySelectorAll('.timeline-svg')].find(s => getComputedStyle(s).display !== 'none');
          const band = getComputedStyle(svg.querySelector('.tl-band')).fill;
          return {page: getComputedStyle(document.body).backgroundColor, band,
                  marks: [...svg.querySelectorAll('.tl-shape')].map(p => {
                    const s = getComputedStyle(p);
                    return [p.closest('a').getAttribute('class'), s.fill === 'none' ? s.stroke : s.fill];
                  })};
        }""")
        low = [
            (cls, colour, ground)
            for cls, colour in colours["marks"] for ground in (colours["page"], colours["band"])
            if contrast(colour, ground) < 3
        ]
        assert colours["marks"] and low == []
        assert contrast("rgb(119, 119, 119)", "rgb(255, 255, 255)") < 4.5  # control: the formula works


WORD_BREAKS = """() => {
  // Every line break inside a field name, as the character just before it.
  const breaks = [];
  for (const code of document.querySelectorAll('.data-fields code')) {
    const text = code.textContent;
    const tops = [];
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        tops.push([node.data[i], range.getBoundingClientRect().top]);
      }
    }
    for (let i = 1; i < tops.length; i++) {
      if (tops[i][1] > tops[i - 1][1] + 2) breaks.push([text, tops[i - 1][0]]);
    }
  }
  return breaks;
}"""


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_data_page_field_names_never_break_mid_word(bundled_site, serve_folder, browser, width):
    with sized_page(browser, width, 900) as page:
        page.goto(serve_folder(bundled_site) + "data/")
        breaks = page.evaluate(WORD_BREAKS)
        assert [b for b in breaks if b[1] != "_"] == []  # a name wraps only after an underscore
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        # Control: squeezed into a narrow column with the old rule, the same check sees a break.
        page.evaluate("""() => document.querySelectorAll('.data-fields th code').forEach(code => {
            code.style.overflowWrap = 'anywhere'; code.style.display = 'block'; code.style.width = '2.5em'; })""")
        assert any(b[1] != "_" for b in page.evaluate(WORD_BREAKS))


def test_contents_sit_beside_the_text_on_wide_screens_and_above_it_on_phones(bundled_site, serve_folder, browser):
    url = serve_folder(bundled_site) + "briefs/2023-12-07-first-bilateral-joint-statement/"
    for width, beside in ((1280, True), (375, False)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(url)
        toc, body = page.locator(".toc").bounding_box(), page.locator(".brief > .body").bounding_box()
        if beside:
            assert toc["x"] >= body["x"] + body["width"] and toc["y"] < body["y"] + body["height"]
        else:
            assert toc["y"] + toc["height"] <= body["y"]
        context.close()


def test_track_charts_fit_a_phone_and_stay_readable(bundled_site, serve_folder, browser):
    """At 375 px the charts fit the column (no box of their own to scroll), their labels are
    at least 11 px tall and their marks at least 10 px wide; at 1280 px they do not sprawl."""
    base = serve_folder(bundled_site)
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for path in ("tracks/", "tracks/border/", "tracks/mediation-formats/"):
            page.goto(base + path)
            figure = page.locator(".track-svg").first.bounding_box()
            main = page.locator("main").bounding_box()
            assert figure and main and figure["width"] <= main["width"], (width, path)
            label = page.locator(".track-svg .tr-label").first.bounding_box()
            assert label and label["height"] >= 11, (width, path, label)
            mark = page.locator(".track-svg .tr-mark path").first.bounding_box()
            assert mark and mark["width"] >= 10, (width, path, mark)
            if width == 1280:
                assert figure["width"] <= 600
        context.close()
