"""``--dask local|ADDRESS``: a Dask client for ``dealvalue run`` and ``dealvalue sweep``."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

__all__ = ["client", "LOCAL_WORKERS"]

LOCAL_WORKERS = 2


@contextlib.contextmanager
def client(where: str | None) -> Iterator[Any]:
    """``None``: no client (local threads); ``"local"``: a LocalCluster of
    ``LOCAL_WORKERS`` processes for the command's life; else a scheduler's
    address such as ``tcp://host:8786``."""
    if where is None:
        yield None
        return
    import importlib.util

    if importlib.util.find_spec("distributed") is None:
        from ..errors import ArgumentError

        raise ArgumentError("--dask", where, "the Dask extra installed: pip install 'dealvalue[dask]'")
    from distributed import Client

    from ..scale import local_cluster

    if where == "local":
        with local_cluster(LOCAL_WORKERS) as cluster, Client(cluster) as c:  # type: ignore[no-untyped-call]
            yield c
    else:
        with Client(where) as c:  # type: ignore[no-untyped-call]
            yield c
