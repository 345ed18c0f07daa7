"""Does the Simulation sheet still compute what the formula texts say?

The Simulation sheet holds its own copy of every formula (over column
references, one shared formula per column), so a formula edited on the Model
sheet and in its ``formula (dealvalue)`` text alike leaves the live simulation
computing the old one.  :func:`simulation_differences` compares the first row
of draws with what the texts print to (as text, or by value where the edited
formula is arithmetic over the row's columns), so that :func:`~.reader.read` refuses
such a workbook, naming the cell, instead of reading a model the workbook does
not simulate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from .layout import SIM_HEADER_ROW, col_letter
from .printer import excel_formula

if TYPE_CHECKING:  # pragma: no cover
    from ...model import Model

__all__ = ["simulation_differences"]


def _normal(text: str) -> str:
    return text.removeprefix("=").replace("_xlfn.", "").replace("$", "").replace(" ", "").upper()


def simulation_differences(rows: Sequence[Sequence[Any]], model: "Model") -> list[tuple[str, Any, str]]:
    """(sheet cell, its formula, what is wrong) for every formula cell of ``model`` whose
    column on the Simulation sheet computes another formula; ``rows`` are the sheet's
    header row and its first row of draws, as read (formulas, not values).

    >>> import dealvalue as dv
    >>> m = dv.Model("m"); m.add("a", "1 to 2"); m.add("b", "a * 2")
    >>> simulation_differences([("draw", "a", "b"), (1, "=0.5", "=2*B13")], m)
    []
    >>> simulation_differences([("draw", "a", "b"), (1, "=0.5", "=3*B13")], m)[0][0]
    'Simulation!C13 (b)'
    """
    if len(rows) < 2:
        return []
    header, first = rows[0], rows[1]
    row = SIM_HEADER_ROW + 1
    refs: dict[str, str] = {}
    for c, h in enumerate(header, start=1):
        if isinstance(h, str) and h and h not in refs:
            refs[h] = f"{col_letter(c)}{row}"
    by_ref = {ref: name for name, ref in refs.items()}
    out = []
    for name in model.names:
        if model.is_input(name) or name not in refs:
            continue
        c = _column(refs[name])
        got = first[c - 1] if c - 1 < len(first) else None
        try:
            want = excel_formula(model.parsed(name).expr, refs, name)
        except KeyError:  # a name with no column (a row added to the tables): refused elsewhere
            continue
        if isinstance(got, str) and (_normal(got) == _normal(want) or _same(got, by_ref, model.parsed(name).expr)):
            continue
        out.append((f"Simulation!{refs[name]} ({name})", got,
                    f"the live simulation computes {name} with another formula than its formula (dealvalue) text "
                    f"{model.cell(name).formula!r} (expected ={want}); edit the Simulation column alike "
                    f"({refs[name]} and down to its last row), or read with mismatch='text' to take the texts"))
    return out


def _same(got: str, names: dict[str, str], expr: Any) -> bool:
    """An edited column's formula read back over the column's names (the model sheet's
    arithmetic, :func:`~.translate.from_excel`) computes ``expr``."""
    from ...errors import ExcelError
    from .translate import from_excel, same_formula

    try:
        _, back = from_excel(got, names)
    except ExcelError:
        return False
    return bool(same_formula(back, expr))


def _column(ref: str) -> int:
    from openpyxl.utils.cell import column_index_from_string

    return int(column_index_from_string(ref.rstrip("0123456789")))
