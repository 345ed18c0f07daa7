"""Issue 15 part A in a real browser (Chromium at 1280 px): each input's
preview is drawn under its box, an edited input's Reset puts the model's
value back (and out of the URL), and the headline cards fit their boxes
(the advocacy card read "0.358 microdoom / M…").  With
``DEALVALUE_SCREENSHOT`` set, saves ``docs/app-inputs.png`` (sidebar and
Deal tab after an edit)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _browser import ROOT, launch, open_app, wait_idle  # noqa: E402

WIDTH, HEIGHT = 1280, 1500

# Any card whose text is cut: its value or label wider than the box that shows it.
CUT_CARDS = """() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')]
  .flatMap(el => [el, ...el.querySelectorAll('*')])
  .filter(el => el.scrollWidth > el.clientWidth + 1)
  .map(el => el.innerText)"""


@pytest.mark.parametrize("model", ["deal", "advocacy", "evidence"])
def test_headline_cards_fit_at_1280_px(server: str, model: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            open_app(page, f"{server}/?m={model}&n=10000")
            assert page.get_by_test_id("stMetricValue").count() >= 2
            assert page.evaluate(CUT_CARDS) == [], model
        finally:
            browser.close()


def test_previews_reset_and_the_link_in_a_browser(server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            open_app(page, f"{server}/?m=deal&n=10000")
            sidebar = page.get_by_test_id("stSidebar")
            first = sidebar.locator("[data-testid='stExpander']").filter(has_text="gains from trade: AI side")
            assert first.locator("img[src^='data:image/svg+xml']").count() >= 5  # the open group's previews
            assert first.get_by_text("5%:").count() >= 5
            box = page.get_by_label("AI capability index · capability", exact=True)
            box.fill("uniform(3, 6)")
            box.press("Enter")
            wait_idle(page)
            assert "i=" in page.url
            assert sidebar.get_by_text("Edited", exact=True).count() == 1
            if os.environ.get("DEALVALUE_SCREENSHOT"):
                page.screenshot(path=str(ROOT / "docs" / "app-inputs.png"))
            sidebar.get_by_role("button", name="Reset", exact=True).click()
            wait_idle(page)
            assert "i=" not in page.url and sidebar.get_by_text("Edited", exact=True).count() == 0
            assert page.get_by_label("AI capability index · capability", exact=True).input_value() == "uniform(2, 6)"
            sidebar.get_by_role("button", name="Undo", exact=True).click()
            wait_idle(page)
            assert page.get_by_label("AI capability index · capability", exact=True).input_value() == "uniform(3, 6)"
            assert "i=" in page.url
            # typed key by key and never Enter: a pause applies it (its preview and the link follow)
            box = page.get_by_label("AI capability index · capability", exact=True)
            box.fill("")
            box.press_sequentially("uniform(3, 5)", delay=40)
            page.wait_for_timeout(1500)  # past the box's pause (0.6 s), then the run
            wait_idle(page)
            assert sidebar.get_by_text("5%: 3.1 · median: 4 · 95%: 4.9").count() == 1  # uniform(3, 5) by hand
            assert page.get_by_label("AI capability index · capability", exact=True).input_value() == "uniform(3, 5)"
        finally:
            browser.close()
