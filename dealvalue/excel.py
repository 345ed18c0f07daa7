"""Deprecated: the Excel export moved to :mod:`dealvalue.io.excel`.

This module re-exports the old names for one release and warns when it is
imported.  Use ``dealvalue.io.excel.to_excel`` (or ``Model.to_excel``),
``dealvalue.read_excel`` (or ``Model.read_excel``), and for the deal
model's workbook with its ZOPA, Barriers and Interventions sheets
``dealvalue.deals.sheets.to_excel``.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING

from .io.excel import (
    FORMAT, MAX_SAMPLE_ROWS, MAX_SIM_ROWS, NAMING_RULE, SAMPLE_ROWS, SHEETS, SIM_ROWS, ExcelError, cell_name,
    check_sheet_title, excel_formula, excel_names, leaf_excel_name, to_excel,
)
from .io.excel.layout import (
    C_BOUNDS, C_DESC, C_FORMULA, C_GROUP, C_KIND, C_LABEL, C_NAME, C_NOTE, C_NUM, C_P1, C_PNAMES, C_POINT, C_UNIT,
    C_USRC, C_XNAME, CHART_BARS, INPUT_HEADERS, M_BOUNDS, M_DESC, M_FORMULA, M_GROUP, M_VALUE, MODEL_HEADERS, PARAMS,
    PRINT_COLS, PRINT_ROWS, SIM_HEADER_ROW, SIM_STATS, SIMPLE, T_CORR, T_HOWTO, T_INPUTS, T_LEAVES, T_MODEL, T_UNITS,
)
from .io.excel.style import MAX_TEXT

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

warnings.warn("dealvalue.excel is deprecated; use dealvalue.io.excel (and dealvalue.read_excel)",
              DeprecationWarning, stacklevel=2)

__all__ = [
    "to_excel", "read_excel", "ExcelError", "check_sheet_title", "cell_name", "excel_names", "excel_formula",
    "leaf_excel_name", "NAMING_RULE", "FORMAT", "SAMPLE_ROWS", "SIM_ROWS", "MAX_SIM_ROWS", "MAX_SAMPLE_ROWS",
    "MAX_TEXT", "SHEETS", "SIMPLE", "PARAMS", "T_INPUTS", "T_LEAVES", "T_CORR", "T_MODEL", "T_UNITS", "T_HOWTO",
    "C_NUM", "C_NAME", "C_XNAME", "C_LABEL", "C_UNIT", "C_USRC", "C_KIND", "C_PNAMES", "C_P1", "C_POINT",
    "C_FORMULA", "C_DESC", "C_GROUP", "C_BOUNDS", "C_NOTE", "M_VALUE", "M_FORMULA", "M_DESC", "M_GROUP", "M_BOUNDS",
    "INPUT_HEADERS", "MODEL_HEADERS", "PRINT_ROWS", "PRINT_COLS", "CHART_BARS", "SIM_STATS", "SIM_HEADER_ROW",
]


def read_excel(path: str | os.PathLike[str]) -> "Model":
    """Deprecated alias of :func:`dealvalue.read_excel`.

    Parameters
    ----------
    path
        A workbook written by ``to_excel``.

    Returns
    -------
    Model
        The model, with the analyst's edits.
    """
    from .model import read_excel as read_model  # the old entry point built a Model; the new reader takes a factory

    return read_model(path)
