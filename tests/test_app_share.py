"""Issue 15: the page's state in the URL (AppTest, headless)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dealvalue import models
from dealvalue.webapp.share import model_hash, pack, read_params, state_params, unpack

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


def _metric(at: AppTest) -> str:
    return str(at.metric[0].value)


def _run(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_pack_round_trips_and_params_name_shipped_models() -> None:
    text = models.text("deal")
    assert unpack(pack(text)) == text and len(pack(text)) < len(text) / 2
    p = state_params(text, {"reality": "0.2"}, None, 10_000, 7)
    assert p["m"] == "deal" and p["n"] == "10000" and p["s"] == "7" and p["h"] == model_hash(text)
    state, notes = read_params(p)
    assert state["inputs"] == {"reality": "0.2"} and state["seed"] == 7 and not notes


def test_a_link_reproduces_the_page_in_a_new_session() -> None:
    at = _run()
    at.select_slider(key="samples").set_value(10_000).run()
    [box] = [t for t in at.text_input if t.label.endswith("· reality")]
    box.set_value("0.3").run()
    at.number_input(key="seed").set_value(5).run()
    params = {k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k]
              for k in at.query_params}
    assert params["m"] == "deal" and params["s"] == "5" and "i" in params
    again = _run(params)
    assert _metric(again) == _metric(at)
    assert again.session_state["seed"] == 5 and again.session_state["samples"] == 10_000
    assert [t for t in again.text_input if t.label.endswith("· reality")][0].value == "0.3"


def test_a_link_from_another_version_or_a_changed_model_says_so() -> None:
    p = state_params(models.text("deal"), {}, None, 10_000, 1)
    p["v"], p["h"] = "0.0.1", "000000000000"
    at = _run(p)
    text = " ".join(str(w.value) for w in at.warning).replace("\\", "")
    assert "dealvalue 0.0.1" in text and "model changed" in text


def test_an_uploaded_model_travels_in_the_link() -> None:
    text = models.text("evidence").replace('name = "', 'name = "my ', 1)
    p = state_params(text, {}, None, 10_000, 1)
    assert "mt" in p and "m" not in p
    at = _run(p)
    assert at.title[0].value.startswith("my ")
