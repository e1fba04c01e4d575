"""The exercise's web page in headless Chromium (Debian's, driven by Playwright): turns
played through the forms, the figure loaded and redrawn, the files written; a team's
tab showing the next turn by itself. Nothing is fetched from anywhere but the page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, sync_playwright

from tests.webpage import serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: As root, without a sandbox; no GPU; and none of the browser's own calls home, which
#: this machine's closed network would refuse.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="chromium is not installed (Debian: apt-get install chromium; .ci/run does)")


def browser(playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def figure(page: Page) -> tuple[int, str]:
    """The staff figure as the page shows it: its width in pixels once loaded, and its
    pixels (as a data URL) to tell one drawing from another.
    """
    page.wait_for_function("() => { const i = document.getElementById('staff');"
                           " return i.complete && i.naturalWidth > 0; }", timeout=60_000)
    return tuple(page.evaluate("""() => {
        const img = document.getElementById('staff');
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        canvas.getContext('2d').drawImage(img, 0, 0);
        return [img.naturalWidth, canvas.toDataURL()];
    }"""))


def test_two_turns_and_finish_through_the_page(tmp_path):
    """Turn 1: open `expel`, type 30, add it, submit; turn 2: submit no move; finish. The
    figure loads and is redrawn after the turn, the page links the files written, and
    exercise.yaml holds the one move played.
    """
    out = tmp_path / "out"
    with serving(out) as server, sync_playwright() as playwright:
        ex, chromium = server.room.ex, browser(playwright)
        try:
            page = chromium.new_page(viewport={"width": 1400, "height": 1000})
            asked: list[str] = []
            page.on("request", lambda request: asked.append(request.url))
            page.goto(server.url)
            before = figure(page)
            page.click("#move-US-expel summary")
            page.fill("#move-US-expel input[name='p.count']", "30")
            page.click("#move-US-expel button[value=order]")
            orders = page.inner_text("#orders-US")
            page.click("#submit-US")
            page.wait_for_selector(f"h2:has-text('Turn 2 of {len(ex.dates)}')")
            after = figure(page)
            no_move = page.inner_text("#submit-US")
            page.click("#submit-US")
            page.wait_for_selector(f"h2:has-text('Turn 3 of {len(ex.dates)}')")
            page.click("#finish-button")
            page.wait_for_selector("#written")
            written = page.inner_text("#written")
            page.click("#written a[href='/files/exercise.yaml']")
            shown = page.inner_text("body")
        finally:
            chromium.close()
    assert "Expulsion of 30 staff, to leave within 7 days: would take" in orders
    assert before[0] > 0 and after[0] > 0 and before[1] != after[1]
    assert no_move == "Submit US's orders: no move"
    assert f"2 of {len(ex.dates)} turns played" in written and "brief.md" in written
    assert shown.strip() == (out / "exercise.yaml").read_text(encoding="utf-8").strip()
    moves = yaml.safe_load(shown)["moves"]
    assert [(m["date"], m["move"], m["count"]) for m in moves] == [(ex.dates[0], "expel", 30)]
    assert (out / "brief.md").is_file() and (out / "events.csv").is_file()
    assert asked and all(url.startswith(server.url) for url in asked), asked


def test_a_teams_tab_shows_the_next_turn_by_itself(tmp_path):
    """`--play both`, a tab per team: the US submits and its tab says it waits; when the
    Russian tab submits, the US tab shows turn 2 without being touched.
    """
    with serving(tmp_path / "out", play="both") as server, sync_playwright() as playwright:
        chromium = browser(playwright)
        try:
            us, ru = chromium.new_page(), chromium.new_page()
            us.goto(server.url + "?side=US")
            ru.goto(server.url + "?side=RU")
            us.click("#submit-US")
            waiting = us.inner_text("#orders-US")
            ru.click("#submit-RU")
            ru.wait_for_selector("h2:has-text('Turn 2 of')")
            us.wait_for_selector("h2:has-text('Turn 2 of')", timeout=30_000)
            url = us.url
        finally:
            chromium.close()
    assert "US has submitted; waiting for RU" in waiting
    assert url.startswith(server.url + "?side=US")
