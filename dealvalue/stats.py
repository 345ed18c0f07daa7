"""Statistical constants, one name for each number, and sample quantiles
by sorting (:func:`quantiles`, :func:`pooled_quantiles`, :func:`bin_counts`).

>>> from dealvalue.stats import Z_90, Z_95
>>> round(Z_90, 4), round(Z_95, 4)
(1.6449, 1.96)
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .errors import ArgumentError

__all__ = ["Z_90", "Z_95", "quantiles", "pooled_quantiles", "bin_counts"]

#: Half-width, in standard deviations, of a central 90% interval of a normal
#: distribution (its 95th percentile): ``a to b`` puts a and b this far from the centre.
Z_90 = 1.6448536269514722

#: Half-width of a central 95% interval (the 97.5th percentile): error bars and
#: confidence intervals of Monte Carlo estimates.
Z_95 = 1.959963984540054


def quantiles(x: np.ndarray, qs: "float | Sequence[float]") -> np.ndarray:
    """Sample quantiles of a 1-d array, equal to ``numpy.quantile(x, qs)``
    (its default, linear method) bit for bit, computed by sorting.

    ``numpy.quantile`` partitions around the two neighbours of every level
    and the two ends; for a few levels of 10^5 samples that costs about three
    times numpy's sort, which is vectorised.  The page reads several
    quantiles of the same cells on every redraw, so this is the quicker road
    to the same numbers.

    Parameters
    ----------
    x : numpy.ndarray
        The samples: 1-d, no NaN (leave non-finite values out first).
    qs : float or sequence of float
        Levels in [0, 1].

    Returns
    -------
    numpy.ndarray
        One value per level (a 0-d array for one level); NaN for every level
        when ``x`` is empty.

    Raises
    ------
    ArgumentError
        A level outside [0, 1] (or NaN).

    Examples
    --------
    >>> x = np.array([4.0, 1.0, 3.0, 2.0])
    >>> quantiles(x, [0.0, 0.5, 0.9, 1.0])      # 0.5 of the way from 2 to 3; 0.7 of the way from 3 to 4
    array([1. , 2.5, 3.7, 4. ])
    >>> bool(np.all(quantiles(x, [0.1, 0.9]) == np.quantile(x, [0.1, 0.9])))
    True
    """
    return pooled_quantiles([np.sort(np.asarray(x, dtype=float).ravel())], qs)


def pooled_quantiles(runs: Sequence[np.ndarray], qs: "float | Sequence[float]") -> np.ndarray:
    """Quantiles of several sorted arrays pooled, equal to
    ``numpy.quantile(numpy.concatenate(runs), qs)`` bit for bit, without
    sorting the pool.

    An order statistic of the pool near its low end is among the first few
    values of every array, and near its high end among the last few, so only
    those are sorted: for the 0.1% and 99.9% levels of a histogram's shared
    bins that is 0.2% of the pool.

    Parameters
    ----------
    runs : sequence of numpy.ndarray
        1-d arrays, each sorted ascending, with no NaN.
    qs : float or sequence of float
        Levels in [0, 1].

    Returns
    -------
    numpy.ndarray
        One value per level (a 0-d array for one level); NaN for every level
        when the pool is empty.

    Raises
    ------
    ArgumentError
        A level outside [0, 1] (or NaN).

    Examples
    --------
    >>> a, b = np.array([1.0, 2.0, 9.0]), np.array([3.0, 4.0])
    >>> pooled_quantiles([a, b], [0.25, 0.5, 1.0])   # the pool sorted: 1 2 3 4 9
    array([2., 3., 9.])
    """
    q = np.asarray(qs, dtype=float)
    if not np.all((q >= 0) & (q <= 1)):
        raise ArgumentError("qs", qs, "quantile levels in [0, 1]")
    runs = [r for r in runs if r.size]
    n = sum(r.size for r in runs)
    if n == 0:
        return np.full(q.shape, np.nan)
    # numpy's steps for method="linear": virtual index (n - 1) q, its floor and the next index (both the
    # last index at or beyond it), the fraction between them, then the same two-sided interpolation
    virtual = (n - 1) * q
    prev = np.floor(virtual)
    nxt = prev + 1
    above = virtual >= n - 1
    prev = np.where(above, -1, prev).astype(np.intp)
    nxt = np.where(above, -1, nxt).astype(np.intp)
    gamma = virtual - prev
    a, b = _order_statistics(runs, n, prev), _order_statistics(runs, n, nxt)
    diff = b - a
    out = np.asarray(a + diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return out


def _order_statistics(runs: Sequence[np.ndarray], n: int, index: np.ndarray) -> np.ndarray:
    """The pool's values at ``index`` (0-based, -1 the last) had it been sorted."""
    if len(runs) == 1:
        return np.asarray(runs[0][index])
    out = np.empty(index.shape)
    for pos, i in np.ndenumerate(index):
        i = int(i) % n
        if i < n - i:  # among the i + 1 lowest of every run
            out[pos] = np.sort(np.concatenate([r[: i + 1] for r in runs]))[i]
        else:  # among the n - i highest of every run
            j = n - 1 - i
            top = np.sort(np.concatenate([r[max(r.size - j - 1, 0):] for r in runs]))
            out[pos] = top[top.size - 1 - j]
    return out


def bin_counts(s: np.ndarray, edges: np.ndarray, clip: bool = False) -> np.ndarray:
    """Histogram counts of sorted samples, equal to
    ``numpy.histogram(s, bins=edges)[0]`` (each bin includes its left edge,
    the last its right edge too), by binary search.

    ``numpy.histogram`` with an array of edges sorts the samples first; a
    caller that sorted them already (for the bins' ends) skips that.

    Parameters
    ----------
    s : numpy.ndarray
        1-d samples, sorted ascending, with no NaN.
    edges : numpy.ndarray
        The bins' edges, increasing.
    clip : bool, default False
        Count samples below the first edge in the first bin and above the
        last in the last (as ``numpy.histogram(numpy.clip(s, ...))``).

    Returns
    -------
    numpy.ndarray
        ``len(edges) - 1`` counts (int).

    Examples
    --------
    >>> s = np.array([0.5, 1.0, 1.5, 2.0, 3.0, 7.0])
    >>> bin_counts(s, np.array([1.0, 2.0, 3.0])), bin_counts(s, np.array([1.0, 2.0, 3.0]), clip=True)
    (array([2, 2]), array([3, 3]))
    """
    at = np.concatenate([np.searchsorted(s, edges[:-1], side="left"), np.searchsorted(s, edges[-1:], side="right")])
    if clip:
        at[0], at[-1] = 0, s.size
    return np.diff(at)
