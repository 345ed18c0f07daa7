"""One pint registry for the whole package, with money and value units.

``USD`` is a base unit of its own dimension (``[currency]``) with ``kUSD``,
``MUSD`` and ``BUSD`` multiples; ``microdoom`` and other value units are
added with :func:`define_unit`.  Unit strings from users are checked against a
small grammar before pint sees them, so a hostile unit string cannot make pint
do unbounded work.
"""

from __future__ import annotations

import math
import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import UnitMismatchError

if TYPE_CHECKING:  # pragma: no cover
    import pint

__all__ = ["ureg", "define_unit", "parse_unit", "unit_text", "DIMENSIONLESS"]

DIMENSIONLESS = ""
_lock = threading.Lock()
_registry: "pint.UnitRegistry[Any] | None" = None
_user_units: dict[str, str | None] = {}

# identifiers, * / ** ^, small integer exponents, parentheses, spaces
_UNIT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\s*(\*\*|\^|\*|/)\s*(-?[0-9]{1,2}|[A-Za-z_][A-Za-z0-9_]*|\(|\)))*$")
_UNIT_TOKEN = re.compile(r"\s*(\*\*|\^|\*|/|\(|\)|-?[0-9]{1,2}(?![0-9])|[A-Za-z_][A-Za-z0-9_]*)")


def ureg() -> "pint.UnitRegistry[Any]":
    """The package's pint registry (created on first use)."""
    global _registry
    if _registry is None:
        with _lock:
            if _registry is None:
                import pint

                reg: Any = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
                reg.define("USD = [currency] = dollar")
                reg.define("kUSD = 1000 USD")
                reg.define("MUSD = 1e6 USD")
                reg.define("BUSD = 1e9 USD")
                reg.define("TUSD = 1e12 USD")
                for name, definition in _user_units.items():
                    _define(reg, name, definition)
                _registry = reg
    return _registry


def _define(reg: "pint.UnitRegistry[Any]", name: str, definition: str | None) -> None:
    if definition is None:
        reg.define(f"{name} = [{name}]")
    else:
        reg.define(f"{name} = {definition}")


def define_unit(name: str, definition: str | None = None) -> None:
    """Define a unit, once; defining the same name the same way again is a no-op.

    With no ``definition`` the unit gets a dimension of its own, so it never
    mixes with USD or years by accident.

    Examples
    --------
    >>> import dealvalue as dv
    >>> dv.define_unit("microdoom")
    >>> dv.define_unit("millidoom", "1000 microdoom")
    >>> str(dv.parse_unit("millidoom"))
    'millidoom'
    """
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,63}", name) or "__" in name:
        raise UnitMismatchError(None, f"unit name {name!r} is not an identifier (a letter, then letters, digits and "
                                "single '_', at most 64)")
    if definition is not None:
        match = re.fullmatch(r"\s*([0-9][0-9.eE+-]*)\s+(\S.*)", definition)
        try:
            if match is None:
                raise ValueError
            number = float(match.group(1))
            if not math.isfinite(number) or number == 0:
                raise UnitMismatchError(None, f"unit definition {definition!r}: expected a finite, non-zero factor, "
                                        f"got {match.group(1)}")
        except ValueError as exc:
            if isinstance(exc, UnitMismatchError):
                raise
            raise UnitMismatchError(
                None, f"unit definition {definition!r} must look like '1000 microdoom'"
            ) from None
        parse_unit(match.group(2))
    with _lock:
        if name in _user_units:
            if _user_units[name] != definition:
                raise UnitMismatchError(
                    None, f"unit {name!r} is already defined as {_user_units[name]!r}"
                )
            return
        reg = _registry
        if reg is not None and name in reg:
            raise UnitMismatchError(None, f"unit {name!r} already exists in the registry")
        _user_units[name] = definition
        if reg is not None:
            try:
                _define(reg, name, definition)
            except Exception as exc:  # pint's own refusal (a name clash inside pint, say)
                del _user_units[name]
                raise UnitMismatchError(None, f"unit {name!r} cannot be defined: {exc}") from None
    parse_unit.cache_clear()


def user_units() -> dict[str, str | None]:
    """Units defined with :func:`define_unit`, in order (for model files)."""
    return dict(_user_units)


@lru_cache(maxsize=512)
def parse_unit(text: str, cell: str | None = None) -> "pint.Unit":
    """Parse a unit string such as ``'USD'``, ``'USD/year'`` or ``''``.

    Raises :class:`~dealvalue.UnitMismatchError` naming the cell for an
    unknown or malformed unit.
    """
    reg = ureg()
    text = text.strip()
    if text in ("", "1", "dimensionless"):
        return reg.dimensionless
    if len(text) > 100 or not _UNIT_RE.match(text.replace("(", "").replace(")", "") or "x"):
        raise UnitMismatchError(cell, f"unit {text!r} is not of the form 'USD', 'USD/year', 'kg*m**2'")
    try:
        unit = reg.parse_units(text)
    except Exception as exc:  # pint raises several types
        raise UnitMismatchError(cell, f"unknown unit {text!r} ({exc})") from None
    return unit


def unit_text(unit: "pint.Unit") -> str:
    """Compact text for a unit: ``''`` for dimensionless."""
    if unit.dimensionless and str(unit) in ("dimensionless", ""):
        return DIMENSIONLESS
    return str(unit)


def factor(src: "pint.Unit", dst: "pint.Unit") -> float:
    """Multiply a magnitude in ``src`` by this to get it in ``dst``."""
    reg = ureg()
    return float(reg.Quantity(1.0, src).to(dst).magnitude)


def compatible(a: "pint.Unit", b: "pint.Unit") -> bool:
    return bool(a.dimensionality == b.dimensionality)
