"""dealvalue: spreadsheet-style models of uncertain decisions, and the
taxonomy model of deals with early misaligned AIs.

>>> import dealvalue as dv
>>> m = dv.Model("evidence for cash")
>>> m.add("R", "10 to 100", unit="USD")
>>> m.add("W", "50 to 500", unit="USD")
>>> m.add("c_h", "beta(8, 2)")
>>> m.add("ask", "R / c_h")
>>> m.add("feasible", "W >= ask")
>>> r = m.simulate(n=10_000, seed=1)
>>> 0 < r.mean("feasible") < 1
True

Heavy modules (sympy, pint, pandas, scipy, openpyxl) load on first use, so
``import dealvalue`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    ArgumentError,
    ArgumentTypeError,
    BoundsError,
    CellInUseError,
    CycleError,
    DealValueError,
    DistributionError,
    DuplicateCellError,
    ExcelError,
    FormulaError,
    ModelFileError,
    PeerModelError,
    UnitMismatchError,
    UnknownCellError,
)

__version__ = "0.2.0"

# public name -> module that defines it (imported on first access)
_LAZY = {
    "Model": "model",
    "Cell": "cells",
    "Results": "results",
    "NonFiniteWarning": "results",
    "define_unit": "units",
    "parse_unit": "units",
    "ureg": "units",
    "To": "distributions",
    "Norm": "distributions",
    "Lognorm": "distributions",
    "Beta": "distributions",
    "Uniform": "distributions",
    "Triangular": "distributions",
    "Pert": "distributions",
    "Bernoulli": "distributions",
    "Mixture": "distributions",
    "Distribution": "distributions",
    "parse": "formula",
    "read_excel": "model",
    "from_squiggle": "peers",
    "from_guesstimate": "peers",
    "budget": "budgets",
    "Budget": "budgets",
    "BudgetExceeded": "budgets",
}

__all__ = [
    "__version__",
    "ArgumentError",
    "ArgumentTypeError",
    "BoundsError",
    "CellInUseError",
    "CycleError",
    "DealValueError",
    "DistributionError",
    "DuplicateCellError",
    "ExcelError",
    "FormulaError",
    "ModelFileError",
    "PeerModelError",
    "UnitMismatchError",
    "UnknownCellError",
    "Model",
    "Cell",
    "Results",
    "NonFiniteWarning",
    "define_unit",
    "parse_unit",
    "ureg",
    "To",
    "Norm",
    "Lognorm",
    "Beta",
    "Uniform",
    "Triangular",
    "Pert",
    "Bernoulli",
    "Mixture",
    "Distribution",
    "parse",
    "read_excel",
    "from_squiggle",
    "from_guesstimate",
    "budget",
    "Budget",
    "BudgetExceeded",
]

if TYPE_CHECKING:  # pragma: no cover
    from .budgets import Budget, BudgetExceeded, budget
    from .cells import Cell
    from .distributions import Bernoulli, Beta, Distribution, Lognorm, Mixture, Norm, Pert, To, Triangular, Uniform
    from .formula import parse
    from .model import Model, read_excel
    from .peers import from_guesstimate, from_squiggle
    from .results import NonFiniteWarning, Results
    from .units import define_unit, parse_unit, ureg


# submodules reachable as attributes (dv.deals, dv.excel, ...) without importing them up front
_SUBMODULES = {"analysis", "deals", "io", "models", "stats", "distributions", "formula", "simulate", "units",
               "display", "plots", "peers"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dealvalue' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
