"""Converting squigglepy distributions, keeping squigglepy's meaning."""

from __future__ import annotations

import math
from typing import Any

from ..errors import DistributionError
from .base import Distribution, number_text
from .classic import Bernoulli, Beta, Lognorm, Mixture, Norm, Pert, To, Triangular, Uniform
from .bounded import Clipped
from .more import Binomial, Discrete, Exponential, Gamma, LognormMS, Poisson, StudentT

__all__ = ["from_squigglepy"]

SUPPORTED = ("to/lognorm (also by mean and sd), norm, beta, uniform, triangular, pert, bernoulli, mixture, "
             "gamma, exponential, binomial, poisson, discrete, tdist, const; any of them clipped (lclip/rclip "
             "or sq.clip)")
_CLIPS = ("lclip", "rclip")


def from_squigglepy(obj: Any) -> Distribution:
    """Convert a squigglepy distribution, keeping squigglepy's meaning.

    ``sq.norm(-1, 1)`` is a 90% interval there, so it becomes ``Norm(0, 0.608)``;
    ``sq.to(10, 100)`` becomes ``To(10, 100)``; ``sq.exponential(scale)`` becomes
    ``Exponential(1 / scale)``; a clipped one (``lclip``/``rclip``, which move values
    to the bound) becomes :class:`~dealvalue.distributions.Clipped`, and so does
    ``sq.clip(d, low, high)`` (squigglepy builds it as ``rclip(lclip(d, low),
    high)``); ``sq.const(3)`` becomes a point mass, ``Discrete((3,), (1,))``.
    Other arithmetic results (``sq.norm(0, 1) * 2``) are refused: write the
    arithmetic in a formula.

    Parameters
    ----------
    obj : squigglepy distribution
        A squigglepy distribution object.

    Returns
    -------
    Distribution
        The distribution with the same meaning.

    Raises
    ------
    dealvalue.errors.DistributionError
        An object that does not convert, with the reason: arithmetic
        results, a mixture with a number as a component, a ``tdist`` not
        centred on 0, clips that leave one value, unknown types.

    Examples
    --------
    >>> import squigglepy as sq
    >>> from_squigglepy(sq.to(10, 100)).formula(), from_squigglepy(sq.const(3)).median()
    ('10 to 100', 3.0)
    >>> from_squigglepy(sq.clip(sq.norm(mean=0, sd=1), 0, 1)).formula()
    'clip(norm(0, 1), 0, 1)'
    """
    if type(obj).__name__ == "ComplexDistribution" and getattr(obj, "fn_str", None) in _CLIPS \
            and not getattr(obj, "infix", True):
        return _clip_of(obj)
    lclip, rclip = getattr(obj, "lclip", None), getattr(obj, "rclip", None)
    dist = _plain(obj)
    if lclip is None and rclip is None:
        return dist
    return Clipped(dist, None if lclip is None else float(lclip), None if rclip is None else float(rclip))


def _clip_of(obj: Any) -> Distribution:
    """squigglepy's ``lclip(d, b)`` / ``rclip(d, b)`` functions (``sq.clip`` nests them) as one Clipped."""
    bound = obj.right
    if isinstance(bound, bool) or not isinstance(bound, (int, float)):
        raise DistributionError(f"squigglepy {obj.fn_str}", f"expected a number as the bound, got {bound!r}")
    b = float(bound)
    inner = from_squigglepy(obj.left)
    dist, lo, hi = (inner.dist, inner.low, inner.high) if isinstance(inner, Clipped) else (inner, None, None)
    if obj.fn_str == "lclip":
        if hi is not None and b > hi:
            raise DistributionError(f"squigglepy {obj}", f"clipping below at {b:g} above the upper clip {hi:g} leaves "
                                    f"the one value {b:g}: write the number {b:g} instead")
        lo = b if lo is None else max(lo, b)
    else:
        if lo is not None and b < lo:
            raise DistributionError(f"squigglepy {obj}", f"clipping above at {b:g} below the lower clip {lo:g} leaves "
                                    f"the one value {b:g}: write the number {b:g} instead")
        hi = b if hi is None else min(hi, b)
    return Clipped(dist, lo, hi)


def _plain(obj: Any) -> Distribution:
    name = type(obj).__name__
    text = f"squigglepy {name}"
    cred = getattr(obj, "credibility", None)
    x, y = getattr(obj, "x", None), getattr(obj, "y", None)
    if name == "LognormalDistribution":
        if x is not None and y is not None and cred == 90:
            return To(float(x), float(y))
        log = Lognorm(float(obj.norm_mean), float(obj.norm_sd))
        mean, sd = getattr(obj, "lognorm_mean", None), getattr(obj, "lognorm_sd", None)
        if x is None and mean is not None and sd is not None:  # the shorter text of the same distribution
            ms = LognormMS(float(mean), float(sd))
            if len(ms.formula()) < len(log.formula()):
                return ms
        return log
    if name == "NormalDistribution":
        return Norm(float(obj.mean), float(obj.sd))
    if name == "BetaDistribution":
        return Beta(float(obj.a), float(obj.b))
    if name == "UniformDistribution":
        return Uniform(float(x), float(y))  # type: ignore[arg-type]
    if name == "TriangularDistribution":
        return Triangular(float(obj.left), float(obj.mode), float(obj.right))
    if name == "PERTDistribution":
        return Pert(float(obj.left), float(obj.mode), float(obj.right), float(obj.lam))
    if name == "BernoulliDistribution":
        return Bernoulli(float(obj.p))
    if name == "GammaDistribution":
        return Gamma(float(obj.shape), float(obj.scale))
    if name == "ExponentialDistribution":
        return Exponential(1.0 / float(obj.scale))  # squigglepy's parameter is the scale, 1 / rate
    if name == "BinomialDistribution":
        return Binomial(float(obj.n), float(obj.p))
    if name == "PoissonDistribution":
        return Poisson(float(obj.lam))
    if name == "TDistribution":
        return _t(obj, text)
    if name == "CategoricalDistribution":
        return _discrete(obj.items, text)
    if name == "ConstantDistribution":
        v = obj.x
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
            raise DistributionError(text, f"expected a finite number, got {v!r}")
        return Discrete((float(v),), (1.0,))  # a point mass: a number in a distribution's place
    if name == "MixtureDistribution":
        for i, d in enumerate(obj.dists):
            if isinstance(d, (int, float)) or type(d).__name__ == "ConstantDistribution":
                raise _number_in_mixture(obj, i, d, text)
        comps = tuple(from_squigglepy(d) for d in obj.dists)
        return Mixture(comps, tuple(float(w) for w in obj.weights))
    if name == "ComplexDistribution":
        raise DistributionError(text, f"an arithmetic result ({obj}) is not one distribution; convert its parts and "
                                "write the arithmetic in a formula")
    raise DistributionError(text, f"not supported; supported squigglepy types: {SUPPORTED}")


def _t(obj: Any, text: str) -> Distribution:
    """squigglepy's tdist(x, y, t) draws N(mu, sigma) / sqrt(chi2(t) / t): a t scaled by sigma only when mu = 0."""
    df = float(obj.t)
    if obj.x is None:
        return StudentT(df)
    from scipy.special import ndtri

    x, y = float(obj.x), float(obj.y)
    mu = (x + y) / 2
    if mu != 0:
        raise DistributionError(text, f"tdist({number_text(x)}, {number_text(y)}) divides its centre {mu:g} by the "
                                "random chi-square term too, so it is not a Student t; only an interval centred "
                                "on 0 converts (use student_t(df, loc, scale) in a formula)")
    z = float(ndtri(0.5 + 0.5 * float(obj.credibility) / 100))
    return StudentT(df, 0.0, (y - mu) / z)


def _discrete(items: Any, text: str) -> Distribution:
    if isinstance(items, dict):
        pairs = [(v, w) for v, w in items.items()]
    elif len(items) and all(isinstance(i, (list, tuple)) and len(i) == 2 for i in items):
        pairs = [(v, w) for w, v in items]  # squigglepy's [[weight, value], ...]
    else:
        pairs = [(v, 1.0) for v in items]
    for v, _ in pairs:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
            raise DistributionError(text, f"a discrete value must be a finite number, got {v!r}")
    return Discrete(tuple(float(v) for v, _ in pairs), tuple(float(w) for _, w in pairs))


def _number_in_mixture(obj: Any, i: int, d: Any, text: str) -> DistributionError:
    """Why a mixture with a number among its components (squigglepy's ``zero_inflated``) is refused,
    with the formula that means the same."""
    c = float(getattr(d, "x", d))
    w = float(obj.weights[i]) / float(sum(obj.weights))
    hint = "if(bernoulli(w), c, d) in a formula: c with probability w, else d"
    if len(obj.dists) == 2:
        other = from_squigglepy(obj.dists[1 - i]).formula()
        hint = f"if(bernoulli({w:g}), {number_text(c)}, {other}) in a formula, which means the same"
    return DistributionError(text, f"component {i + 1} is the number {number_text(c)} (weight {w:g}), not a distribution: "
                             "a mixture here mixes distributions, whose inverse CDFs Latin hypercube and QMC sampling "
                             f"combine, and a point mass among them would come out only approximately; write {hint}")
