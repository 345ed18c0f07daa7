"""Where things are in a dealvalue workbook: sheets, columns, section titles.

The writer puts each table where this module says and the reader looks for
it there, so the two agree by construction.  :func:`plan` decides the rows
of the Inputs sheet (one per input, one per distribution literal written
inside a formula), and is run by the reader too, to know what kind of row
each input was exported as.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ... import distributions as D
from ...errors import ExcelError
from .draws import KINDS, undrawable
from .printer import excel_names, leaf_excel_name

if TYPE_CHECKING:  # pragma: no cover
    from ...model import Model

__all__ = [
    "FORMAT", "SIM_ROWS", "SAMPLE_ROWS", "MAX_SIM_ROWS", "MAX_SAMPLE_ROWS", "SHEETS", "SIMPLE", "PARAMS",
    "T_INPUTS", "T_LEAVES", "T_CORR", "T_MODEL", "T_UNITS", "T_HOWTO", "T_NEW",
    "C_NUM", "C_NAME", "C_XNAME", "C_LABEL", "C_UNIT", "C_USRC", "C_KIND", "C_PNAMES", "C_P1", "C_POINT",
    "C_FORMULA", "C_DESC", "C_GROUP", "C_BOUNDS", "C_NOTE", "M_VALUE", "M_FORMULA", "M_DESC", "M_GROUP",
    "M_BOUNDS", "INPUT_HEADERS", "MODEL_HEADERS", "PRINT_ROWS", "PRINT_COLS", "CHART_BARS", "SIM_STATS",
    "SIM_HEADER_ROW", "SIM_SWITCH_ROW", "InputRow", "plan", "col_letter", "ref", "quote_sheet",
]

FORMAT = "dealvalue workbook 1"  # the About sheet's format key: the reader refuses any other
SIM_ROWS = 10_000  # a standard error of about 0.005 on a probability near 1/3
SAMPLE_ROWS = 10_000
MAX_SIM_ROWS = 100_000
MAX_SAMPLE_ROWS = 1_000_000

SHEETS = ("About", "Inputs", "Model", "Simulation", "Samples", "Summary", "Sensitivity")
SIMPLE = KINDS  # the kinds with an editable parameter row (the others are FIXED)
PARAMS = {
    "to": ("low", "high"), "norm": ("mean", "sd"), "lognorm": ("mu", "sigma"), "beta": ("a", "b"),
    "uniform": ("low", "high"), "triangular": ("left", "mode", "right"),
    "pert": ("low", "mode", "high", "lam"), "bernoulli": ("p",),
    "gamma": ("shape", "scale"), "exponential": ("rate",), "binomial": ("n", "p"),
    "student_t": ("df", "loc", "scale"), "lognorm_ms": ("mean", "sd"),
}

# section titles (column A) that the reader looks for
T_INPUTS = "Inputs"
T_LEAVES = "Distributions written inside formulas"
T_CORR = "Rank correlations"
T_MODEL = "Formula cells"
T_UNITS = "Units defined by the model"
T_HOWTO = "How to use this workbook"
T_NEW = "Adding inputs"

# shared columns of the Inputs and Model tables
C_NUM, C_NAME, C_XNAME, C_LABEL, C_UNIT, C_USRC = range(1, 7)
# Inputs table
C_KIND, C_PNAMES, C_P1 = 7, 8, 9          # parameters in columns 9..12
C_POINT, C_FORMULA, C_DESC, C_GROUP, C_BOUNDS, C_NOTE = 13, 14, 15, 16, 17, 18
# Model table
M_VALUE, M_FORMULA, M_DESC, M_GROUP, M_BOUNDS = 7, 8, 9, 10, 11

INPUT_HEADERS = ["#", "name", "Excel name", "label", "unit", "unit source", "distribution", "parameters",
                 "param 1", "param 2", "param 3", "param 4", "point value", "formula (dealvalue)",
                 "description", "group", "bounds", "note"]
MODEL_HEADERS = ["#", "name", "Excel name", "label", "unit", "unit source", "value", "formula (dealvalue)",
                 "description", "group", "bounds"]

PRINT_ROWS = 50  # rows of draws or samples that print (the sheets hold up to 100,000)
PRINT_COLS = 12  # columns per printed page on the wide sheets
CHART_BARS = 15
SIM_STATS = ("mean", "sd", "p5", "p50", "p95", "non-numeric rows")
SIM_SWITCH_ROW = 10  # the fresh_draw switch
SIM_HEADER_ROW = 12


# ---------------------------------------------------------------- addresses


def col_letter(col: int) -> str:
    """The letters of a 1-based column number (``1 -> 'A'``, ``27 -> 'AA'``).

    >>> col_letter(1), col_letter(27)
    ('A', 'AA')
    """
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))


def quote_sheet(title: str) -> str:
    """A sheet title as a formula writes it: bare if it is a plain name, else in apostrophes.

    >>> quote_sheet("Inputs"), quote_sheet("my sheet")
    ('Inputs', "'my sheet'")
    """
    return title if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) else "'" + title.replace("'", "''") + "'"


def ref(row: int, col: int, absolute: bool = False, sheet: str | None = None) -> str:
    """An A1 reference, optionally absolute and on another sheet.

    >>> ref(5, 13), ref(5, 13, True, "Inputs")
    ('M5', 'Inputs!$M$5')
    """
    d = "$" if absolute else ""
    text = f"{d}{col_letter(col)}{d}{row}"
    return f"{quote_sheet(sheet)}!{text}" if sheet else text


# ---------------------------------------------------------------- the rows of the Inputs sheet


@dataclass
class InputRow:
    """An Inputs-sheet row: an input cell or a distribution literal inside a formula."""

    name: str              # cell name or leaf name
    xname: str             # its defined name
    kind: str              # a SIMPLE kind, a FIXED kind ("mixture", "truncate", "discrete"), "constant" or "formula"
    dist: D.Distribution | None
    row: int = 0           # set by the writer once the row is placed
    leaves: list[str] = field(default_factory=list)  # for "formula" inputs
    live: bool = True      # the point value is a live formula of the parameters
    note: str = ""


def plan(model: "Model") -> tuple[list[InputRow], list[InputRow], dict[str, str]]:
    """The rows of the inputs and literals tables, and symbol name -> defined name.

    Parameters
    ----------
    model
        The model to export (any object with the :class:`~dealvalue.Model` API).

    Returns
    -------
    inputs, literals, symbols
        One :class:`InputRow` per input cell, in cell order; one per
        distribution literal written inside a formula whose cell is not
        itself a distribution; and the defined name standing for every cell
        and literal in Excel formulas.
    """
    compiled = model.compile()
    names = excel_names(model.names)
    symbols = dict(names)
    inputs: list[InputRow] = []
    leaf_rows: list[InputRow] = []
    by_owner: dict[str, list[str]] = {}
    for leaf, owner in compiled.leaf_owner.items():
        by_owner.setdefault(owner, []).append(leaf)
    mixture_note = "median of a mixture, computed by Python (no closed form)"
    for leaf, literal in compiled.leaves.items():
        check_drawable(compiled.leaf_owner[leaf], literal)
    for name in model.names:
        if not model.is_input(name):
            continue
        leaves = by_owner.get(name, [])
        dist = model.distribution(name)
        if not leaves:
            inputs.append(InputRow(name, names[name], "constant", None, live=False))
        elif dist is not None:
            kind = "mixture" if isinstance(dist, D.Mixture) else dist.kind
            note = mixture_note if kind == "mixture" else ""
            inputs.append(InputRow(name, names[name], kind, dist, live=kind != "mixture", note=note))
        else:
            # an input such as "2 * (1 to 3)": its median is a formula of the literal's
            # median only when the formula is monotone in it
            live = len(leaves) == 1 and model.monotone_in_leaf(name)
            note = "" if live else "median of 100,001 samples, computed by Python"
            inputs.append(InputRow(name, names[name], "formula", None, leaves=list(leaves), live=live, note=note))
    for leaf, owner in compiled.leaf_owner.items():
        if model.distribution(owner) is not None:
            continue
        dist = compiled.leaves[leaf]
        kind = "mixture" if isinstance(dist, D.Mixture) else dist.kind
        xname = leaf_excel_name(leaf, names)
        symbols[leaf] = xname
        note = mixture_note if kind == "mixture" else ""
        leaf_rows.append(InputRow(leaf, xname, kind, dist, live=kind != "mixture", note=note))
    return inputs, leaf_rows, symbols


def check_drawable(cell: str, dist: D.Distribution) -> None:
    """Refuse a distribution the workbook cannot draw with a spreadsheet
    formula (see :func:`~.draws.undrawable`), naming the cell, instead of
    writing a draw that shows ``#N/A``."""
    why = undrawable(dist)
    if why is not None:
        raise ExcelError(f"cell {cell!r}", dist.formula(),
                         f"the workbook draws {', '.join(KINDS)} and discrete distributions, and mixtures "
                         f"and truncations of them; {why}")
