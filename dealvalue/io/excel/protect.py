"""Data validation on the cells an analyst edits, and protection for the rest.

Sheets are protected without a password (Review > Unprotect Sheet lifts it
knowingly); the editable cells are unlocked and validated: a kind from a
list, numbers for parameters, a point value within the cell's bounds, a
rank correlation in [-1, 1], the ``fresh_draw`` switch 0 or 1.  Inserting
rows stays allowed, for adding inputs the documented way (see the Inputs
sheet's note).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from .draws import KINDS

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["Validations", "protect"]


class Validations:
    """Collects the editable cells of one sheet by rule, then writes the rules."""

    def __init__(self) -> None:
        self.rules: dict[tuple[str, str, str, str], list[str]] = {}

    def kind(self, ref: str) -> None:
        self.add(("list", '"' + ",".join(KINDS) + '"', "", "a distribution: " + ", ".join(KINDS)), ref)

    def number(self, ref: str, low: float | None = None, high: float | None = None) -> None:
        lo = -1e300 if low is None else low
        hi = 1e300 if high is None else high
        text = "a number" if low is None and high is None else f"a number from {lo:g} to {hi:g}"
        self.add(("decimal", repr(float(lo)), repr(float(hi)), text), ref)

    def switch(self, ref: str) -> None:
        self.add(("list", '"0,1"', "", "0 (seeded uniforms) or 1 (RAND())"), ref)

    def free(self, ref: str) -> None:
        """An editable text cell: unlocked, no rule."""
        self.rules.setdefault(("", "", "", ""), []).append(ref)

    def add(self, rule: tuple[str, str, str, str], ref: str) -> None:
        self.rules.setdefault(rule, []).append(ref)

    def write(self, ws: "Worksheet") -> None:
        from openpyxl.styles import Protection
        from openpyxl.worksheet.datavalidation import DataValidation

        for (kind, f1, f2, text), refs in self.rules.items():
            for ref in refs:
                ws[ref].protection = Protection(locked=False)
            if not kind:
                continue
            dv = DataValidation(type=kind, formula1=f1, formula2=f2 or None, operator="between" if kind == "decimal" else None,
                                allow_blank=True, showErrorMessage=True, errorTitle="dealvalue", error=f"Expected {text}.",
                                promptTitle="editable", prompt=f"Expected {text}.")
            for ref in refs:
                dv.add(ref)
            ws.add_data_validation(dv)


def protect(sheets: Iterable["Worksheet"]) -> None:
    """Protect the sheets without a password; inserting rows and formatting stay allowed."""
    for ws in sheets:
        p = ws.protection
        p.sheet = True
        p.insertRows = False
        p.formatColumns = False
        p.formatRows = False
        p.formatCells = False
        p.autoFilter = False
        p.sort = False
