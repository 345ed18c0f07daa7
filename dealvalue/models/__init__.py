"""The model files that ship with dealvalue, found by name.

A *shipped model* is a model file inside the installed package: ``deal``
(the taxonomy deal model), ``advocacy``, ``evidence``; and the *scenarios*,
named deals built from the deal model by a configuration
(``scenarios/<name>.toml``).

>>> from dealvalue import models
>>> models.names()
['advocacy', 'deal', 'evidence']
>>> models.path("deal").name
'deal.toml'
>>> "labour_trust_fund" in models.scenario_names()
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["names", "scenario_names", "path", "scenario_path", "text", "looks_like_name"]


def _folder() -> Path:
    # the package is always installed as files (no zip-safe wheels), so the
    # traversable is a real folder and its paths can be handed to open()
    return Path(str(resources.files(__name__)))


def names() -> list[str]:
    """Names of the shipped models, sorted."""
    return sorted(p.stem for p in _folder().glob("*.toml"))


def scenario_names() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    return sorted(p.stem for p in (_folder() / "scenarios").glob("*.toml"))


def looks_like_name(source: str) -> bool:
    """True when ``source`` is a bare name (no folder, no ``.toml``), so it
    means a shipped model rather than a file."""
    return bool(source) and "/" not in source and "\\" not in source and not source.endswith(".toml")


def _find(name: str, folder: Path, known: list[str], what: str) -> Path:
    from ..errors import ArgumentError

    if not isinstance(name, str) or name not in known:
        raise ArgumentError(what, name, "one of " + ", ".join(repr(k) for k in known))
    return folder / f"{name}.toml"


def path(name: str) -> Path:
    """The file of the shipped model ``name`` (``"deal"``, ...)."""
    return _find(name, _folder(), names(), "model")


def scenario_path(name: str) -> Path:
    """The file of the shipped scenario ``name`` (``"labour_trust_fund"``, ...)."""
    return _find(name, _folder() / "scenarios", scenario_names(), "scenario")


def text(name: str) -> str:
    """The model file text of the shipped model ``name``."""
    return path(name).read_text(encoding="utf-8")
