"""Number formats from what a cell means, not from one of its values.

A cell is an *indicator* (every sample 0 or 1: its mean is a probability),
a *probability* (dimensionless, every sample in [0, 1]), *money* (a unit of
the ``[currency]`` dimension, e.g. USD or kUSD), a *count* (every sample a
whole number) or a plain *number*; its typical size is the median of its
finite samples' absolute values.  P(feasible) is then 0.0% and never prints
as 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ...model import Model
    from ...results import Results

__all__ = ["CellFormat", "cell_format", "formats", "magnitude_format", "shown_length", "PERCENT"]

PERCENT = "0.0%"


def shown_length(value: float, fmt: str) -> int:
    """The characters a spreadsheet shows for ``value`` in one of this module's number
    formats (a column narrower than that shows ``###``).

    >>> shown_length(215066658.48, '#,##0 "USD"'), shown_length(0.3, "0.0%"), shown_length(-2.6e11, "0.000E+00")
    (15, 5, 10)
    """
    import re

    if not math.isfinite(value):
        return 6  # the error text, e.g. #NUM!
    suffix = re.findall(r'"([^"]*)"', fmt)
    core = re.sub(r'"[^"]*"', "", fmt)
    literal = len("".join(suffix)) + core.count(" ")  # the unit and the spaces around it
    core = core.strip()
    decimals = len(re.sub(r"[^0]", "", core.split(".", 1)[1].split("E")[0])) if "." in core else 0
    if "E" in core:
        text = f"{value:.{decimals}E}"
    elif core.endswith("%"):
        text = f"{100 * value:,.{decimals}f}%"
    else:
        text = f"{value:,.{decimals}f}" if "," in core else f"{value:.{decimals}f}"
    return len(text) + literal


@dataclass(frozen=True)
class CellFormat:
    """The formats of one cell: its values (a draw, a point value), its mean and its sd."""

    meaning: str   # "indicator", "probability", "money", "count" or "number"
    value: str
    mean: str
    sd: str


def magnitude_format(x: float, currency: str = "") -> str:
    """About four significant digits for numbers of size ``x``.

    >>> magnitude_format(0.0123), magnitude_format(12.3), magnitude_format(12345.0, "USD")
    ('0.0000', '#,##0.00', '#,##0 "USD"')
    """
    x = abs(x)
    if not math.isfinite(x) or x == 0:
        text = "#,##0.00"
    elif x >= 1e9 or x < 1e-4:
        text = "0.000E+00"
    elif x >= 1000:
        text = "#,##0"
    elif x >= 100:
        text = "#,##0.0"
    elif x >= 1:
        text = "#,##0.00"
    else:
        text = "0.0000"
    return f'{text} "{currency}"' if currency else text


def cell_format(samples: np.ndarray, unit: Any = None, currency: str = "") -> CellFormat:
    """The formats of a cell with these samples and this (pint) unit.

    >>> cell_format(np.array([0.0, 1.0, 1.0])).mean
    '0.0%'
    >>> cell_format(np.array([3.0, 4.0, 7.0])).meaning
    'count'
    """
    x = np.asarray(samples, dtype=float)
    x = x[np.isfinite(x)]
    dimensionless = unit is None or bool(getattr(unit, "dimensionless", True))
    size = float(np.median(np.abs(x))) if x.size else 0.0
    if x.size and dimensionless and np.all((x == 0) | (x == 1)):
        return CellFormat("indicator", "0", PERCENT, PERCENT)
    if x.size and dimensionless and x.min() >= 0 and x.max() <= 1:
        return CellFormat("probability", PERCENT, PERCENT, PERCENT)
    if currency:
        f = magnitude_format(size, currency)
        return CellFormat("money", f, f, f)
    if x.size and np.all(x == np.round(x)):
        return CellFormat("count", "#,##0", "#,##0.0", "#,##0.0")
    f = magnitude_format(size)
    return CellFormat("number", f, f, f)


def formats(model: "Model", results: "Results") -> dict[str, CellFormat]:
    """Every cell's formats, from the results' samples and the cell's unit."""
    from ...units import unit_text

    out: dict[str, CellFormat] = {}
    for name in model.names:
        unit = model.unit(name)
        text = unit_text(unit)
        currency = ""
        try:
            if "[currency]" in str(unit.dimensionality):
                currency = text
        except Exception:  # noqa: BLE001 - a unit pint cannot describe: no currency
            currency = ""
        out[name] = cell_format(results.get(name), unit, currency)
    return out
