"""Issue 15: the app as a grantmaker meets it (AppTest, headless).

One test per defect seen; each failed before its fix.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import dealvalue as dv
from dealvalue import models

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
N = 10_000
TIMEOUT = 120


def _start(model: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.select_slider(key="samples").set_value(N).run()
    if model is not None:
        at.selectbox(key="source").set_value(f"shipped model: {model}.toml").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(at: AppTest, view: str) -> AppTest:
    at.session_state["view"] = view
    at.run()
    assert not at.exception, (view, [e.value for e in at.exception])
    return at


def _input(at: AppTest, cell: str):  # type: ignore[no-untyped-def]
    hits = [t for t in at.text_input if t.label.endswith(f" · {cell}") or f" · {cell} (" in t.label or t.label == cell]
    assert len(hits) == 1
    return hits[0]


def _text(elements) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(e.value).replace("\\", "") for e in elements]


@pytest.mark.parametrize("model", ["deal", "advocacy", "evidence"])
def test_every_tab_of_every_shipped_model_runs_and_says_what_does_not_apply(model: str) -> None:
    at = _start(model)
    for view in [t.label for t in at.tabs]:
        _open(at, view)
        assert not at.error, (model, view, _text(at.error))
    if model == "evidence":  # defect 1: evidence has no value_delivered: said, not a traceback
        _open(at, "Alternatives")
        assert any("does not apply to this model" in t and "value_delivered" in t for t in _text(at.info)), _text(at.info)


def test_zopa_card_has_no_scientific_notation_and_a_unit() -> None:
    at = _start("evidence")
    [(label, card)] = [(str(m.label), str(m.value)) for m in at.metric if str(m.label).startswith("Median ZOPA")]
    assert "e+" not in card and label.endswith("(USD)"), (label, card)
    from dealvalue.webapp.format import compact

    assert compact(1.1e8) == "110M" and compact(157.0) == "157"


def test_a_refused_input_is_said_in_the_main_area_and_about_the_input_edited() -> None:
    at = _start()
    _input(at, "reality").set_value("10 to").run()
    assert any("last valid inputs" in w for w in _text(at.main.warning)), _text(at.main.warning)
    msg = [m for m in _text(at.error) if "reality" in m][0]
    lines = msg.split("```text\n")[1].split("\n")
    assert lines[1].index("^") == len("10 to"), lines  # the caret after the unfinished range, not under the 1
    _input(at, "reality").set_value("0.8").run()
    _input(at, "commitment").set_value("5 USD").run()
    msg = [m for m in _text(at.error) if "5 USD" in m][0]
    assert msg.startswith("cell 'commitment' has no unit"), msg


def test_advocacy_labels_are_words_and_alternatives_name_their_cells() -> None:
    at = _start("advocacy")
    labels = [str(m.label) for m in at.metric]
    assert labels and not any("marginal_value_per_dollar" in x for x in labels), labels
    at = _start()
    _open(at, "Alternatives")
    assert any("marginal_value_per_dollar" in c and "expected_value" in c for c in _text(at.caption))


def test_input_set_saved_is_confirmed_compared_and_has_no_none() -> None:
    at = _start()
    _open(at, "Compare")
    at.text_input(key="input_set_name").set_value("mine").run()
    at.button[0].click().run()
    assert any("Saved the input set 'mine'" in s for s in _text(at.success)), _text(at.success)
    assert "input set: mine" in at.multiselect(key="compare").value
    assert at.dataframe[0].proto.placeholder == ""  # blanks, not a literal None, in the reference row
    assert "input set: mine" in at.selectbox(key="source").options


def test_plain_words_glossary_configurations_and_probabilities() -> None:
    at = _start()
    _open(at, "Glossary")
    text = " ".join(_text(at.markdown))
    for term in ("ZOPA", "credibility", "trust inflation", "microdoom", "barrier", "window"):
        assert f"**{term}**" in text, term
    assert "Glossary" in (at.metric[0].help or "")
    _open(at, "Configurations")
    table = [d.value for d in at.dataframe if "in_words" in d.value.columns][0]
    assert not table["in_words"].str.contains("_").any(), list(table["in_words"])
    assert table["p_text"].str.fullmatch(r"\d+\.\d% ± \d+\.\d pp|").all(), list(table["p_text"])
    assert "AI motivation profile" in [s.label for s in at.sidebar.selectbox]
    labels = " ".join(e.label for e in at.expander)
    assert "from the seed" not in labels
    assert at.sidebar.number_input(key="seed").label == "Random seed"


def test_the_model_seed_is_used() -> None:
    at = _start()
    assert at.session_state["seed"] == 20260422 == dv.Model.loads(models.text("deal"), "deal").seed
    at.selectbox(key="source").set_value("shipped model: evidence.toml").run()
    assert at.session_state["seed"] == dv.Model.loads(models.text("evidence"), "evidence").seed


def test_histogram_has_no_tall_end_bars_and_regular_log_ticks() -> None:
    from dealvalue.webapp import cache
    from dealvalue.webapp.format import log_ticks

    spec = (models.text("evidence"), (), ())
    h = cache.histogram(spec, 100_000, 1, ("ask", "bid"), True)
    for _, g in h.groupby("cell"):
        share = g["share"].to_numpy()
        assert share[0] <= 2 * share[1] + 1e-4 and share[-1] <= 2 * share[-2] + 1e-4, share
    ticks = log_ticks(float(h["start"].min()), float(h["end"].max()))
    ratios = {round(b / a, 9) for a, b in zip(ticks, ticks[1:])}
    assert len(ratios) == 1 and all(re.fullmatch(r"1(0+)?\.0|1e\+\d+|0\.0*1", str(t)) for t in ticks), ticks


def test_a_cell_named_e_does_not_read_as_eulers_number() -> None:
    """Defect 7: in the formulas a cell ``e`` is italic e, Euler's number upright e and exp(...) written exp."""
    from dealvalue.webapp.share import pack

    m = dv.Model(name="e and exp")
    m.add("e", "2 to 3")
    m.add("x", "0.5")
    m.add("y", "e * exp(x) + exp(1)")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["mt"] = pack(m.dumps())
    at.query_params["n"] = "1000"
    at.run()
    _open(at, "Formulas")
    [y] = [str(x.body).strip("$\n") for x in at.latex if "y =" in str(x.body)]
    assert y == r"y = e \cdot \exp\left(x\right) + \mathrm{e}", y


def _shown_text(at: AppTest) -> str:
    """Every word the main area shows: Markdown, captions, table headers (column config) and chart specs."""
    parts = _text(at.main.markdown) + _text(at.main.caption) + [str(d.proto.columns) for d in at.main.dataframe]

    def walk(node):  # type: ignore[no-untyped-def]
        kids = getattr(node, "children", None)
        for child in (kids.values() if isinstance(kids, dict) else []):
            yield child
            yield from walk(child)

    parts += [str(e.proto.spec) for e in walk(at.main) if getattr(e, "type", "") == "arrow_vega_lite_chart"]
    return " ".join(parts).encode().decode("unicode_escape", errors="ignore")


def test_every_view_names_the_headline_probability_by_the_cell_it_measures() -> None:
    """The card said P(a ZOPA exists) while its number was the mean of `feasible` ("a deal happens": eligibility,
    rule-outs and participation included); Interventions, Window and Configurations used the same wrong words."""
    model = dv.Model.loads(models.text("deal"), "deal")
    r = model.simulate(n=N, seed=model.seed)
    assert model.cell("feasible").label == "a deal happens" and r.mean("zopa_exists") > r.mean("feasible")
    at = _start()
    [card] = [m for m in at.metric if str(m.label).startswith("P(")]
    assert (card.label, card.value) == ("P(a deal happens)", f"{100 * r.mean('feasible'):.1f}%")
    for view in ("Interventions", "Window", "Configurations"):
        _open(at, view)
        shown = _shown_text(at)
        assert "P(a deal happens)" in shown and "P(a ZOPA exists)" not in shown, view
    table = [d.value for d in at.dataframe if "p_text" in d.value.columns][0]
    assert table["p_text"].str.fullmatch(r"\d+\.\d% ± \d+\.\d pp|").all()  # percent, as on the card


def test_advocacy_headline_cards_are_short_numbers_with_the_unit_in_the_label() -> None:
    """The advocacy card's value read "0.358 microdoom / M…": cut at 1280 px."""
    model = dv.Model.loads(models.text("advocacy"), "advocacy")
    r = model.simulate(n=N, seed=model.seed)
    at = _start("advocacy")
    cards = {str(m.label): str(m.value) for m in at.metric}
    assert cards == {"Mean (microdoom / MUSD)": f"{r.mean('marginal_value_per_dollar'):.3g}",
                     "Median (microdoom / MUSD)": f"{r.quantile('marginal_value_per_dollar', 0.5):.3g}"}, cards
    assert any("Marginal value per dollar from the low to the high budget" in t for t in _text(at.main.markdown))
