"""The deal model's workbook: the generic Excel export plus ZOPA, Barriers and Interventions.

:func:`to_excel` writes what :func:`dealvalue.io.excel.to_excel` writes and,
for a model with the core deal cells (:data:`~dealvalue.deals.core.CORE`),
three more sheets from this package: the ZOPA quantiles, the barrier
decomposition and the interventions.  The generic writer knows nothing of
deals; it calls :func:`deal_sheets` as its ``extra_sheets`` hook, with the
results the workbook uses.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable

from ..io.excel import check_table
from ..io.excel.writer import to_excel as write_workbook
from .barriers import decomposition
from .core import CORE, zopa
from .interventions import interventions

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model
    from ..results import Results

__all__ = ["DEAL_N", "deal_sheets", "to_excel"]

DEAL_N = 10_000  # the most samples behind the Interventions sheet (each intervention re-simulates)


def deal_sheets(model: "Model", results: "Results") -> tuple[dict[str, "pd.DataFrame"], list[str]]:
    """The deal tables of a model with the core deal cells, and notes for the About sheet.

    Each table is computed, and written to a scratch workbook, on its own: a
    table that fails (to compute, or to go into a workbook) is left out with
    a note saying why, so the export still succeeds.

    Parameters
    ----------
    model
        The model; without every cell of :data:`~dealvalue.deals.core.CORE`
        it gets no deal sheets.
    results
        Its samples, as the workbook uses them: the ZOPA is computed from
        them, the interventions on at most :data:`DEAL_N` fresh draws with
        their seed.

    Returns
    -------
    sheets, notes
        Sheet title -> table (``ZOPA``, ``Barriers``, ``Interventions``, those
        that worked), and one note for what was written plus one per table
        left out.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model("not a deal"); m.add("x", "1 to 2")
    >>> deal_sheets(m, m.simulate(n=10, seed=1))
    ({}, [])
    """
    if not all(cell in model for cell in CORE):
        return {}, []
    n = min(results.n, DEAL_N)
    makers: dict[str, Callable[[], "pd.DataFrame"]] = {
        "ZOPA": lambda: zopa(results),
        "Barriers": lambda: decomposition(model),
        "Interventions": lambda: interventions(model, n=n, seed=results.seed),
    }
    out: dict[str, "pd.DataFrame"] = {}
    failed: list[str] = []
    for title, make in makers.items():
        try:
            frame = make()
            check_table(title, frame)
        except Exception as exc:  # noqa: BLE001 - any failure leaves the sheet out, and is reported
            failed.append(f"{title} left out: {type(exc).__name__}: {exc}")
            continue
        out[title] = frame
    notes = []
    if out:
        notes.append(f"{', '.join(out)}: computed by dealvalue.deals from the samples above"
                     + (f" (Interventions on {n:,} draws with seed {results.seed})" if "Interventions" in out else ""))
    return out, notes + failed


def to_excel(model: "Model", path: str | os.PathLike[str], results: "Results | None" = None, **kwargs: Any) -> None:
    """Write the live workbook of :func:`dealvalue.io.excel.to_excel`, with the deal sheets.

    Parameters
    ----------
    model
        The model.  With the core deal cells it gets the ZOPA, Barriers and
        Interventions sheets (:func:`deal_sheets`); without them the
        workbook is the generic one.
    path
        Where to write (``.xlsx``), atomically.
    results
        Its samples (default: the generic writer simulates 10,000); the
        deal tables use the same results.
    **kwargs
        The generic writer's keywords (``sim_rows``, ``sample_rows``,
        ``main``).  An ``extra_sheets`` given here replaces the deal sheets.

    Examples
    --------
    >>> import dealvalue as dv, os, tempfile, openpyxl
    >>> from dealvalue import models
    >>> m = dv.Model.load(models.path("deal"))
    >>> path = os.path.join(tempfile.mkdtemp(), "deal.xlsx")
    >>> to_excel(m, path, m.simulate(n=2000, seed=1), sim_rows=5, sample_rows=5)
    >>> openpyxl.load_workbook(path, read_only=True).sheetnames[-3:]
    ['ZOPA', 'Barriers', 'Interventions']
    """
    if "extra_sheets" not in kwargs and all(cell in model for cell in CORE):
        kwargs["extra_sheets"] = deal_sheets
    write_workbook(model, path, results, **kwargs)
