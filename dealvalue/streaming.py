"""Statistics without samples: mergeable accumulators for streamed runs.

A run with ``keep="summary"`` never holds all its samples.  Each cell's
samples pass, block by block, through

* :class:`Moments`: count, mean and sum of squared deviations (merged with
  Chan et al.'s parallel formula), non-finite count, min, max and whether
  every finite value is 0 or 1.  Means, standard deviations, standard errors
  and indicator probabilities are therefore exact (up to floating-point
  rounding): they equal the statistics of the kept samples.
* :class:`Sketch`: a relative-error quantile sketch (logarithmic buckets, as
  in DDSketch, Masson et al. 2019).  Bucket counts are integers, so merging
  is exact and order-free.  **Bound**: for a level ``q`` and ``m`` finite
  samples, :meth:`Sketch.quantile` returns a value within relative error
  ``ALPHA`` = 0.5% of the sample's order statistic of rank
  ``floor(q (m - 1))`` (``numpy.quantile(x, q, method="lower")``):
  ``|estimate - x_k| <= ALPHA |x_k|``; values within ``TINY`` = 1e-300 of
  zero count as zero.  For a 0/1 cell quantiles are exact.

Blocks are folded left to right in block order, so the statistics do not
depend on how a run was chunked, threaded or spread over workers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

__all__ = ["Moments", "Sketch", "CellStats", "ALPHA", "TINY"]

ALPHA = 0.005
TINY = 1e-300
_GAMMA = (1 + ALPHA) / (1 - ALPHA)
_LOG_GAMMA = math.log(_GAMMA)


@dataclass(frozen=True)
class Moments:
    """Count, mean, sum of squared deviations (``m2``) of finite samples, and
    the non-finite count, min, max and 0/1-ness."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0
    nonfinite: int = 0
    lo: float = math.inf
    hi: float = -math.inf
    binary: bool = True

    @classmethod
    def of(cls, x: np.ndarray) -> "Moments":
        """The moments of one array of samples.

        >>> m = Moments.of(np.array([1.0, 2.0, 3.0, np.nan]))
        >>> m.count, m.mean, m.m2, m.nonfinite
        (3, 2.0, 2.0, 1)
        """
        ok = np.isfinite(x)
        bad = int(x.size - np.count_nonzero(ok))
        if bad:
            x = x[ok]
        if x.size == 0:
            return cls(nonfinite=bad)
        mean = float(x.mean())
        d = x - mean
        # np.sum (pairwise, in numpy) not np.dot: BLAS sums in an order that depends on its threads
        return cls(int(x.size), mean, float(np.sum(d * d)), bad, float(x.min()), float(x.max()),
                   bool(np.all((x == 0) | (x == 1))))

    def merge(self, other: "Moments") -> "Moments":
        """The moments of both sets of samples (Chan, Golub and LeVeque 1979).

        >>> x = np.arange(10.0)
        >>> m = Moments.of(x[:3]).merge(Moments.of(x[3:]))
        >>> m.mean, round(m.m2, 9), round(float(((x - x.mean()) ** 2).sum()), 9)
        (4.5, 82.5, 82.5)
        """
        if other.count == 0:
            return Moments(self.count, self.mean, self.m2, self.nonfinite + other.nonfinite, self.lo, self.hi, self.binary)
        if self.count == 0:
            return Moments(other.count, other.mean, other.m2, self.nonfinite + other.nonfinite, other.lo, other.hi, other.binary)
        n = self.count + other.count
        delta = other.mean - self.mean
        mean = self.mean + delta * other.count / n
        m2 = self.m2 + other.m2 + delta * delta * self.count * other.count / n
        return Moments(n, mean, m2, self.nonfinite + other.nonfinite, min(self.lo, other.lo), max(self.hi, other.hi),
                       self.binary and other.binary)

    @property
    def sd(self) -> float:
        return math.sqrt(self.m2 / (self.count - 1)) if self.count >= 2 else math.nan


def fold(moments: Iterable[Moments]) -> Moments:
    """Merge moments left to right."""
    out = Moments()
    for m in moments:
        out = out.merge(m)
    return out


@dataclass
class Sketch:
    """Counts of finite samples in logarithmic buckets (see the module notes).

    ``pos[i]`` counts positive samples with key ``pos_offset + i``, where a
    value ``x`` has key ``ceil(log(|x|) / log(gamma))``; ``neg`` likewise for
    negative samples; ``zeros`` those within ``TINY`` of zero.

    >>> s = Sketch(); s.add(np.arange(1.0, 1001.0))
    >>> abs(s.quantile(0.5) - 500) <= ALPHA * 500
    True
    """

    pos: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pos_offset: int = 0
    neg: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    neg_offset: int = 0
    zeros: int = 0

    @property
    def count(self) -> int:
        return int(self.pos.sum() + self.neg.sum() + self.zeros)

    def add(self, x: np.ndarray) -> None:
        """Count the finite samples of ``x``."""
        x = x[np.isfinite(x)]
        a = np.abs(x)
        big = a > TINY
        self.zeros += int(x.size - np.count_nonzero(big))
        for sign in (1, -1):
            sel = a[big & (x > 0)] if sign > 0 else a[big & (x < 0)]
            if sel.size == 0:
                continue
            keys = np.ceil(np.log(sel) / _LOG_GAMMA).astype(np.int64)
            k0 = int(keys.min())
            counts = np.bincount(keys - k0)
            if sign > 0:
                self.pos, self.pos_offset = _add_counts(self.pos, self.pos_offset, counts, k0)
            else:
                self.neg, self.neg_offset = _add_counts(self.neg, self.neg_offset, counts, k0)

    def merge(self, other: "Sketch") -> "Sketch":
        """A sketch of both sets of samples (exact: counts add)."""
        pos, po = _add_counts(self.pos, self.pos_offset, other.pos, other.pos_offset)
        neg, no = _add_counts(self.neg, self.neg_offset, other.neg, other.neg_offset)
        return Sketch(pos, po, neg, no, self.zeros + other.zeros)

    def rank_value(self, k: int) -> float:
        """The estimate of the order statistic of 0-based rank ``k``."""
        # ascending order: negatives from the largest magnitude down, zeros, positives up
        nneg = int(self.neg.sum())
        if k < nneg:
            cum = np.cumsum(self.neg[::-1])
            i = int(np.searchsorted(cum, k, side="right"))
            key = self.neg_offset + self.neg.size - 1 - i
            return -2 * _GAMMA**key / (_GAMMA + 1)
        k -= nneg
        if k < self.zeros:
            return 0.0
        k -= self.zeros
        cum = np.cumsum(self.pos)
        i = int(np.searchsorted(cum, k, side="right"))
        i = min(i, self.pos.size - 1)
        key = self.pos_offset + i
        return 2 * _GAMMA**key / (_GAMMA + 1)

    def quantile(self, q: float) -> float:
        """The ``q`` quantile, within relative error ``ALPHA`` of
        ``numpy.quantile(x, q, method="lower")``."""
        m = self.count
        if m == 0:
            return math.nan
        return self.rank_value(int(math.floor(q * (m - 1))))


def _add_counts(a: np.ndarray, ao: int, b: np.ndarray, bo: int) -> tuple[np.ndarray, int]:
    if b.size == 0:
        return a, ao
    if a.size == 0:
        return b.astype(np.int64, copy=True), bo
    lo = min(ao, bo)
    hi = max(ao + a.size, bo + b.size)
    out = np.zeros(hi - lo, dtype=np.int64)
    out[ao - lo : ao - lo + a.size] += a
    out[bo - lo : bo - lo + b.size] += b
    return out, lo


@dataclass
class CellStats:
    """What a streamed run knows about one cell: its moments and quantile sketch."""

    moments: Moments = field(default_factory=Moments)
    sketch: Sketch = field(default_factory=Sketch)
    exact: dict[float, float] = field(default_factory=dict)  # quantiles found by a second pass

    @property
    def stderr(self) -> float:
        """Standard error of the mean: binomial for a 0/1 cell, else sd / sqrt(count)."""
        m = self.moments
        if m.count < 2:
            return math.nan
        if m.lo == m.hi:
            return 0.0
        if m.binary:
            p = m.mean
            return math.sqrt(p * (1 - p) / m.count)
        return m.sd / math.sqrt(m.count)

    def rank_value(self, k: int) -> float:
        """The order statistic of rank ``k`` (exact for 0/1 and constant cells)."""
        m = self.moments
        if m.lo == m.hi:
            return m.lo
        if m.binary:
            zeros = m.count - round(m.mean * m.count)
            return 0.0 if k < zeros else 1.0
        return float(min(max(self.sketch.rank_value(k), m.lo), m.hi))

    def quantile(self, q: float) -> float:
        """The ``q`` quantile: exact where a second pass found it, for 0/1 and
        constant cells, else the sketch's (see the module's bound)."""
        if q in self.exact:
            return self.exact[q]
        m = self.moments.count
        if m == 0:
            return math.nan
        if self.moments.binary or self.moments.lo == self.moments.hi:
            # numpy's linear interpolation between the two ranks around q (m - 1)
            pos = q * (m - 1)
            lo, hi = self.rank_value(math.floor(pos)), self.rank_value(math.ceil(pos))
            return lo + (hi - lo) * (pos - math.floor(pos))
        return self.rank_value(int(math.floor(q * (m - 1))))
