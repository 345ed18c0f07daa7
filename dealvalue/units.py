"""Units: one shared, frozen registry of built-in units, and per-model registries.

``dv.ureg`` is the shared pint registry of the built-in units: pint's own
(years, metres, ...) and money (``USD`` is a base unit of its own dimension,
``[currency]``, with ``kUSD``, ``MUSD``, ``BUSD`` and ``TUSD`` multiples).
It is frozen: nothing, not even loading a model file, defines a unit in it.

A model's own units (``Model.define_unit`` or ``[[units]]`` in a model file)
live in a registry of that model, built from the built-ins plus the model's
definitions (:func:`registry_for`; two models with the same definitions share
one, since a registry never changes once built).  So the same unit name can
mean different things in two models in one process.

Unit strings from users are checked against a small grammar before pint
sees them, so a hostile unit string cannot make pint do unbounded work.
Offset units (``degC``, ``degF``) are refused: a temperature difference
and a temperature cannot be told apart in a formula.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import math
import re
import threading
import warnings
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .errors import UnitMismatchError

if TYPE_CHECKING:  # pragma: no cover
    import pint

__all__ = ["ureg", "define_unit", "parse_unit", "unit_text", "registry_for", "using", "current", "DIMENSIONLESS",
           "MAX_USER_UNITS"]

DIMENSIONLESS = ""
MAX_USER_UNITS = 200  # user-defined units in one model
_lock = threading.RLock()
_shared: Any = None
_registries: "OrderedDict[tuple[tuple[str, str | None], ...], Any]" = OrderedDict()
_MAX_REGISTRIES = 32
_legacy: dict[str, str | None] = {}  # the deprecated process-wide dv.define_unit
_active: contextvars.ContextVar[Any] = contextvars.ContextVar("dealvalue_unit_registry", default=None)
Definitions = tuple[tuple[str, "str | None"], ...]

# identifiers, * / ** ^, small integer exponents, parentheses, spaces
_UNIT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\s*(\*\*|\^|\*|/)\s*(-?[0-9]{1,2}|[A-Za-z_][A-Za-z0-9_]*|\(|\)))*$")
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_BUILTIN = ("USD = [currency] = dollar", "kUSD = 1000 USD", "MUSD = 1e6 USD", "BUSD = 1e9 USD", "TUSD = 1e12 USD")
_registry_class: Any = None


def _cls() -> Any:
    global _registry_class
    if _registry_class is None:
        import pint

        class Registry(pint.UnitRegistry):  # type: ignore[misc,type-arg]
            """A pint registry that refuses new definitions once frozen, and
            whose deprecated call with no arguments returns itself (``dv.ureg()``)."""

            _dv_frozen = False

            def __call__(self, *args: Any, **kwargs: Any) -> Any:
                if not args and not kwargs:
                    warnings.warn("dv.ureg is the registry itself now: write dv.ureg, not dv.ureg()",
                                  DeprecationWarning, stacklevel=2)
                    return self
                return super().__call__(*args, **kwargs)

            def define(self, definition: Any) -> None:
                if self._dv_frozen:
                    raise UnitMismatchError(None, "this unit registry is frozen (shared built-in units); define units "
                                            "on a model: Model.define_unit(name, definition)")
                super().define(definition)

            def load_definitions(self, *args: Any, **kwargs: Any) -> Any:
                if self._dv_frozen:
                    raise UnitMismatchError(None, "this unit registry is frozen")
                return super().load_definitions(*args, **kwargs)

        _registry_class = Registry
    return _registry_class


def shared() -> "pint.UnitRegistry[Any]":
    """The shared, frozen registry of built-in units (``dv.ureg``)."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                reg = _cls()(autoconvert_offset_to_baseunit=True)
                for line in _BUILTIN:
                    reg.define(line)
                reg._dv_frozen = True
                reg._dv_definitions = ()
                reg._dv_cache = {}
                _shared = reg
    return _shared  # type: ignore[no-any-return]


def __getattr__(name: str) -> Any:  # ``ureg`` is built on first use
    if name == "ureg":
        return shared()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name) or "__" in name:
        raise UnitMismatchError(None, f"unit name {name!r} is not an identifier (a letter, then letters, digits and "
                                "single '_', at most 64)")
    return name


def _check_definition(reg: Any, name: str, definition: str | None) -> None:
    """Refuse a bad definition before pint sees it: ``'1000 microdoom'``, a finite non-zero factor."""
    check_name(name)
    if name in reg:
        raise UnitMismatchError(None, f"unit {name!r} already exists (a built-in unit or defined before)")
    if definition is None:
        return
    if not isinstance(definition, str):
        raise UnitMismatchError(None, f"unit {name!r}: a definition is text like '1000 microdoom', got {definition!r}")
    match = re.fullmatch(r"\s*([0-9][0-9.eE+-]{0,40})\s+(\S.*)", definition)
    try:
        if match is None:
            raise ValueError
        number = float(match.group(1))
    except ValueError:
        raise UnitMismatchError(None, f"unit definition {definition!r} must look like '1000 microdoom'") from None
    if not math.isfinite(number) or number == 0:
        raise UnitMismatchError(None, f"unit definition {definition!r}: expected a finite, non-zero factor, "
                                f"got {match.group(1)}")
    parse_unit(match.group(2), None, reg)


def registry_for(definitions: Iterable[tuple[str, str | None]]) -> "pint.UnitRegistry[Any]":
    """The frozen registry of the built-ins plus ``definitions`` (in order;
    later ones may use earlier ones).  Registries are cached by their
    definitions, so equal unit sets share one; the shared one for none.

    Raises :class:`~dealvalue.UnitMismatchError` naming the unit for a bad
    definition (its ``cell`` is None; the message names the unit)."""
    defs: Definitions = tuple((str(n), d) for n, d in definitions)
    if not defs:
        return shared()
    with _lock:
        if defs in _registries:
            _registries.move_to_end(defs)
            return _registries[defs]  # type: ignore[no-any-return]
        if len(defs) > MAX_USER_UNITS:
            raise UnitMismatchError(None, f"{len(defs)} user-defined units; the limit is {MAX_USER_UNITS}")
        names = [n for n, _ in defs]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise UnitMismatchError(None, f"unit {dup!r} is defined twice")
        base = shared()
        reg: Any = copy.deepcopy(base)
        reg._dv_frozen = False
        reg._dv_cache = {}
        for name, definition in defs:
            try:
                _check_definition(reg, name, definition)
                reg.define(f"{name} = [{name}]" if definition is None else f"{name} = {definition}")
            except UnitMismatchError as exc:  # said with the unit's name, so a reader can point at it
                if repr(name) in str(exc):
                    raise
                raise UnitMismatchError(None, f"unit {name!r}: {exc.reason}") from None
            except Exception as exc:  # pint's own refusal
                raise UnitMismatchError(None, f"unit {name!r} cannot be defined: {exc}") from None
            reg._dv_cache = {}
        reg._dv_frozen = True
        reg._dv_definitions = defs
        _registries[defs] = reg
        while len(_registries) > _MAX_REGISTRIES:
            _registries.popitem(last=False)
        return reg  # type: ignore[no-any-return]


def definitions(reg: Any) -> dict[str, str | None]:
    """The user-defined units of a registry, in order."""
    return dict(getattr(reg, "_dv_definitions", ()))


def current() -> "pint.UnitRegistry[Any]":
    """The registry formulas are read in now: the model's (see :func:`using`),
    else the one of the deprecated process-wide :func:`define_unit` units,
    else the shared one."""
    reg = _active.get()
    if reg is not None:
        return reg  # type: ignore[no-any-return]
    return registry_for(tuple(_legacy.items())) if _legacy else shared()


@contextlib.contextmanager
def using(reg: Any) -> Iterator[Any]:
    """Read units in ``reg`` inside the block (per thread and task)."""
    token = _active.set(reg)
    try:
        yield reg
    finally:
        _active.reset(token)


def define_unit(name: str, definition: str | None = None) -> None:
    """Deprecated: define a unit for every model created afterwards in this
    process.  Use :meth:`dealvalue.Model.define_unit` (or ``[[units]]`` in a
    model file), which keeps the unit with its model.

    Defining the same name the same way again is a no-op.  The shared
    registry ``dv.ureg`` never changes.

    Parameters
    ----------
    name : str
        The unit's name.
    definition : str, optional
        None gives the unit a dimension of its own; else its value in other
        units (``'1000 microdoom'``).

    Raises
    ------
    UnitMismatchError
        The name is already defined differently.

    Examples
    --------
    Instead of ``dv.define_unit("microdoom")`` (which every later model
    would inherit), define the unit on the model that uses it:

    >>> import dealvalue as dv
    >>> m = dv.Model(); m.define_unit("microdoom")
    >>> m.add("risk", "3", unit="microdoom"); str(m.unit("risk"))
    'microdoom'
    """
    warnings.warn("dv.define_unit is deprecated: use Model.define_unit(name, definition), or [[units]] in the "
                  "model file; units now belong to their model", DeprecationWarning, stacklevel=2)
    check_name(name)
    with _lock:
        if name in _legacy:
            if _legacy[name] != definition:
                raise UnitMismatchError(None, f"unit {name!r} is already defined as {_legacy[name]!r}")
            return
        registry_for(tuple(_legacy.items()) + ((name, definition),))  # checks it
        _legacy[name] = definition


def user_units() -> dict[str, str | None]:
    """Units defined with the deprecated :func:`define_unit`, in order (new models start with them)."""
    return dict(_legacy)


def parse_unit(text: str, cell: str | None = None, registry: Any = None) -> "pint.Unit":
    """Parse a unit string such as ``'USD'``, ``'USD/year'`` or ``''`` in
    ``registry`` (default: :func:`current`).  Results are cached per registry.

    Parameters
    ----------
    text : str
        The unit's text.
    cell : str, optional
        The cell it is for, named in an error.
    registry : pint.UnitRegistry, optional
        Where to read it (a model's :attr:`~dealvalue.Model.unit_registry`).

    Returns
    -------
    pint.Unit

    Raises
    ------
    UnitMismatchError
        An unknown, malformed or offset (``degC``) unit, naming the cell.

    Examples
    --------
    >>> import dealvalue as dv
    >>> str(dv.parse_unit("USD/year")), str(dv.parse_unit(""))
    ('USD / year', 'dimensionless')
    """
    reg = registry if registry is not None else current()
    if not isinstance(text, str):
        raise UnitMismatchError(cell, f"a unit is text like 'USD', got {text!r}")
    text = text.strip()
    cache: dict[str, Any] = reg.__dict__.setdefault("_dv_cache", {})
    hit = cache.get(text)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    if text in ("", "1", "dimensionless"):
        return reg.dimensionless  # type: ignore[no-any-return]
    if len(text) > 100 or not _UNIT_RE.match(text.replace("(", "").replace(")", "") or "x"):
        raise UnitMismatchError(cell, f"unit {text!r} is not of the form 'USD', 'USD/year', 'kg*m**2'")
    try:
        unit = reg.parse_units(text)
    except Exception as exc:  # pint raises several types
        raise UnitMismatchError(cell, f"unknown unit {text!r} ({exc})") from None
    offset = [str(n) for n in unit._units if not _multiplicative(reg, str(n))]
    if offset:
        raise UnitMismatchError(cell, f"unit {text!r} uses the offset unit {offset[0]!r}, which is not supported "
                                "(a temperature and a temperature difference cannot be told apart); use kelvin or delta_degC")
    if len(cache) < 4096:
        cache[text] = unit
    return unit  # type: ignore[no-any-return]


def _multiplicative(reg: Any, name: str) -> bool:
    try:
        return bool(reg._units[name].is_multiplicative)
    except Exception:  # pragma: no cover - pint internals
        return True


def unit_text(unit: "pint.Unit") -> str:
    """Compact text for a unit: ``''`` for dimensionless."""
    if unit.dimensionless and str(unit) in ("dimensionless", ""):
        return DIMENSIONLESS
    return str(unit)


def registry_of(unit: Any) -> Any:
    """The registry a pint unit or quantity belongs to."""
    return getattr(unit, "_REGISTRY", None) or current()


def factor(src: "pint.Unit", dst: "pint.Unit") -> float:
    """Multiply a magnitude in ``src`` by this to get it in ``dst`` (same registry)."""
    reg = registry_of(src)
    return float(reg.Quantity(1.0, src).to(dst).magnitude)


def factor_to(src: "pint.Unit", text: str, cell: str | None = None) -> float:
    """The factor from ``src`` to the unit ``text`` read in ``src``'s registry."""
    reg = registry_of(src)
    dst = parse_unit(text, cell, reg)
    if not compatible(src, dst):
        raise UnitMismatchError(cell, f"cannot show {src} in {dst}")
    return float(reg.Quantity(1.0, src).to(dst).magnitude)


def quantity_in(q: Any, reg: Any) -> Any:
    """A pint quantity moved into ``reg`` (through its unit's text)."""
    if getattr(q, "_REGISTRY", None) is reg:
        return q
    return reg.Quantity(q.magnitude, str(q.units))


def compatible(a: "pint.Unit", b: "pint.Unit") -> bool:
    return bool(a.dimensionality == b.dimensionality)
