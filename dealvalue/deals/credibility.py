"""Credibility falling with the size of the offer: ``c_h(P) = c_h0 exp(-P / P_c)``.

Examples
--------
>>> best_offer(R=10, c_h0=0.5, P_c=100, bid=50)["feasible"]
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ArgumentError, UnknownCellError
from .core import core_model, simulate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model
    from ..results import Results

__all__ = ["best_offer", "falling_credibility"]


def best_offer(R: float, c_h0: float, P_c: float, bid: float | None = None, g: float = 0.0) -> "pd.Series":
    """The best offer when credibility falls with size, ``c_h(P) = c_h0 exp(-P / P_c)``.

    The AI's certainty equivalent of a promise ``P`` is ``P c_h(P)**(1/(1-g))``
    (risk-neutral: ``P c_h(P)``).  It peaks at the best offer ``P* = P_c (1 - g)``
    (``P_c`` for a risk-neutral AI), where it is ``c_h0**(1/(1-g)) P* / e``:
    no offer can beat that.  When ``R`` is below it, the offers the AI
    accepts are ``[P_low, P_high]``, from the two branches of Lambert's W;
    with our ``bid`` the deal is feasible iff ``P_low <= bid``.

    Parameters
    ----------
    R : float
        The AI's reservation price, USD.
    c_h0 : float
        The credibility of a vanishingly small offer, in [0, 1].
    P_c : float
        The credibility scale, USD, > 0: an offer of ``P_c`` keeps ``1/e``
        of ``c_h0``.
    bid : float, optional
        Our bid, USD; without it ``feasible`` is False.
    g : float, default 0.0
        The AI's risk aversion, in [0, 1).

    Returns
    -------
    pandas.Series
        ``best_offer`` (``P*``, USD), ``max_receipt`` (the AI's certainty
        equivalent at ``P*``, USD), ``can_meet_R``, ``least_offer`` and
        ``most_offer`` (USD, NaN when no offer meets R), ``feasible`` and
        ``verdict`` (in words).

    Raises
    ------
    dealvalue.errors.ArgumentError
        ``g`` outside [0, 1) or ``P_c`` not > 0.

    Examples
    --------
    >>> s = best_offer(R=10, c_h0=0.5, P_c=100, bid=50)
    >>> s["best_offer"], round(s["max_receipt"], 4), s["can_meet_R"]
    (100.0, 18.394, True)
    >>> best_offer(R=30, c_h0=0.5, P_c=100)["verdict"]
    'no offer can meet R: the most the AI can expect is 18.39 (at an offer of 100), below R = 30'
    """
    import pandas as pd
    from scipy.special import lambertw

    if not 0 <= g < 1:
        raise ArgumentError("g", g, "a risk aversion in [0, 1) for best_offer")
    if not P_c > 0:
        raise ArgumentError("P_c", P_c, "a credibility scale > 0 USD for best_offer")
    k = 1.0 / (1.0 - g)
    scale = P_c / k  # the certainty equivalent is P c_h0**k exp(-P / scale)
    top = scale
    max_receipt = c_h0**k * scale / math.e
    can = bool(R <= max_receipt and c_h0 > 0)
    least = most = math.nan
    if can:
        z = -R / (c_h0**k * scale)
        least = float(-scale * lambertw(z, 0).real)
        most = float(-scale * lambertw(z, -1).real) if z < 0 else math.inf
    feasible = bool(can and bid is not None and least <= bid)
    if not can:
        verdict = (f"no offer can meet R: the most the AI can expect is {max_receipt:.4g} "
                   f"(at an offer of {top:.4g}), below R = {R:.4g}")
    elif bid is None:
        verdict = f"offers from {least:.4g} to {most:.4g} meet R"
    elif feasible:
        verdict = f"feasible: the AI accepts offers from {least:.4g}; we bid up to {bid:.4g}"
    else:
        verdict = f"infeasible: the AI needs at least {least:.4g}, above our bid {bid:.4g}"
    return pd.Series({"best_offer": top, "max_receipt": max_receipt, "can_meet_R": can, "least_offer": least,
                      "most_offer": most, "feasible": feasible, "verdict": verdict}, dtype=object)


def falling_credibility(model: "Model | Results", n: int = 10_000, seed: int | None = None,
                        P_c: float | None = None) -> "pd.DataFrame":
    """The deal when credibility falls with size, over the model's uncertainty.

    Uses ``c_h`` as ``c_h0`` and ``P_c`` from the argument or the model's
    ``P_c`` cell (USD), ``g`` when the model has it (else 0), and ``R`` and
    ``bid`` as the model computes them.  See :func:`best_offer`.  When the
    model has ``c_h_rn`` (the shipped deal model), ``c_h`` is already the
    AI's certainty equivalent of a unit of price (``c_h0**(1/(1-g))`` for a
    payment made now), so it is not raised to ``1/(1-g)`` again: every part of
    the payment loses ``exp(-P / P_c)`` of its credibility, so the certainty
    equivalent of ``P`` is ``P c_h exp(-P / (P_c (1 - g)))``.

    Parameters
    ----------
    model : Model or Results
        A deal model (with the core cells), or results of one, used as they
        are.
    n : int, default 10_000
        The number of samples (ignored when ``model`` is results).
    seed : int, optional
        None takes the model's own seed, else 0.
    P_c : float, optional
        The credibility scale, USD, the same in every sample; by default
        the model's ``P_c`` cell.

    Returns
    -------
    pandas.DataFrame
        Indexed by quantity: ``value stderr``: ``p_can_meet_R`` (some offer
        meets R), ``p_feasible`` (a deal happens with falling credibility:
        eligible, not ruled out, the least acceptable offer within our bid,
        and the AI's gain at the Nash price between them covering its cost
        of considering the deal), ``p_feasible_constant`` (the same with
        constant credibility, the model's ``feasible`` when ``P_c`` is not
        set), ``best_offer_median``, ``max_receipt_median``,
        ``least_offer_median`` (over samples where R can be met).
        ``attrs["verdict"]`` says in words whether any offer can meet R.

    Raises
    ------
    dealvalue.UnknownCellError
        ``P_c`` is not given and the model has no ``P_c`` cell.

    Examples
    --------
    >>> f = falling_credibility(core_model(R=10), n=10, P_c=100.0)
    >>> float(f.loc["p_feasible", "value"]), float(f.loc["best_offer_median", "value"])
    (1.0, 100.0)
    """
    import pandas as pd
    from scipy.special import lambertw

    r = simulate(model, n, seed)
    m = r.model
    if P_c is None:
        if "P_c" not in m:
            raise UnknownCellError("P_c", None, tuple(m.names))
        pc = np.asarray(r.get("P_c", "USD") if not m.unit("P_c").dimensionless else r.get("P_c"), dtype=float)
    else:
        pc = np.full(r.n, float(P_c))
    g = np.asarray(r.get("g"), dtype=float) if "g" in m else np.zeros(r.n)
    R, c0, bid = r.get("R"), r.get("c_h"), r.get("bid")
    with np.errstate(all="ignore"):
        k = 1.0 / (1.0 - g)
        scale = pc / k
        c0k = c0 if "c_h_rn" in m else c0**k
        maxr = c0k * scale / math.e
        can = (R <= maxr) & (c0 > 0)
        z = np.where(can, -R / (c0k * scale), 0.0)
        least = np.where(can, -scale * lambertw(z, 0).real, np.nan)
    feas = can & (least <= bid)
    # eligibility, rule-outs and participation, as the model's feasible applies them
    ones = np.ones(r.n)
    allowed = (np.asarray(r.get("eligible"), dtype=float) if "eligible" in m else ones) * \
        (1 - (np.asarray(r.get("ruled_out"), dtype=float) if "ruled_out" in m else 0 * ones))
    cost = np.asarray(r.get("consideration_cost"), dtype=float) if "consideration_cost" in m else 0 * ones
    fit = np.asarray(r.get("payment_fit"), dtype=float) if "payment_fit" in m else ones
    beta = np.asarray(r.get("bargaining_power"), dtype=float) if "bargaining_power" in m else 0.5 * ones
    with np.errstate(all="ignore"):
        price_f = least + beta * (bid - least)        # the Nash price between the least offer and the bid
        gain_f = fit * (price_f * c0k * np.exp(-price_f / scale) - R)
        feas = feas & (allowed > 0) & (gain_f >= cost)
        # the same with constant credibility: the model's feasible with its size effect removed
        ask0 = R / (c0 if "c_h_rn" in m else c0**k)
        price0 = ask0 + beta * (bid - ask0)
        gain0 = fit * (price0 * (c0 if "c_h_rn" in m else c0**k) - R)
        const = (bid >= ask0) & (allowed > 0) & (gain0 >= cost)

    def pstat(x: np.ndarray) -> tuple[float, float]:
        p = float(x.mean())
        return p, math.sqrt(p * (1 - p) / x.size)

    rows = {
        "p_can_meet_R": pstat(can),
        "p_feasible": pstat(feas),
        "p_feasible_constant": pstat(const),
        "best_offer_median": (float(np.median(scale)), math.nan),
        "max_receipt_median": (float(np.median(maxr)), math.nan),
        "least_offer_median": (float(np.median(least[can])) if can.any() else math.nan, math.nan),
    }
    df = pd.DataFrame.from_dict(rows, orient="index", columns=["value", "stderr"])
    pcan = rows["p_can_meet_R"][0]
    if pcan == 0:
        df.attrs["verdict"] = (f"no offer can meet R in any sample: the most the AI can expect is "
                               f"{float(np.max(maxr)):.4g} USD at best, below the least R of {float(np.min(R)):.4g} USD")
    else:
        df.attrs["verdict"] = f"some offer meets R in {pcan:.1%} of samples; the deal is feasible in {rows['p_feasible'][0]:.1%}"
    return df


