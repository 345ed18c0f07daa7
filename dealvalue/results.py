"""Results of a simulation: joint samples and what can be said about them.

Every mean, probability and quantile comes with its Monte Carlo standard
error.  Non-finite samples (a division by a zero credibility, say) are counted
per cell, shown in the summary and left out of statistics with a warning,
never averaged in silently.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from .errors import ArgumentError, UnitMismatchError, UnknownCellError

if TYPE_CHECKING:  # pragma: no cover
    import os

    import pandas as pd

    from .model import Model
    from .streaming import CellStats

__all__ = ["Results", "NonFiniteWarning"]

from .stats import Z_95


class NonFiniteWarning(RuntimeWarning):
    """Some samples of a cell are NaN or infinite and were left out."""


@dataclass
class Results:
    """Joint samples of every cell, from :meth:`Model.simulate`.

    Attributes
    ----------
    model
        A copy of the model as it was when simulated.
    values
        Cell name -> samples (read-only numpy arrays, in the cell's unit).
    leaves
        Samples of each distribution literal (``cell__k``).
    n, seed, method, seconds
        How the run was made and how long it took.
    batch_sizes, converged, stop_reason, se_reached
        For a run with ``target_se`` (:func:`dealvalue.simulate.simulate_until`):
        the sizes of its independent batches, whether every target standard
        error was met, why sampling stopped, and the error judged per cell.
        A plain run is one batch with ``converged`` None.
    stats
        For a run with ``keep="summary"`` or a list of cells: the statistics
        of each cell whose samples were not kept
        (:class:`dealvalue.streaming.CellStats`).  :meth:`mean`,
        :meth:`stderr`, :meth:`sd`, :meth:`quantile`, :meth:`quantiles`,
        :meth:`quantile_stderr`, :meth:`nonfinite` and :meth:`summary` answer
        from them; anything that needs samples raises an ArgumentError.
    overrides
        Cells pinned to values for the run (``simulate(overrides=...)``).
    """

    model: "Model"
    values: dict[str, np.ndarray]
    leaves: dict[str, np.ndarray]
    n: int
    seed: int
    method: str
    seconds: float = 0.0
    _frame: Any = field(default=None, repr=False)
    batch_sizes: tuple[int, ...] = ()
    converged: bool | None = None
    stop_reason: str = ""
    se_reached: dict[str, float] = field(default_factory=dict)
    stats: "dict[str, CellStats]" = field(default_factory=dict)
    overrides: dict[str, float] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<Results of {self.model.name!r}: {self.n:,} samples, seed {self.seed}, {self.method}>"

    # ------------------------------------------------------------ access
    def __getitem__(self, name: str) -> np.ndarray:
        return self.get(name)

    def get(self, name: str, unit: str | None = None) -> np.ndarray:
        """Samples of a cell, optionally converted to a compatible ``unit``.

        Parameters
        ----------
        name
            A cell (or a distribution literal, ``cell__k``).
        unit
            A unit compatible with the cell's; None keeps the cell's.

        Returns
        -------
        numpy.ndarray
            The samples (read-only unless converted).
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

    def nonfinite(self, name: str) -> int:
        """How many samples of the cell are NaN or infinite."""
        if name not in self.values and name not in self.leaves and name in self.stats:
            return self.stats[name].moments.nonfinite
        return int((~np.isfinite(self.get(name))).sum())

    @property
    def samples(self) -> "pd.DataFrame":
        """All cells' joint samples, one column per cell; ``attrs["units"]``
        maps each column to its unit text (``""`` for a pure number), kept by
        :meth:`save` and :meth:`to_csv`."""
        if self._frame is None:
            import pandas as pd

            self._frame = pd.DataFrame(self.values, copy=False)
            self._frame.attrs["units"] = self.units()
        frame: pd.DataFrame = self._frame
        return frame

    def units(self) -> dict[str, str]:
        """Each kept cell's unit text (``""`` for a pure number)."""
        from .units import unit_text

        return {name: unit_text(self.model.unit(name)) for name in self.values}

    def save(self, path: "str | os.PathLike[str]") -> None:
        """Write the samples, the units and the model file's text to a Parquet
        file, atomically; see :func:`dealvalue.saved.save`.

        Parameters
        ----------
        path
            The file to write (its folder must exist).
        """
        from .saved import save

        save(self, path)

    @classmethod
    def load(cls, path: "str | os.PathLike[str]", new_model: Any = None) -> "Results":
        """Read a file written by :meth:`save`: the same samples, model and units.

        Parameters
        ----------
        path
            The Parquet file.
        new_model
            The model class (its ``loads`` reads the embedded model file);
            None is :class:`dealvalue.Model`.

        Returns
        -------
        Results
        """
        from .saved import load

        return load(cls, path, new_model)

    def to_csv(self, path: "str | os.PathLike[str]") -> None:
        """Write the samples as CSV, with the units in a first comment line
        (``# units: {"ask": "USD"}``; read back with
        :func:`dealvalue.saved.read_csv`).

        Parameters
        ----------
        path
            The file to write (its folder must exist).
        """
        from .saved import to_csv

        to_csv(self, path)

    def subset(self, where: "str | np.ndarray", names: "Sequence[str] | None" = None) -> "Results":
        """These results restricted to some samples (and cells).

        Parameters
        ----------
        where
            A 0/1 cell's name (keep the samples where it is 1) or a boolean
            array of length ``n``.
        names
            Cells to keep (default: all).

        Returns
        -------
        Results
            The kept samples, so every statistic and its standard error
            describe them alone (e.g. deals that exist).  Leaf samples are
            dropped.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(0, 1)"); m.add("big", "x > 0.5")
        >>> r = m.simulate(n=1_000, seed=1)
        >>> sub = r.subset("big", ["x"])
        >>> sub.n == int(r.get("big").sum()), bool(sub.get("x").min() > 0.5)
        (True, True)
        """
        if isinstance(where, str):
            mask = self.get(where) == 1
        else:
            mask = np.asarray(where)
            if mask.dtype != bool or mask.shape != (self.n,):
                raise ArgumentError("where", where, f"a cell name or a boolean array of length {self.n}")
        keep = self.values if names is None else {k: self.get(k) for k in names}
        out = {k: np.asarray(v[mask]) for k, v in keep.items()}
        for v in out.values():
            v.flags.writeable = False
        return replace(self, values=out, leaves={}, n=int(mask.sum()), _frame=None)

    def histogram(
        self,
        names: "str | Sequence[str]",
        bins: int = 60,
        log: bool = False,
        where: str | None = None,
        clip: bool = True,
    ) -> "pd.DataFrame":
        """Histogram of one or several cells on shared bins.

        Parameters
        ----------
        names
            A cell or cells; all share one set of bins, spanning the pooled
            0.1% to 99.9% quantiles (outliers fall into the end bins).
        bins
            Number of bins.
        log
            Bins equal in log10 (positive samples only).
        where
            A 0/1 cell: only the samples where it is 1.
        clip
            True (default): the samples beyond the bins count in the end
            bins.  False: they are left out (the end bins then show no tall
            bars), and ``frame.attrs["outside"]`` maps each cell to the share
            of samples left out.

        Returns
        -------
        pandas.DataFrame
            Rows ``cell, start, end, share``: the share of all ``n`` samples
            (of the kept ones, with ``where``) falling in each bin.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("x", "uniform(0, 1)")
        >>> h = m.simulate(n=1_000, seed=1).histogram("x", bins=4)
        >>> list(h.columns), round(float(h["share"].sum()), 6)
        (['cell', 'start', 'end', 'share'], 1.0)
        >>> h = m.simulate(n=1_000, seed=1).histogram("x", bins=4, clip=False)
        >>> round(float(h["share"].sum()) + h.attrs["outside"]["x"], 6), h.attrs["outside"]["x"] <= 0.002
        (1.0, True)
        """
        import pandas as pd

        if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not 1 <= bins <= 10_000:
            raise ArgumentError("bins", bins, "a whole number of bins from 1 to 10,000")
        cells = [names] if isinstance(names, str) else list(names)
        r = self.subset(where, cells) if where is not None else self
        arrays = {}
        for name in cells:
            x = r.get(name)
            x = x[np.isfinite(x)]
            arrays[name] = x[x > 0] if log else x
        pooled = np.concatenate(list(arrays.values())) if arrays else np.array([])
        if pooled.size == 0:
            return pd.DataFrame(columns=["cell", "start", "end", "share"])
        lo, hi = np.quantile(pooled, [0.001, 0.999])
        if log:
            edges = np.logspace(math.log10(lo), math.log10(hi), bins + 1) if hi > lo else np.array([lo, lo * 1.01])
        else:
            edges = np.linspace(lo, hi, bins + 1) if hi > lo else np.array([lo - 0.5, lo + 0.5])
        frames = []
        outside = {}
        for name, x in arrays.items():
            counts, _ = np.histogram(np.clip(x, edges[0], edges[-1]) if clip else x, bins=edges)
            outside[name] = float(x.size - counts.sum()) / max(r.n, 1)
            frames.append(pd.DataFrame({"cell": name, "start": edges[:-1], "end": edges[1:], "share": counts / max(r.n, 1)}))
        frame = pd.concat(frames, ignore_index=True)
        if not clip:
            frame.attrs["outside"] = outside
        return frame

    # ------------------------------------------------------------ statistics
    def mean(self, name: str) -> float:
        """Mean of the cell's samples: for a 0/1 cell, the probability it is 1.

        Parameters
        ----------
        name
            The cell.

        Returns
        -------
        float
            The mean of its finite samples, in the cell's unit.
        """
        cs = self._streamed(name)
        if cs is not None:
            return cs.moments.mean if cs.moments.count else math.nan
        return float(np.mean(self._finite(name)))

    def prob(self, name: str) -> float:
        """P(cell is true) for a comparison cell (alias of :meth:`mean`)."""
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
        """
        cs = self._streamed(name)
        if cs is not None:
            return cs.stderr
        return _stderr(self._finite(name))

    def sd(self, name: str) -> float:
        """The standard deviation of the cell's finite samples (``ddof=1``).

        Parameters
        ----------
        name
            The cell.

        Returns
        -------
        float
            In the cell's unit.
        """
        cs = self._streamed(name)
        if cs is not None:
            return cs.moments.sd
        return float(np.std(self._finite(name), ddof=1))

    def quantile(self, name: str, q: float) -> float:
        """The ``q`` quantile (numpy's linear interpolation).  For a cell
        whose samples were not kept, within 0.5% relative error of the
        ``method="lower"`` sample quantile (see :mod:`dealvalue.streaming`),
        or exact when the run asked for it (``simulate(exact=...)``)."""
        cs = self._streamed(name)
        if cs is not None:
            if not 0 <= q <= 1:
                raise ArgumentError("q", q, "a quantile level in [0, 1]")
            return cs.quantile(float(q))
        return float(np.quantile(self._finite(name), q))

    def quantiles(self, name: str, qs: Sequence[float] = (0.05, 0.5, 0.95)) -> "pd.Series":
        """Quantiles of the cell as a Series indexed by q."""
        import pandas as pd

        qs = [float(q) for q in qs]
        for q in qs:
            if not 0 <= q <= 1:
                raise ArgumentError("qs", q, "quantile levels in [0, 1]")
        cs = self._streamed(name)
        vals = [cs.quantile(q) for q in qs] if cs is not None else np.quantile(self._finite(name), qs)
        return pd.Series(vals, index=pd.Index(qs, name="q"), name=name)

    def quantile_stderr(self, name: str, q: float) -> float:
        """Standard error of the q-quantile, from the distribution-free
        order-statistic 95% interval (ranks ``n q +- Z_95 sqrt(n q (1 - q))``)
        divided by ``2 Z_95``."""
        if not 0 <= q <= 1:
            raise ArgumentError("q", q, "a quantile level in [0, 1]")
        cs = self._streamed(name)
        x = np.sort(self._finite(name)) if cs is None else np.array([])
        m = x.size if cs is None else cs.moments.count
        half = Z_95 * math.sqrt(m * q * (1 - q))
        lo = int(max(0, math.floor(m * q - half)))
        hi = int(min(m - 1, math.ceil(m * q + half)))
        if cs is not None:  # the ranks' values from the sketch
            return float((cs.rank_value(hi) - cs.rank_value(lo)) / (2 * Z_95))
        return float((x[hi] - x[lo]) / (2 * Z_95))

    def summary(self, names: Iterable[str] | None = None, units: Mapping[str, str] | None = None) -> "pd.DataFrame":
        """One row per cell: label, unit, mean, its standard error, sd,
        5th / 50th / 95th percentiles, and the count of non-finite samples.

        ``units`` shows chosen cells in other compatible units, e.g.
        ``{"ask": "kUSD"}``.
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
                p5, p50, p95 = np.quantile(x, [0.05, 0.5, 0.95])
            else:
                row["stderr"] = row["sd"] = p5 = p50 = p95 = math.nan
            row.update({"p5": float(p5), "p50": float(p50), "p95": float(p95), "nonfinite": bad})
            rows.append(row)
        return pd.DataFrame(rows).set_index("name")

    @property
    def names(self) -> tuple[str, ...]:
        """The cells these results describe (samples or statistics), in model order."""
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

    # ------------------------------------------------------------ sensitivity
    def uncertain_inputs(self) -> list[str]:
        """Inputs that vary across samples, then distribution literals inside formulas."""
        names = [n for n in self.model.inputs if np.ptp(self.values[n]) > 0]
        owner = self.model.compile().leaf_owner
        names += [leaf for leaf, cell in owner.items() if not self.model.is_input(cell)]
        return names

    def tornado(self, target: str, low: float = 0.05, high: float = 0.95) -> "pd.DataFrame":
        """One-at-a-time sensitivity of ``target``.

        Each uncertain input is set to its ``low`` and ``high`` quantiles (from
        the samples) while every other input stays at its point value (median);
        rows are sorted by the swing ``|at_high - at_low|``, largest first.
        """
        import pandas as pd

        self.get(target)
        base = self.model.evaluate(target)
        rows = []
        for name in self.uncertain_inputs():
            arr = self.get(name)
            x = arr[np.isfinite(arr)]
            lo_v, hi_v = (float(v) for v in np.quantile(x, [low, high]))
            at_lo = self.model.evaluate(target, **{name: lo_v})
            at_hi = self.model.evaluate(target, **{name: hi_v})
            rows.append({
                "input": name,
                "low": lo_v,
                "high": hi_v,
                "at_low": at_lo,
                "at_high": at_hi,
                "swing": abs(at_hi - at_lo),
                "base": base,
            })
        df = pd.DataFrame(rows, columns=["input", "low", "high", "at_low", "at_high", "swing", "base"])
        return df.sort_values("swing", ascending=False, kind="stable").set_index("input")

    def rank_correlations(self, target: str) -> "pd.Series":
        """Spearman rank correlation of each uncertain input with ``target``,
        largest magnitude first."""
        import pandas as pd

        y = self.get(target)
        ok = np.isfinite(y)
        ry = _ranks(y[ok])
        out = {}
        for name in self.uncertain_inputs():
            x = self.get(name)[ok]
            rx = _ranks(x)
            sx, sy = rx.std(), ry.std()
            out[name] = float(np.mean((rx - rx.mean()) * (ry - ry.mean())) / (sx * sy)) if sx > 0 and sy > 0 else math.nan
        s = pd.Series(out, name=f"rank correlation with {target}", dtype=float)
        return s.reindex(s.abs().sort_values(ascending=False).index)

    # ------------------------------------------------------------ decision analysis (dealvalue.analysis)
    def batch_stderr(self, name: str) -> float:
        """Standard error of :meth:`mean` from the spread of the means of
        equal independent batches (``sd(batch means) / sqrt(batches)``).

        The error estimate for ``"lhs"`` and ``"qmc"`` runs, whose samples are
        not independent so ``sd / sqrt(n)`` is not their error.  Needs a run
        with ``target_se`` and at least two equal batches.
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

    _MOVED = {"sobol": "sobol(results, target)", "evpi": "evpi(results, options)",
              "evpi_stderr": "evpi_stderr(results, options)", "evppi": "evppi(results, options)"}

    def __getattr__(self, name: str) -> Any:
        # Sobol and EVPI have one home, dealvalue.analysis (results never import it)
        if name in Results._MOVED:
            raise AttributeError(f"Results.{name} moved to dealvalue.analysis.{Results._MOVED[name]}")
        raise AttributeError(f"'Results' object has no attribute {name!r}")

    def _repr_html_(self) -> str:
        from .display import results_html

        return results_html(self)

    def plot(self, cells: "str | Sequence[str]", log: bool = False, where: str | None = None, bins: int = 60) -> Any:
        """An Altair histogram of one or several cells, overlaid, with units on
        the axis; see :func:`dealvalue.plots.histogram`."""
        from .plots import histogram

        return histogram(self, cells, log=log, where=where, bins=bins)


def _ranks(x: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return np.asarray(rankdata(x), dtype=float)


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
