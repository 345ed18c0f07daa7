"""The deal against other uses of the money: expected value per dollar, ranked.

Examples
--------
>>> Alternative("funding bar", value_per_MUSD=1.0).value_per_MUSD
1.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..errors import ArgumentError
from .core import deal_model, seed_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

__all__ = ["Alternative", "compare_alternatives"]


@dataclass(frozen=True)
class Alternative:
    """Another use of the money: either a model with a value cell and a cost
    cell (value per dollar = E[value] / E[cost]), or a fixed value per
    dollar in microdoom per million USD.

    Parameters
    ----------
    name : str
        The option's name (its row in :func:`compare_alternatives`).
    model : Model, optional
        A model of the alternative; give it or ``value_per_MUSD``.
    value_cell : str, default "value_delivered"
        The model's value cell, in a unit convertible to microdoom.
    cost_cell : str, default "spend"
        The model's cost cell, in a unit convertible to USD.
    value_per_MUSD : float, optional
        A fixed value per dollar, microdoom per million USD.
    note : str, default ""
        A note shown in the table.

    Raises
    ------
    dealvalue.errors.ArgumentError
        Both or neither of ``model`` and ``value_per_MUSD`` given.

    Examples
    --------
    >>> Alternative("funding bar", value_per_MUSD=1.0).value_per_MUSD
    1.0
    """

    name: str
    model: "Model | None" = None
    value_cell: str = "value_delivered"
    cost_cell: str = "spend"
    value_per_MUSD: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if (self.model is None) == (self.value_per_MUSD is None):
            raise ArgumentError("value_per_MUSD", self.value_per_MUSD,
                                f"a number when no model is given, or None with a model (alternative {self.name!r}: "
                                "give either a model or a value_per_MUSD, not both or neither)")


def _ratio(values: np.ndarray, costs: np.ndarray) -> tuple[float, float]:
    ok = np.isfinite(values) & np.isfinite(costs)
    v, c = values[ok], costs[ok]
    if v.size < 2 or c.mean() == 0:
        return math.nan, math.nan
    r = float(v.mean() / c.mean())
    # delta method for a ratio of means
    var = (np.var(v, ddof=1) - 2 * r * np.cov(v, c, ddof=1)[0, 1] + r * r * np.var(c, ddof=1)) / (v.size * c.mean() ** 2)
    return r, float(math.sqrt(max(var, 0.0)))


def compare_alternatives(deal: "Model", alternatives: Sequence[Alternative] | None = None, n: int = 10_000,
                         seed: int | None = None) -> "pd.DataFrame":
    """Expected value per dollar of the deal against other opportunities, in
    microdoom per million USD, ranked.

    The deal's value per dollar is ``E[value_delivered] / E[spend]`` (value
    of the good delivered, net of the takeover risk the payment buys, over
    money paid; both zero when there is no deal); a deal beats an
    alternative worth ``e`` per dollar exactly when it is bought below our
    bid.  By default the alternatives are the advocacy budget model
    (``dealvalue/models/advocacy.toml``) and the deal model's own opportunity cost
    ``e`` (its median).  Each model runs with the same seed; the standard
    error of a ratio of means is the delta method's.

    Parameters
    ----------
    deal : Model
        The deal model, with cells ``value_delivered`` (microdoom) and
        ``spend`` (USD).
    alternatives : sequence of Alternative, optional
        The other uses of the money; by default the two above.
    n : int, default 10_000
        The number of samples per model.
    seed : int, optional
        None takes the deal model's own seed, else 0.

    Returns
    -------
    pandas.DataFrame
        Indexed by option (the deal first as ``"deal"`` before sorting):
        ``value_per_MUSD`` (microdoom per million USD), ``stderr``,
        ``expected_value`` (microdoom), ``expected_cost`` (USD), ``note``;
        best first.  A fixed-ratio alternative has stderr 0 and no expected
        value or cost (NaN).

    Examples
    --------
    >>> t = compare_alternatives(deal_model(), [Alternative("bar", value_per_MUSD=1.0)], n=2_000)
    >>> list(t.index) == sorted(t.index, key=lambda k: -t.loc[k, "value_per_MUSD"])
    True
    """
    import pandas as pd

    s = seed_of(deal, seed)
    if alternatives is None:
        alternatives = [Alternative("advocacy budget (dealvalue/models/advocacy.toml)", deal_model("advocacy"), "expected_value", "cost",
                                    note="success chance ~10% at $50M a year, ~30% at $500M")]
        if "e" in deal:
            alternatives = [*alternatives, Alternative("best alternative (e, median)", value_per_MUSD=float(deal.point_values()["e"] if deal.is_input("e") else deal.evaluate("e")),
                                                       note="the deal model's opportunity cost of money")]
    rows = []
    for name, m, vcell, ccell, note in [("deal", deal, "value_delivered", "spend", deal.name)] + [
            (a.name, a.model, a.value_cell, a.cost_cell, a.note) for a in alternatives if a.model is not None]:
        r = m.simulate(n=n, seed=s)
        vals, costs = r.get(vcell, "microdoom"), r.get(ccell, "MUSD")
        ratio, se = _ratio(vals, costs)
        rows.append({"option": name, "value_per_MUSD": ratio, "stderr": se, "expected_value": float(np.nanmean(vals)),
                     "expected_cost": float(np.nanmean(costs)) * 1e6, "note": note})
    for a in alternatives:
        if a.model is None:
            rows.append({"option": a.name, "value_per_MUSD": float(a.value_per_MUSD), "stderr": 0.0,  # type: ignore[arg-type]
                         "expected_value": math.nan, "expected_cost": math.nan, "note": a.note})
    df = pd.DataFrame(rows).set_index("option")
    return df.sort_values("value_per_MUSD", ascending=False, na_position="last", kind="stable")


