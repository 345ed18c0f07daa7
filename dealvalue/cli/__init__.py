"""The command line: ``dealvalue run``, ``dealvalue models``, ``dealvalue app``, ``dealvalue assess``, ``dealvalue schema``.

One module per subcommand; each adds its parser (``add_parser``) and runs
(``run``).  Errors print as one line without a traceback (exit status 2).

>>> sorted(SUBCOMMANDS) == sorted(parser()._subparsers._group_actions[0].choices)  # every subcommand is wired
True
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .. import __version__
from ..errors import DealValueError
from . import app, assess, models, run, schema, sweep

__all__ = ["main", "parser"]

SUBCOMMANDS = {"run": run, "sweep": sweep, "models": models, "app": app, "assess": assess, "schema": schema}


def parser() -> argparse.ArgumentParser:
    """The ``dealvalue`` argument parser with every subcommand."""
    p = argparse.ArgumentParser(prog="dealvalue", description="Spreadsheet-style uncertain models, and deals with early misaligned AIs.")
    p.add_argument("--version", action="version", version=f"dealvalue {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="{" + ",".join(SUBCOMMANDS) + "}")
    for name, module in SUBCOMMANDS.items():
        module.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    args = parser().parse_args(argv)
    try:
        status: int = SUBCOMMANDS[args.command].run(args)
        return status
    except BrokenPipeError:  # e.g. piped into head
        return 0
    except (DealValueError, OSError) as exc:
        print(f"dealvalue: error: {exc}", file=sys.stderr)
        return 2
