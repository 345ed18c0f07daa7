"""The workbook draws the newer kinds (issue 14) with spreadsheet formulas.

One LibreOffice run recalculates an export of a model with every kind the
workbook draws (gamma, exponential, binomial, Student t, lognormal by mean
and sd, discrete, truncations, a mixture of them, a literal inside a
formula) and one copy in which an analyst switched an input's kind.  Three
routes check the numbers:

- each draw column against the library's inverse CDF at the same seeded
  uniforms (row by row),
- the Simulation sheet's statistics against ``simulate`` (other draws, within
  Monte Carlo error),
- the Inputs sheet's point values against scipy's own ``ppf(0.5)`` of the
  distribution built from the parameters here.
"""

from __future__ import annotations

import math
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from scipy import stats as st

import dealvalue as dv
from dealvalue.io.excel import layout
from dealvalue.io.excel.simsheet import uniforms

sys.path.insert(0, str(Path(__file__).parent))
from _excel import error_cells, needs_lo, point_values, rows_by_name, sim_column, sim_stats  # noqa: E402
from libreoffice import recalculate  # noqa: E402

SIM_ROWS = 2000
SEED = 5

#: cell -> (formula, the same distribution in scipy, built here from the parameters)
LN_MU, LN_SIGMA = math.log(10 / math.sqrt(1.25)), math.sqrt(math.log(1.25))  # lognormal of mean 10, sd 5
_TN = st.norm(0, 1)
KINDS = {
    "g": ("gamma(2, 3)", st.gamma(2, scale=3)),
    "e": ("exponential(0.5)", st.expon(scale=2)),
    "b": ("binomial(20, 0.3)", st.binom(20, 0.3)),
    "t": ("student_t(3.5, 10, 2)", st.t(3.5, loc=10, scale=2)),  # a df that is not a whole number
    "t1": ("student_t(0.8)", st.t(0.8)),  # fewer than 1 degree of freedom: T.INV would refuse
    "lm": ("lognorm_ms(10, 5)", st.lognorm(LN_SIGMA, scale=math.exp(LN_MU))),
    "d": ("discrete([1, 2, 5, -3, 7], [1, 1, 2, 0.5, 0])", st.rv_discrete(values=([-3, 1, 2, 5, 7], np.array([0.5, 1, 1, 2, 0]) / 4.5))),
    "tn": ("truncate(norm(0, 1), -1, 2)", st.truncnorm(-1, 2)),
    "tg": ("truncate(gamma(2, 3), 1, 10)", None),
    "tt": ("truncate(student_t(2.5, 1, 2), -1, 30)", None),
    "tl": ("truncate(5 to 50, -3, 30)", None),  # low below the support: F(low) = 0
    "tp": ("truncate(pert(0, 2, 10), 1, 9)", None),
    "ttr": ("truncate(triangular(0, 2, 10), 1, 9)", None),
    "tb": ("truncate(beta(2, 5), 0.1, 0.5)", None),
    "mix": ("mixture([gamma(2, 1), discrete([0, 10], [1, 1]), truncate(exponential(1), 0.5, 3)], [2, 1, 1])", None),
}


def _truncated(dist: Any, low: float, high: float) -> Any:
    """A truncation in scipy terms: ppf(u) = dist.ppf(F(low) + u (F(high) - F(low)))."""
    lo, hi = dist.cdf(low), dist.cdf(high)
    return lambda u: dist.ppf(lo + np.asarray(u) * (hi - lo))


TRUNC_PPF = {
    "tg": _truncated(st.gamma(2, scale=3), 1, 10),
    "tt": _truncated(st.t(2.5, loc=1, scale=2), -1, 30),
    "tl": _truncated(st.lognorm((math.log(50) - math.log(5)) / (2 * st.norm.ppf(0.95)), scale=math.sqrt(250)), -3, 30),
    "tp": _truncated(st.beta(1 + 4 * 2 / 10, 1 + 4 * 8 / 10, loc=0, scale=10), 1, 9),
    "ttr": _truncated(st.triang(0.2, loc=0, scale=10), 1, 9),
    "tb": _truncated(st.beta(2, 5), 0.1, 0.5),
}


def kinds_model() -> dv.Model:
    m = dv.Model("more kinds", seed=SEED)
    for name, (formula, _) in KINDS.items():
        m.add(name, formula)
    m.add("tx", "2 * truncate(exponential(2), 0, 1)")  # a literal inside a formula: its own Inputs row
    m.add("total", " + ".join([*KINDS, "tx"]))
    return m


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    d = tmp_path_factory.mktemp("kinds")
    m = kinds_model()
    m.to_excel(d / "kinds.xlsx", sim_rows=SIM_ROWS, sample_rows=100)
    shutil.copy(d / "kinds.xlsx", d / "switched.xlsx")
    wb = openpyxl.load_workbook(d / "switched.xlsx")
    ws = wb["Inputs"]
    r = rows_by_name(ws)["e"]
    ws.cell(row=r, column=layout.C_KIND).value = "student_t"  # exponential(0.5) -> student_t(4, 1, 3)
    for j, v in enumerate((4, 1, 3)):
        ws.cell(row=r, column=layout.C_P1 + j).value = v
    wb.save(d / "switched.xlsx")
    out = recalculate([d / "kinds.xlsx", d / "switched.xlsx"], d / "out")
    return {"model": m, "kinds": openpyxl.load_workbook(out[0], data_only=True),
            "switched": openpyxl.load_workbook(out[1], data_only=True), "switched_file": d / "switched.xlsx"}


def _ppf(name: str) -> Any:
    if name in TRUNC_PPF:
        return TRUNC_PPF[name]
    return KINDS[name][1].ppf


@needs_lo
def test_the_workbook_has_no_error_values(books: dict[str, Any]) -> None:
    assert error_cells(books["kinds"]) == []
    assert error_cells(books["switched"]) == []


@needs_lo
def test_point_values_are_scipys_medians(books: dict[str, Any]) -> None:
    got = point_values(books["kinds"])
    for name in [n for n in KINDS if n != "mix"]:  # a mixture's median is a number computed by Python
        want = float(_ppf(name)(0.5))
        assert got[name] == pytest.approx(want, rel=1e-9, abs=1e-12), (name, got[name], want)
    assert got["tx__1"] == pytest.approx(-math.log(1 - 0.5 * (1 - math.exp(-2))) / 2, rel=1e-12)


@needs_lo
def test_draw_columns_are_the_inverse_cdf_of_the_seeded_uniforms(books: dict[str, Any]) -> None:
    m = books["model"]
    leaf_of = {owner: leaf for leaf, owner in m.compile().leaf_owner.items()}
    for name in KINDS:
        col = sim_column(books["kinds"], name)
        u = uniforms(SEED, f"u {leaf_of[name]}", SIM_ROWS)
        if name == "mix":
            s = uniforms(SEED, f"pick {leaf_of[name]}", SIM_ROWS)
            parts = [st.gamma(2).ppf(u), np.where(u <= 0.5, 0.0, 10.0), _truncated(st.expon(), 0.5, 3)(u)]
            want = np.where(s < 0.5, parts[0], np.where(s < 0.75, parts[1], parts[2]))
        else:
            want = _ppf(name)(u)
        np.testing.assert_allclose(col, want, rtol=1e-7, atol=1e-9, err_msg=name)


@needs_lo
def test_simulation_statistics_agree_with_simulate(books: dict[str, Any]) -> None:
    m = books["model"]
    r = m.simulate(n=20_000, seed=SEED)
    got = sim_stats(books["kinds"])
    for name in [n for n in m.names if n not in ("t1", "total")]:  # t(0.8) has no mean
        x = r.get(name)
        s = got[name]
        assert s["non-numeric rows"] == 0, name
        se = float(np.std(x, ddof=1)) * math.sqrt(1 / SIM_ROWS + 1 / r.n)
        assert abs(s["mean"] - r.mean(name)) <= 5 * se, (name, s["mean"], r.mean(name), se)
    # and the heavy-tailed one by its median
    se_q = r.quantile_stderr("t1", 0.5) * math.sqrt(r.n / SIM_ROWS + 1)
    assert abs(got["t1"]["p50"] - r.quantile("t1", 0.5)) <= 5 * se_q


@needs_lo
def test_a_switched_kind_draws_and_reads_back(books: dict[str, Any]) -> None:
    want = st.t(4, loc=1, scale=3)
    assert point_values(books["switched"])["e"] == pytest.approx(1.0)
    leaf = next(lf for lf, o in books["model"].compile().leaf_owner.items() if o == "e")
    np.testing.assert_allclose(sim_column(books["switched"], "e"), want.ppf(uniforms(SEED, f"u {leaf}", SIM_ROWS)),
                               rtol=1e-7, atol=1e-9)
    back = dv.read_excel(books["switched_file"])
    assert back.cell("e").formula == "student_t(4, 1, 3)"


def test_a_truncation_of_a_kind_without_a_cdf_formula_is_refused(tmp_path: Path) -> None:
    m = dv.Model("m")
    m.add("x", "truncate(mixture([norm(0, 1), norm(3, 1)], [1, 1]), 0, 2)")
    with pytest.raises(dv.ExcelError, match=r"cell 'x'.*a truncated mixture distribution has no CDF formula here"):
        m.to_excel(tmp_path / "x.xlsx")
    m = dv.Model("m")
    m.add("y", "mixture([" + ",".join(f"truncate(student_t(2,0,1),0,{k})" for k in range(1, 26)) + "],[" + ",".join("1" * 25) + "])")
    with pytest.raises(dv.ExcelError, match=r"cell 'y'.*its draw would be a formula of [\d,]+ characters, over Excel's 8,000"):
        m.to_excel(tmp_path / "y.xlsx")
    assert not list(tmp_path.iterdir())


def test_excel_refuses_to_change_a_fixed_kind(tmp_path: Path) -> None:
    m = dv.Model("m")
    m.add("d", "discrete([1, 2], [1, 3])")
    m.to_excel(tmp_path / "d.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "d.xlsx")
    r = rows_by_name(wb["Inputs"])["d"]
    assert wb["Inputs"].cell(row=r, column=layout.C_POINT).value == "=INDEX({1,2},1+SUMPRODUCT(--({0.25}<0.5)))"
    wb["Inputs"].cell(row=r, column=layout.C_KIND).value = "norm"
    wb.save(tmp_path / "d.xlsx")
    with pytest.raises(dv.ExcelError, match=r"a discrete row's distribution cannot be changed"):
        dv.read_excel(tmp_path / "d.xlsx")
