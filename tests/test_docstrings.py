"""Every public function and method has numpydoc sections: numpydoc's own
validator runs over the public API, with the checks chosen in
``docs/api/conf.py`` (``numpydoc_validation_checks``, which the ``-W`` Sphinx
build enforces on the pages it renders; this test covers every public object,
rendered or not).

The public API: ``dealvalue.__all__`` (exceptions aside: their fields are in
their messages) and the public methods and properties of its classes; the
distributions, the readers and writers of :mod:`dealvalue.io`, the deal
functions (:mod:`dealvalue.deals`), :mod:`dealvalue.analysis`,
:mod:`dealvalue.scale` and the plots.  A method that overrides a documented
one without a docstring of its own shows the base method's docstring (Sphinx
inherits it), so the base's is the one checked.
"""

from __future__ import annotations

import importlib
import inspect
import warnings
from pathlib import Path
from typing import Any, Iterator

import numpydoc.validate as nv
import pytest

ROOT = Path(__file__).resolve().parents[1]

# (module, names): None takes the module's __all__
PUBLIC: list[tuple[str, tuple[str, ...] | None]] = [
    ("dealvalue", None),
    ("dealvalue.distributions", None),
    ("dealvalue.io.toml", ("load", "loads", "save", "dumps", "to_dict", "from_dict", "schema")),
    ("dealvalue.io.squiggle", ("read",)),
    ("dealvalue.io.guesstimate", ("read",)),
    ("dealvalue.io.excel", ("to_excel", "read")),
    ("dealvalue.deals", None),
    ("dealvalue.deals.plots", None),
    ("dealvalue.analysis", None),
    ("dealvalue.scale", None),
    ("dealvalue.plots", None),
]

# Known gaps, each failing only the listed checks; the list may only shrink:
# a test below fails when an entry is no longer needed.
GAPS: dict[str, set[str]] = {
}


def checks() -> set[str]:
    """The checks chosen in docs/api/conf.py (read as text: it imports Sphinx's config only)."""
    namespace: dict[str, Any] = {}
    text = (ROOT / "docs" / "api" / "conf.py").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("numpydoc_validation_checks"))
    exec(compile(line, "docs/api/conf.py", "exec"), {}, namespace)  # a literal set of check codes
    return set(namespace["numpydoc_validation_checks"])


def _owner_of_doc(cls: type, name: str) -> str | None:
    """The import path of the method ``name`` whose docstring ``cls`` shows."""
    for klass in cls.__mro__:
        raw = klass.__dict__.get(name)
        if raw is None:
            continue
        func = raw.fget if isinstance(raw, property) else getattr(raw, "__func__", raw)
        if getattr(func, "__doc__", None):
            return f"{klass.__module__}.{klass.__qualname__}.{name}"
    return None


def public_objects() -> Iterator[str]:
    """Import paths of every public function, class, method and property, each once."""
    seen: set[str] = set()

    def once(path: str) -> Iterator[str]:
        if path not in seen:
            seen.add(path)
            yield path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # deals.MODELS_DIR
        for modname, names in PUBLIC:
            mod = importlib.import_module(modname)
            for name in names or mod.__all__:
                obj = getattr(mod, name)
                if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                    continue  # constants, the unit registry
                if inspect.isclass(obj) and issubclass(obj, BaseException):
                    continue
                home = f"{obj.__module__}.{obj.__qualname__}"
                yield from once(home)
                if not inspect.isclass(obj):
                    continue
                for mname in sorted(dir(obj)):
                    if mname.startswith("_"):
                        continue
                    raw = inspect.getattr_static(obj, mname)
                    func = raw.fget if isinstance(raw, property) else getattr(raw, "__func__", raw)
                    if not inspect.isfunction(func) or not func.__module__.startswith("dealvalue"):
                        continue  # dataclass fields, constants, methods of non-dealvalue bases
                    owner = _owner_of_doc(obj, mname)
                    yield from once(owner or f"{home}.{mname}")


def failures() -> dict[str, set[str]]:
    chosen = checks()
    out = {}
    for path in public_objects():
        errors = {code for code, _ in nv.validate(path)["errors"]} & chosen
        if errors:
            out[path] = errors
    return out


FAILURES = failures()


def test_the_chosen_checks() -> None:
    # parameters documented (and no others), returns documented, a docstring, an example
    assert checks() == {"GL08", "PR01", "PR02", "RT01", "EX01"}


def test_the_public_api_is_walked() -> None:
    paths = set(public_objects())
    assert "dealvalue.model.Model" in paths and "dealvalue.results.Results" in paths
    assert "dealvalue.model_symbolic.ModelSymbolic.solve" in paths  # an inherited method, at its home
    assert "dealvalue.results_stats.ResultsStatistics.mean" in paths
    assert "dealvalue.deals.core.p_feasible" in paths and "dealvalue.analysis.sobol" in paths
    assert "dealvalue.io.squiggle.read" in paths
    assert len(paths) > 250


def half(x: float) -> float:
    """Half of a number."""
    return x / 2


def test_the_validator_catches_missing_sections() -> None:
    # the checker can fail: a one-line docstring documents no parameter, return or example
    errors = {code for code, _ in nv.validate(f"{__name__}.half")["errors"]}
    assert errors & checks() == {"PR01", "RT01", "EX01"}


def test_every_public_object_has_its_sections() -> None:
    new = {p: sorted(e - GAPS.get(p, set())) for p, e in FAILURES.items() if e - GAPS.get(p, set())}
    assert new == {}, "numpydoc sections missing (code: see numpydoc.validate.ERROR_MSGS)"


def test_the_known_gaps_only_shrink() -> None:
    fixed = {p: sorted(g - FAILURES.get(p, set())) for p, g in GAPS.items() if g - FAILURES.get(p, set())}
    assert fixed == {}, "documented now: remove these from GAPS"


@pytest.mark.parametrize("path", ["dealvalue.model.Model.add", "dealvalue.results_stats.ResultsStatistics.mean",
                                  "dealvalue.model_symbolic.ModelSymbolic.solve"])
def test_core_methods_have_no_gap(path: str) -> None:
    assert path not in GAPS
