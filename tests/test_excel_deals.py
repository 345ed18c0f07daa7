"""The deal model's workbook (dealvalue.deals.sheets), the generic writer's extra-sheets hook,
and the deprecated modules dealvalue.excel and dealvalue.excel_printer."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import dealvalue as dv
from dealvalue.deals import sheets
from dealvalue.errors import ArgumentTypeError
from dealvalue.io.toml import to_dict
from dealvalue.io.excel import ExcelError, layout, to_excel

sys.path.insert(0, str(Path(__file__).parent))
from _excel import ROOT, sheet_table  # noqa: E402

DEAL_SHEETS = ["ZOPA", "Barriers", "Interventions"]


def about_notes(wb: Any) -> list[str]:
    ws = wb["About"]
    return [ws.cell(row=k, column=2).value for k in range(3, 30) if ws.cell(row=k, column=1).value == "extra sheets"]


def test_cli_export(tmp_path: Path) -> None:
    out = tmp_path / "cli.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "dealvalue", "run", str(ROOT / "dealvalue" / "models" / "deal.toml"), "-n", "500",
         "--seed", "3", "--export", str(out), "--sim-rows", "20", "--no-progress"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [*layout.SHEETS, *DEAL_SHEETS]  # the deal sheets, as promised
    ws = wb["Simulation"]
    assert ws.cell(row=layout.SIM_HEADER_ROW + 20, column=1).value == 20
    assert ws.cell(row=layout.SIM_HEADER_ROW + 21, column=1).value is None
    back = dv.read_excel(out)
    assert to_dict(back) == to_dict(dv.Model.load(ROOT / "dealvalue" / "models" / "deal.toml"))


def test_deal_model_gets_its_deal_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m = dv.Model.load(ROOT / "dealvalue" / "models" / "deal.toml")
    r = m.simulate(n=3000, seed=4)
    path = tmp_path / "deal.xlsx"
    sheets.to_excel(m, path, r, sim_rows=2, sample_rows=2)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [*layout.SHEETS, *DEAL_SHEETS]
    # the same numbers as dealvalue.deals gives when called directly
    zopa = sheets.zopa(r)
    got = sheet_table(wb["ZOPA"])
    header = [c.value for c in wb["ZOPA"][3][1:]]
    for row in ("ask", "bid"):
        for q in zopa.columns:
            want = float(zopa.loc[row, q])
            assert got[row][header.index(str(q))] == pytest.approx(want, rel=1e-12), (row, q)
    inter = sheets.interventions(m, n=3000, seed=4)
    got = sheet_table(wb["Interventions"])
    header = [c.value for c in wb["Interventions"][3][1:]]
    assert list(got) == [str(i) for i in inter.index]
    for label in inter.index:
        assert got[str(label)][header.index("delta_p")] == pytest.approx(float(inter.loc[label, "delta_p"]), abs=1e-15)
    assert about_notes(wb)[0].startswith("ZOPA, Barriers, Interventions: computed by dealvalue.deals")
    # other sheets asked for: no deal sheets
    sheets.to_excel(m, path, r, sim_rows=2, sample_rows=2, extra_sheets={"Mine": pd.DataFrame({"a": [1]})})
    assert openpyxl.load_workbook(path).sheetnames == [*layout.SHEETS, "Mine"]

    # a deal table that fails is left out and the About sheet says why; the export still succeeds
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("no interventions today")

    monkeypatch.setattr(sheets, "interventions", broken)
    sheets.to_excel(m, path, r, sim_rows=2, sample_rows=2)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [*layout.SHEETS, "ZOPA", "Barriers"]
    assert about_notes(wb)[1] == "Interventions left out: RuntimeError: no interventions today"
    # a table that cannot go into a workbook is left out too, never half written
    monkeypatch.setattr(sheets, "decomposition", lambda model: pd.DataFrame({"note": ["bell \x07"]}))
    sheets.to_excel(m, path, r, sim_rows=2, sample_rows=2)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [*layout.SHEETS, "ZOPA"]
    assert about_notes(wb)[1].startswith("Barriers left out: ExcelError: sheet 'Barriers' row 1 column 'note': control character")


def test_interventions_use_at_most_deal_n_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    m = dv.Model.load(ROOT / "dealvalue" / "models" / "deal.toml")
    r = m.simulate(n=200, seed=4)
    seen: dict[str, Any] = {}

    def spy(model: Any, n: int, seed: Any) -> pd.DataFrame:
        seen.update(n=n, seed=seed)
        return pd.DataFrame({"delta_p": [0.0]})

    monkeypatch.setattr(sheets, "interventions", spy)
    monkeypatch.setattr(sheets, "DEAL_N", 150)
    tables, notes = sheets.deal_sheets(m, r)
    assert seen == {"n": 150, "seed": 4} and list(tables) == DEAL_SHEETS
    assert notes == ["ZOPA, Barriers, Interventions: computed by dealvalue.deals from the samples above "
                     "(Interventions on 150 draws with seed 4)"]


def test_generic_writer_adds_no_deal_sheets(tmp_path: Path) -> None:
    m = dv.Model.load(ROOT / "dealvalue" / "models" / "deal.toml")
    path = tmp_path / "plain.xlsx"
    to_excel(m, path, m.simulate(n=300, seed=1), sim_rows=2, sample_rows=2)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(layout.SHEETS) and about_notes(wb) == []
    m.to_excel(path, m.simulate(n=300, seed=1), sim_rows=2, sample_rows=2)  # Model.to_excel is the generic writer
    assert openpyxl.load_workbook(path).sheetnames == list(layout.SHEETS)
    with pytest.raises(TypeError, match="deal_sheets"):  # the old switch is gone from the generic writer
        to_excel(m, path, sim_rows=2, deal_sheets=False)  # type: ignore[call-arg]


def test_extra_sheets_hook_gets_the_workbooks_results(tmp_path: Path) -> None:
    m = dv.Model("hook", seed=5)
    m.add("x", "1 to 2")
    seen: list[Any] = []

    def hook(model: Any, results: Any) -> tuple[dict[str, pd.DataFrame], list[str]]:
        seen.append((model, results))
        return {"Mean": pd.DataFrame({"mean": [results.mean("x")]})}, ["Mean: from the hook", "=1+1 stays text"]

    path = tmp_path / "h.xlsx"
    to_excel(m, path, sim_rows=2, sample_rows=2, extra_sheets=hook)  # no results given: the writer simulates
    ((model, results),) = seen
    assert model is m and results.n == 10_000 and results.seed == 5
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [*layout.SHEETS, "Mean"]
    assert wb["Mean"]["A4"].value == pytest.approx(results.mean("x"), rel=1e-12)
    assert about_notes(wb) == ["Mean: from the hook", "=1+1 stays text"]


def test_extra_sheets_are_checked(tmp_path: Path) -> None:
    m = dv.Model("m")
    m.add("x", "1 to 2")
    r = m.simulate(n=10, seed=1)
    path = tmp_path / "e.xlsx"
    with pytest.raises(ArgumentTypeError, match=r"argument 'extra_sheets': expected a mapping .* got \['Mine'\]"):
        to_excel(m, path, r, sim_rows=2, extra_sheets=["Mine"])  # type: ignore[arg-type]
    with pytest.raises(ExcelError, match=r"extra_sheets: the hook returned something else"):
        to_excel(m, path, r, sim_rows=2, extra_sheets=lambda model, results: {"A": pd.DataFrame()})  # type: ignore[arg-type, return-value]
    with pytest.raises(ExcelError, match=r"sheet title: another sheet has this name"):
        to_excel(m, path, r, sim_rows=2, extra_sheets=lambda model, results: ({"summary": pd.DataFrame()}, []))
    assert list(tmp_path.iterdir()) == []


def test_reader_takes_a_model_factory(tmp_path: Path) -> None:
    from dealvalue.io.excel import read

    class Tagged(dv.Model):
        pass

    m = dv.Model("f", description="d", seed=9)
    m.add("x", "1 to 2")
    path = tmp_path / "f.xlsx"
    m.to_excel(path, m.simulate(n=10, seed=1), sim_rows=2, sample_rows=2)
    made: list[tuple[str, str, int | None]] = []

    def factory(name: str, description: str, seed: int | None) -> dv.Model:
        made.append((name, description, seed))
        return Tagged(name, description, seed)

    back = read(path, factory)
    assert isinstance(back, Tagged) and made[-1] == ("f", "d", 9)
    assert isinstance(Tagged.read_excel(path), Tagged)  # the classmethod passes its class
    assert to_dict(dv.read_excel(path)) == to_dict(m)
    with pytest.raises(ArgumentTypeError, match="new_model"):
        read(path, "Model")  # type: ignore[arg-type]


@pytest.mark.parametrize("old, new", [("dealvalue.excel", "dealvalue.io.excel"),
                                      ("dealvalue.excel_printer", "dealvalue.io.excel.printer")])
def test_old_modules_warn_and_still_work(old: str, new: str, tmp_path: Path) -> None:
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=f"{old} is deprecated") as caught:
        mod = __import__(old, fromlist=["NAMING_RULE"])  # an import statement here, not importlib, imports it
    assert caught[0].filename == __file__  # stacklevel=2: the warning points at the importer
    target = importlib.import_module(new)
    for name in ("ExcelError", "cell_name", "excel_formula", "excel_names", "leaf_excel_name", "NAMING_RULE"):
        assert getattr(mod, name) is getattr(target, name), name
    if old == "dealvalue.excel":
        assert mod.to_excel is to_excel and mod.C_POINT == layout.C_POINT and mod.SIM_ROWS == layout.SIM_ROWS
        m = dv.Model("old", seed=1)
        m.add("x", "1 to 2")
        path = tmp_path / "old.xlsx"
        mod.to_excel(m, path, m.simulate(n=10, seed=1), sim_rows=2, sample_rows=2)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # reading through the shim warns no more than the import did
            assert to_dict(mod.read_excel(path)) == to_dict(m)


def test_nothing_in_the_package_imports_the_old_modules() -> None:
    code = ("import warnings, sys; warnings.simplefilter('error', DeprecationWarning)\n"
            "import dealvalue, dealvalue.io.excel, dealvalue.deals.sheets, dealvalue.model, dealvalue.cli\n"
            "assert 'dealvalue.excel' not in sys.modules and 'dealvalue.excel_printer' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
