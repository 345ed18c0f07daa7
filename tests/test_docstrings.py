"""Every public function and method has numpydoc sections: numpydoc's own
validator (``numpydoc.validate``) runs over the public API with the checks
chosen in ``CHECKS``.

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
from typing import Iterator

import numpydoc.validate as nv
import pytest

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
    ("dealvalue.paired", None),
    ("dealvalue.scale", None),
    ("dealvalue.plots", None),
]

# Chosen checks: a docstring (GL08), every parameter documented (PR01) and no parameter that does not
# exist (PR02), the return value documented (RT01), an example (EX01, run by pytest's doctests). Style
# checks (summary on one line, full stops, See Also, extended summary) are left out: they add nothing a
# reader of the API needs. The Sphinx build does not validate (numpydoc_validation_checks) because it
# renders internals too (errors, display helpers, the Squiggle parser); this test covers the public API,
# rendered or not.
CHECKS = frozenset({"GL08", "PR01", "PR02", "RT01", "EX01"})

def checks() -> set[str]:
    """The chosen checks (codes of numpydoc.validate.ERROR_MSGS)."""
    return set(CHECKS)


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
    assert checks() == {"GL08", "PR01", "PR02", "RT01", "EX01"} and checks() <= set(nv.ERROR_MSGS)


def test_the_public_api_is_walked() -> None:
    paths = set(public_objects())
    assert "dealvalue.model.Model" in paths and "dealvalue.results.Results" in paths
    assert "dealvalue.model_symbolic.ModelSymbolic.solve" in paths  # an inherited method, at its home
    assert "dealvalue.results_stats.ResultsStatistics.mean" in paths
    assert "dealvalue.deals.core.p_feasible" in paths and "dealvalue.analysis.sobol" in paths
    assert "dealvalue.io.squiggle.read" in paths
    assert len(paths) > 180


def half(x: float) -> float:
    """Half of a number."""
    return x / 2


def test_the_validator_catches_missing_sections() -> None:
    # the checker can fail: a one-line docstring documents no parameter, return or example
    errors = {code for code, _ in nv.validate(f"{__name__}.half")["errors"]}
    assert errors & checks() == {"PR01", "RT01", "EX01"}


def test_every_public_object_has_its_sections() -> None:
    failing = {p: sorted(e) for p, e in FAILURES.items()}
    assert failing == {}, "numpydoc sections missing (code: see numpydoc.validate.ERROR_MSGS)"


@pytest.mark.parametrize("path", ["dealvalue.model.Model.add", "dealvalue.results_stats.ResultsStatistics.mean",
                                  "dealvalue.model_symbolic.ModelSymbolic.solve", "dealvalue.deals.rules.deal_report",
                                  "dealvalue.distributions.bounded.Truncated", "dealvalue.paired.paired_difference"])
def test_core_objects_are_walked_and_pass(path: str) -> None:
    assert path in set(public_objects()) and path not in FAILURES
