"""docs/notebook.ipynb executes, and its outputs are rich (HTML tables, SVG charts)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebook.ipynb"


@pytest.fixture(scope="module")
def executed() -> "nbformat.NotebookNode":
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return nb


def outputs(nb: "nbformat.NotebookNode", mime: str) -> list[str]:
    return [o["data"][mime] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.get("output_type") in ("execute_result", "display_data") and mime in o.get("data", {})]


def test_the_notebook_runs_without_errors(executed: "nbformat.NotebookNode") -> None:
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors == []


def test_the_model_and_results_render_as_html(executed: "nbformat.NotebookNode") -> None:
    html = outputs(executed, "text/html")
    assert any('class="dealvalue"' in h and "kind" in h and "formula" in h for h in html)          # the model
    assert any("20,000 samples" in h and h.count("<svg") > 10 for h in html)                       # the results
    assert any("density of" in h for h in html)                                                     # a distribution
    assert any("S1" in h and "ST" in h for h in html)                                               # Sobol table
    assert all("<script" not in h for h in html if 'class="dealvalue"' in h)


def test_the_charts_are_static_svg(executed: "nbformat.NotebookNode") -> None:
    svgs = outputs(executed, "image/svg+xml")
    assert len(svgs) == 2
    assert "Barrier waterfall" in svgs[1] and "ask (USD)" not in svgs[1]
    assert "value (USD)" in svgs[0]
