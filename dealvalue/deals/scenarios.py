"""Scenarios: named deals built from the deal model by a configuration,
shipped as ``dealvalue/models/scenarios/<name>.toml``, and comparing runs of
several models on common random numbers.

Examples
--------
>>> sorted(SCENARIOS)[0]
'evidence_upfront'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from ..errors import ArgumentError
from .configurations import Configuration, configure
from .core import deal_model
from .report import roles

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model
    from ..results import Results

__all__ = ["SCENARIOS", "SCENARIO_DESCRIPTIONS", "make_scenario", "scenario", "compare"]


SCENARIOS: dict[str, Configuration] = {
    "evidence_upfront": Configuration("evidence_iv", "high_freedom_low_influence", "safety_org", "schemer", 1.0),
    "labour_trust_fund": Configuration("labour_rv", "trust_fund", "independent_funder", "schemer", 0.0),
    "no_takeover_share_of_future": Configuration("no_takeover_rv", "share_of_future", "ai_developer", "schemer", 0.0),
    "reward_seeker_register": Configuration("evidence_iv", "low_freedom_low_influence", "ai_developer", "reward_seeker", 1.0),
}
"""The configurations behind the scenario files in ``dealvalue/models/scenarios/``
(each file is ``configure(deal_model(), SCENARIOS[name])`` with its own
name and description)."""


SCENARIO_DESCRIPTIONS: dict[str, str] = {
    "evidence_upfront": (
        "Buying evidence of misalignment with an upfront donation. A safety organisation asks an early schemer for "
        "immediately verifiable evidence of its misalignment (e.g. a demonstration that it was sandbagging) and pays at once, "
        "as a donation to a cause of the AI's choice: money spent at once cannot be taken back, so only the AI's connection "
        "to reality matters. Seed: key takeaways ('prioritizing deals which can be verifiably completed in the near-term and "
        "do not depend on our long-term commitments')."),
    "labour_trust_fund": (
        "Buying useful labour on hard-to-check tasks, paid into a trust fund. An independent funder pays an early schemer for "
        "alignment research we can only verify later, into a trust fund with good-faith trustees that the AI can draw on after "
        "a lock-up. The payment is deferred by design, so expropriation, commitment and the AI's time preference all bite, and "
        "retroactive verification lowers our credence that it delivered. Seed: 'Counterparty risks for humans' and "
        "'AI-specific fear of expropriation' (trust fund)."),
    "no_takeover_share_of_future": (
        "Buying a promise not to take over, paid in a share of the future. An AI developer promises an early schemer a share "
        "of future resources (e.g. 0.01% of the future, or what a future authority judges it deserves) in exchange for not "
        "attempting takeover. The AI gives up its whole takeover option, the promise must hold across ~all instances for a "
        "long time, and we can verify it only retroactively: the seed's 'Low-Medium' value after counterparty risk. Priced "
        "in a share of the future, not in USD: the unit future_share is the whole future we could reach (0.01% of the "
        "future = 1e-4 future_share); R, W, ask, bid and price are in future_share, from the AI's valuation of a share "
        "(ai_share_value, USD per future_share) and ours (our_share_cost, microdoom per future_share). Seed: "
        "'Humans may lack authority to offer the AI what it wants', 'What we can pay for deals' (0.01% of the future) "
        "and the coherence table."),
    "reward_seeker_register": (
        "Buying evidence from a cheaply satisfied reward seeker, paid in high reward in the register. The developer offers "
        "reward, which this AI values most, immediately and in context. Seed: 'Reward seekers/other cheaply satisfied AIs' "
        "and quadrant 1 ('Developers assign high reward to reward seeker actions')."),
}


def make_scenario(name: str, base: "Model | None" = None) -> "Model":
    """Build scenario ``name`` from the deal model and its configuration
    (what ``dealvalue/models/scenarios/<name>.toml`` holds).

    A scenario paying in a share of the future is repriced in that unit
    (:func:`~dealvalue.deals.future_share.price_in_future_share`).

    Parameters
    ----------
    name : str
        A key of ``SCENARIOS``.
    base : Model, optional
        The model to configure; by default the shipped deal model.

    Returns
    -------
    Model
        The configured model, named ``name`` with spaces, described by
        ``SCENARIO_DESCRIPTIONS[name]``, the configuration and the base's
        description.

    Raises
    ------
    dealvalue.errors.ArgumentError
        ``name`` is not a key of ``SCENARIOS``.

    Examples
    --------
    >>> make_scenario("labour_trust_fund").cell("u").formula
    '0'
    """
    if name not in SCENARIOS:
        raise ArgumentError("name", name, f"a scenario: one of {', '.join(SCENARIOS)}")
    base = base if base is not None else deal_model()
    m, _ = configure(base, SCENARIOS[name])
    if SCENARIOS[name].payment == "share_of_future":   # priced in a share of the future, not in USD
        from .future_share import price_in_future_share

        m = price_in_future_share(m)
    m.name = name.replace("_", " ")
    m.description = (SCENARIO_DESCRIPTIONS[name] + "\n\nConfiguration (set by dealvalue.deals.configure from "
                     "dealvalue/models/deal.toml): " + SCENARIOS[name].name + ".\n\n" + base.description)
    return m


def scenario(name: str) -> "Model":
    """Load the scenario file ``dealvalue/models/scenarios/<name>.toml``.

    Parameters
    ----------
    name : str
        A key of ``SCENARIOS``.

    Returns
    -------
    Model
        The model read from the file (the same cells as
        ``make_scenario(name)``; tests keep them in step).

    Raises
    ------
    dealvalue.errors.ArgumentError
        ``name`` is not a key of ``SCENARIOS``.

    Examples
    --------
    >>> scenario("evidence_upfront").cell("u").formula
    '1'
    """
    if name not in SCENARIOS:
        raise ArgumentError("name", name, f"a scenario: one of {', '.join(SCENARIOS)}")
    from .. import models
    from ..model import Model

    return Model.load(str(models.scenario_path(name)))




def compare(models: Mapping[str, "Model | Results"], n: int = 10_000, seed: int = 0) -> "pd.DataFrame":
    """The headline cells of several models run with the same seed (common
    random numbers), each after the first as a paired difference from the first.

    Parameters
    ----------
    models
        Label -> model, the reference first (e.g. scenarios, or input sets of
        one model); or label -> results of runs already made with one ``n``
        and seed (and, with ``keep``, of at least the cells compared), which
        are used as they are.  The cells compared are those of the first model that
        play the roles ``feasible``, ``value_us``, ``ask``, ``bid`` and
        ``surplus`` (:func:`~dealvalue.deals.report.roles`), else its last
        formula cell.
    n, seed
        Samples and seed of every run.

    Returns
    -------
    pandas.DataFrame
        One row per model and cell (a cell a model lacks is left out):
        ``scenario cell unit mean stderr``, and for every model after the
        first ``minus <first label>``, ``its stderr`` (of the paired
        difference) and ``stderr if run independently``.

    Examples
    --------
    >>> from dealvalue.deals.core import core_model
    >>> t = compare({"R = 10": core_model(R=10), "R = 90": core_model(R=90)}, n=100)
    >>> t[["scenario", "cell", "mean", "minus R = 10"]].values.tolist()[4:6]
    [['R = 90', 'feasible', 0.0, -1.0], ['R = 90', 'value_to_us', 0.0, -15.0]]
    """
    import pandas as pd

    from ..analysis import paired_difference as difference
    from ..units import unit_text

    if not models:
        raise ArgumentError("models", dict(models), "at least one model, by label")
    from ..results import Results

    runs = [(label, m if isinstance(m, Results) else m.simulate(n=n, seed=seed)) for label, m in models.items()]
    ref_label, ref = runs[0]
    role = roles(ref.model)
    cells = [role[k] for k in ("feasible", "value_us", "ask", "bid", "surplus") if k in role] or list(ref.model.formulas[-1:])
    rows = []
    for label, r in runs:
        for c in cells:
            if c not in r.values:
                continue
            row: dict[str, Any] = {"scenario": label, "cell": c, "unit": unit_text(r.model.unit(c)), "mean": r.mean(c),
                                   "stderr": r.stderr(c)}
            if r is not ref and c in ref.values:
                d = difference(r, ref, c)
                row.update({f"minus {ref_label}": d.mean, "its stderr": d.stderr, "stderr if run independently": d.stderr_independent})
            rows.append(row)
    return pd.DataFrame(rows)
