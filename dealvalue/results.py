"""Results of a simulation: joint samples and what can be said about them.

Every mean, probability and quantile comes with its Monte Carlo standard
error.  Non-finite samples (a division by a zero credibility, say) are counted
per cell, shown in the summary and left out of statistics with a warning,
never averaged in silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from .errors import ArgumentError
from .results_stats import NonFiniteWarning, ResultsStatistics
from .stats import bin_counts, pooled_quantiles, quantiles

if TYPE_CHECKING:  # pragma: no cover
    import os

    import pandas as pd

    from .model import Model
    from .streaming import CellStats

__all__ = ["Results", "NonFiniteWarning"]


@dataclass
class Results(ResultsStatistics):
    """Joint samples of every cell, from :meth:`Model.simulate`.

    Built by the simulators; the parameters are also its attributes.

    Parameters
    ----------
    model : Model
        A copy of the model as it was when simulated.
    values : dict of str to numpy.ndarray
        Cell name -> samples (read-only numpy arrays, in the cell's unit).
    leaves : dict of str to numpy.ndarray
        Samples of each distribution literal (``cell__k``).
    n, seed : int
        The number of samples and the seed.
    method : {"mc", "lhs", "qmc"}
        The sampling method.
    seconds : float, default 0.0
        How long the run took.
    batch_sizes, converged, stop_reason, se_reached
        For a run with ``target_se`` (:func:`dealvalue.simulate.simulate_until`):
        the sizes of its independent batches, whether every target standard
        error was met, why sampling stopped, and the error judged per cell.
        A plain run is one batch with ``converged`` None.
    stats : dict of str to CellStats
        For a run with ``keep="summary"`` or a list of cells: the statistics
        of each cell whose samples were not kept
        (:class:`dealvalue.streaming.CellStats`).  :meth:`mean`,
        :meth:`stderr`, :meth:`sd`, :meth:`quantile`, :meth:`quantiles`,
        :meth:`quantile_stderr`, :meth:`nonfinite` and :meth:`summary` answer
        from them; anything that needs samples raises an ArgumentError.
    overrides : dict of str to float
        Cells pinned to values for the run (``simulate(overrides=...)``).

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model("coin"); m.add("x", "bernoulli(0.5)", unit="USD")
    >>> r = m.simulate(n=10_000, seed=1)
    >>> r
    <Results of 'coin': 10,000 samples, seed 1, mc>
    >>> r.values["x"].shape, abs(r.mean("x") - 0.5) < 4 * r.stderr("x"), r.units()["x"]
    ((10000,), True, 'USD')
    """

    model: "Model"
    values: dict[str, np.ndarray]
    leaves: dict[str, np.ndarray]
    n: int
    seed: int
    method: str
    seconds: float = 0.0
    _frame: Any = field(default=None, repr=False, init=False, compare=False)  # the cached samples frame
    batch_sizes: tuple[int, ...] = ()
    converged: bool | None = None
    stop_reason: str = ""
    se_reached: dict[str, float] = field(default_factory=dict)
    stats: "dict[str, CellStats]" = field(default_factory=dict)
    overrides: dict[str, float] = field(default_factory=dict)
    _sorted: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: True for a run :func:`~dealvalue.simulate.simulate` made in one pass from its seed; False for a subset, an
    #: adaptive run (later batches have seeds of their own) or results built otherwise: ``simulate(reuse=)`` takes
    #: samples only from a run for which it is True.
    plain_run: bool = field(default=False, init=False, repr=False, compare=False)

    def __repr__(self) -> str:
        return f"<Results of {self.model.name!r}: {self.n:,} samples, seed {self.seed}, {self.method}>"

    @property
    def samples(self) -> "pd.DataFrame":
        """All cells' joint samples, one column per cell.

        ``attrs["units"]`` maps each column to its unit text (``""`` for a pure
        number), kept by :meth:`save` and :meth:`to_csv`.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "10 to 100", unit="USD"); m.add("c", "beta(8, 2)")
        >>> df = m.simulate(n=100, seed=1).samples
        >>> df.shape, df.attrs["units"]
        ((100, 2), {'R': 'USD', 'c': ''})
        """
        if self._frame is None:
            import pandas as pd

            self._frame = pd.DataFrame(self.values, copy=False)
            self._frame.attrs["units"] = self.units()
        frame: pd.DataFrame = self._frame
        return frame

    def units(self) -> dict[str, str]:
        """Each kept cell's unit text (``""`` for a pure number).

        Returns
        -------
        dict of str to str

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "10 to 100", unit="USD"); m.add("ask", "R / beta(8, 2)")
        >>> m.simulate(n=10, seed=1).units()
        {'R': 'USD', 'ask': 'USD'}
        """
        from .units import unit_text

        return {name: unit_text(self.model.unit(name)) for name in self.values}

    def save(self, path: "str | os.PathLike[str]") -> None:
        """Write the samples, the units and the model file's text to Parquet.

        Atomically; see :func:`dealvalue.saved.save`.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write (its folder must exist).

        Examples
        --------
        >>> import dealvalue as dv, os, tempfile
        >>> m = dv.Model(); m.add("R", "10 to 100", unit="USD")
        >>> r = m.simulate(n=100, seed=1)
        >>> path = os.path.join(tempfile.mkdtemp(), "run.parquet")
        >>> r.save(path); back = dv.Results.load(path)
        >>> bool((back.get("R") == r.get("R")).all()), back.units()
        (True, {'R': 'USD'})
        """
        from .saved import save

        save(self, path)

    @classmethod
    def load(cls, path: "str | os.PathLike[str]", new_model: Any = None) -> "Results":
        """Read a file written by :meth:`save`: the same samples, model and units.

        Parameters
        ----------
        path : str or os.PathLike
            The Parquet file.
        new_model : type, optional
            The model class (its ``loads`` reads the embedded model file);
            None is :class:`dealvalue.Model`.

        Returns
        -------
        Results

        Examples
        --------
        >>> import dealvalue as dv, os, tempfile
        >>> m = dv.Model("demo"); m.add("R", "10 to 100", unit="USD")
        >>> path = os.path.join(tempfile.mkdtemp(), "run.parquet")
        >>> m.simulate(n=100, seed=1).save(path)
        >>> back = dv.Results.load(path); back.n, back.model == m
        (100, True)
        """
        from .saved import load

        return load(cls, path, new_model)

    def to_csv(self, path: "str | os.PathLike[str]") -> None:
        """Write the samples as CSV, with the units in a first comment line.

        The line reads ``# units: {"ask": "USD"}``; read the file back with
        :func:`dealvalue.saved.read_csv`.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write (its folder must exist).

        Examples
        --------
        >>> import dealvalue as dv, os, tempfile
        >>> m = dv.Model(); m.add("R", "10 to 100", unit="USD")
        >>> path = os.path.join(tempfile.mkdtemp(), "run.csv")
        >>> m.simulate(n=10, seed=1).to_csv(path)
        >>> open(path).readline().strip()
        '# units: {"R": "USD"}'
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
        return replace(self, values=out, leaves={}, n=int(mask.sum()))  # a fresh samples frame

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
        runs = {}  # each cell's samples in the chart, sorted: the shared bins' ends and the counts come from them
        for name in cells:
            s = r._sorted_finite(name)  # non-finite samples are left out, as the docstring says
            runs[name] = s[np.searchsorted(s, 0.0, side="right"):] if log else s
        if sum(s.size for s in runs.values()) == 0:
            return pd.DataFrame(columns=["cell", "start", "end", "share"])
        lo, hi = (float(v) for v in pooled_quantiles(list(runs.values()), [0.001, 0.999]))
        if log:
            edges = np.logspace(math.log10(lo), math.log10(hi), bins + 1) if hi > lo else np.array([lo, lo * 1.01])
        else:
            edges = np.linspace(lo, hi, bins + 1) if hi > lo else np.array([lo - 0.5, lo + 0.5])
        shares, outside = [], {}
        for name, s in runs.items():
            counts = bin_counts(s, edges, clip)
            outside[name] = float(s.size - counts.sum()) / max(r.n, 1)
            shares.append(counts / max(r.n, 1))
        k = len(edges) - 1
        frame = pd.DataFrame({"cell": np.repeat(np.array(list(runs), dtype=object), k), "start": np.tile(edges[:-1], len(runs)),
                              "end": np.tile(edges[1:], len(runs)), "share": np.concatenate(shares)})
        if not clip:
            frame.attrs["outside"] = outside
        return frame

    # ------------------------------------------------------------ sensitivity
    def uncertain_inputs(self) -> list[str]:
        """Inputs that vary across samples, then distribution literals inside formulas.

        Returns
        -------
        list of str

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "10 to 100"); m.add("k", "2"); m.add("ask", "k * R / beta(8, 2)")
        >>> m.simulate(n=100, seed=1).uncertain_inputs()
        ['R', 'ask__1']
        """
        names = [n for n in self.model.inputs if np.ptp(self.values[n]) > 0]
        owner = self.model.compile().leaf_owner
        names += [leaf for leaf, cell in owner.items() if not self.model.is_input(cell)]
        return names

    def tornado(self, target: str, low: float = 0.05, high: float = 0.95) -> "pd.DataFrame":
        """One-at-a-time sensitivity of ``target``.

        Each uncertain input is set to its ``low`` and ``high`` quantiles (from
        the samples) while every other input stays at its point value (median);
        rows are sorted by the swing ``|at_high - at_low|``, largest first.

        Parameters
        ----------
        target : str
            The cell whose swing is measured.
        low, high : float
            The quantile levels each input is set to.

        Returns
        -------
        pandas.DataFrame
            Indexed by input: ``low, high, at_low, at_high, swing, base``.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("a", "uniform(0, 1)"); m.add("b", "uniform(0, 10)"); m.add("y", "a + b")
        >>> t = m.simulate(n=10_000, seed=1).tornado("y")
        >>> list(t.index), round(float(t.loc["b", "swing"]), 0)
        (['b', 'a'], 9.0)
        """
        import pandas as pd

        self.get(target)
        base = self.model.evaluate(target)
        rows = []
        for name in self.uncertain_inputs():
            arr = self.get(name)
            x = arr[np.isfinite(arr)]
            lo_v, hi_v = (float(v) for v in quantiles(x, [low, high]))
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
        """Spearman rank correlation of each uncertain input with ``target``.

        Parameters
        ----------
        target : str
            The cell.

        Returns
        -------
        pandas.Series
            Largest magnitude first.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("a", "uniform(0, 1)"); m.add("b", "uniform(0, 10)"); m.add("y", "b - a")
        >>> rc = m.simulate(n=10_000, seed=1).rank_correlations("y")
        >>> list(rc.index), bool(rc["b"] > 0.9), bool(rc["a"] < 0)
        (['b', 'a'], True, True)
        """
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
        """An Altair histogram of one or several cells, overlaid, with units on the axis.

        See :func:`dealvalue.plots.histogram`.

        Parameters
        ----------
        cells : str or sequence of str
            The cells (one unit, or all dimensionless).
        log : bool, default False
            Log-spaced bins and a log axis (positive samples only).
        where : str, optional
            A 0/1 cell: only the samples where it is 1.
        bins : int
            Number of bins.

        Returns
        -------
        altair.Chart
            A chart the caller may change further.

        Examples
        --------
        >>> import dealvalue as dv
        >>> m = dv.Model(); m.add("R", "10 to 100", unit="USD"); m.add("W", "50 to 500", unit="USD")
        >>> chart = m.simulate(n=1_000, seed=1).plot(["R", "W"], log=True)
        >>> type(chart).__name__
        'Chart'
        """
        from .plots import histogram

        return histogram(self, cells, log=log, where=where, bins=bins)


def _ranks(x: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return np.asarray(rankdata(x), dtype=float)
