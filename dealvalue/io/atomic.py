"""Writing a file atomically, leaving nothing behind.

A write goes to a temporary file next to the target, named recognisably
``.NAME.dealvalue-tmp-XXXX``, then replaces the target with one rename, so a
target is never truncated.  On failure the temporary file is removed; a
process killed mid-write leaves at most that one file, and the next write of
the same target removes it (stale files of *that* target only).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from ..errors import ArgumentError

__all__ = ["TMP_MARK", "temporary_for", "stale_temporaries", "atomic_path", "check_folder"]

TMP_MARK = ".dealvalue-tmp-"


def stale_temporaries(target: Path) -> list[Path]:
    """Temporary files left by earlier, interrupted writes of ``target``."""
    prefix = f".{target.name}{TMP_MARK}"
    try:
        return sorted(p for p in target.parent.iterdir() if p.name.startswith(prefix))
    except OSError:
        return []


def temporary_for(target: Path) -> Path:
    """A new, empty temporary file next to ``target`` (stale ones removed first)."""
    for old in stale_temporaries(target):
        with contextlib.suppress(OSError):
            old.unlink()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}{TMP_MARK}", dir=target.parent)
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``,
    on any failure (also KeyboardInterrupt) it is removed.

    The folder must exist: a mistyped folder is refused, not created.

    >>> with atomic_path("/no/such/folder/x.toml") as tmp:  # doctest: +ELLIPSIS
    ...     pass
    Traceback (most recent call last):
    ...
    dealvalue.errors.ArgumentError: argument 'path': expected a file in an existing folder ('/no/such/folder' does not exist), got '/no/such/folder/x.toml'
    """
    target = Path(path)
    check_folder(target)
    try:
        tmp = temporary_for(target)
    except OSError as exc:
        raise ArgumentError("path", str(path), f"a file in a folder this process can write to ({exc.strerror})") from None
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check_folder(target: Path) -> None:
    """Refuse a target whose folder does not exist (or is not a folder)."""
    folder = target.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise ArgumentError("path", str(target), f"a file in an existing folder ({str(folder)!r} {what})")
    if target.is_dir():
        raise ArgumentError("path", str(target), "a file's name (this is a folder)")
