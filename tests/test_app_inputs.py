"""Issue 15, preview while typing (AppTest, headless): each input shows its
distribution under its box, an edited input is marked with a reset, "reset
all" and undo work, and the link (the URL's query parameters) follows them."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from streamlit.testing.v1 import AppTest

import dealvalue as dv
from dealvalue import models
from dealvalue.webapp.share import unpack

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
N = 10_000


def _start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.select_slider(key="samples").set_value(N).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _walk(node):  # type: ignore[no-untyped-def]
    kids = getattr(node, "children", None)
    for child in (kids.values() if isinstance(kids, dict) else []):
        yield child
        yield from _walk(child)


def _previews(at: AppTest) -> dict[str, str]:
    """Each input's preview by cell: the image's caption, or the caption of a constant ("fixed at ...")."""
    out: dict[str, str] = {}
    cell = None
    for e in _walk(at.sidebar):
        kind = getattr(e, "type", "")
        if kind == "text_input" and str(e.key).startswith("in:"):
            cell = str(e.key).split(":", 2)[2]
        elif cell is not None and kind == "image":
            out[cell], cell = str(e.proto.imgs[0].caption), None
        elif cell is not None and kind == "caption" and str(e.value).startswith("fixed at"):
            out[cell], cell = str(e.value), None
    return out


def _box(at: AppTest, cell: str):  # type: ignore[no-untyped-def]
    [box] = [t for t in at.text_input if str(t.key).endswith(f":{cell}")]
    return box


def _link_inputs(at: AppTest) -> dict[str, str]:
    packed = at.query_params.get("i")
    if not packed:
        return {}
    return dict(json.loads(unpack(packed[0] if isinstance(packed, list) else packed)))


def _p(at: AppTest) -> str:
    return str(at.metric[0].value)


def _pct(model: dv.Model) -> str:
    return f"{100 * model.simulate(n=N, seed=model.seed).prob('feasible'):.1f}%"


def test_the_preview_is_the_engines_distribution_of_the_formula() -> None:
    from dealvalue.webapp.cache import PREVIEW_SAMPLES, input_preview

    p = input_preview("beta(8, 2)", None, 1)
    assert p is not None and not p.log
    assert np.allclose(p.marks, stats.beta(8, 2).ppf([0.05, 0.5, 0.95]), rtol=1e-12)  # exact for one distribution
    m = dv.Model()
    m.add("x", "beta(8, 2)")
    x = m.simulate(n=PREVIEW_SAMPLES, seed=1)["x"]
    lo, hi = np.quantile(x, [0.001, 0.999])  # the bins span these; the samples beyond are left out
    counts, _ = np.histogram(x, bins=np.linspace(lo, hi, len(p.shares) + 1))  # numpy leaves out what lies beyond
    assert np.allclose(p.shares, counts / PREVIEW_SAMPLES) and np.allclose(p.starts[0], lo)
    wide = input_preview("10M to 1B", "USD", 1)
    assert wide is not None and wide.log and np.allclose(wide.marks, (1e7, 1e8, 1e9), rtol=1e-9)
    assert input_preview("0.8", None, 1).marks == (0.8, 0.8, 0.8) and not input_preview("0.8", None, 1).shares
    assert input_preview("beta(0, 1)", None, 1) is None  # refused: no preview


def test_every_input_shows_its_distribution_with_its_5_50_95_values() -> None:
    at = _start()
    model = dv.Model.loads(models.text("deal"), "deal")
    shown = _previews(at)
    assert set(shown) == set(model.inputs), set(model.inputs) ^ set(shown)
    q = stats.beta(7, 3).ppf([0.05, 0.5, 0.95])  # commitment = beta(7, 3)
    assert model.cell("commitment").formula == "beta(7, 3)"
    assert shown["commitment"] == f"5%: {q[0]:.3g} · median: {q[1]:.3g} · 95%: {q[2]:.3g}", shown["commitment"]
    assert shown["takeover_midpoint"] == "fixed at 7"
    _box(at, "commitment").set_value("beta(2, 2)").run()  # the preview follows the input
    q = stats.beta(2, 2).ppf([0.05, 0.5, 0.95])
    assert _previews(at)["commitment"] == f"5%: {q[0]:.3g} · median: {q[1]:.3g} · 95%: {q[2]:.3g}"
    svg = base64.b64decode([e for e in _walk(at.sidebar) if getattr(e, "type", "") == "image"][0].proto.imgs[0]
                           .url.split(",", 1)[1]).decode()
    assert svg.startswith("<svg") and "<script" not in svg and svg.count("<line") == 3


def test_a_refused_input_previews_the_formula_in_use() -> None:
    at = _start()
    _box(at, "commitment").set_value("beta(7, 3) +").run()
    q = stats.beta(7, 3).ppf([0.05, 0.5, 0.95])
    assert _previews(at)["commitment"] == f"5%: {q[0]:.3g} · median: {q[1]:.3g} · 95%: {q[2]:.3g}"


def test_an_edited_input_is_marked_and_its_reset_removes_it_from_the_link() -> None:
    at = _start()
    model = dv.Model.loads(models.text("deal"), "deal")
    before = _p(at)
    assert before == _pct(model) and not _link_inputs(at)
    assert at.button(key="reset_all").disabled and at.button(key="undo_input").disabled
    _box(at, "reality").set_value("0.3").run()
    assert _link_inputs(at) == {"reality": "0.3"}
    marks = [str(c.value) for c in at.sidebar.caption if "Edited" in str(c.value)]
    assert marks == ["✎ **Edited**; the model's value: beta\\(8, 2\\)"], marks
    assert "1 edited: reality" in " ".join(str(c.value) for c in at.sidebar.caption)
    at.button(key="reset:in:0:reality").click().run()
    assert _box(at, "reality").value == "beta(8, 2)" and not _link_inputs(at) and "i" not in at.query_params
    assert not [c for c in at.sidebar.caption if "Edited" in str(c.value)]
    assert _p(at) == before
    at.button(key="undo_input").click().run()  # undo takes the reset back
    assert _box(at, "reality").value == "0.3" and _link_inputs(at) == {"reality": "0.3"}


def test_reset_all_and_undo_step_back_through_the_changes() -> None:
    at = _start()
    model = dv.Model.loads(models.text("deal"), "deal")
    _box(at, "reality").set_value("0.3").run()
    _box(at, "commitment").set_value("0.5").run()
    both = model.with_edits((("reality", (("formula", "0.3"),)), ("commitment", (("formula", "0.5"),))))[0]
    assert _p(at) == _pct(both) and _link_inputs(at) == {"reality": "0.3", "commitment": "0.5"}
    at.button(key="reset_all").click().run()
    assert not _link_inputs(at) and _p(at) == _pct(model)
    assert [_box(at, c).value for c in ("reality", "commitment")] == ["beta(8, 2)", "beta(7, 3)"]
    at.button(key="undo_input").click().run()  # one undo takes back the whole reset
    assert _link_inputs(at) == {"reality": "0.3", "commitment": "0.5"} and _p(at) == _pct(both)
    at.button(key="undo_input").click().run()  # then the commitment edit
    one = model.with_edits((("reality", (("formula", "0.3"),)),))[0]
    assert _link_inputs(at) == {"reality": "0.3"} and _p(at) == _pct(one)
    at.button(key="undo_input").click().run()
    assert not _link_inputs(at) and _p(at) == _pct(model) and at.button(key="undo_input").disabled


@pytest.mark.parametrize("model", ["advocacy", "evidence"])
def test_every_shipped_model_previews_every_input(model: str) -> None:
    at = _start()
    at.selectbox(key="source").set_value(f"shipped model: {model}.toml").run()
    assert not at.exception
    assert set(_previews(at)) == set(dv.Model.loads(models.text(model), model).inputs)


def test_a_box_applies_after_a_pause_in_typing_and_one_typing_session_is_one_undo_step() -> None:
    from dealvalue.webapp.state import LIVE_PAUSE

    at = _start()
    model = dv.Model.loads(models.text("deal"), "deal")
    box = _box(at, "reality")
    assert box.proto.live_debounce_ms == int(LIVE_PAUSE.removesuffix("ms")) == 600  # commits after a pause
    # what a pause in typing commits: a half-typed formula (refused, said under the box), then the whole one
    box.set_value("uniform(0.2,").run()
    assert any("uniform" in str(e.value) for e in at.sidebar.error) and _p(at) == _pct(model)
    _box(at, "reality").set_value("uniform(0.2, 0.4)").run()
    edited = model.with_edits((("reality", (("formula", "uniform(0.2, 0.4)"),)),))[0]
    assert _p(at) == _pct(edited) and not at.sidebar.error
    at.button(key="undo_input").click().run()  # the session is one step: back to the model's value
    assert _box(at, "reality").value == "beta(8, 2)" and _p(at) == _pct(model) and at.button(key="undo_input").disabled
    # typed back to where the session began: no step is left that would change nothing
    _box(at, "reality").set_value("0.25").run()
    _box(at, "reality").set_value("beta(8, 2)").run()
    assert at.button(key="undo_input").disabled
    # two sessions (the second began after the typing gap) are two steps
    _box(at, "reality").set_value("0.3").run()
    key, _ = at.session_state["typing"]
    at.session_state["typing"] = (key, -1e9)  # as if typed long ago
    _box(at, "reality").set_value("0.35").run()
    at.button(key="undo_input").click().run()
    assert _box(at, "reality").value == "0.3"
    at.button(key="undo_input").click().run()
    assert _box(at, "reality").value == "beta(8, 2)"
