"""Running a simulation chunk by chunk: bounded memory, threads, workers.

A chunk is a run of whole blocks (:mod:`dealvalue.blocks`); its samples do
not depend on how the run is chunked.  :func:`run_chunk` draws one chunk's
leaves, computes every cell, and returns the kept cells' samples and the
statistics of the others (per-block :class:`~dealvalue.streaming.Moments`
and a merged :class:`~dealvalue.streaming.Sketch`).  :func:`run_chunks`
runs the chunks of a run on a thread pool (numpy releases the GIL) and folds
their statistics in block order, so one thread, many threads and Dask
workers give the same numbers, bit for bit.
"""

from __future__ import annotations

import math
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from .blocks import Draws, block_bounds, block_count, sample_blocks
from .streaming import ALPHA, TINY, CellStats, Moments, Sketch

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["CHUNK_BLOCKS", "MAX_THREADS", "default_threads", "ChunkOut", "run_chunk", "run_chunks", "chunk_ranges",
           "Folder", "exact_quantiles"]

CHUNK_BLOCKS = 2   # blocks per chunk: 131,072 samples, about 1 MB per cell
MAX_THREADS = 8


def default_threads() -> int:
    """``os.cpu_count()`` capped at ``MAX_THREADS`` = 8."""
    return max(1, min(os.cpu_count() or 1, MAX_THREADS))


def chunk_ranges(n: int, chunk_blocks: int = CHUNK_BLOCKS, first: int = 0, stop: int | None = None) -> list[tuple[int, int]]:
    """Block ranges ``(first, stop)`` of the chunks of an ``n``-sample run.

    >>> chunk_ranges(5 * 2**16, 2)
    [(0, 2), (2, 4), (4, 5)]
    """
    stop = block_count(n) if stop is None else stop
    return [(b, min(b + chunk_blocks, stop)) for b in range(first, stop, chunk_blocks)]


@dataclass
class ChunkOut:
    """One chunk's results: kept samples, per-block moments, merged sketches."""

    first: int
    stop: int
    values: dict[str, np.ndarray] = field(default_factory=dict)
    leaves: dict[str, np.ndarray] = field(default_factory=dict)
    moments: dict[str, list[Moments]] = field(default_factory=dict)
    sketches: dict[str, Sketch] = field(default_factory=dict)
    gathered: dict[str, tuple[int, np.ndarray]] = field(default_factory=dict)


def run_chunk(
    model: "Model",
    n: int,
    seed: int,
    method: str,
    first: int,
    stop: int,
    keep: Sequence[str] = (),
    stats: Sequence[str] = (),
    overrides: Mapping[str, float] | None = None,
    keep_leaves: bool = False,
    gather: Mapping[str, tuple[float, float]] | None = None,
    into: Mapping[str, np.ndarray] | None = None,
    leaves_into: Mapping[str, np.ndarray] | None = None,
    draws: "Draws | None" = None,
    reused: Mapping[str, np.ndarray] | None = None,
) -> ChunkOut:
    """Blocks ``first`` to ``stop - 1`` of an ``n``-sample run.

    ``keep`` cells' samples are returned; ``stats`` cells are summarised;
    ``overrides`` pins cells to numbers (in their units); ``gather`` maps a
    cell to a value interval ``[a, b]``: the chunk returns how many finite
    samples fall below ``a`` and the samples inside (for exact quantiles).
    ``into`` and ``leaves_into`` hold arrays of the chunk's length (slices
    of the whole run's arrays): the kept cells' and the leaves' samples are
    written there instead of being returned (the leaves are drawn in place).
    ``draws`` keeps and hands out the leaves' blocks (:class:`~dealvalue.blocks.Draws`).
    ``reused`` holds, for some cells, their samples in this chunk from an
    earlier run (:func:`~dealvalue.blocks.reusable_cells`): they are not
    computed again.
    """
    leaves = sample_blocks(model, n, seed, method, first, stop, dict(leaves_into) if leaves_into else None, draws)
    start, end = block_bounds(n, first)[0], block_bounds(n, stop - 1)[1]
    size = end - start
    fixed = {**(reused or {}), **{k: np.full(size, float(v)) for k, v in (overrides or {}).items()}}
    values = model.run_steps(leaves, size, fixed=fixed or None)
    out = ChunkOut(first, stop)
    if into is None:
        out.values = {k: values[k] for k in keep}
    else:
        for k in keep:
            into[k][:] = values[k]
    if keep_leaves and leaves_into is None:
        out.leaves = leaves
    for name in stats:
        x = values[name]
        out.moments[name] = [Moments.of(x[lo - start : hi - start]) for lo, hi in (block_bounds(n, b) for b in range(first, stop))]
        sk = Sketch()
        sk.add(x)
        out.sketches[name] = sk
    for name, (a, b) in (gather or {}).items():
        x = values[name]
        out.gathered[name] = (int(np.count_nonzero(x < a)), np.sort(x[(x >= a) & (x <= b)]))
    return out


class Folder:
    """Folds chunk statistics in block order into one :class:`CellStats` per cell."""

    def __init__(self, names: Iterable[str]) -> None:
        self.stats = {name: CellStats() for name in names}

    def add(self, out: ChunkOut) -> None:
        for name, blocks in out.moments.items():
            cs = self.stats[name]
            m = cs.moments
            for b in blocks:
                m = m.merge(b)
            cs.moments = m
            cs.sketch = cs.sketch.merge(out.sketches[name])


def run_chunks(
    task: Callable[[int, int], ChunkOut],
    ranges: Sequence[tuple[int, int]],
    threads: int = 1,
    on_done: Callable[[ChunkOut], None] | None = None,
) -> Iterator[ChunkOut]:
    """Run ``task(first, stop)`` for each range, on ``threads`` threads, and
    yield the results in range order (at most ``2 * threads`` chunks in flight)."""
    if threads <= 1 or len(ranges) <= 1:
        for first, stop in ranges:
            out = task(first, stop)
            if on_done is not None:
                on_done(out)
            yield out
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: deque[Future[ChunkOut]] = deque()
        todo = iter(ranges)
        for first, stop in todo:
            pending.append(pool.submit(task, first, stop))
            if len(pending) >= 2 * threads:
                break
        while pending:
            out = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(task, *nxt))
            if on_done is not None:
                on_done(out)
            yield out


def bucket_interval(stats: CellStats, k: int) -> tuple[float, float]:
    """A value interval, slightly widened, holding the sketch bucket of rank ``k``."""
    est = stats.sketch.rank_value(k)
    if est == 0.0:
        return -TINY, TINY
    # an estimate 2 g^j / (g + 1) stands for the bucket (g^(j-1), g^j] of |x|
    g = (1 + ALPHA) / (1 - ALPHA)
    top = abs(est) * (g + 1) / 2
    lo, hi = top / g * (1 - 1e-9), top * (1 + 1e-9)
    return (lo, hi) if est > 0 else (-hi, -lo)


def exact_quantiles(
    stats: dict[str, CellStats],
    qs: Mapping[str, Sequence[float]],
    second_pass: Callable[[Mapping[str, tuple[float, float]]], Iterable[ChunkOut]],
) -> None:
    """Replace sketch quantiles by exact ones (numpy's linear interpolation)
    with a second pass that gathers only the samples in the buckets holding
    the needed ranks."""
    want: dict[str, list[tuple[float, int, int]]] = {}
    gather: dict[str, tuple[float, float]] = {}
    for name, levels in qs.items():
        cs = stats[name]
        m = cs.moments.count
        if m == 0 or cs.moments.binary or cs.moments.lo == cs.moments.hi:
            continue  # exact already
        ranks = [(float(q), math.floor(q * (m - 1)), math.ceil(q * (m - 1))) for q in levels]
        bounds = [bucket_interval(cs, k) for _, kf, kc in ranks for k in (kf, kc)]
        gather[name] = (min(b[0] for b in bounds), max(b[1] for b in bounds))
        want[name] = ranks
    if not gather:
        return
    below = {name: 0 for name in gather}
    parts: dict[str, list[np.ndarray]] = {name: [] for name in gather}
    for out in second_pass(gather):
        for name, (count, inside) in out.gathered.items():
            below[name] += count
            parts[name].append(inside)
    for name, ranks in want.items():
        inside = np.sort(np.concatenate(parts[name]))
        for q, kf, kc in ranks:
            lo, hi = inside[kf - below[name]], inside[kc - below[name]]
            pos = q * (stats[name].moments.count - 1)
            stats[name].exact[q] = float(lo + (hi - lo) * (pos - kf))
