"""The app in a real browser: Debian's Chromium driven by Playwright.

Starts ``streamlit run app.py`` on a free loopback port, changes an input,
checks the headline moves, downloads the workbook and opens it with
openpyxl, and saves a screenshot (to ``docs/app.png`` as well when
``DEALVALUE_SCREENSHOT`` is set).  Fails, never skips, where
``/usr/bin/chromium`` is missing; ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).parent))
from _browser import ROOT, headline, launch, wait_idle  # noqa: E402

WIDTH, HEIGHT = 1280, 1000

def _default_model():  # type: ignore[no-untyped-def]
    import dealvalue as dv

    deal = ROOT / "dealvalue" / "models" / "deal.toml"
    return dv.Model.load(deal if deal.exists() else ROOT / "dealvalue" / "models" / "evidence.toml")


def test_change_input_download_and_screenshot(server: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, accept_downloads=True)
            page.goto(server, wait_until="domcontentloaded")
            page.get_by_test_id("stMetricValue").first.wait_for(timeout=60_000)
            wait_idle(page)
            before = headline(page)
            # the page as it opens (scrolled to the top: Streamlit scrolls inner containers), charts settled
            page.evaluate("() => { window.scrollTo(0, 0); document.querySelectorAll('*').forEach(e => { if (e.scrollTop > 0) e.scrollTop = 0; }); }")
            wait_idle(page)
            page.wait_for_timeout(1000)
            shot = tmp_path / "app.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            if os.environ.get("DEALVALUE_SCREENSHOT"):
                shutil.copyfile(shot, ROOT / "docs" / "app.png")
            assert re.fullmatch(r"\d+(\.\d)?%", before), before

            # the AI's connection to reality: set it low, so fewer deals are feasible
            # accessible names are plain text: "AI's connection to reality · reality", no Markdown backticks
            box = page.get_by_role("textbox", name=re.compile(r"· reality$")).first
            if not box.is_visible():  # its taxonomy group starts collapsed: open it
                group = _default_model().cell("reality").group
                page.locator("details summary", has_text=group).first.click()
            box.wait_for(state="visible", timeout=30_000)
            box.fill("0.2")
            box.press("Enter")
            page.wait_for_function(
                "(old) => { const e = document.querySelector('[data-testid=\"stMetricValue\"]');"
                " return e && e.innerText.trim() !== old; }",
                arg=before, timeout=60_000,
            )
            wait_idle(page)
            after = headline(page)
            assert after != before
            assert float(after.rstrip("%")) < float(before.rstrip("%"))
            # the number the library gives for the same inputs, samples and seed
            model = _default_model()
            model.replace("reality", "0.2")
            expected = model.simulate(n=100_000, seed=model.seed).prob("feasible")  # the page starts on the model's own seed
            assert after == f"{100 * expected:.1f}%"

            page.get_by_role("button", name=re.compile("Build Excel workbook")).click()
            download = page.get_by_role("button", name=re.compile(r"Download workbook"))
            download.wait_for(state="visible", timeout=180_000)
            with page.expect_download(timeout=60_000) as info:
                download.click()
            target = tmp_path / "download.xlsx"
            info.value.save_as(str(target))
            wb = load_workbook(target)
            try:
                assert "Inputs" in wb.sheetnames, wb.sheetnames
                # the workbook is of the current scenario: reality is the 0.2 typed above
                rows = [list(row) for row in wb["Inputs"].iter_rows(values_only=True)]
                hit = [row for row in rows if "reality" in row[:3]]
                assert len(hit) == 1 and "0.2" in [str(c) for c in hit[0]], hit
            finally:
                wb.close()
        finally:
            browser.close()
