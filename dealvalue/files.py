"""Deprecated: model files moved to :mod:`dealvalue.io.toml`.

Use :meth:`dealvalue.Model.load`, :meth:`~dealvalue.Model.loads`,
:meth:`~dealvalue.Model.save` and :meth:`~dealvalue.Model.dumps`.  This
module keeps the old functions for one release.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from .io.toml import FORMAT, MAX_FILE_BYTES, VERSION, dumps, save, to_dict, used_units
from .model import Model

__all__ = ["save", "load", "to_dict", "from_dict", "dumps", "loads", "used_units", "FORMAT", "VERSION", "MAX_FILE_BYTES"]

warnings.warn("dealvalue.files is deprecated: use Model.load / Model.loads / Model.save, or dealvalue.io.toml",
              DeprecationWarning, stacklevel=2)


def from_dict(data: Any, path: str = "<model>") -> Model:
    """Deprecated: :meth:`dealvalue.Model.from_dict`."""
    return Model.from_dict(data, path)


def loads(text: str, path: str = "<model>") -> Model:
    """Deprecated: :meth:`dealvalue.Model.loads`."""
    return Model.loads(text, path)


def load(path: str | os.PathLike[str]) -> Model:
    """Deprecated: :meth:`dealvalue.Model.load`."""
    return Model.load(path)
