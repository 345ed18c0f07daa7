"""The Streamlit app, run headless with ``streamlit.testing.v1.AppTest``.

Each test drives the page as a user would (type into an input, pick an
option) and checks what it shows against the library run on the same inputs
with the same sample count and seed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import dealvalue as dv

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
N = 10_000  # the smallest-but-one sample count the page offers; keeps the tests quick
SEED = 20260422  # the deal model's own seed (seed = 20260422 in deal.toml): the page starts on it
TIMEOUT = 120
P_DEAL = "P(a deal happens)"  # the headline card of the deal model's `feasible` (label "a deal happens")


def _default_model_path() -> Path:
    deal = ROOT / "dealvalue" / "models" / "deal.toml"
    return deal if deal.exists() else ROOT / "dealvalue" / "models" / "evidence.toml"


def _scenarios() -> list[Path]:
    return sorted((ROOT / "dealvalue" / "models" / "scenarios").glob("*.toml"))


def _start() -> AppTest:
    """The app at its defaults, then switched to N samples."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    at.select_slider(key="samples").set_value(N).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at: AppTest, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return str(m.value)
    raise AssertionError(f"no metric {label!r}; the page shows {[m.label for m in at.metric]}")


def _input(at: AppTest, cell: str):  # type: ignore[no-untyped-def]
    """The text input of a model input, found by the cell name in its label."""
    hits = [t for t in at.text_input if t.label == cell or t.label.startswith(f"{cell} (")
            or t.label.endswith(f" · {cell}") or f" · {cell} (" in t.label]
    assert len(hits) == 1, [t.label for t in at.text_input]
    return hits[0]


def _errors(at: AppTest) -> list[str]:
    """Error messages shown, without the Markdown escapes."""
    return [str(e.value).replace("\\", "") for e in at.error]


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


@pytest.fixture(scope="module")
def app() -> AppTest:
    return _start()


def test_defaults_run_without_exception_and_match_the_library(app: AppTest) -> None:
    at = app
    assert not at.exception
    assert not _errors(at)
    model = dv.Model.load(_default_model_path())
    assert at.title[0].value == model.name
    r = model.simulate(n=N, seed=SEED)
    assert _metric(at, P_DEAL) == _pct(r.prob("feasible"))
    # every input of the model is offered, with its formula as the starting text
    for name in model.inputs:
        assert _input(at, name).value == model.cell(name).formula


def test_changing_an_input_changes_the_headline_as_the_library_predicts() -> None:
    at = _start()
    model = dv.Model.load(_default_model_path())
    before = model.simulate(n=N, seed=SEED).prob("feasible")
    assert _metric(at, P_DEAL) == _pct(before)

    _input(at, "reality").set_value("0.3").run()
    assert not at.exception and not _errors(at)
    model.replace("reality", "0.3")
    after = model.simulate(n=N, seed=SEED).prob("feasible")
    assert after < before  # the AI doubts the deal is real: fewer feasible deals
    assert _metric(at, P_DEAL) == _pct(after)

    # a range works as well: 'a to b' is the 90% interval of a lognormal
    _input(at, "value_full").set_value("50 to 200").run()
    model.replace("value_full", "50 to 200")
    assert _metric(at, P_DEAL) == _pct(model.simulate(n=N, seed=SEED).prob("feasible"))


def test_hostile_formula_shows_the_engine_message_and_runs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    at = _start()
    shown = _metric(at, P_DEAL)
    _input(at, "reality").set_value("__import__('os').system('x')").run()
    assert not at.exception
    assert calls == []
    errs = _errors(at)
    assert len(errs) == 1
    assert "reality" in errs[0] and "may not start with" in errs[0]
    # the rest of the model keeps working, on the cell's previous formula
    assert _metric(at, P_DEAL) == shown


def test_bad_formula_in_one_cell_leaves_other_edits_applied() -> None:
    at = _start()
    _input(at, "reality").set_value("beta(0, 1)")  # parameters out of range
    _input(at, "commitment").set_value("0.5").run()
    assert not at.exception
    errs = _errors(at)
    assert len(errs) == 1 and "reality" in errs[0]
    model = dv.Model.load(_default_model_path())
    model.replace("commitment", "0.5")
    assert _metric(at, P_DEAL) == _pct(model.simulate(n=N, seed=SEED).prob("feasible"))


def test_refused_input_falls_back_to_the_last_valid_formula_not_the_default() -> None:
    at = _start()
    model = dv.Model.load(_default_model_path())
    _input(at, "reality").set_value("beta(30, 1)").run()
    assert not at.exception and not _errors(at)
    model.replace("reality", "beta(30, 1)")
    good = _pct(model.simulate(n=N, seed=SEED).prob("feasible"))
    assert _metric(at, P_DEAL) == good
    _input(at, "reality").set_value("beta(0, 1)").run()  # refused: a must be > 0
    assert not at.exception
    errs = _errors(at)
    assert len(errs) == 1 and "reality" in errs[0]
    assert _metric(at, P_DEAL) == good  # still beta(30, 1), not the shipped default
    notes = [str(c.value).replace("\\", "") for c in at.caption]
    assert "Using beta(30, 1), the last valid value." in notes
    # a refused first edit falls back to the model's own formula
    _input(at, "commitment").set_value("beta(-1, 2)").run()
    assert f"Using {model.cell('commitment').formula}, the last valid value." in \
        [str(c.value).replace("\\", "") for c in at.caption]
    assert _metric(at, P_DEAL) == good


def test_input_labels_are_plain_text(app: AppTest) -> None:
    model = dv.Model.load(_default_model_path())
    labels = [t.label for t in app.text_input if t.key and t.key.startswith("in:")]
    assert len(labels) == len(model.inputs)
    assert not [lab for lab in labels if "`" in lab or "*" in lab]
    cell = model.cell("reality")
    assert cell.unit is None and _input(app, "reality").label == f"{cell.label} · reality"


def test_input_sets_are_compared_with_common_random_numbers() -> None:
    at = _start()
    at.session_state["view"] = "Compare"  # the tabs are lazy: open this one
    at.run()
    at.text_input(key="input_set_name").set_value("sceptical AI")
    _input(at, "reality").set_value("0.3").run()
    save = [b for b in at.button if b.label == "Save these inputs as an input set"]
    assert save
    save[0].click().run()
    assert not at.exception
    assert "sceptical AI" in at.session_state["input_sets"]
    at.multiselect(key="compare").set_value(["current inputs", "input set: sceptical AI"]).run()
    assert not at.exception
    tables = [d.value for d in at.dataframe if "compared" in d.value.columns]
    assert len(tables) == 5  # one per headline cell: P(a ZOPA exists), value to us, ask, bid, surplus
    table = tables[0]
    base = dv.Model.load(_default_model_path())
    saved = base.copy()
    saved.replace("reality", "0.3")
    row = table[table["compared"] == "input set: sceptical AI"].iloc[0]
    assert row["mean"] == pytest.approx(saved.simulate(n=N, seed=SEED).prob("feasible"), abs=1e-12)


@pytest.mark.parametrize("path", _scenarios(), ids=lambda p: p.stem)
def test_each_shipped_scenario_runs(path: Path) -> None:
    at = _start()
    name = path.stem.replace("_", " ")
    at.selectbox(key="source").set_value(f"shipped scenario: {name}").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not _errors(at)
    model = dv.Model.load(path)
    assert at.title[0].value == model.name
    if "feasible" in model:
        assert _metric(at, P_DEAL) == _pct(model.simulate(n=N, seed=SEED).prob("feasible"))


def test_every_view_runs_on_the_defaults(app: AppTest) -> None:
    at = app
    views = [t.label for t in at.tabs]
    assert "Compare" in views and "Sensitivity" in views
    for view in views:
        at.session_state["view"] = view  # the tabs are lazy: open each in turn
        at.run()
        assert not at.exception, (view, [e.value for e in at.exception])
        assert not _errors(at), (view, _errors(at))
    at.session_state["view"] = views[0]
    at.run()


def _configurations() -> list[tuple[str, str, str]]:
    """One configuration per option of each kind: (widget key, option, kind),
    each changed from the first entry of every catalogue."""
    from dealvalue import deals

    out = []
    for key, table in (("cfg_good", deals.GOODS), ("cfg_payment", deals.PAYMENTS),
                       ("cfg_counterparty", deals.COUNTERPARTIES), ("cfg_profile", deals.PROFILES)):
        out += [(key, option, key.removeprefix("cfg_")) for option in table]
    return out


def test_each_deal_configuration_runs_and_matches_the_library() -> None:
    from dealvalue import deals

    configs = _configurations()
    at = _start()
    first = {"good": next(iter(deals.GOODS)), "payment": next(iter(deals.PAYMENTS)),
             "counterparty": next(iter(deals.COUNTERPARTIES)), "profile": next(iter(deals.PROFILES))}
    seen_ruled_out = seen_numbers = False
    for key, option, kind in configs:
        for k, v in first.items():
            at.selectbox(key=f"cfg_{k}").set_value(v)
        at.selectbox(key=key).set_value(option)
        at.slider(key="cfg_upfront").set_value(0.5)
        next(b for b in at.button if b.label == "Apply configuration").click().run()
        assert not at.exception, (option, [e.value for e in at.exception])
        config = deals.Configuration(**{**first, kind: option}, upfront=0.5)
        assert at.session_state["config"] == config
        expected, why = deals.configure(dv.Model.load(_default_model_path()), config)
        # every cell the configuration sets now holds its formula, and the reasons are kept
        for row in why.to_dict("records"):
            if row["cell"] in expected.inputs:
                assert _input(at, row["cell"]).value == row["formula"], (option, row)
        # (configurations stack on the current model; each sets the same cells, so only 'previous' differs)
        drop = [{k: v for k, v in row.items() if k != "previous"} for row in why.to_dict("records")]
        assert [{k: v for k, v in row.items() if k != "previous"} for row in at.session_state["config_why"]] == drop
        broken = deals.check_rules(expected, deals.RuleOuts(), config)
        broken = broken[broken["status"] == "ruled out"]
        if len(broken):
            seen_ruled_out = True
            errs = _errors(at)
            assert len(errs) == 1 and "Ruled out" in errs[0]
            assert not [m for m in at.metric if m.label == P_DEAL]  # no number for a ruled-out deal
        else:
            seen_numbers = True
            assert _metric(at, P_DEAL) == _pct(expected.simulate(n=N, seed=SEED).prob("feasible"))
    assert seen_ruled_out and seen_numbers  # the catalogue has both kinds; both paths were checked


def test_rule_out_cap_reports_the_reason_instead_of_numbers() -> None:
    at = _start()
    assert _metric(at, P_DEAL)
    at.number_input(key="rule_cap").set_value(1000.0).run()
    assert not at.exception
    errs = _errors(at)
    assert len(errs) == 1 and "reservation price" in errs[0] and "1000" in errs[0]
    assert not at.metric
    at.number_input(key="rule_cap").set_value(None).run()
    assert at.metric and not _errors(at)


def test_upload_a_model_file_and_refuse_bad_ones() -> None:
    at = _start()
    text = (ROOT / "dealvalue" / "models" / "evidence.toml").read_text(encoding="utf-8")
    at.file_uploader(key="upload").set_value(("mine.toml", text.encode(), "application/toml")).run()
    assert not at.exception and not _errors(at)
    model = dv.Model.load(ROOT / "dealvalue" / "models" / "evidence.toml")
    assert at.title[0].value == model.name
    assert _metric(at, "P(a ZOPA exists)") == _pct(model.simulate(n=N, seed=model.seed).prob("feasible"))  # its label
    assert at.session_state["seed"] == model.seed  # the uploaded model's own seed
    assert at.selectbox(key="source").value == "uploaded file: mine.toml"  # Start from says what is shown

    # a formula that tries to run code: refused by the file reader, the page keeps the previous model
    hostile = text.replace('formula = "10 to 100"', "formula = \"__import__('os').system('x')\"")
    at.file_uploader(key="upload").set_value(("hostile.toml", hostile.encode(), "application/toml")).run()
    assert not at.exception
    errs = _errors(at)
    assert len(errs) == 1 and "hostile.toml: field 'cells.R'" in errs[0] and "may not start with '_'" in errs[0]
    assert at.title[0].value == model.name
    # the refused file is not listed: a fresh uploader (a new key) while the old model stays
    assert at.session_state["upload_gen"] == 1 and at.selectbox(key="source").value == "uploaded file: mine.toml"

    # too large: refused by size before it is read
    from dealvalue.webapp.state import MAX_UPLOAD_BYTES

    big = b"#" * (MAX_UPLOAD_BYTES + 1)
    at.file_uploader(key="upload1").set_value(("big.toml", big, "application/toml")).run()
    assert not at.exception
    errs = _errors(at)
    assert len(errs) == 1 and "at most" in errs[0]


def _open(at: AppTest, view: str) -> AppTest:
    at.session_state["view"] = view  # the tabs are lazy: open this one
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_sidebar_puts_inputs_right_after_the_model_picker(app: AppTest) -> None:
    headers = [h.value for h in app.sidebar.header]
    assert headers == ["Model", "Inputs", "Simulation", "Share", "Export"]


def test_headline_sentence_names_the_binding_barrier_and_best_intervention() -> None:
    from dealvalue import deals

    app = _start()  # a fresh session: no tab has run the interventions yet

    model = dv.Model.load(_default_model_path())
    point = deals.decomposition(model)
    lnf = float(point.loc["ln F", "log_units"])
    worst = deals.binding_barrier(model)   # by its effect on bid / ask, offsets netted
    assert worst is not None
    t = deals.interventions(model, n=N, seed=SEED)
    costed = t[(t["delta_value"] > 0) & (t["cost"] > 0)]
    best = str(costed["value_per_dollar"].idxmax())

    def line() -> str:
        lines = [str(m.value).replace("\\", "") for m in app.markdown if "every input at its median" in str(m.value)]
        assert len(lines) == 1
        return lines[0]

    assert ("there is no ZOPA" in line()) == (lnf < 0)
    assert f"binds most is {model.cell(worst).label}" in line()
    assert "best intervention per dollar: see Interventions" in line()  # too slow for every redraw: never named
    before = line()
    _open(app, "Interventions")
    assert line() == before and best not in before  # the sentence never depends on the tabs visited
    _open(app, "Deal")
    assert line() == before


def test_interventions_show_free_and_one_ranking(app: AppTest) -> None:
    from dealvalue import deals

    _open(app, "Interventions")
    tables = [d.value for d in app.dataframe if "per_dollar" in d.value.columns]
    assert len(tables) == 1
    table = tables[0]
    model = dv.Model.load(_default_model_path())
    lib = deals.interventions(model, n=N, seed=SEED)
    assert list(table["intervention"]) == list(lib.index)  # the library's order, which the chart uses too
    free = lib["cost"] == 0
    assert list(table.loc[table["intervention"].isin(lib.index[free]), "per_dollar"]) == ["free"] * int(free.sum())
    assert not table["per_dollar"].str.contains("inf", case=False).any()
    costed = lib[~free & lib["value_per_dollar"].notna()]
    row = table[table["intervention"] == costed.index[0]].iloc[0]
    assert row["per_dollar"] == f"{costed['value_per_dollar'].iloc[0]:.3g}"
    _open(app, "Deal")


def test_alternatives_show_blanks_and_a_true_sample_count(app: AppTest) -> None:
    _open(app, "Alternatives")
    tables = [d.value for d in app.dataframe if "option" in d.value.columns]
    assert len(tables) == 1
    cells = tables[0][["expected_value", "expected_cost"]].to_numpy().ravel().tolist()
    assert "" in cells and not [c for c in cells if c in ("None", "nan", None)]
    notes = [str(c.value) for c in app.caption if "samples" in str(c.value) and "value per dollar" in str(c.value)]
    assert len(notes) == 1 and notes[0].startswith(f"{N:,} samples, seed {SEED}")  # N is below the 20,000 cap
    _open(app, "Deal")


def test_formulas_render_names_with_underscores_upright(app: AppTest) -> None:
    _open(app, "Thresholds & formulas")
    bodies = [str(x.value) for x in app.latex]
    assert bodies
    assert any(r"\mathrm{risk\_premium}" in b for b in bodies)
    assert not [b for b in bodies if "risk_{premium}" in b or "R_{frombatna}" in b or "_{from" in b]
    _open(app, "Deal")


def test_sensitivity_defaults_to_the_feasibility_index(app: AppTest) -> None:
    _open(app, "Sensitivity")
    model = dv.Model.load(_default_model_path())
    expected = "ln_F" if "ln_F" in model else "F"
    assert app.selectbox(key="target").value == expected
    _open(app, "Deal")


LAUNCHER = str(ROOT / "dealvalue" / "webapp" / "launcher.py")


def test_the_package_launcher_runs_on_the_deal_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", [LAUNCHER])
    at = AppTest.from_file(LAUNCHER, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == dv.Model.load(_default_model_path()).name
    assert at.selectbox(key="source").value == "shipped model: deal.toml"


def test_the_launcher_honours_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from dealvalue.webapp.launcher import model_arg

    assert model_arg([]) is None and model_arg(["-q", "tests", "--model", "evidence"]) == "evidence"
    monkeypatch.setattr("sys.argv", [LAUNCHER, "--model", "evidence"])
    at = AppTest.from_file(LAUNCHER, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    evidence = dv.Model.load(ROOT / "dealvalue" / "models" / "evidence.toml")
    assert at.title[0].value == evidence.name
    assert at.selectbox(key="source").value == "shipped model: evidence.toml"
    # a model file by path, with an option of its own in the picker
    path = tmp_path / "mine.toml"
    path.write_text((ROOT / "dealvalue" / "models" / "evidence.toml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr("sys.argv", [LAUNCHER, "--model", str(path)])
    at = AppTest.from_file(LAUNCHER, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="source").value == "model file: mine.toml"
    assert "mine.toml (file)" in " ".join(str(c.value) for c in at.sidebar.caption)


def test_the_first_page_run_freezes_what_it_left_alive_so_full_collections_skip_it() -> None:
    # in a fresh process: before the page runs nothing is frozen; after its first run, the modules, sympy's caches
    # and the model are in the collector's permanent generation (a second run freezes nothing more)
    import subprocess
    import sys

    code = ("import gc, logging; logging.disable(logging.CRITICAL)\n"
            "from streamlit.testing.v1 import AppTest\n"
            f"at = AppTest.from_file({APP!r}, default_timeout={TIMEOUT})\n"
            "before = gc.get_freeze_count(); at.run(); first = gc.get_freeze_count(); at.run()\n"
            "print(before, first, gc.get_freeze_count(), len(at.exception))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    before, first, second, errors = (int(v) for v in out.stdout.split()[-4:])
    assert (before, errors) == (0, 0) and first > 10_000 and second <= first, out.stderr[-2000:]  # frees may leave it
