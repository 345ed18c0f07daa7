"""The public API is small and pinned; importing it is fast."""

from __future__ import annotations

import subprocess
import sys

import dealvalue as dv

EXPECTED = {
    "__version__",
    "Model", "Cell", "Results", "NonFiniteWarning",
    "define_unit", "parse_unit", "ureg", "parse", "read_excel", "from_squiggle", "from_guesstimate",
    "Distribution", "To", "Norm", "Lognorm", "Beta", "Uniform", "Triangular", "Pert", "Bernoulli", "Mixture",
    "DealValueError", "FormulaError", "UnknownCellError", "DuplicateCellError", "CycleError",
    "UnitMismatchError", "DistributionError", "BoundsError", "ModelFileError", "CellInUseError", "ExcelError",
    "ArgumentError", "ArgumentTypeError", "PeerModelError",
    "budget", "Budget", "BudgetExceeded",
}


def test_all_is_pinned() -> None:
    assert set(dv.__all__) == EXPECTED


def test_every_public_name_resolves() -> None:
    for name in dv.__all__:
        assert getattr(dv, name) is not None


def test_exceptions_share_one_root_and_builtins() -> None:
    assert issubclass(dv.UnknownCellError, KeyError)
    assert issubclass(dv.UnitMismatchError, TypeError)
    assert issubclass(dv.CycleError, ValueError)
    assert issubclass(dv.FormulaError, ValueError)
    assert issubclass(dv.ArgumentError, ValueError) and issubclass(dv.ArgumentTypeError, TypeError)
    assert issubclass(dv.ArgumentTypeError, dv.ArgumentError)
    for name in dv.__all__:
        obj = getattr(dv, name)
        if isinstance(obj, type) and issubclass(obj, Exception) and obj is not dv.NonFiniteWarning:
            assert issubclass(obj, dv.DealValueError)


def test_import_loads_no_heavy_module() -> None:
    code = "import sys, dealvalue; print(','.join(m for m in ('sympy', 'pandas', 'pint', 'scipy', 'openpyxl', 'streamlit') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
