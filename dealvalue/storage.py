"""The file formats' face of :class:`dealvalue.Model`: model files
(:mod:`dealvalue.io.toml`) and Excel workbooks (:mod:`dealvalue.io.excel`),
and shipped models by name (:mod:`dealvalue.models`).

``Storage`` is a mixin of :class:`~dealvalue.Model` alone (hence the casts):
Model inherits these methods, and the readers build ``cls``, so a subclass of
Model reads into itself.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model
    from .results import Results

__all__ = ["Storage"]


class Storage:
    """Saving, loading and exporting a model (inherited by :class:`dealvalue.Model`)."""

    def save(self, path: "str | os.PathLike[str]") -> None:
        """Write the model to a TOML model file, atomically (see :mod:`dealvalue.io.toml`)."""
        from .io.toml import save

        save(cast("Model", self), path)

    def dumps(self) -> str:
        """The model file's text (what :meth:`save` writes)."""
        from .io.toml import dumps

        return dumps(cast("Model", self))

    def to_dict(self) -> dict[str, Any]:
        """The model as plain data in the model file's layout."""
        from .io.toml import to_dict

        return to_dict(cast("Model", self))

    @classmethod
    def load(cls, source: "str | os.PathLike[str]") -> "Model":
        """Read a model file (runs no code), or a shipped model by name.

        Parameters
        ----------
        source
            A path to a model file, or the name of a shipped model
            (``"deal"``, ``"advocacy"``, ``"evidence"``; see
            :func:`dealvalue.models.names`).

        Examples
        --------
        >>> from dealvalue import Model
        >>> m = Model.load("evidence")
        >>> m.name, "ask" in m
        ('evidence for cash', True)
        """
        from . import models
        from .io.toml import load

        text = os.fspath(source)
        if models.looks_like_name(text) and not os.path.exists(text):
            return load(models.path(text), new_model=cast("type[Model]", cls))
        return load(text, new_model=cast("type[Model]", cls))

    @classmethod
    def loads(cls, text: str, path: str = "<model>") -> "Model":
        """Read a model from a model file's text (``path`` names it in errors)."""
        from .io.toml import loads

        return loads(text, path, new_model=cast("type[Model]", cls))

    @classmethod
    def from_dict(cls, data: Any, path: str = "<model>") -> "Model":
        """Build a model from plain data in the model file's layout."""
        from .io.toml import from_dict

        return from_dict(data, path, new_model=cast("type[Model]", cls))

    def to_excel(self, path: str, results: "Results | None" = None, **kwargs: Any) -> None:
        """Export a live Excel workbook (see :func:`dealvalue.io.excel.to_excel`)."""
        from .io.excel.writer import to_excel

        to_excel(cast("Model", self), path, results, **kwargs)

    @classmethod
    def read_excel(cls, path: "str | os.PathLike[str]", mismatch: str = "error") -> "Model":
        """Read a workbook written by :meth:`to_excel` back, with the analyst's edits
        (see :func:`dealvalue.io.excel.read`; ``mismatch="text"`` takes the
        dealvalue text where a formula cell's Excel formula disagrees with it);
        ``cls`` makes the model."""
        from .io.excel.reader import read

        return read(path, cast("type[Model]", cls), mismatch=mismatch)
