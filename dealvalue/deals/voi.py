"""Sensitivity and the value of information: which inputs drive the deal,
and what learning them before deciding would be worth.

Examples
--------
>>> from dealvalue.deals.core import core_model
>>> len(top_inputs(core_model(), target="F", n=64))   # point inputs: nothing varies
0
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

from .core import check_core, core_model, seed_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

__all__ = ["top_inputs", "value_of_information"]


def top_inputs(model: "Model", target: str = "ln_F", n: int = 2_000, seed: int | None = None, k: int = 10) -> "pd.DataFrame":
    """The inputs that drive ``target`` most, by total Sobol index (see
    :func:`dealvalue.analysis.sobol`): the first ``k`` rows, with first-order
    and total indices and their bootstrap intervals.

    ``ln_F`` (default; ``F`` when the model has no ``ln_F`` cell)
    apportions the spread of the feasibility index; ``feasible`` the chance
    of a ZOPA; ``value_to_us`` the value.

    Parameters
    ----------
    model : Model
        A deal model (with the core cells).
    target : str, default "ln_F"
        The cell whose variance is apportioned.
    n : int, default 2_000
        The base sample size of the Sobol design.
    seed : int, optional
        None takes the model's own seed, else 0.
    k : int, default 10
        The number of inputs returned.

    Returns
    -------
    pandas.DataFrame
        Indexed by input, largest total index first: ``S1 S1_lo S1_hi ST
        ST_lo ST_hi`` (first-order and total indices, shares of the target's
        variance, with their intervals); empty when the model has no
        uncertain input.

    Raises
    ------
    dealvalue.errors.NotADealModelError
        The model lacks a core cell.
    dealvalue.UnknownCellError
        ``target`` is not a cell of the model.

    Examples
    --------
    >>> t = top_inputs(core_model(), target="F", n=64, k=3)   # point inputs: nothing varies
    >>> len(t)
    0
    """
    from ..analysis import sobol

    check_core(model)
    if target == "ln_F" and "ln_F" not in model:
        target = "F"  # a model without the log cell: same ranking of inputs is not guaranteed, F is the closest
    model.cell(target)
    if not model.compile().leaves:
        import pandas as pd

        return pd.DataFrame(columns=["S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"])
    s = sobol(model, target, n=n, seed=seed_of(model, seed))
    return s.head(k)


def value_of_information(model: "Model", options: Sequence[str] = ("deal_net_value", "no_deal"), n: int = 20_000,
                         seed: int | None = None, k: int = 10) -> "pd.DataFrame":
    """EVPI of the deal decision and the EVPPI of the inputs that matter most.

    The decision is between the ``options`` cells (by default: prepare the
    deal, ``deal_net_value``, or not, ``no_deal``).  EVPI is what learning
    every uncertain input before deciding would be worth; EVPPI of an input
    what learning it alone would be worth (see :mod:`dealvalue.analysis`).

    Parameters
    ----------
    model : Model
        A deal model (with the core cells) that has the ``options`` cells,
        in one unit.
    options : sequence of str, default ("deal_net_value", "no_deal")
        The cells holding each option's net value.
    n : int, default 20_000
        The number of samples.
    seed : int, optional
        None takes the model's own seed, else 0.
    k : int, default 10
        The number of inputs whose EVPPI is reported.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``EVPI`` then the top ``k`` inputs: ``value stderr unit``
        (stderr only for EVPI); ``attrs["best_option"]`` is the option best
        on average.  Values are in the unit of the first option.

    Raises
    ------
    dealvalue.errors.NotADealModelError
        The model lacks a core cell.
    dealvalue.UnknownCellError
        An option is not a cell of the model.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "norm(1, 2)"); m.add("skip", "0")
    >>> for c in ("R", "W", "c_h", "c_ai"): m.add(c, "1")
    >>> m.add("ask", "R / c_h"); m.add("bid", "W * c_ai"); m.add("feasible", "bid >= ask")
    >>> v = value_of_information(m, options=["x", "skip"], n=50_000, seed=1)
    >>> abs(float(v.loc["EVPI", "value"]) - 0.3956) < 0.02     # closed form 0.3956
    True
    """
    import pandas as pd

    from ..analysis import evpi, evpi_stderr, evppi
    from ..units import unit_text

    check_core(model)
    for o in options:
        model.cell(o)
    r = model.simulate(n=n, seed=seed_of(model, seed))
    unit = unit_text(model.unit(options[0]))
    rows = [{"quantity": "EVPI", "value": evpi(r, list(options)), "stderr": evpi_stderr(r, list(options)), "unit": unit}]
    e = evppi(r, list(options))
    for name, val in e.head(k).items():
        rows.append({"quantity": f"EVPPI: {name}", "value": float(val), "stderr": math.nan, "unit": unit})
    df = pd.DataFrame(rows).set_index("quantity")
    means = {o: r.mean(o) for o in options}
    df.attrs["best_option"] = max(means, key=lambda o: means[o])
    return df
