"""The units part of :class:`dealvalue.Model`: each model owns its units.

A model's user-defined units live in a frozen pint registry built from the
shared built-ins plus the model's definitions
(:func:`dealvalue.units.registry_for`), so two models may give one unit name
different meanings, and a pickled model carries its definitions, not pint
objects.
"""

from __future__ import annotations

from dataclasses import replace as _dc_replace
from typing import TYPE_CHECKING, Any, Iterable

from . import units as U
from .errors import UnitMismatchError
from .model_graph import ModelGraph
from .units import parse_unit

if TYPE_CHECKING:  # pragma: no cover
    import pint

    from .cells import Cell

__all__ = ["ModelUnits"]


class ModelUnits(ModelGraph):
    """The model's units (inherited by :class:`dealvalue.Model`)."""

    def _apply(self, new: "dict[str, Cell]") -> None:  # pragma: no cover - Model's
        raise NotImplementedError

    def _touch(self) -> None:  # pragma: no cover - Model's
        raise NotImplementedError

    @property
    def unit_registry(self) -> "pint.UnitRegistry[Any]":
        """The pint registry this model's units live in.

        Frozen; the shared ``dv.ureg`` when the model defines no units of its
        own.

        Returns
        -------
        pint.UnitRegistry

        Examples
        --------
        >>> import dealvalue as dv
        >>> dv.Model().unit_registry is dv.ureg
        True
        """
        reg: pint.UnitRegistry[Any] = self._registry
        return reg

    @property
    def unit_definitions(self) -> dict[str, str | None]:
        """The model's own units, ``{name: definition or None}``, in order.

        Returns
        -------
        dict of str to str or None

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.define_unit("microdoom"); m.define_unit("millidoom", "1000 microdoom")
        >>> m.unit_definitions
        {'microdoom': None, 'millidoom': '1000 microdoom'}
        """
        return U.definitions(self._registry)

    def define_unit(self, name: str, definition: str | None = None) -> None:
        """Define a unit for this model only.

        Defining the same name the same way again is a no-op.

        Parameters
        ----------
        name : str
            The unit's name.
        definition : str, optional
            None gives the unit a dimension of its own (``'microdoom'``); else
            its value in other units (``'1000 microdoom'``).

        Raises
        ------
        UnitMismatchError
            The name is already defined in this model differently.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.define_unit("microdoom"); m.define_unit("millidoom", "1000 microdoom")
        >>> m.add("x", "2 millidoom", unit="microdoom"); m.evaluate("x")
        2000.0
        """
        self.define_units([(name, definition)])

    def define_units(self, units: Iterable[tuple[str, str | None]]) -> None:
        """Define several units at once (all or nothing; see :meth:`define_unit`).

        Parameters
        ----------
        units : iterable of (str, str or None)
            ``(name, definition)`` pairs, in order.

        Raises
        ------
        UnitMismatchError
            A name is already defined in this model differently.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.define_units([("microdoom", None), ("millidoom", "1000 microdoom")])
        >>> list(m.unit_definitions)
        ['microdoom', 'millidoom']
        """
        defs = self.unit_definitions
        for name, definition in units:
            U.check_name(name)
            if name in defs and defs[name] != definition:
                raise UnitMismatchError(None, f"unit {name!r} is already defined in this model as {defs[name]!r}")
            defs[name] = definition
        reg = U.registry_for(defs.items())
        if reg is self._registry:
            return
        old, self._registry = self._registry, reg
        try:
            if self._cells:  # the cells' units move to the new registry
                self._apply(dict(self._cells))
        except BaseException:
            self._registry = old
            raise
        self._touch()

    def unit(self, name: str) -> "pint.Unit":
        """The cell's pint unit (declared, or inferred for formulas).

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        pint.Unit

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "90", unit="USD"); m.add("t", "2", unit="year"); m.add("rate", "R / t")
        >>> str(m.unit("rate"))
        'USD / year'
        """
        self.cell(name)
        unit: pint.Unit = self._units[name]
        return unit

    def parse_unit(self, text: str, cell: str | None = None) -> "pint.Unit":
        """A unit string read with this model's units.

        Parameters
        ----------
        text : str
            The unit's text, ``'kUSD'``, ``'USD / year'``.
        cell : str, optional
            The cell it is for, named in an error.

        Returns
        -------
        pint.Unit

        Raises
        ------
        UnitMismatchError
            The text is not a unit this model knows.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.define_unit("microdoom")
        >>> str(m.parse_unit("microdoom / USD"))
        'microdoom / USD'
        """
        return parse_unit(text, cell, self._registry)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with its units: definitions and unit texts, not pint objects."""
        state = dict(self.__dict__)
        state["_cache"] = {}
        state["_registry"] = self.unit_definitions
        state["_units"] = {k: str(u) for k, u in self._units.items()}
        state["_parsed"] = {k: _dc_replace(p, unit=str(p.unit))  # type: ignore[arg-type]
                            for k, p in self._parsed.items()}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        reg = U.registry_for(state["_registry"].items())
        state = dict(state, _registry=reg, _cache={})
        state["_units"] = {k: reg.parse_units(t) for k, t in state["_units"].items()}
        state["_parsed"] = {k: _dc_replace(p, unit=reg.parse_units(p.unit)) for k, p in state["_parsed"].items()}
        self.__dict__.update(state)
