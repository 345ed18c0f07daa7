"""Rich display: HTML for models, results and distributions, static and escaped."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import numpy as np
import pytest

import dealvalue as dv
from dealvalue import display


@pytest.fixture(scope="module")
def model() -> dv.Model:
    m = dv.Model("evidence <for> cash", description="a & b")
    m.add("R", "10 to 100", unit="USD", label="AI's <reservation> price", description="what it gets \"elsewhere\"")
    m.add("c_h", "beta(8, 2)", label="credibility")
    m.add("ask", "R / c_h", label="ask")
    m.add("feasible", "ask <= 150 USD")
    return m


@pytest.fixture(scope="module")
def results(model: dv.Model) -> dv.Results:
    return model.simulate(n=4_000, seed=1)


def no_active_content(html: str) -> None:
    low = html.lower()
    assert "<script" not in low and "http://" not in low.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in low and "<link" not in low and "@import" not in low and "onload" not in low


def test_model_html_lists_every_cell_escaped(model: dv.Model) -> None:
    html = model._repr_html_()
    no_active_content(html)
    for text in ("evidence &lt;for&gt; cash", "AI&#x27;s &lt;reservation&gt; price", "what it gets &quot;elsewhere&quot;",
                 "a &amp; b", "<code>R / c_h</code>", "<code>ask &lt;= 150 USD</code>", ">USD<"):
        assert text in html
    assert "<reservation>" not in html
    assert html.count("<tr>") == 1 + len(model)   # header + one row per cell
    assert "2 inputs, 2 formulas" in html


def test_model_latex_is_the_formulas(model: dv.Model) -> None:
    latex = model._repr_latex_()
    assert latex is not None and latex.startswith("$$\\begin{aligned}") and latex.endswith("$$")
    assert "\\mathrm{ask} &= \\frac{R}{c_{h}}" in latex
    only_inputs = dv.Model(); only_inputs.add("x", "1")
    assert only_inputs._repr_latex_() is None


def test_results_html_has_the_summary_numbers_and_one_svg_per_cell(results: dv.Results) -> None:
    html = results._repr_html_()
    no_active_content(html)
    assert "4,000 samples, seed 1, method mc" in html
    svgs = re.findall(r"<svg.*?</svg>", html)
    assert len(svgs) == len(results.values)
    for svg in svgs:  # each is well-formed XML with bars
        root = ElementTree.fromstring(svg)
        assert root.tag.endswith("svg") and len(root.findall(".//{http://www.w3.org/2000/svg}rect")) >= 2
    s = results.summary()
    assert display.number(s.loc["ask", "p50"]) in html and display.number(s.loc["R", "p95"]) in html
    assert "(log bins)" not in html.split("<code>c_h</code>")[1].split("</tr>")[0]


def test_results_html_uses_log_bins_for_wide_positive_cells() -> None:
    m = dv.Model(); m.add("x", "1 to 1000000")
    html = m.simulate(n=2_000, seed=2)._repr_html_()
    assert "(log bins)" in html


def test_results_html_counts_nonfinite() -> None:
    m = dv.Model(); m.add("u", "uniform(0, 1)"); m.add("x", "1 / (u > 0.5)")
    r = m.simulate(n=1_000, seed=3)
    html = r._repr_html_()
    assert f"{r.nonfinite('x'):,}</td>" in html


@pytest.mark.parametrize("dist", [dv.To(10, 100), dv.Beta(8, 2), dv.Bernoulli(0.3), dv.Norm(0, 1),
                                  dv.Mixture((dv.Norm(0, 1), dv.Norm(5, 1)), (1, 1))])
def test_distribution_html_shows_quantiles_and_a_sparkline(dist: dv.Distribution) -> None:
    html = dist._repr_html_()
    no_active_content(html)
    assert f"<code>{display.esc(dist.formula())}</code>" in html
    for q in display.QUANTILES:
        assert display.number(dist.quantile(q)) in html
    assert html.count("<svg") == 1 and "<rect" in html


def test_the_svg_is_scaled_and_safe() -> None:
    svg = display.svg_histogram([0, 1, 2, np.nan], width=40, height=10, title="<x>")
    assert "<title>&lt;x&gt;</title>" in svg
    heights = [float(h) for h in re.findall(r'height="([\d.]+)"/>', svg)]
    assert heights == [5.0, 10.0]
    assert "<rect" not in display.svg_histogram([])


def test_number_formatting() -> None:
    assert display.number(31.6227766) == "31.62"
    assert display.number(1234.5) == "1,234" or display.number(1234.5) == "1,235"
    assert display.number(-0.5) == "-0.5"
