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
        """Write the model to a TOML model file, atomically (see :mod:`dealvalue.io.toml`).

        Parameters
        ----------
        path : str or os.PathLike
            The file to write (its folder must exist).

        Raises
        ------
        ModelFileError
            The folder does not exist or the file cannot be written.

        Examples
        --------
        >>> import dealvalue as dv, os, tempfile
        >>> m = dv.Model("demo"); m.add("R", "10 to 100", unit="USD")
        >>> path = os.path.join(tempfile.mkdtemp(), "demo.toml")
        >>> m.save(path); dv.Model.load(path) == m
        True
        """
        from .io.toml import save

        save(cast("Model", self), path)

    def dumps(self) -> str:
        """The model file's text (what :meth:`save` writes).

        Returns
        -------
        str
            TOML text.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model("demo"); m.add("R", "10 to 100", unit="USD")
        >>> dv.Model.loads(m.dumps()) == m
        True
        """
        from .io.toml import dumps

        return dumps(cast("Model", self))

    def to_dict(self) -> dict[str, Any]:
        """The model as plain data in the model file's layout.

        Returns
        -------
        dict

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model("demo"); m.add("R", "10 to 100", unit="USD")
        >>> d = m.to_dict(); d["name"], d["cells"][0]["formula"]
        ('demo', '10 to 100')
        """
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
        r"""Read a model from a model file's text.

        Parameters
        ----------
        text : str
            The model file's TOML text (it runs no code).
        path : str, optional
            A name for the text in error messages.

        Returns
        -------
        Model

        Raises
        ------
        ModelFileError
            The text is not a valid model file (the message names the field).

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model.loads('format = "dealvalue-model"\nversion = 1\nname = "tiny"\n[[cells]]\nname = "x"\nformula = "2"\n')
        >>> m.name, m.evaluate("x")
        ('tiny', 2.0)
        """
        from .io.toml import loads

        return loads(text, path, new_model=cast("type[Model]", cls))

    @classmethod
    def from_dict(cls, data: Any, path: str = "<model>") -> "Model":
        """Build a model from plain data in the model file's layout.

        Parameters
        ----------
        data : dict
            What :meth:`to_dict` returns.
        path : str, optional
            A name for the data in error messages.

        Returns
        -------
        Model

        Raises
        ------
        ModelFileError
            The data is not a valid model (the message names the field).

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model("demo"); m.add("R", "10 to 100", unit="USD")
        >>> dv.Model.from_dict(m.to_dict()) == m
        True
        """
        from .io.toml import from_dict

        return from_dict(data, path, new_model=cast("type[Model]", cls))

    def to_excel(self, path: str, results: "Results | None" = None, **kwargs: Any) -> None:
        """Export a live Excel workbook (see :func:`dealvalue.io.excel.to_excel`).

        Parameters
        ----------
        path : str
            The ``.xlsx`` file to write (atomically; its folder must exist).
        results : Results, optional
            A simulation whose samples and statistics are written too.
        **kwargs
            Passed on: ``sim_rows``, ``sample_rows``, ``main``,
            ``extra_sheets``.

        Raises
        ------
        ExcelError
            The workbook cannot be written.

        Examples
        --------
        >>> import dealvalue as dv, os, tempfile
        >>> m = dv.Model("demo"); m.add("R", "10 to 100", unit="USD"); m.add("ask", "R / beta(8, 2)")
        >>> path = os.path.join(tempfile.mkdtemp(), "demo.xlsx")
        >>> m.to_excel(path, m.simulate(n=500, seed=1), sim_rows=20)
        >>> os.path.getsize(path) > 0
        True
        """
        from .io.excel.writer import to_excel

        to_excel(cast("Model", self), path, results, **kwargs)

    @classmethod
    def read_excel(cls, path: "str | os.PathLike[str]", mismatch: str = "error") -> "Model":
        """Read a workbook written by :meth:`to_excel` back, with the analyst's edits.

        See :func:`dealvalue.read_excel`; ``cls`` makes the model.

        Parameters
        ----------
        path : str or os.PathLike
            The workbook.
        mismatch : {"error", "text"}
            ``"text"`` takes the dealvalue text where a formula cell's Excel
            formula disagrees with it.

        Returns
        -------
        Model

        Raises
        ------
        ExcelError
            The file is not a dealvalue workbook, or an edit cannot be read.

        Examples
        --------
        >>> import dealvalue as dv, os, tempfile
        >>> m = dv.Model("demo"); m.add("R", "10 to 100", unit="USD")
        >>> path = os.path.join(tempfile.mkdtemp(), "demo.xlsx")
        >>> m.to_excel(path, sim_rows=20)
        >>> dv.Model.read_excel(path).cell("R").formula
        '10 to 100'
        """
        from .io.excel.reader import read

        return read(path, cast("type[Model]", cls), mismatch=mismatch)
