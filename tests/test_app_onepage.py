"""Issue 15: the one-page summary a grantmaker shares (AppTest, headless, and the builder).

The page holds the library's numbers for the page's inputs (checked against
the library run directly), every edited input with its source, and the link
that reproduces the page; it needs no network and escapes the model's text.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

import dealvalue as dv
from dealvalue import deals, models
from dealvalue.webapp import onepage, share

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
N = 10_000
SEED = 20260422  # the deal model's own seed: the page starts on it
TIMEOUT = 120
EDIT = "pert(0.6, 0.8, 0.95)"


def _input(at: AppTest, cell: str):  # type: ignore[no-untyped-def]
    hits = [t for t in at.text_input if t.label == cell or t.label.endswith(f" · {cell}") or f" · {cell} (" in t.label]
    assert len(hits) == 1, [t.label for t in at.text_input]
    return hits[0]


@pytest.fixture(scope="module")
def page() -> str:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.select_slider(key="samples").set_value(N).run()
    _input(at, "reality").set_value(EDIT).run()
    at.button(key="onepage_build").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [b for b in at.get("download_button") if "one-page summary" in b.proto.label]
    return str(at.session_state["onepage"][1])


def _model() -> dv.Model:
    m = dv.Model.loads(models.text("deal"), "deal")
    m.replace("reality", EDIT)
    return m


def _text(page: str) -> str:
    """The page's text as a reader sees it (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page.split("<body>")[1]))


def test_the_summary_holds_the_library_numbers_for_the_page(page: str) -> None:
    m = _model()
    r = m.simulate(n=N, seed=SEED)
    text = _text(page)
    p, se = r.prob("feasible"), r.stderr("feasible")
    assert f"{100 * p:.1f}%" in text and f"± {100 * se:.2f} pp (MC error)" in text
    table = deals.interventions(m, n=N, seed=SEED).reset_index()
    best = str(table["intervention"].iloc[0])
    assert f"the best intervention per dollar is {best}" in " ".join(text.split())
    for name in table["intervention"].head(onepage.TOP):
        assert str(name) in text
    effects = deals.barrier_effects(m)
    assert str(effects["label"].iloc[0]) in text and f"×{deals.report.short_number(float(effects['multiplier'].iloc[0]))}" in text
    lost = deals.deal_summary(r).loc["lost_no_zopa", "value"]
    assert f"{100 * lost:.1f}%" in text
    assert "ZOPA where a deal exists" in page and "<svg" in page  # the library's ZOPA chart, inline


def test_the_summary_lists_every_edited_input_with_its_source(page: str) -> None:
    text = " ".join(_text(page).split())
    cell = _model().cell("reality")
    assert "Inputs edited on the page (1)" in text
    assert EDIT in text and "beta(8, 2)" in text and " ".join(cell.description.split()) in text


def test_the_summary_link_reproduces_the_page(page: str) -> None:
    [link] = re.findall(r'<p class="link"><a href="([^"]+)"', page)
    params = {k: v[0] for k, v in parse_qs(urlsplit(html.unescape(link)).query).items()}
    state, notes = share.read_params(params)
    assert notes == []
    assert state["inputs"] == {"reality": EDIT} and state["n"] == N and state["seed"] == SEED
    assert state["base"] == models.text("deal")


def test_the_summary_needs_no_network_and_runs_no_script(page: str) -> None:
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page
    assert "url(" not in page and " src=" not in page
    assert page.count("href=") == 1  # the link to the page, and nothing fetched


def test_model_text_is_escaped_on_the_summary() -> None:
    m = deals.core_model(R=10)
    m.name = "<script>alert(1)</script>"
    hostile = m.copy()
    hostile.replace("W", "120", label="<img src=x onerror=alert(1)>", description="<b>bold</b> & co")
    r = hostile.simulate(n=200, seed=1)
    table = deals.interventions(hostile, n=200, seed=1).reset_index()
    page = onepage.summary_html(hostile, r, r, table, (("W", "100", "120", "inputs"),), "?m=x&i=<y>", seed=1,
                                model_label="<i>upload</i>", made="2031-01-01")
    body = page.split("<body>")[1]
    assert "<script" not in body and "<img" not in body and "<b>" not in body and "<i>" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body and "&lt;b&gt;bold&lt;/b&gt; &amp; co" in body
    assert 'href="?m=x&amp;i=&lt;y&gt;"' in body


def test_a_model_that_is_not_a_deal_gets_a_summary_that_says_so() -> None:
    m = dv.Model.loads(models.text("advocacy"), "advocacy")
    r = m.simulate(n=1_000, seed=1)
    page = onepage.summary_html(m, r, r, None, (), "?m=advocacy", seed=1, model_label="advocacy.toml", made="2031-01-01",
                                main=m.formulas[-1])
    text = _text(page)
    assert "Not a deal model" in text and "ZOPA where a deal exists" not in text
    assert "None: every input is at the model's own value." in text
