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

# Known gaps, each failing only the listed checks; the list may only shrink:
# a test below fails when an entry is no longer needed.
GAPS: dict[str, set[str]] = {
    "dealvalue.analysis.Difference": {'EX01', 'PR01'},
    "dealvalue.analysis.Difference.variance_reduction": {'EX01'},
    "dealvalue.analysis.evpi": {'PR01', 'RT01'},
    "dealvalue.analysis.evpi_stderr": {'EX01', 'PR01', 'RT01'},
    "dealvalue.analysis.evppi": {'PR01'},
    "dealvalue.analysis.input_groups": {'PR01', 'RT01'},
    "dealvalue.analysis.paired_difference": {'PR01', 'RT01'},
    "dealvalue.analysis.scenario_difference": {'EX01', 'PR01', 'RT01'},
    "dealvalue.budgets.Budget": {'EX01'},
    "dealvalue.deals.alternatives.Alternative": {'PR01'},
    "dealvalue.deals.alternatives.compare_alternatives": {'PR01'},
    "dealvalue.deals.barriers.Term": {'EX01', 'PR01'},
    "dealvalue.deals.barriers.barrier_terms": {'PR01', 'RT01'},
    "dealvalue.deals.barriers.decomposition": {'PR01'},
    "dealvalue.deals.barriers.decomposition_distribution": {'PR01', 'RT01'},
    "dealvalue.deals.barriers.decomposition_samples": {'PR01', 'RT01'},
    "dealvalue.deals.configurations.Configuration": {'PR01'},
    "dealvalue.deals.configurations.Configuration.name": {'GL08'},
    "dealvalue.deals.configurations.Option": {'EX01', 'PR01'},
    "dealvalue.deals.rules.RuleOuts": {'PR01'},
    "dealvalue.deals.rules.apply_rules": {'PR01', 'RT01'},
    "dealvalue.deals.configurations.catalogue": {'RT01'},
    "dealvalue.deals.rules.check_rules": {'PR01'},
    "dealvalue.deals.rules.compare_configurations": {'PR01'},
    "dealvalue.deals.configurations.configure": {'PR01'},
    "dealvalue.deals.rules.deal_report": {'PR01'},
    "dealvalue.deals.core.check_core": {'PR01'},
    "dealvalue.deals.core.core_model": {'PR01', 'RT01'},
    "dealvalue.deals.core.deal_model": {'PR01', 'RT01'},
    "dealvalue.deals.core.deal_summary": {'PR01'},
    "dealvalue.deals.core.p_feasible": {'PR01', 'RT01'},
    "dealvalue.deals.core.simulate": {'PR01', 'RT01'},
    "dealvalue.deals.core.zopa": {'PR01'},
    "dealvalue.deals.core.zopa_point": {'PR01', 'RT01'},
    "dealvalue.deals.credibility.best_offer": {'PR01'},
    "dealvalue.deals.credibility.falling_credibility": {'PR01'},
    "dealvalue.deals.future_share.price_in_future_share": {'PR01', 'RT01'},
    "dealvalue.deals.interventions.Intervention": {'PR01'},
    "dealvalue.deals.interventions.Intervention.apply": {'EX01', 'PR01', 'RT01'},
    "dealvalue.deals.interventions.applicable": {'PR01', 'RT01'},
    "dealvalue.deals.interventions.configured_by": {'PR01', 'RT01'},
    "dealvalue.deals.interventions.default_interventions": {'PR01', 'RT01'},
    "dealvalue.deals.interventions.interventions": {'PR01'},
    "dealvalue.deals.plots.waterfall": {'EX01'},
    "dealvalue.deals.plots.window": {'EX01', 'PR01'},
    "dealvalue.deals.plots.zopa": {'EX01', 'PR01'},
    "dealvalue.deals.report.barrier_effects": {'PR01'},
    "dealvalue.deals.report.binding_barrier": {'PR01', 'RT01'},
    "dealvalue.deals.scenarios.make_scenario": {'PR01', 'RT01'},
    "dealvalue.deals.scenarios.scenario": {'PR01', 'RT01'},
    "dealvalue.deals.thresholds.thresholds": {'PR01', 'PR02', 'RT01'},
    "dealvalue.deals.upfront.best_upfront": {'PR01'},
    "dealvalue.deals.upfront.many_ais": {'PR01'},
    "dealvalue.deals.voi.top_inputs": {'PR01', 'RT01'},
    "dealvalue.deals.voi.value_of_information": {'PR01'},
    "dealvalue.deals.window.window": {'PR01'},
    "dealvalue.deals.window.window_ends": {'PR01'},
    "dealvalue.distributions.base.check_finite": {'EX01', 'PR01'},
    "dealvalue.distributions.base.number_text": {'EX01', 'PR01', 'RT01'},
    "dealvalue.distributions.base.shown_value": {'EX01', 'PR01', 'RT01'},
    "dealvalue.distributions.classic.Bernoulli": {'EX01', 'PR01'},
    "dealvalue.distributions.classic.Beta": {'EX01', 'PR01'},
    "dealvalue.distributions.classic.Lognorm": {'EX01', 'PR01'},
    "dealvalue.distributions.classic.Mixture": {'EX01', 'PR01'},
    "dealvalue.distributions.classic.Mixture.probabilities": {'GL08'},
    "dealvalue.distributions.classic.Norm": {'EX01', 'PR01'},
    "dealvalue.distributions.classic.Pert": {'EX01', 'PR01'},
    "dealvalue.distributions.classic.Pert.alpha": {'GL08'},
    "dealvalue.distributions.classic.Pert.beta": {'GL08'},
    "dealvalue.distributions.classic.To": {'EX01', 'PR01'},
    "dealvalue.distributions.classic.Triangular": {'EX01', 'PR01'},
    "dealvalue.distributions.classic.Uniform": {'EX01', 'PR01'},
    "dealvalue.distributions.make": {'EX01', 'PR01', 'RT01'},
    "dealvalue.distributions.more.Binomial": {'EX01', 'PR01'},
    "dealvalue.distributions.more.Clipped": {'EX01', 'PR01'},
    "dealvalue.distributions.more.Discrete": {'EX01', 'PR01'},
    "dealvalue.distributions.more.Exponential": {'EX01', 'PR01'},
    "dealvalue.distributions.more.Gamma": {'EX01', 'PR01'},
    "dealvalue.distributions.more.LognormMS": {'EX01', 'PR01'},
    "dealvalue.distributions.more.Poisson": {'EX01', 'PR01'},
    "dealvalue.distributions.more.StudentT": {'EX01', 'PR01'},
    "dealvalue.distributions.more.Truncated": {'EX01', 'PR01'},
    "dealvalue.distributions.more.Truncated.bounds": {'EX01', 'RT01'},
    "dealvalue.distributions.squigglepy.from_squigglepy": {'EX01', 'PR01', 'RT01'},
    "dealvalue.io.guesstimate.read": {'EX01'},
    "dealvalue.io.squiggle.read": {'EX01'},
    "dealvalue.io.toml.dumps": {'EX01', 'PR01', 'RT01'},
    "dealvalue.io.toml.from_dict": {'EX01', 'PR01', 'RT01'},
    "dealvalue.io.toml.load": {'EX01', 'PR01', 'RT01'},
    "dealvalue.io.toml.loads": {'EX01', 'PR01', 'RT01'},
    "dealvalue.io.toml.save": {'EX01', 'PR01'},
    "dealvalue.io.toml.schema": {'EX01', 'RT01'},
    "dealvalue.io.toml.to_dict": {'EX01', 'PR01', 'RT01'},
    "dealvalue.plots.altair": {'EX01', 'RT01'},
    "dealvalue.plots.axis_title": {'EX01', 'PR01', 'RT01'},
    "dealvalue.plots.histogram": {'EX01'},
    "dealvalue.plots.tornado": {'EX01', 'PR01'},
    "dealvalue.plots.unit_of": {'EX01', 'PR01', 'RT01'},
    "dealvalue.results.Results": {'EX01', 'PR01'},
    "dealvalue.scale.blocks_task": {'EX01', 'PR01', 'RT01'},
    "dealvalue.scale.grid": {'EX01', 'PR01', 'RT01'},
    "dealvalue.scale.map_points": {'EX01', 'PR01', 'RT01'},
    "dealvalue.scale.point_stats": {'EX01', 'PR01', 'RT01'},
    "dealvalue.scale.simulate_dask": {'EX01', 'PR01', 'RT01'},
    "dealvalue.scale.sweep": {'PR01'},
    "dealvalue.scale.worker_count": {'EX01', 'PR01', 'RT01'},
    "dealvalue.simulate.derived_seed": {'EX01', 'PR01', 'RT01'},
}


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
    new = {p: sorted(e - GAPS.get(p, set())) for p, e in FAILURES.items() if e - GAPS.get(p, set())}
    assert new == {}, "numpydoc sections missing (code: see numpydoc.validate.ERROR_MSGS)"


def test_the_known_gaps_only_shrink() -> None:
    fixed = {p: sorted(g - FAILURES.get(p, set())) for p, g in GAPS.items() if g - FAILURES.get(p, set())}
    assert fixed == {}, "documented now: remove these from GAPS"


@pytest.mark.parametrize("path", ["dealvalue.model.Model.add", "dealvalue.results_stats.ResultsStatistics.mean",
                                  "dealvalue.model_symbolic.ModelSymbolic.solve"])
def test_core_methods_have_no_gap(path: str) -> None:
    assert path not in GAPS
