"""Bounded versions of a distribution: ``truncate(d, low, high)`` (:class:`Truncated`,
values outside drawn again) and clipping (:class:`Clipped`, values outside
moved to the ends: what a clipped squigglepy distribution becomes).

>>> from dealvalue.distributions import Norm
>>> Truncated(Norm(0, 1), -1, 1).median(), Clipped(Norm(0, 1), 0, None).formula()
(0.0, 'max(norm(0, 1), 0)')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from ..errors import DistributionError
from .base import Distribution, FloatArray, check_finite, number_text, shown_value
from .classic import Bernoulli
from .more import DISCRETE_KINDS

__all__ = ["Truncated", "Clipped"]


def _u(u: ArrayLike) -> FloatArray:
    return np.asarray(u, dtype=float)


@dataclass(frozen=True)
class Truncated(Distribution):
    """``dist`` conditioned on ``low <= x <= high`` (its values outside are drawn again, not moved to the ends).

    Of a continuous distribution only: the discrete kinds (bernoulli, binomial,
    poisson, discrete) are refused; use ``clip()`` or ``discrete()`` for those.

    Parameters
    ----------
    dist : Distribution
        A continuous distribution.
    low, high : float
        Finite ends, ``low < high``, with some probability between them.

    Raises
    ------
    dealvalue.errors.DistributionError
        A discrete ``dist``, ends not finite or out of order, or no
        probability between them.

    Examples
    --------
    The positive half of a standard normal: its median is the normal's 75%
    quantile.

    >>> from dealvalue.distributions import Norm
    >>> round(Truncated(Norm(0, 1), 0, 10).median(), 6)
    0.67449
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
        """The CDF of ``dist`` at ``low`` and at ``high``.

        Returns
        -------
        tuple of (float, float)
            ``(F(low), F(high))``: the kept probability is their difference.

        Examples
        --------
        >>> from dealvalue.distributions import Norm
        >>> Truncated(Norm(0, 1), 0, 10).bounds()
        (0.5, 1.0)
        """
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

    Parameters
    ----------
    dist : Distribution
        The distribution clipped.
    low, high : float or None
        The ends, ``low <= high``; None for no end.

    Raises
    ------
    dealvalue.errors.DistributionError
        Ends not finite or out of order.

    Examples
    --------
    >>> from dealvalue.distributions import Norm
    >>> c = Clipped(Norm(0, 1), 0, 1)
    >>> c.median(), c.quantile(0.9), c.formula()
    (0.0, 1.0, 'clip(norm(0, 1), 0, 1)')
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
