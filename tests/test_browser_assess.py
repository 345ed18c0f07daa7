"""The Assessments tab in a real browser: Debian's Chromium driven by Playwright.

Starts ``streamlit run app.py`` with ``DEALVALUE_DB`` on a temporary SQLite
file holding two assessors' assessments of one system, opens the tab,
chooses the system, records one more assessment from the page, and saves a
screenshot at 1280 px (to ``docs/assessments.png`` as well when
``DEALVALUE_SCREENSHOT`` is set).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _browser import ROOT, launch, streamlit_server, wait_idle  # noqa: E402

WIDTH, HEIGHT = 1280, 2900  # tall: Streamlit scrolls inside the page, so the whole tab must fit the viewport
SYSTEM = "Claude 9"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    from dealvalue import assess

    url = f"sqlite:///{tmp_path_factory.mktemp('assess') / 'team.sqlite'}"
    assess.add_system(SYSTEM, developer="Anthropic", version="9.0", db=url)
    for who, day, reality in [("alice", "2031-01-10", "beta(2, 8)"), ("bob", "2031-02-01", "beta(6, 4)"),
                              ("alice", "2031-03-15", "beta(3, 7)"), ("bob", "2031-04-20", "beta(7, 3)")]:
        assess.add("deal", system=SYSTEM, assessor=who, date=day, inputs={"reality": reality}, n=10_000, seed=1, db=url)
    return url


@pytest.fixture(scope="module")
def server(db: str) -> Iterator[str]:
    """A Streamlit server for app.py on a free loopback port, always stopped."""
    with streamlit_server({"DEALVALUE_DB": db}) as url:
        yield url


def test_record_an_assessment_and_screenshot(server: str, db: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from dealvalue import assess

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto(server, wait_until="domcontentloaded")
            page.get_by_test_id("stMetricValue").first.wait_for(timeout=60_000)
            wait_idle(page)
            tabs = page.get_by_role("tablist").first
            width = tabs.evaluate("(l) => [l.scrollWidth, l.clientWidth]")
            assert width[0] <= width[1], f"the tab names overflow their row at {WIDTH} px: {width}"
            page.get_by_role("tab", name="Assessments").click()
            wait_idle(page)
            page.get_by_text("Writes to and reads from").wait_for(timeout=30_000)
            box = page.get_by_role("combobox", name="AI system")
            box.click()
            page.get_by_role("option", name=SYSTEM).click()
            wait_idle(page)
            page.get_by_text(f"History of {SYSTEM}").wait_for(timeout=30_000)

            assessor = page.get_by_role("textbox", name="Assessor")
            assessor.fill("carol")
            assessor.press("Enter")
            wait_idle(page)
            date = page.get_by_role("textbox", name="Date")
            date.fill("2031-05-05")
            date.press("Enter")
            wait_idle(page)
            page.get_by_role("button", name="Record assessment").click()
            page.get_by_text(re.compile(r"Recorded assessment \d+ of Claude 9 by carol")).wait_for(timeout=120_000)
            wait_idle(page)
            stored = assess.assessments(db=db)
            assert stored["assessor"].tolist()[-1] == "carol"
            # the pooled view has three assessors now; let the charts settle, then the picture
            page.get_by_text("Pooled P(feasible):").wait_for(timeout=60_000)
            page.evaluate("() => { window.scrollTo(0, 0); document.querySelectorAll('*').forEach(e => { if (e.scrollTop > 0) e.scrollTop = 0; }); }")
            page.wait_for_timeout(1500)
            shot = tmp_path / "assessments.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            if os.environ.get("DEALVALUE_SCREENSHOT"):
                shutil.copyfile(shot, ROOT / "docs" / "assessments.png")
        finally:
            browser.close()
