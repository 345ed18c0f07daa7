"""Models from the peers: Squiggle code and Guesstimate exports.

These sit above :mod:`dealvalue.model` and hand the readers in
:mod:`dealvalue.io.squiggle` and :mod:`dealvalue.io.guesstimate` the
:class:`~dealvalue.Model` class to build.

Examples
--------
>>> import dealvalue as dv
>>> m = dv.from_squiggle("r = 10 to 100\\nask = r / beta(8, 2)")
>>> m.names
('r', 'ask')
"""

from __future__ import annotations

import os
from typing import Any

from .model import Model

__all__ = ["from_squiggle", "from_guesstimate", "GUESSTIMATE_SAMPLES"]

#: Guesstimate draws 5,000 samples per metric.
GUESSTIMATE_SAMPLES = 5_000


def from_squiggle(text: str, name: str = "squiggle model", path: str = "<squiggle>") -> Model:
    """A model from Squiggle code: each top-level binding a cell.

    Parameters
    ----------
    text
        The Squiggle program (see :mod:`dealvalue.io.squiggle` for the subset
        read: ``a to b``, ``normal``, ``lognormal``, ``beta``, ``uniform``,
        ``triangular``, ``mixture``, ``pointMass``, arithmetic, comments).
    name
        The model's name.
    path
        Names the program in errors.

    Returns
    -------
    Model
        The model; simulate it as any other.

    Raises
    ------
    PeerModelError
        Code outside the subset, with its line and column.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.from_squiggle("reward = 10 to 100\\ncred = beta(8, 2)  // credibility\\nask = reward / cred")
    >>> m.names, m.cell("ask").formula
    (('reward', 'cred', 'ask'), 'reward / cred')
    """
    from .io.squiggle import read

    return read(text, Model, name=name, path=path)


def from_guesstimate(export: "str | bytes | dict[str, Any] | os.PathLike[str]", name: str | None = None) -> Model:
    """A model from a Guesstimate export: each metric a cell.

    Parameters
    ----------
    export
        The export's JSON text, the parsed JSON, or a path to the file.
    name
        The model's name (default: the export's, else ``"guesstimate model"``).

    Returns
    -------
    Model
        The model.  Guesstimate itself draws :data:`GUESSTIMATE_SAMPLES`
        (5,000) samples: ``m.simulate(n=GUESSTIMATE_SAMPLES)`` to match it.

    Raises
    ------
    PeerModelError
        A metric or function outside the subset, naming it.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.from_guesstimate({"graph": {
    ...     "metrics": [{"id": "a", "readableId": "AB", "name": "users"}, {"id": "b", "readableId": "CD", "name": "revenue"}],
    ...     "guesstimates": [{"metric": "a", "input": "100 to 1000", "guesstimateType": "LOGNORMAL"},
    ...                      {"metric": "b", "input": "=AB * 5", "guesstimateType": "FUNCTION"}]}})
    >>> m.names, m.cell("revenue").formula
    (('users', 'revenue'), 'users * 5')
    """
    from .io.guesstimate import read

    if isinstance(export, os.PathLike):
        with open(export, "rb") as fh:
            data: Any = fh.read()
        return read(data, Model, name=name, path=os.fspath(export))
    return read(export, Model, name=name)
