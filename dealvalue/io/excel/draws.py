"""Distributions as Excel formula text: medians and inverse CDFs.

The Inputs sheet shows each input's median as a live formula of its
parameter cells, and the Simulation sheet draws it as the inverse CDF of a
``RAND()``; both are written here, over parameter texts (cell references
or numbers) the caller gives.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

from ... import distributions as D
from ...errors import ExcelError
from ...stats import Z_90

__all__ = ["excel_number", "flatten_mixture", "dist_params", "median_text", "ppf_text", "mixture_ppf_text",
           "KINDS", "kind_median_text", "kind_ppf_text", "mixture_draw"]

#: the kinds a live kind cell chooses from, in the order of the CHOOSE branches
KINDS = ("to", "norm", "lognorm", "beta", "uniform", "triangular", "pert", "bernoulli")
_NPARAMS = {"to": 2, "norm": 2, "lognorm": 2, "beta": 2, "uniform": 2, "triangular": 3, "pert": 4, "bernoulli": 1}


def _choose(kind: str, branches: Sequence[str]) -> str:
    listed = ",".join(f'"{k}"' for k in KINDS)
    return f"CHOOSE(MATCH({kind},{{{listed}}},0),{','.join(branches)})"


def kind_median_text(kind: str, P: Sequence[str]) -> str:
    """The median of whichever kind the cell ``kind`` names, over parameter cells ``P`` (four).

    >>> kind_median_text("G7", ["I7", "J7", "K7", "L7"])[:48]
    'CHOOSE(MATCH(G7,{"to","norm","lognorm","beta","u'
    """
    return _choose(kind, [median_text(k, P[: _NPARAMS[k]]) for k in KINDS])


def kind_ppf_text(kind: str, P: Sequence[str], U: str) -> str:
    """The inverse CDF at ``U`` of whichever kind the cell ``kind`` names."""
    return _choose(kind, [ppf_text(k, P[: _NPARAMS[k]], U) for k in KINDS])


def mixture_draw(dist: D.Mixture, u: "np.ndarray", s: "np.ndarray") -> "np.ndarray":
    """What :func:`mixture_ppf_text` computes, in numpy: ``s`` picks the component, ``u`` draws it."""
    import numpy as np

    parts = flatten_mixture(dist)
    out = np.asarray(parts[-1][1].ppf(u), dtype=float).copy()
    cum = sum(p for p, _ in parts[:-1])
    for p, comp in reversed(parts[:-1]):
        pick = s < cum
        out[pick] = np.asarray(comp.ppf(u[pick]), dtype=float)
        cum -= p
    return out


def excel_number(x: float) -> str:
    """A number as Excel formula text, exactly (negative numbers in brackets).

    >>> excel_number(2.0), excel_number(-0.5), excel_number(1e300)
    ('2', '(-0.5)', '1E300')
    """
    if not math.isfinite(x):
        raise ExcelError("number", x, "a number that is not finite cannot go into a formula")
    text = repr(float(x)).upper().replace("E+", "E")
    if text.endswith(".0"):
        text = text[:-2]
    return f"({text})" if text.startswith("-") else text



def flatten_mixture(dist: D.Mixture) -> list[tuple[float, D.Distribution]]:
    """A mixture's (probability, component) pairs, nested mixtures multiplied out."""
    out: list[tuple[float, D.Distribution]] = []
    for p, c in zip(dist.probabilities, dist.components):
        if isinstance(c, D.Mixture):
            out += [(p * q, cc) for q, cc in flatten_mixture(c)]
        else:
            out.append((float(p), c))
    return out


def dist_params(dist: D.Distribution) -> list[float]:
    """A distribution's parameters in the order of :data:`~.layout.PARAMS`."""
    if isinstance(dist, D.Pert):
        return [dist.low, dist.mode, dist.high, dist.lam]
    return list(dist.params().values())


def median_text(kind: str, P: Sequence[str]) -> str:
    """The median of a distribution as an Excel formula of its parameters."""
    if kind == "to":
        return f"IF({P[0]}>0,SQRT({P[0]}*{P[1]}),({P[0]}+{P[1]})/2)"
    if kind == "norm":
        return P[0]
    if kind == "lognorm":
        return f"EXP({P[0]})"
    if kind == "beta":
        return f"_xlfn.BETA.INV(0.5,{P[0]},{P[1]})"
    if kind == "uniform":
        return f"({P[0]}+{P[1]})/2"
    if kind == "triangular":
        a, c, b = P
        return f"IF(({c}-{a})/({b}-{a})>0.5,{a}+SQRT(0.5*({b}-{a})*({c}-{a})),{b}-SQRT(0.5*({b}-{a})*({b}-{c})))"
    if kind == "pert":
        lo, mo, hi, lam = P
        return f"{lo}+({hi}-{lo})*_xlfn.BETA.INV(0.5,1+{lam}*({mo}-{lo})/({hi}-{lo}),1+{lam}*({hi}-{mo})/({hi}-{lo}))"
    if kind == "bernoulli":
        return f"IF({P[0]}>0.5,1,IF({P[0]}<0.5,0,0.5))"
    raise ExcelError("distribution", kind, "has no median formula")  # pragma: no cover


def ppf_text(kind: str, P: Sequence[str], U: str) -> str:
    """The inverse CDF at uniform ``U`` as an Excel formula of the parameters."""
    if kind == "to":
        lo, hi = P
        return (f"IF({lo}>0,_xlfn.LOGNORM.INV({U},(LN({lo})+LN({hi}))/2,(LN({hi})-LN({lo}))/(2*{Z_90!r})),"
                f"_xlfn.NORM.INV({U},({lo}+{hi})/2,({hi}-{lo})/(2*{Z_90!r})))")
    if kind == "norm":
        return f"_xlfn.NORM.INV({U},{P[0]},{P[1]})"
    if kind == "lognorm":
        return f"_xlfn.LOGNORM.INV({U},{P[0]},{P[1]})"
    if kind == "beta":
        return f"_xlfn.BETA.INV({U},{P[0]},{P[1]})"
    if kind == "uniform":
        return f"{P[0]}+({P[1]}-{P[0]})*{U}"
    if kind == "triangular":
        a, c, b = P
        return f"IF({U}<({c}-{a})/({b}-{a}),{a}+SQRT({U}*({b}-{a})*({c}-{a})),{b}-SQRT((1-{U})*({b}-{a})*({b}-{c})))"
    if kind == "pert":
        lo, mo, hi, lam = P
        return f"{lo}+({hi}-{lo})*_xlfn.BETA.INV({U},1+{lam}*({mo}-{lo})/({hi}-{lo}),1+{lam}*({hi}-{mo})/({hi}-{lo}))"
    if kind == "bernoulli":
        return f"IF({U}>1-{P[0]},1,0)"
    raise ExcelError("distribution", kind, "has no inverse CDF formula")  # pragma: no cover


def mixture_ppf_text(dist: D.Mixture, U: str, S: str) -> str:
    """A mixture draw: uniform ``S`` picks the component, ``U`` draws from it."""
    parts = flatten_mixture(dist)
    last = parts[-1][1]
    text = ppf_text(last.kind, [excel_number(v) for v in dist_params(last)], U)
    cum = sum(p for p, _ in parts[:-1])  # P(one of the components before the last)
    for p, comp in reversed(parts[:-1]):
        inner = ppf_text(comp.kind, [excel_number(v) for v in dist_params(comp)], U)
        text = f"IF({S}<{excel_number(cum)},{inner},{text})"
        cum -= p
    return text

