"""Exceptions raised by dealvalue.

Every error derives from :class:`DealValueError` and from the built-in
exception a caller would expect (``KeyError`` for an unknown cell,
``TypeError`` for a unit mismatch, ...).  Each stores the fields it was built
from, builds its message from them, and pickles (so errors cross process
boundaries, e.g. in Streamlit or multiprocessing).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "DealValueError",
    "FormulaError",
    "UnknownCellError",
    "DuplicateCellError",
    "CycleError",
    "UnitMismatchError",
    "DistributionError",
    "BoundsError",
    "ModelFileError",
    "CellInUseError",
    "ExcelError",
    "ArgumentError",
    "ArgumentTypeError",
]


def shown_value(value: Any, width: int = 80) -> str:
    """``repr(value)`` cut to ``width`` characters, for messages.

    >>> shown_value("x" * 100)[-5:]
    'xx...'
    """
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


class DealValueError(Exception):
    """Root of every error this package raises on purpose."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._args = args

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._args)

    def __str__(self) -> str:
        return self.message()

    def message(self) -> str:
        return " ".join(str(a) for a in self._args)


class FormulaError(DealValueError, ValueError):
    """A formula that cannot be parsed or is not allowed.

    ``position`` is the 0-based character offset into ``formula`` where the
    problem was found (``None`` when it concerns the whole formula).
    """

    def __init__(
        self, cell: str | None, formula: str, reason: str, position: int | None = None
    ) -> None:
        super().__init__(cell, formula, reason, position)
        self.cell = cell
        self.formula = formula
        self.reason = reason
        self.position = position

    def message(self) -> str:
        where = f"cell {self.cell!r}" if self.cell else "formula"
        text = self.formula if len(self.formula) <= 80 else self.formula[:77] + "..."
        pos = ""
        if self.position is not None:
            pos = f" at position {self.position + 1}"
            if len(self.formula) <= 80:
                pos += "\n    " + text + "\n    " + " " * self.position + "^"
                return f"{where}: {self.reason}{pos}"
        return f"{where}: {self.reason}{pos} in {text!r}"


class UnknownCellError(DealValueError, KeyError):
    """A name that is not a cell of the model."""

    def __init__(self, name: str, referenced_by: str | None = None, known: tuple[str, ...] = ()) -> None:
        super().__init__(name, referenced_by, tuple(known))
        self.name = name
        self.referenced_by = referenced_by
        self.known = tuple(known)

    def message(self) -> str:
        head = (
            f"cell {self.referenced_by!r} refers to unknown cell {self.name!r}"
            if self.referenced_by
            else f"no cell named {self.name!r}"
        )
        if self.known:
            import difflib

            close = difflib.get_close_matches(self.name, self.known, n=3)
            if close:
                head += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
        return head


class DuplicateCellError(DealValueError, ValueError):
    """Adding a cell whose name is already taken."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def message(self) -> str:
        return (
            f"cell {self.name!r} already exists; use Model.replace({self.name!r}, ...) "
            "to change it"
        )


class CycleError(DealValueError, ValueError):
    """Cells that depend on themselves; ``cycle`` lists them, first repeated last."""

    def __init__(self, cycle: tuple[str, ...]) -> None:
        super().__init__(tuple(cycle))
        self.cycle = tuple(cycle)

    def message(self) -> str:
        return "circular reference: " + " -> ".join(self.cycle)


class UnitMismatchError(DealValueError, TypeError):
    """Units that cannot be combined, e.g. USD added to years."""

    def __init__(self, cell: str | None, reason: str) -> None:
        super().__init__(cell, reason)
        self.cell = cell
        self.reason = reason

    def message(self) -> str:
        return f"cell {self.cell!r}: {self.reason}" if self.cell else self.reason


class DistributionError(DealValueError, ValueError):
    """Invalid distribution parameters, e.g. ``beta(0, 1)``."""

    def __init__(self, distribution: str, reason: str, cell: str | None = None) -> None:
        super().__init__(distribution, reason, cell)
        self.distribution = distribution
        self.reason = reason
        self.cell = cell

    def message(self) -> str:
        where = f"cell {self.cell!r}: " if self.cell else ""
        return f"{where}{self.distribution}: {self.reason}"


class BoundsError(DealValueError, ValueError):
    """A value outside a cell's declared bounds."""

    def __init__(self, cell: str, value: float, bounds: tuple[float, float], count: int = 1) -> None:
        super().__init__(cell, value, tuple(bounds), count)
        self.cell = cell
        self.value = value
        self.bounds = tuple(bounds)
        self.count = count

    def message(self) -> str:
        lo, hi = self.bounds
        many = f" ({self.count} samples out of bounds)" if self.count > 1 else ""
        return (
            f"cell {self.cell!r}: value {self.value:g} is outside its bounds "
            f"[{lo:g}, {hi:g}]{many}"
        )


class ModelFileError(DealValueError, ValueError):
    """A model file that cannot be read; ``field`` names the offending entry."""

    def __init__(self, path: str, field: str, reason: str) -> None:
        super().__init__(path, field, reason)
        self.path = path
        self.field = field
        self.reason = reason

    def message(self) -> str:
        return f"{self.path}: field {self.field!r}: {self.reason}"


class CellInUseError(DealValueError, ValueError):
    """Removing a cell that other cells still use."""

    def __init__(self, name: str, users: tuple[str, ...]) -> None:
        super().__init__(name, tuple(users))
        self.name = name
        self.users = tuple(users)

    def message(self) -> str:
        return (
            f"cell {self.name!r} is used by {', '.join(repr(u) for u in self.users)}; "
            "remove or change those first"
        )


class ExcelError(DealValueError, ValueError):
    """Something that cannot go into (or come out of) a workbook.

    ``where`` names the sheet, cell or field, ``value`` the offending value.
    """

    def __init__(self, where: str, value: Any, reason: str) -> None:
        super().__init__(where, value, reason)
        self.where = where
        self.value = value
        self.reason = reason

    def message(self) -> str:
        shown = shown_value(self.value)
        return f"{self.where}: {self.reason} (got {shown})"


class ArgumentError(DealValueError, ValueError):
    """A function argument with a bad value, e.g. ``n=0`` or ``method="foo"``.

    ``argument`` names the parameter, ``value`` is what was given and
    ``expected`` says what would have been accepted.

    >>> print(ArgumentError("n", 0, "a whole number of samples >= 1"))
    argument 'n': expected a whole number of samples >= 1, got 0
    """

    def __init__(self, argument: str, value: Any, expected: str) -> None:
        super().__init__(argument, value, expected)
        self.argument = argument
        self.value = value
        self.expected = expected

    def message(self) -> str:
        shown = shown_value(self.value)
        return f"argument {self.argument!r}: expected {self.expected}, got {shown}"


class ArgumentTypeError(ArgumentError, TypeError):
    """A function argument of the wrong type, e.g. ``n="many"``."""


class NotADealModelError(UnknownCellError, ValueError):
    """A model that lacks a core cell of the deal model (``R W c_h c_ai ask
    bid feasible``), so the answers of :mod:`dealvalue.deals` do not apply.

    A kind of :class:`UnknownCellError` (``name`` is the missing cell) and of
    ``ValueError`` (the model is the wrong kind of argument).

    >>> print(NotADealModelError("W", "my model", ("R", "W")))
    model 'my model' is not a deal model: it has no cell 'W' (expected the core cells R, W)
    """

    def __init__(self, name: str, model: str = "", core: tuple[str, ...] = ()) -> None:
        DealValueError.__init__(self, name, model, tuple(core))
        self.name = name
        self.referenced_by = None
        self.known = ()
        self.model = model
        self.core = tuple(core)

    def message(self) -> str:
        which = f"model {self.model!r}" if self.model else "the model"
        expected = f" (expected the core cells {', '.join(self.core)})" if self.core else ""
        return f"{which} is not a deal model: it has no cell {self.name!r}{expected}"


class CatalogueError(DealValueError, ValueError):
    """A bad entry in the configuration catalogue of :mod:`dealvalue.deals`
    (``catalogue.toml``); ``field`` names it, e.g. ``payment.x.max_upfront``.

    >>> print(CatalogueError("catalogue.toml", "payment.x.max_upfront", "expected a number in [0, 1], got 2"))
    catalogue.toml: field 'payment.x.max_upfront': expected a number in [0, 1], got 2
    """

    def __init__(self, source: str, field: str, reason: str) -> None:
        super().__init__(source, field, reason)
        self.source = source
        self.field = field
        self.reason = reason

    def message(self) -> str:
        return f"{self.source}: field {self.field!r}: {self.reason}"


__all__ += ["NotADealModelError", "CatalogueError"]


class StoreError(DealValueError, RuntimeError):
    """The assessment store cannot do what was asked: an unreachable
    database, a failed write (nothing of it is kept).  ``database`` is the
    database URL with its password hidden, never the password itself.

    >>> print(StoreError("postgresql+psycopg://me:***@db/dv", "connection refused"))
    database postgresql+psycopg://me:***@db/dv: connection refused
    """

    def __init__(self, database: str, reason: str) -> None:
        super().__init__(database, reason)
        self.database = database
        self.reason = reason

    def message(self) -> str:
        return f"database {self.database}: {self.reason}"


class SchemaVersionError(StoreError):
    """A database whose schema this dealvalue cannot use: newer than it
    knows (upgrade dealvalue), or older (run ``dealvalue assess upgrade``)."""


class AppendOnlyError(StoreError):
    """An attempt to change or delete a stored assessment: history is
    append-only (a correction is a new assessment that supersedes the old)."""


class AssessmentError(DealValueError, ValueError):
    """A bad assessment: an unknown system, a bad date, a correction of an
    assessment that does not exist or is already superseded.  ``field``
    names the part, ``value`` what was given.

    >>> print(AssessmentError("date", "2026-13-01", "expected a date YYYY-MM-DD"))
    date: expected a date YYYY-MM-DD, got '2026-13-01'
    """

    def __init__(self, field: str, value: Any, reason: str) -> None:
        super().__init__(field, value, reason)
        self.field = field
        self.value = value
        self.reason = reason

    def message(self) -> str:
        shown = shown_value(self.value)
        return f"{self.field}: {self.reason}, got {shown}"


__all__ += ["StoreError", "SchemaVersionError", "AppendOnlyError", "AssessmentError"]

class PeerModelError(ModelFileError):
    """A peer's model (Squiggle code, a Guesstimate export) that cannot be
    read: ``line`` and ``column`` (1-based) say where, ``reason`` why.

    >>> print(PeerModelError("model.squiggle", 2, 5, "only top-level bindings are read", "x + 1"))
    model.squiggle, line 2, column 5: only top-level bindings are read
        x + 1
            ^
    """

    def __init__(self, path: str, line: int, column: int, reason: str, source_line: str = "") -> None:
        DealValueError.__init__(self, path, line, column, reason, source_line)
        self.path = path
        self.field = f"line {line}, column {column}"
        self.line = line
        self.column = column
        self.reason = reason
        self.source_line = source_line

    def message(self) -> str:
        text = f"{self.path}, line {self.line}, column {self.column}: {self.reason}"
        if self.source_line and len(self.source_line) <= 120:
            text += "\n    " + self.source_line + "\n    " + " " * (self.column - 1) + "^"
        return text


__all__ += ["PeerModelError"]
