"""``dealvalue app [MODEL]``: start the browser app (needs ``dealvalue[app]``)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import ArgumentError
from ..webapp import launcher  # only to find its file: importing it runs nothing

__all__ = ["add_parser", "run", "command"]


def add_parser(sub: Any) -> None:
    """Add the ``app`` subcommand to ``sub``."""
    p = sub.add_parser("app", help="start the browser app (pip install 'dealvalue[app]')",
                       description="Start the Streamlit app, opening on MODEL (default: the deal model).")
    p.add_argument("model", nargs="?", default="deal", help="a shipped model's name or a model file (default: deal)")
    p.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    p.add_argument("--headless", action="store_true", help="do not open a browser window")


def command(model: str, port: int = 8501, headless: bool = False) -> list[str]:
    """The command line that starts the app on ``model``."""
    from .. import models

    if not models.looks_like_name(model):
        path = Path(model)
        if not path.is_file():
            raise ArgumentError("model", model, "a shipped model's name or an existing model file")
        model = str(path.resolve())
    else:
        models.path(model)  # an unknown name is refused here, with the known names
    cmd = [sys.executable, "-m", "streamlit", "run", str(Path(launcher.__file__)), *settings_flags()]
    cmd += ["--server.port", str(port), "--server.headless", "true" if headless else "false"]
    return cmd + ["--", "--model", model]


def settings_flags() -> list[str]:
    """The app's Streamlit settings (``dealvalue/webapp/streamlit.toml``) as
    command-line flags, so an installed app runs with them from any folder.

    >>> flags = settings_flags()
    >>> flags[flags.index("--server.maxUploadSize") + 1]
    '1'
    """
    import tomllib

    data = tomllib.loads((Path(launcher.__file__).parent / "streamlit.toml").read_text(encoding="utf-8"))
    flags: list[str] = []
    for section, values in data.items():
        for key, value in values.items():
            if (section, key) == ("server", "headless"):
                continue  # set by --headless
            flags += [f"--{section}.{key}", str(value).lower() if isinstance(value, bool) else str(value)]
    return flags


def run(args: argparse.Namespace) -> int:
    """Become the Streamlit server (``exec``), so signals sent to
    ``dealvalue app`` reach the server itself and nothing is left running."""
    if importlib.util.find_spec("streamlit") is None:
        raise ArgumentError("app", "streamlit", "the app's extra installed: pip install 'dealvalue[app]'")
    cmd = command(args.model, args.port, args.headless)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(cmd[0], cmd)
    return 0  # pragma: no cover - execv does not return
