"""Deprecated: the naming rule and the Excel printer moved to :mod:`dealvalue.io.excel.printer`.

This module re-exports the old names for one release and warns when it is imported.
"""

from __future__ import annotations

import warnings

from .io.excel.printer import (
    MAX_FORMULA_CHARS, NAMING_RULE, XLFN, ExcelError, cell_name, excel_forbids, excel_formula, excel_names,
    leaf_excel_name,
)

warnings.warn("dealvalue.excel_printer is deprecated; use dealvalue.io.excel (or dealvalue.io.excel.printer)",
              DeprecationWarning, stacklevel=2)

__all__ = [
    "ExcelError", "excel_forbids", "excel_names", "leaf_excel_name", "cell_name", "excel_formula", "NAMING_RULE",
    "XLFN", "MAX_FORMULA_CHARS",
]
