"""Saved results: :meth:`Results.save` and :meth:`Results.load` (Parquet),
and :meth:`Results.to_csv`.

A saved file is one Parquet table, a column per cell (then a column per
distribution literal, ``cell__k``), whose schema metadata holds, under the key
``dealvalue``, a JSON object with the model file's text (what
:meth:`Model.dumps` writes), each column's unit, and how the run was made
(``n``, ``seed``, ``method``, ``overrides``, ...).  Loading reads the model
back through the model file reader (which runs no code) and gives the same
samples, model and units.  Parquet needs ``pyarrow`` (the ``parquet`` extra).

CSV cannot carry metadata: :meth:`Results.to_csv` writes the units in a first
comment line, ``# units: {...}`` (JSON), that :func:`read_csv` reads back into
``attrs["units"]``.

Examples
--------
>>> import dealvalue as dv, os, tempfile
>>> m = dv.Model("demo"); m.add("R", "10 to 100", unit="USD"); m.add("ask", "2 * R")
>>> r = m.simulate(n=100, seed=1)
>>> path = os.path.join(tempfile.mkdtemp(), "run.parquet")
>>> r.save(path)
>>> back = dv.Results.load(path)
>>> bool((back["ask"] == r["ask"]).all()), back.samples.attrs["units"]["ask"], back.model == m
(True, 'USD', True)
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ArgumentError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .results import Results

__all__ = ["save", "load", "to_csv", "read_csv", "FORMAT"]

FORMAT = "dealvalue results 1"
KEY = b"dealvalue"


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:  # pragma: no cover - pyarrow is in the parquet and dev extras
        raise ArgumentError("path", "<parquet>", "pyarrow installed for Parquet files (pip install 'dealvalue[parquet]')") from None
    return pyarrow


def save(results: "Results", path: "str | os.PathLike[str]") -> None:
    """Write ``results`` to a Parquet file atomically (the folder must exist).

    Parameters
    ----------
    results
        A run whose samples were kept (not ``keep="summary"``).
    path
        The file to write.
    """
    from .io.atomic import atomic_path

    if results.stats:
        raise ArgumentError("results", f"a run keeping statistics only for {', '.join(sorted(results.stats))}",
                            "a run with its samples (simulate with keep='all') to save")
    pa = _pyarrow()
    columns = {**results.values, **results.leaves}
    if len(columns) != len(results.values) + len(results.leaves):
        raise ArgumentError("results", "a cell named like a distribution literal", "cell and literal names that differ")
    table = pa.table({k: np.asarray(v, dtype=float) for k, v in columns.items()})
    meta = {
        "format": FORMAT, "model": results.model.dumps(), "units": results.units(),
        "cells": list(results.values), "leaves": list(results.leaves), "n": results.n, "seed": results.seed,
        "method": results.method, "seconds": results.seconds, "overrides": results.overrides,
        "batch_sizes": list(results.batch_sizes), "converged": results.converged, "stop_reason": results.stop_reason,
        "se_reached": results.se_reached,
    }
    table = table.replace_schema_metadata({KEY: json.dumps(meta).encode("utf-8")})
    with atomic_path(path) as tmp:
        pa.parquet.write_table(table, str(tmp))


def load(cls: "type[Results]", path: "str | os.PathLike[str]", new_model: Any = None) -> "Results":
    """Read a file written by :func:`save`.

    Parameters
    ----------
    cls
        The results class to build.
    path
        The Parquet file.
    new_model
        The model class whose ``loads`` reads the embedded model file; None
        is :class:`dealvalue.Model` (found through the package, as a user
        would).

    Returns
    -------
    Results
        The same samples, model and units.
    """
    pa = _pyarrow()
    if not os.path.isfile(path):
        raise ArgumentError("path", os.fspath(path), "an existing file written by Results.save")
    try:
        table = pa.parquet.read_table(os.fspath(path))
    except Exception as exc:
        raise ArgumentError("path", os.fspath(path), f"a Parquet file written by Results.save ({exc})") from None
    raw = (table.schema.metadata or {}).get(KEY)
    try:
        meta = json.loads(raw.decode("utf-8")) if raw else {}
    except (UnicodeDecodeError, ValueError):
        meta = {}
    if meta.get("format") != FORMAT:
        raise ArgumentError("path", os.fspath(path), f"a file written by Results.save (metadata {FORMAT!r})")
    if new_model is None:
        import dealvalue

        new_model = dealvalue.Model
    model = new_model.loads(meta["model"], os.fspath(path))
    arrays = {name: table.column(name).to_numpy().astype(float) for name in table.column_names}
    for arr in arrays.values():
        arr.flags.writeable = False
    return cls(model=model, values={k: arrays[k] for k in meta["cells"]}, leaves={k: arrays[k] for k in meta["leaves"]},
               n=int(meta["n"]), seed=int(meta["seed"]), method=str(meta["method"]), seconds=float(meta["seconds"]),
               batch_sizes=tuple(meta["batch_sizes"]), converged=meta["converged"], stop_reason=meta["stop_reason"],
               se_reached=dict(meta["se_reached"]), overrides=dict(meta["overrides"]))


def to_csv(results: "Results", path: "str | os.PathLike[str]") -> None:
    """Write the samples as CSV with a first line ``# units: {...}``.

    Parameters
    ----------
    results
        A run whose samples were kept.
    path
        The file to write (atomically; its folder must exist).
    """
    from .io.atomic import atomic_path

    frame = results.samples
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write("# units: " + json.dumps(frame.attrs.get("units", {})) + "\n")
            frame.to_csv(f, index=False)


def read_csv(path: "str | os.PathLike[str]") -> "pd.DataFrame":
    """Read a CSV written by :meth:`Results.to_csv`, with its units.

    Parameters
    ----------
    path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        The samples, ``attrs["units"]`` each column's unit text.
    """
    import pandas as pd

    with open(path, encoding="utf-8") as f:
        first = f.readline()
        units = json.loads(first[len("# units: "):]) if first.startswith("# units: ") else {}
        if not units:
            f.seek(0)
        frame = pd.read_csv(f)
    frame.attrs["units"] = units
    return frame
