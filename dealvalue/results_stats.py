"""Statistics of a simulation's samples, each with its Monte Carlo standard
error: the part of :class:`dealvalue.Results` that reads samples (or, for
cells whose samples were not kept, their streamed statistics).

Non-finite samples (a division by a zero credibility, say) are counted per
cell, shown in the summary and left out of statistics with a
:class:`NonFiniteWarning`, never averaged in silently.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from .errors import ArgumentError, UnknownCellError
from .stats import Z_95, pooled_quantiles, quantiles

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .model import Model
    from .streaming import CellStats

__all__ = ["ResultsStatistics", "NonFiniteWarning"]


class NonFiniteWarning(RuntimeWarning):
    """Some samples of a cell are NaN or infinite and were left out."""


class ResultsStatistics:
    """Samples and their statistics (inherited by :class:`dealvalue.Results`,
    which holds the fields)."""

    model: "Model"
    values: dict[str, np.ndarray]
    leaves: dict[str, np.ndarray]
    n: int
    batch_sizes: tuple[int, ...]
    stats: "dict[str, CellStats]"
    _sorted: dict[str, np.ndarray]  # cell -> its finite samples sorted (sorted_samples)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.get(name)

    def get(self, name: str, unit: str | None = None) -> np.ndarray:
        """Samples of a cell, optionally converted to a compatible ``unit``.

        Parameters
        ----------
        name : str
            A cell (or a distribution literal, ``cell__k``).
        unit : str, optional
            A unit compatible with the cell's; None keeps the cell's.

        Returns
        -------
        numpy.ndarray
            The samples (read-only unless converted).

        Raises
        ------
        UnknownCellError
            No such cell in these results.
        ArgumentError
            The run kept only statistics of this cell.
        UnitMismatchError
            ``unit`` does not convert from the cell's.

        Examples
        --------
        >>> import numpy as np, dealvalue as dv
        >>> m = dv.Model(); m.add("R", "1000 to 2000", unit="USD")
        >>> r = m.simulate(n=1_000, seed=1)
        >>> np.allclose(r.get("R", "kUSD") * 1000, r.get("R"), rtol=1e-12)
        True
        """
        if name not in self.values:
            if name in self.leaves:
                return self.leaves[name]
            if name in self.stats:
                raise ArgumentError("name", name, "a cell whose samples were kept: this run kept statistics only for it "
                                    "(simulate with keep='all' or keep=[..., name] for its samples)")
            raise UnknownCellError(name, None, tuple(self.values) + tuple(self.stats))
        arr = self.values[name]
        if unit is None:
            return arr
        return arr * self._factor(name, unit)

    def _factor(self, name: str, unit: str) -> float:
        from .units import factor_to  # the unit is read in the model's own registry

        return factor_to(self.model.unit(name), unit, name)

    def _streamed(self, name: str) -> "CellStats | None":
        """The statistics of a cell whose samples were not kept (warning once
        about non-finite samples), or None when its samples are here."""
        if name in self.values or name in self.leaves or name not in self.stats:
            return None
        cs = self.stats[name]
        bad = cs.moments.nonfinite
        if bad:
            warnings.warn(f"cell {name!r}: {bad} of {self.n} samples are not finite and are left out",
                          NonFiniteWarning, stacklevel=3)
        return cs

    def _finite(self, name: str) -> np.ndarray:
        arr = self.get(name)
        ok = np.isfinite(arr)
        if ok.all():
            return arr
        bad = int((~ok).sum())
        warnings.warn(
            f"cell {name!r}: {bad} of {arr.size} samples are not finite and are left out",
            NonFiniteWarning,
            stacklevel=3,
        )
        return np.asarray(arr[ok])

    def sorted_samples(self, name: str) -> np.ndarray:
        """The cell's finite samples, sorted ascending: sorted once, then kept
        (every quantile of the cell reads them).

        Parameters
        ----------
        name : str
            A cell whose samples were kept.

        Returns
        -------
        numpy.ndarray
            Read-only; non-finite samples are left out (with a
            :class:`NonFiniteWarning`, on every call).

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(0, 1)")
        >>> r = m.simulate(n=1_000, seed=1)
        >>> s = r.sorted_samples("x")
        >>> bool((s[1:] >= s[:-1]).all()), s is r.sorted_samples("x"), float(s[0]) == float(r["x"].min())
        (True, True, True)
        """
        s = self._sorted_finite(name)
        total = self.get(name).size
        if s.size < total:
            warnings.warn(f"cell {name!r}: {total - s.size} of {total} samples are not finite and are left out",
                          NonFiniteWarning, stacklevel=3)
        return s

    def _sorted_finite(self, name: str) -> np.ndarray:
        """:meth:`sorted_samples` without the warning (a histogram leaves non-finite samples out silently)."""
        s = self._sorted.get(name)
        if s is None:
            x = self.get(name)
            s = np.sort(x[np.isfinite(x)])
            s.flags.writeable = False
            self._sorted[name] = s
        return s

    def nonfinite(self, name: str) -> int:
        """How many samples of the cell are NaN or infinite.

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        int

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(-1, 1)"); m.add("y", "sqrt(x)")
        >>> r = m.simulate(n=1_000, seed=1)
        >>> r.nonfinite("x"), 400 < r.nonfinite("y") < 600
        (0, True)
        """
        if name not in self.values and name not in self.leaves and name in self.stats:
            return self.stats[name].moments.nonfinite
        return int((~np.isfinite(self.get(name))).sum())

    def mean(self, name: str) -> float:
        """Mean of the cell's samples: for a 0/1 cell, the probability it is 1.

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        float
            The mean of its finite samples, in the cell's unit.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(0, 1)")
        >>> r = m.simulate(n=10_000, seed=1)
        >>> abs(r.mean("x") - 0.5) < 4 * r.stderr("x")
        True
        """
        cs = self._streamed(name)
        if cs is not None:
            return cs.moments.mean if cs.moments.count else math.nan
        return float(np.mean(self._finite(name)))

    def prob(self, name: str) -> float:
        """P(cell is true) for a comparison cell (alias of :meth:`mean`).

        Parameters
        ----------
        name : str
            A 0/1 cell.

        Returns
        -------
        float

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(0, 1)"); m.add("big", "x > 0.75")
        >>> r = m.simulate(n=10_000, seed=1)
        >>> abs(r.prob("big") - 0.25) < 4 * r.stderr("big")
        True
        """
        return self.mean(name)

    def stderr(self, name: str) -> float:
        """Monte Carlo standard error of :meth:`mean`.

        For a 0/1 cell it is the binomial ``sqrt(p (1 - p) / n)``; otherwise
        ``sd / sqrt(n)`` with the sample standard deviation.  Both assume
        independent draws: for ``method="lhs"`` they are an upper bound (a
        Latin hypercube's variance is at most ``n / (n - 1)`` times plain
        Monte Carlo's), and for ``method="qmc"`` they are not its error at
        all: run with ``target_se=...`` and read :meth:`batch_stderr`, which
        uses the spread of independent scrambles.

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        float
            In the cell's unit.

        Examples
        --------
        >>> import math, dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(0, 1)"); m.add("big", "x > 0.5")
        >>> r = m.simulate(n=10_000, seed=1)
        >>> p = r.mean("big"); r.stderr("big") == math.sqrt(p * (1 - p) / 10_000)
        True
        """
        cs = self._streamed(name)
        if cs is not None:
            return cs.stderr
        return _stderr(self._finite(name))

    def sd(self, name: str) -> float:
        """The standard deviation of the cell's finite samples (``ddof=1``).

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        float
            In the cell's unit.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "norm(10, 2)")
        >>> round(m.simulate(n=100_000, seed=1).sd("x"), 1)
        2.0
        """
        cs = self._streamed(name)
        if cs is not None:
            return cs.moments.sd
        return float(np.std(self._finite(name), ddof=1))

    def quantile(self, name: str, q: float) -> float:
        """The ``q`` quantile (numpy's linear interpolation).

        For a cell whose samples were not kept, within 0.5% relative error of
        the ``method="lower"`` sample quantile (see :mod:`dealvalue.streaming`),
        or exact when the run asked for it (``simulate(exact=...)``).

        Parameters
        ----------
        name : str
            The cell.
        q : float
            A level in [0, 1].

        Returns
        -------
        float

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(0, 100)")
        >>> r = m.simulate(n=100_000, seed=1)
        >>> abs(r.quantile("x", 0.9) - 90) < 4 * r.quantile_stderr("x", 0.9)
        True
        """
        if not 0 <= q <= 1:
            raise ArgumentError("q", q, "a quantile level in [0, 1]")
        cs = self._streamed(name)
        if cs is not None:
            return cs.quantile(float(q))
        return float(pooled_quantiles([self.sorted_samples(name)], q))

    def quantiles(self, name: str, qs: Sequence[float] = (0.05, 0.5, 0.95)) -> "pd.Series":
        """Quantiles of the cell as a Series indexed by q.

        Parameters
        ----------
        name : str
            The cell.
        qs : sequence of float
            Levels in [0, 1].

        Returns
        -------
        pandas.Series

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(0, 100)")
        >>> m.simulate(n=100_000, seed=1).quantiles("x").round(0)
        q
        0.05     5.0
        0.50    50.0
        0.95    95.0
        Name: x, dtype: float64
        """
        import pandas as pd

        qs = [float(q) for q in qs]
        for q in qs:
            if not 0 <= q <= 1:
                raise ArgumentError("qs", q, "quantile levels in [0, 1]")
        cs = self._streamed(name)
        vals = [cs.quantile(q) for q in qs] if cs is not None else pooled_quantiles([self.sorted_samples(name)], qs)
        return pd.Series(vals, index=pd.Index(qs, name="q"), name=name)

    def quantile_stderr(self, name: str, q: float) -> float:
        """Standard error of the q-quantile.

        From the distribution-free order-statistic 95% interval (ranks
        ``n q +- Z_95 sqrt(n q (1 - q))``) divided by ``2 Z_95``.

        Parameters
        ----------
        name : str
            The cell.
        q : float
            A level in [0, 1].

        Returns
        -------
        float
            In the cell's unit.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(0, 100)")
        >>> r = m.simulate(n=10_000, seed=1)
        >>> 0 < r.quantile_stderr("x", 0.5) < 1
        True
        """
        if not 0 <= q <= 1:
            raise ArgumentError("q", q, "a quantile level in [0, 1]")
        cs = self._streamed(name)
        x = self.sorted_samples(name) if cs is None else np.array([])
        m = x.size if cs is None else cs.moments.count
        half = Z_95 * math.sqrt(m * q * (1 - q))
        lo = int(max(0, math.floor(m * q - half)))
        hi = int(min(m - 1, math.ceil(m * q + half)))
        if cs is not None:  # the ranks' values from the sketch
            return float((cs.rank_value(hi) - cs.rank_value(lo)) / (2 * Z_95))
        return float((x[hi] - x[lo]) / (2 * Z_95))

    def summary(self, names: Iterable[str] | None = None, units: Mapping[str, str] | None = None) -> "pd.DataFrame":
        """One row per cell: label, unit, mean, its standard error, sd, 5th / 50th
        / 95th percentiles, and the count of non-finite samples.

        Parameters
        ----------
        names : iterable of str, optional
            The cells (default: all).
        units : mapping of str to str, optional
            Cells shown in other compatible units, e.g. ``{"ask": "kUSD"}``.

        Returns
        -------
        pandas.DataFrame
            Indexed by cell name.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "1000 to 2000", unit="USD")
        >>> s = m.simulate(n=1_000, seed=1).summary(units={"R": "kUSD"})
        >>> list(s.columns), s.loc["R", "unit"], bool(1 < s.loc["R", "p50"] < 2)
        (['label', 'unit', 'mean', 'stderr', 'sd', 'p5', 'p50', 'p95', 'nonfinite'], 'kUSD', True)
        """
        import pandas as pd

        from .units import unit_text

        units = dict(units or {})
        rows = []
        for name in names or self.names:
            if name not in self.values and name in self.stats:
                rows.append(self._streamed_row(name, units.get(name)))
                continue
            arr = self.get(name, units.get(name))
            ok = np.isfinite(arr)
            x = arr[ok]
            bad = int((~ok).sum())
            cell = self.model.cell(name)
            row: dict[str, Any] = {
                "name": name,
                "label": cell.label,
                "unit": units.get(name) or unit_text(self.model.unit(name)),
                "mean": float(x.mean()) if x.size else math.nan,
            }
            if x.size >= 2 and np.ptp(x) == 0:  # a constant: no spread, no error
                row["stderr"] = row["sd"] = 0.0
                p5 = p50 = p95 = float(x[0])
            elif x.size >= 2:
                row["stderr"] = _stderr(x)
                row["sd"] = float(x.std(ddof=1))
                p5, p50, p95 = quantiles(x, [0.05, 0.5, 0.95])
            else:
                row["stderr"] = row["sd"] = p5 = p50 = p95 = math.nan
            row.update({"p5": float(p5), "p50": float(p50), "p95": float(p95), "nonfinite": bad})
            rows.append(row)
        return pd.DataFrame(rows).set_index("name")

    @property
    def names(self) -> tuple[str, ...]:
        """The cells these results describe (samples or statistics), in model order.

        Returns
        -------
        tuple of str

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "1 to 10"); m.add("y", "2 * x")
        >>> m.simulate(n=10, seed=1).names
        ('x', 'y')
        """
        return tuple(self.values) + tuple(k for k in self.stats if k not in self.values)

    def _streamed_row(self, name: str, unit: str | None) -> dict[str, Any]:
        from .units import unit_text

        cs = self.stats[name]
        f = 1.0 if unit is None else self._factor(name, unit)
        m = cs.moments
        ok = m.count >= 2
        p5, p50, p95 = (cs.quantile(q) * f if m.count else math.nan for q in (0.05, 0.5, 0.95))
        return {"name": name, "label": self.model.cell(name).label, "unit": unit or unit_text(self.model.unit(name)),
                "mean": m.mean * f if m.count else math.nan, "stderr": cs.stderr * f if ok else math.nan,
                "sd": (0.0 if m.lo == m.hi else m.sd * f) if ok else math.nan,
                "p5": p5, "p50": p50, "p95": p95, "nonfinite": m.nonfinite}

    def batch_stderr(self, name: str) -> float:
        """Standard error of :meth:`mean` from the spread of batch means.

        ``sd(batch means) / sqrt(batches)`` over equal independent batches: the
        error estimate for ``"lhs"`` and ``"qmc"`` runs, whose samples are not
        independent so ``sd / sqrt(n)`` is not their error.

        Parameters
        ----------
        name : str
            The cell.

        Returns
        -------
        float

        Raises
        ------
        ArgumentError
            The run was not made of at least two equal batches (simulate with
            ``target_se=...``).

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(0, 1)")
        >>> r = m.simulate(n=4_096, seed=1, method="qmc", target_se={"x": 0.001})
        >>> len(r.batch_sizes) >= 2, r.batch_stderr("x") < 0.001
        (True, True)
        """
        sizes = self.batch_sizes
        if len(sizes) < 2 or len(set(sizes)) != 1:
            raise ArgumentError("results", f"batch sizes {list(sizes) or [self.n]}",
                                "a run with at least two equal batches (simulate with target_se=...) for batch_stderr")
        x = self.get(name).reshape(len(sizes), sizes[0])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            means = np.nanmean(np.where(np.isfinite(x), x, np.nan), axis=1)
        return float(np.std(means, ddof=1) / math.sqrt(len(sizes)))


def _stderr(x: np.ndarray) -> float:
    """Standard error of the mean of finite samples: binomial for 0/1 values."""
    m = x.size
    if m < 2:
        return math.nan
    if np.ptp(x) == 0:
        return 0.0
    if _is_indicator(x):
        p = float(x.mean())
        return math.sqrt(p * (1 - p) / m)
    return float(x.std(ddof=1) / math.sqrt(m))


def _is_indicator(x: np.ndarray) -> bool:
    return bool(x.size and np.all((x == 0) | (x == 1)))
