"""Randomness in fixed blocks: the same numbers however a run is chunked.

A run of ``n`` samples is cut into blocks of ``BLOCK`` = 2**16 = 65,536
samples (the last block holds the rest).  Each distribution literal (a
*leaf*, ``cell__k``) draws each block from its own stream, a function of the
seed, the leaf's name and the block's index only
(:func:`block_rng`, through :class:`numpy.random.SeedSequence`).  So

* any chunking of a run into whole blocks -- one chunk, many chunks, on
  threads or on Dask workers -- gives the same samples, bit for bit;
* adding a cell leaves every other leaf's draws unchanged, and two models run
  with the same seed share common random numbers;
* no sampler ever has to jump ahead in a stream (numpy's rejection samplers,
  e.g. beta, cannot): a block starts a fresh stream.

Methods, per block or per run:

``"mc"``
    numpy's native samplers, block by block.
``"lhs"``
    a Latin hypercube *per block*: each leaf's uniforms in a block are
    stratified into as many equal bins as the block has samples (one draw per
    bin, in a random order from the leaf's block stream), then sent through
    the inverse CDF.  A run of ``n <= BLOCK`` samples is one Latin hypercube
    of size ``n``; a longer run is independent Latin hypercubes of 65,536.
``"qmc"``
    one scrambled Sobol' sequence for the whole run (dimensions: the leaves
    in name order, scramble drawn from the seed); a chunk starting at block
    ``b`` fast-forwards the sequence to sample ``b * BLOCK``, so chunks are
    exact slices of the whole-run design.  Draws depend on the *set* of
    leaves, as before.

Correlations (Iman-Conover) are applied per block, with a block stream of
their own: every block has the target rank correlations.

Since a leaf's block is a function of the seed, the leaf's name, the block's
index and size and its distribution only, a :class:`Draws` store can keep
blocks between runs and hand them out again, bit for bit: a model changed in
one input draws one leaf, not all of them (the app after an input change).
"""

from __future__ import annotations

import hashlib
import math
import threading
import warnings
from collections import OrderedDict
from collections.abc import Hashable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model
    from .results import Results

__all__ = ["BLOCK", "block_rng", "stream_key", "block_count", "block_bounds", "sample_blocks", "METHODS", "Draws",
           "reusable_cells"]

BLOCK = 2**16
METHODS = ("mc", "lhs", "qmc")


def stream_key(name: str) -> tuple[int, ...]:
    """Four 32-bit words from the name's hash: the stream's spawn key."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


def block_rng(seed: int, name: str, block: int) -> np.random.Generator:
    """The random stream of one leaf in one block: a function of the seed,
    the name and the block index only.

    >>> a = block_rng(1, "x__1", 3).random(2); b = block_rng(1, "x__1", 3).random(2)
    >>> bool((a == b).all()), bool((a != block_rng(1, "x__1", 4).random(2)).all())
    (True, True)
    """
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=stream_key(name) + (block,)))


def block_count(n: int) -> int:
    """How many blocks a run of ``n`` samples has."""
    return max(1, math.ceil(n / BLOCK))


def block_bounds(n: int, block: int) -> tuple[int, int]:
    """The sample range ``[start, stop)`` of block ``block`` of an ``n``-sample run."""
    return block * BLOCK, min(n, (block + 1) * BLOCK)


class Draws:
    """Leaves' blocks of draws kept between runs, at most ``max_mb`` megabytes
    (the least recently used go first); safe to share between threads.

    A block is keyed by everything it is a function of: the seed, the method
    (``"mc"`` or ``"lhs"``; ``"qmc"`` draws depend on the set of leaves and
    are never kept), the leaf's name, the block's index and size, and its
    distribution (a frozen dataclass: equal exactly when its kind and
    parameters are).  So a run given a ``Draws`` has the same numbers as one
    without, bit for bit; it only skips drawing what it drew before.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("x", "beta(8, 2)"); m.add("y", "norm(0, 1)"); m.add("z", "x + y")
    >>> store = Draws(max_mb=16)
    >>> a = m.simulate(n=1_000, seed=1, draws=store)
    >>> m.replace("y", "norm(0, 2)")
    >>> b = m.simulate(n=1_000, seed=1, draws=store)
    >>> store.hits, store.misses   # the second run drew only the changed leaf
    (1, 3)
    >>> bool((b["x"] == a["x"]).all()), bool((b["z"] == m.simulate(n=1_000, seed=1)["z"]).all())
    (True, True)
    """

    def __init__(self, max_mb: float = 128.0) -> None:
        self.max_bytes = int(max_mb * 1e6)
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._blocks: OrderedDict[Hashable, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> "np.ndarray | None":
        with self._lock:
            arr = self._blocks.get(key)
            if arr is None:
                self.misses += 1
                return None
            self._blocks.move_to_end(key)
            self.hits += 1
            return arr

    def put(self, key: Hashable, arr: np.ndarray) -> None:
        if arr.nbytes > self.max_bytes:
            return
        kept = np.array(arr, dtype=float)  # a copy: the run correlates its arrays in place afterwards
        kept.flags.writeable = False
        with self._lock:
            if key in self._blocks:
                return
            self._blocks[key] = kept
            self.bytes += kept.nbytes
            while self.bytes > self.max_bytes:
                _, old = self._blocks.popitem(last=False)
                self.bytes -= old.nbytes


def reusable_cells(model: "Model", previous: "Results", n: int, seed: int, method: str) -> tuple[str, ...]:
    """The cells of ``model`` whose samples in an ``n``-sample run with
    ``seed`` and ``method`` are those ``previous`` kept, bit for bit.

    A cell's samples are a function of the run (``n``, the seed, the method)
    and of its formula and unit and those of every cell it depends on (its
    literals draw from streams named by the cell).  So after one input
    changes, every cell that does not depend on it is the same as before,
    and a spreadsheet recalculates only the others.  Nothing is reused from
    results ``simulate`` did not make in one pass (``Results.plain_run``: a
    subset, an adaptive run), from a run of other ``n``, seed or method, from a ``"qmc"`` run (its draws
    depend on the set of literals), when either model has correlations or
    overrides, or when the two models define their own units differently.

    Parameters
    ----------
    model : Model
        The model about to run.
    previous : Results
        A run of this model, or of an edited copy of it.
    n, seed : int
        The run's sample count and seed.
    method : str
        The run's sampling method.

    Returns
    -------
    tuple of str
        The reusable cells, in the model's order.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("a", "norm(0, 1)"); m.add("b", "uniform(1, 2)"); m.add("y", "a + 1"); m.add("z", "y * b")
    >>> before = m.simulate(n=1_000, seed=3)
    >>> m.replace("b", "uniform(1, 3)")
    >>> reusable_cells(m, before, 1_000, 3, "mc")
    ('a', 'y')
    """
    old = previous.model
    if (not previous.plain_run or previous.n != n or previous.seed != seed or previous.method != method or method == "qmc"
            or previous.overrides or model.correlations or old.correlations
            or model.unit_definitions != old.unit_definitions):
        return ()
    compiled = model.compile()
    same: dict[str, bool] = {}
    for name in compiled.order:
        cell = model.cell(name)
        refs = model.dependencies(name)
        same[name] = (name in previous.values and name in old and old.cell(name).formula == cell.formula
                      and old.cell(name).unit == cell.unit and all(same.get(r, False) for r in refs))
    return tuple(name for name in compiled.order if same[name])


def _hashable(key: Hashable) -> bool:
    try:
        hash(key)
    except TypeError:  # a distribution that is not a frozen dataclass: drawn every time
        return False
    return True


def sample_blocks(model: "Model", n: int, seed: int, method: str, first: int, stop: int,
                  out: "dict[str, np.ndarray] | None" = None, draws: Draws | None = None) -> dict[str, np.ndarray]:
    """Every leaf's samples in blocks ``first`` to ``stop - 1`` of an
    ``n``-sample run (concatenated, correlations applied).

    ``out`` may hold, for some leaves, arrays of the chunk's length (e.g.
    slices of a whole run's arrays): those leaves are drawn into them, with
    no copy; the others get new arrays.  Either way the numbers are the same.
    ``draws`` keeps the leaves' blocks for later runs and hands out those it
    has (:class:`Draws`); the numbers are the same with or without it.
    """
    compiled = model.compile()
    leaves = compiled.leaves
    start, end = block_bounds(n, first)[0], block_bounds(n, stop - 1)[1]
    size = end - start
    out = dict(out) if out else {}
    if method == "qmc":
        from scipy.stats import qmc

        names = sorted(leaves)
        if names:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # n not a power of 2: still valid, less balanced
                engine = qmc.Sobol(d=len(names), scramble=True, seed=np.random.default_rng(seed))
                if start:
                    engine.fast_forward(start)
                u = engine.random(size)
            u = np.clip(u, 1e-15, 1 - 1e-15)
            for j, name in enumerate(names):
                if name in out:
                    out[name][:] = leaves[name].ppf(u[:, j])
                else:
                    out[name] = np.ascontiguousarray(leaves[name].ppf(u[:, j]), dtype=float)
    else:
        for name, dist in leaves.items():
            arr = out[name] if name in out else np.empty(size)
            for b in range(first, stop):
                lo, hi = block_bounds(n, b)
                key = (seed, method, name, b, hi - lo, dist)
                kept = draws.get(key) if draws is not None and _hashable(key) else None
                if kept is not None:
                    arr[lo - start : hi - start] = kept
                    continue
                rng = block_rng(seed, name, b)
                if method == "mc":
                    arr[lo - start : hi - start] = dist.sample(rng, hi - lo)
                else:
                    k = hi - lo
                    arr[lo - start : hi - start] = dist.ppf((rng.permutation(k) + rng.random(k)) / k)
                if draws is not None and _hashable(key):
                    draws.put(key, arr[lo - start : hi - start])
            out[name] = arr
    for b in range(first, stop):
        lo, hi = block_bounds(n, b)
        correlate_block(model, out, slice(lo - start, hi - start), seed, b)
    return out


def correlation_groups(model: "Model") -> list[tuple[list[str], np.ndarray]]:
    """Connected groups of correlated inputs, each with the Cholesky factor of
    its normal-score correlation matrix.

    A Spearman correlation ``rho`` between two inputs is a Pearson correlation
    ``2 sin(pi rho / 6)`` between their normal scores (a Gaussian copula).
    Raises DistributionError when a group's matrix is not positive definite.
    """
    from .errors import DistributionError

    corr = model.correlations
    groups: list[set[str]] = []
    for a, b in corr:
        hit = [g for g in groups if a in g or b in g]
        merged = {a, b}.union(*hit) if hit else {a, b}
        groups = [g for g in groups if g not in hit] + [merged]
    out = []
    for group in groups:
        names = sorted(group)
        target = np.eye(len(names))
        for (a, b), rho in corr.items():
            if a in group:
                i, j = names.index(a), names.index(b)
                target[i, j] = target[j, i] = 2 * math.sin(math.pi * rho / 6)
        try:
            out.append((names, np.linalg.cholesky(target)))
        except np.linalg.LinAlgError:
            pairs = ", ".join(f"{a}~{b}: {r:g}" for (a, b), r in corr.items() if a in group)
            raise DistributionError(
                "correlations", f"the rank correlations {pairs} are not consistent (their matrix is not positive definite)"
            ) from None
    return out


def correlate_block(model: "Model", leaf_values: dict[str, np.ndarray], where: slice, seed: int, block: int) -> None:
    """Reorder correlated inputs' samples within one block to the target rank
    correlations (Iman-Conover), in place."""
    corr = model.correlations
    if not corr:
        return
    k = where.stop - where.start
    if k < 3:
        return
    from scipy.special import ndtri

    leaf_of = {}
    for key in corr:
        for x in key:
            (leaf,) = model.parsed(x).dists  # one distribution, checked by correlate()
            leaf_of[x] = leaf
    base = ndtri(np.arange(1, k + 1) / (k + 1))
    for names, chol_target in correlation_groups(model):
        rng = block_rng(seed, "correlation:" + ",".join(names), block)
        scores = np.column_stack([rng.permutation(base) for _ in names])
        actual = np.corrcoef(scores, rowvar=False)
        try:
            chol_actual = np.linalg.cholesky(actual)
        except np.linalg.LinAlgError:  # pragma: no cover - needs k < group size
            continue
        adjusted = scores @ np.linalg.inv(chol_actual).T @ chol_target.T
        for j, name in enumerate(names):
            leaf = leaf_of[name]
            ranks = np.argsort(np.argsort(adjusted[:, j]))
            leaf_values[leaf][where] = np.sort(leaf_values[leaf][where])[ranks]
