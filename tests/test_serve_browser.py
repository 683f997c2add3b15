"""In Chromium: pages served by `serve` reload after a save and show build errors in an overlay."""

from __future__ import annotations

from playwright.sync_api import expect

from serve_support import WAIT, running_server, wait_until

PAGE = "briefs/2023-12-07-joint-statement/"
TIMEOUT_MS = WAIT * 1000


def test_an_open_page_reloads_after_a_save_and_shows_then_clears_build_errors(project, page):
    path = project.brief(title="Title before the save")
    with running_server(project.options()) as server:
        page.goto(server.url + PAGE)
        heading = page.locator("main h1")
        expect(heading).to_have_text("Title before the save")
        wait_until(lambda: server.state.listeners == 1, what="the page to listen for rebuilds")

        project.brief(title="Title after the save")
        expect(heading).to_have_text("Title after the save", timeout=TIMEOUT_MS)

        path.write_text(path.read_text().replace("type: statement", "type: <b>prisoner-swap</b>"))
        overlay = page.locator("#briefing-serve-errors")
        expect(overlay).to_be_visible(timeout=TIMEOUT_MS)
        expect(overlay.locator("h2")).to_contain_text("rebuild failed: 1 error in 1 file; still serving the last good build")
        expect(overlay.locator("pre")).to_contain_text(
            "content/briefs/2023/2023-12-07-joint-statement.md:4: type: unknown milestone type '<b>prisoner-swap</b>'"
        )
        assert overlay.locator("b").count() == 0  # error text is text, never markup
        assert overlay.evaluate("e => getComputedStyle(e).position") == "fixed"  # overlay.css applied
        expect(heading).to_have_text("Title after the save")  # the last good page stays

        project.brief(title="Title after the fix")
        expect(heading).to_have_text("Title after the fix", timeout=TIMEOUT_MS)
        expect(overlay).to_have_count(0)
        assert page.console_errors == []  # nothing blocked by the Content-Security-Policy


def test_several_tabs_reload_and_a_hidden_tab_lets_go_of_its_connection(project, page):
    project.brief(title="Original title")
    with running_server(project.options()) as server:
        other = page.context.new_page()
        for tab in (page, other):
            tab.goto(server.url + PAGE)
        wait_until(lambda: server.state.listeners == 2, what="both tabs to listen")

        page.evaluate(
            "() => { Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
            " document.dispatchEvent(new Event('visibilitychange')); }"
        )
        wait_until(lambda: server.state.listeners == 1, what="the hidden tab to close its connection")

        project.brief(title="Edited while hidden")
        expect(other.locator("main h1")).to_have_text("Edited while hidden", timeout=TIMEOUT_MS)
        expect(page.locator("main h1")).to_have_text("Original title")  # hidden: not reloaded yet

        page.evaluate(
            "() => { Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true});"
            " document.dispatchEvent(new Event('visibilitychange')); }"
        )
        expect(page.locator("main h1")).to_have_text("Edited while hidden", timeout=TIMEOUT_MS)
        wait_until(lambda: server.state.listeners == 2, what="both tabs to listen again")
        other.close()
        wait_until(lambda: server.state.listeners == 1, what="the closed tab's connection to end")


def test_the_error_overlay_can_be_dismissed_and_comes_back_for_new_errors(project, page):
    path = project.brief(title="A good title")
    with running_server(project.options()) as server:
        page.goto(server.url + PAGE)
        wait_until(lambda: server.state.listeners == 1, what="the page to listen for rebuilds")
        overlay = page.locator("#briefing-serve-errors")

        path.write_text(path.read_text().replace("type: statement", "type: prisoner-swap"))
        expect(overlay).to_be_visible(timeout=TIMEOUT_MS)
        close = overlay.get_by_role("button", name="Dismiss the build errors")
        close.focus()
        page.keyboard.press("Enter")  # by keyboard as well as by pointer
        expect(overlay).to_have_count(0)
        expect(page.locator("main h1")).to_have_text("A good title")  # the page under it, readable

        path.write_text(path.read_text().replace("type: prisoner-swap", "type: prisoner-swop"))
        expect(overlay).to_be_visible(timeout=TIMEOUT_MS)  # different errors: shown again
        expect(overlay.locator("pre")).to_contain_text("prisoner-swop")
        page.keyboard.press("Escape")
        expect(overlay).to_have_count(0)

        assert page.console_errors == []
