"""More kinds: gamma, exponential, binomial, poisson, student_t, lognorm_ms,
discrete and truncate (and :class:`Clipped`, what a clipped squigglepy
distribution becomes).

Each checks its parameters (a :class:`~dealvalue.errors.DistributionError`
naming the parameter), samples with a :class:`numpy.random.Generator`, and has
an exact inverse CDF (``scipy.special`` / ``scipy.stats``) for Latin hypercube
and quasi-Monte Carlo draws.

>>> from dealvalue.distributions import Gamma, LognormMS
>>> round(Gamma(2, 3).median(), 6)
5.035041
>>> LognormMS(10, 5).formula()
'lognorm_ms(10, 5)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from ..errors import DistributionError
from .base import MAX_LOG_MU, Distribution, FloatArray, check_finite, number_text, shown_value
from .classic import Bernoulli, Lognorm

__all__ = ["Gamma", "Exponential", "Binomial", "Poisson", "StudentT", "LognormMS", "Discrete", "Truncated",
           "Clipped", "DISCRETE_KINDS", "MAX_COUNT"]

MAX_COUNT = 1e12  # binomial n and poisson lam: counts numpy draws exactly and scipy inverts
#: kinds whose values are whole numbers (a CDF with steps)
DISCRETE_KINDS = frozenset({"bernoulli", "binomial", "poisson", "discrete"})


def _u(u: ArrayLike) -> FloatArray:
    return np.asarray(u, dtype=float)


@dataclass(frozen=True)
class Gamma(Distribution):
    """Gamma with a ``shape`` (k) and a ``scale`` (theta): mean k theta, variance k theta^2."""

    shape: float
    scale: float
    kind: ClassVar[str] = "gamma"

    def __post_init__(self) -> None:
        check_finite(self, shape=self.shape, scale=self.scale)
        if not self.shape > 0:
            raise DistributionError(self.formula(), f"expected shape > 0, got {self.shape:g}")
        if not self.scale > 0:
            raise DistributionError(self.formula(), f"expected scale > 0, got {self.scale:g}")

    def params(self) -> dict[str, float]:
        return {"shape": float(self.shape), "scale": float(self.scale)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.gamma(self.shape, self.scale, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.special import gammaincinv

        return np.asarray(self.scale * gammaincinv(self.shape, _u(u)), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.special import gammainc

        return np.asarray(gammainc(self.shape, np.maximum(_u(x), 0.0) / self.scale), dtype=float)

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with a ``rate`` (events per unit): mean 1 / rate."""

    rate: float
    kind: ClassVar[str] = "exponential"

    def __post_init__(self) -> None:
        check_finite(self, rate=self.rate)
        if not self.rate > 0:
            raise DistributionError(self.formula(), f"expected rate > 0, got {self.rate:g}")

    def params(self) -> dict[str, float]:
        return {"rate": float(self.rate)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.exponential(1.0 / self.rate, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return np.asarray(-np.log1p(-_u(u)) / self.rate, dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        return np.asarray(-np.expm1(-self.rate * np.maximum(_u(x), 0.0)), dtype=float)

    def median(self) -> float:
        return math.log(2) / self.rate

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


def _count(dist: Distribution, key: str, value: float) -> None:
    if not (float(value).is_integer() and 0 <= value <= MAX_COUNT):
        raise DistributionError(dist.formula(), f"expected {key} a whole number from 0 to {MAX_COUNT:g}, got {shown_value(value)}")


@dataclass(frozen=True)
class Binomial(Distribution):
    """The number of successes in ``n`` trials of probability ``p``."""

    n: float
    p: float
    kind: ClassVar[str] = "binomial"

    def __post_init__(self) -> None:
        check_finite(self, n=self.n, p=self.p)
        _count(self, "n", self.n)
        if not 0 <= self.p <= 1:
            raise DistributionError(self.formula(), f"expected 0 <= p <= 1, got {self.p:g}")

    def params(self) -> dict[str, float]:
        return {"n": float(self.n), "p": float(self.p)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.binomial(int(self.n), self.p, n).astype(float)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.stats import binom

        return np.asarray(np.clip(binom.ppf(_u(u), int(self.n), self.p), 0, self.n), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.stats import binom

        return np.asarray(binom.cdf(_u(x), int(self.n), self.p), dtype=float)

    def support(self) -> tuple[float, float]:
        return (0.0, float(self.n))


@dataclass(frozen=True)
class Poisson(Distribution):
    """The number of events of a Poisson process with mean ``lam``."""

    lam: float
    kind: ClassVar[str] = "poisson"

    def __post_init__(self) -> None:
        check_finite(self, lam=self.lam)
        if not 0 < self.lam <= MAX_COUNT:
            raise DistributionError(self.formula(), f"expected 0 < lam <= {MAX_COUNT:g}, got {self.lam:g}")

    def params(self) -> dict[str, float]:
        return {"lam": float(self.lam)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.poisson(self.lam, n).astype(float)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.stats import poisson

        return np.asarray(np.maximum(poisson.ppf(_u(u), self.lam), 0.0), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.stats import poisson

        return np.asarray(poisson.cdf(_u(x), self.lam), dtype=float)

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


@dataclass(frozen=True)
class StudentT(Distribution):
    """Student's t with ``df`` degrees of freedom, shifted by ``loc`` and stretched by ``scale``."""

    df: float
    loc: float = 0.0
    scale: float = 1.0
    kind: ClassVar[str] = "student_t"

    def __post_init__(self) -> None:
        check_finite(self, df=self.df, loc=self.loc, scale=self.scale)
        if not self.df > 0:
            raise DistributionError(self.formula(), f"expected df > 0, got {self.df:g}")
        if not self.scale > 0:
            raise DistributionError(self.formula(), f"expected scale > 0, got {self.scale:g}")

    def params(self) -> dict[str, float]:
        return {"df": float(self.df), "loc": float(self.loc), "scale": float(self.scale)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self.loc + self.scale * rng.standard_t(self.df, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        from scipy.special import stdtrit

        return np.asarray(self.loc + self.scale * stdtrit(self.df, _u(u)), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        from scipy.special import stdtr

        return np.asarray(stdtr(self.df, (_u(x) - self.loc) / self.scale), dtype=float)

    def median(self) -> float:
        return float(self.loc)


@dataclass(frozen=True)
class LognormMS(Distribution):
    """Lognormal by its own ``mean`` and standard deviation ``sd`` (not those of the log)."""

    mean: float
    sd: float
    inner: Lognorm = field(init=False, repr=False, compare=False)
    kind: ClassVar[str] = "lognorm_ms"

    def __post_init__(self) -> None:
        check_finite(self, mean=self.mean, sd=self.sd)
        if not self.mean > 0:
            raise DistributionError(self.formula(), f"expected mean > 0, got {self.mean:g}")
        if not self.sd > 0:
            raise DistributionError(self.formula(), f"expected sd > 0, got {self.sd:g}")
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        mu = math.log(self.mean) - sigma2 / 2
        if not (sigma2 > 0 and abs(mu) <= MAX_LOG_MU):
            raise DistributionError(self.formula(), "expected sd / mean and mean within the float range "
                                    f"(the log's mean {mu:g}, its sd {math.sqrt(sigma2):g})")
        object.__setattr__(self, "inner", Lognorm(mu, math.sqrt(sigma2)))

    def params(self) -> dict[str, float]:
        return {"mean": float(self.mean), "sd": float(self.sd)}

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self.inner.sample(rng, n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return self.inner.ppf(u)

    def cdf(self, x: ArrayLike) -> FloatArray:
        return self.inner.cdf(x)

    def median(self) -> float:
        return self.inner.median()

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


@dataclass(frozen=True)
class Discrete(Distribution):
    """One of ``values`` with probabilities proportional to ``weights``."""

    values: tuple[float, ...]
    weights: tuple[float, ...]
    kind: ClassVar[str] = "discrete"

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(self.values))
        object.__setattr__(self, "weights", tuple(self.weights))
        check_finite(self, **{f"value {i + 1}": v for i, v in enumerate(self.values)})
        check_finite(self, **{f"weight {i + 1}": w for i, w in enumerate(self.weights)})
        object.__setattr__(self, "values", tuple(float(v) for v in self.values))
        object.__setattr__(self, "weights", tuple(float(w) for w in self.weights))
        if not self.values:
            raise DistributionError(self.formula(), "expected at least one value")
        if len(self.values) != len(self.weights):
            raise DistributionError(self.formula(), f"expected one weight per value, got {len(self.weights)} "
                                    f"weights for {len(self.values)} values")
        if any(w < 0 for w in self.weights) or not sum(self.weights) > 0:
            raise DistributionError(self.formula(), "expected weights >= 0 with a positive sum")

    def table(self) -> tuple[FloatArray, FloatArray]:
        """Distinct sorted values and their cumulative probabilities (the last exactly 1).

        Returns
        -------
        values, cumulative : numpy.ndarray
            The distinct values in increasing order, and P(X <= value) for each.

        Examples
        --------
        >>> Discrete((2, 1, 2), (1, 2, 1)).table()
        (array([1., 2.]), array([0.5, 1. ]))
        """
        v = np.asarray(self.values)
        w = np.asarray(self.weights)
        xs, inv = np.unique(v, return_inverse=True)
        p = np.bincount(inv.ravel(), weights=w) / w.sum()
        cum = np.cumsum(p)
        cum[-1] = 1.0
        return xs, cum

    def params(self) -> dict[str, float]:
        return {f"w{i + 1}": w for i, w in enumerate(self.weights)}

    def formula(self) -> str:
        return (f"discrete([{', '.join(number_text(v) for v in self.values)}], "
                f"[{', '.join(number_text(w) for w in self.weights)}])")

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        w = np.asarray(self.weights)
        return np.asarray(self.values)[rng.choice(len(self.values), size=n, p=w / w.sum())]

    def ppf(self, u: ArrayLike) -> FloatArray:
        xs, cum = self.table()
        k = np.searchsorted(cum, _u(u), side="left")
        return np.asarray(xs[np.clip(k, 0, len(xs) - 1)], dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        xs, cum = self.table()
        k = np.searchsorted(xs, _u(x), side="right")
        return np.where(k > 0, cum[np.maximum(k - 1, 0)], 0.0)

    def support(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))


@dataclass(frozen=True)
class Truncated(Distribution):
    """``dist`` conditioned on ``low <= x <= high`` (its values outside are drawn again, not moved to the ends).

    Of a continuous distribution only: the discrete kinds (bernoulli, binomial,
    poisson, discrete) are refused; use ``clip()`` or ``discrete()`` for those.
    """

    dist: Distribution
    low: float
    high: float
    kind: ClassVar[str] = "truncate"

    def __post_init__(self) -> None:
        if not isinstance(self.dist, Distribution):
            raise DistributionError("truncate(...)", f"parameter dist must be a distribution, got {shown_value(self.dist)}")
        check_finite(self, low=self.low, high=self.high)
        if _has_steps(self.dist):
            raise DistributionError(self.formula(), f"expected a continuous distribution, got the discrete {self.dist.kind}()")
        if not self.low < self.high:
            raise DistributionError(self.formula(), f"expected low < high, got low = {self.low:g} and high = {self.high:g}")
        lo, hi = self.bounds()
        if not hi > lo:
            raise DistributionError(self.formula(), f"the interval [{self.low:g}, {self.high:g}] has probability 0 "
                                    f"under {self.dist.formula()}")

    def bounds(self) -> tuple[float, float]:
        """The CDF of ``dist`` at ``low`` and at ``high``."""
        f = self.dist.cdf(np.array([self.low, self.high], dtype=float))
        return float(f[0]), float(f[1])

    def params(self) -> dict[str, float]:
        return {"low": float(self.low), "high": float(self.high)}

    def formula(self) -> str:
        inner = self.dist.formula() if isinstance(self.dist, Distribution) else "?"
        return f"truncate({inner}, {number_text(self.low)}, {number_text(self.high)})"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self.ppf(rng.random(n))

    def ppf(self, u: ArrayLike) -> FloatArray:
        lo, hi = self.bounds()
        return np.asarray(np.clip(self.dist.ppf(lo + _u(u) * (hi - lo)), self.low, self.high), dtype=float)

    def cdf(self, x: ArrayLike) -> FloatArray:
        lo, hi = self.bounds()
        return np.asarray(np.clip((self.dist.cdf(_u(x)) - lo) / (hi - lo), 0.0, 1.0), dtype=float)

    def support(self) -> tuple[float, float]:
        s = self.dist.support()
        return (max(s[0], float(self.low)), min(s[1], float(self.high)))


def _has_steps(dist: Distribution) -> bool:
    from .classic import Mixture

    if isinstance(dist, Mixture):
        return any(_has_steps(c) for c in dist.components)
    return dist.kind in DISCRETE_KINDS or isinstance(dist, Bernoulli)


@dataclass(frozen=True)
class Clipped(Distribution):
    """``dist`` with values below ``low`` set to ``low`` and above ``high`` to ``high``
    (squigglepy's ``lclip`` / ``rclip``); ``None`` is no bound.

    Its :meth:`formula` is the formula language's ``clip(d, low, high)`` (or
    ``max(d, low)``, ``min(d, high)``): a formula over a distribution, which
    reads back as the same values, not as one distribution literal.
    """

    dist: Distribution
    low: float | None = None
    high: float | None = None
    kind: ClassVar[str] = "clipped"

    def __post_init__(self) -> None:
        given: dict[str, Any] = {k: v for k, v in (("low", self.low), ("high", self.high)) if v is not None}
        check_finite(self, **given)
        if not given:
            raise DistributionError(self.formula(), "expected a low or a high bound")
        if self.low is not None and self.high is not None and not self.low <= self.high:
            raise DistributionError(self.formula(), f"expected low <= high, got low = {self.low:g} and high = {self.high:g}")

    def params(self) -> dict[str, float]:
        return {k: float(v) for k, v in (("low", self.low), ("high", self.high)) if v is not None}

    def formula(self) -> str:
        d = self.dist.formula()
        if self.low is not None and self.high is not None:
            return f"clip({d}, {number_text(self.low)}, {number_text(self.high)})"
        if self.low is not None:
            return f"max({d}, {number_text(self.low)})"
        return f"min({d}, {number_text(self.high)})"  # type: ignore[arg-type]

    def _clip(self, x: FloatArray) -> FloatArray:
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        return np.asarray(np.clip(x, lo, hi), dtype=float)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self._clip(self.dist.sample(rng, n))

    def ppf(self, u: ArrayLike) -> FloatArray:
        return self._clip(self.dist.ppf(u))

    def cdf(self, x: ArrayLike) -> FloatArray:
        x = _u(x)
        out = self.dist.cdf(x)
        if self.low is not None:
            out = np.where(x < self.low, 0.0, out)
        if self.high is not None:
            out = np.where(x >= self.high, 1.0, out)
        return np.asarray(out, dtype=float)

    def support(self) -> tuple[float, float]:
        s = self.dist.support()
        return (s[0] if self.low is None else max(s[0], self.low), s[1] if self.high is None else min(s[1], self.high))
