"""The script Streamlit runs: ``streamlit run launcher.py -- [--model NAME_OR_PATH]``.

``dealvalue app [MODEL]`` starts it (see :mod:`dealvalue.cli.app`).  Without
``--model`` the app opens on the deal model.  Importing this module runs
nothing (the CLI imports it only to find its file).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def model_arg(argv: Sequence[str]) -> str | None:
    """The ``--model`` value in the script's arguments (None without one);
    other arguments are ignored."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--model", default=None)
    known, _ = parser.parse_known_args(list(argv))
    model: str | None = known.model
    return model


if __name__ == "__main__":
    from dealvalue.webapp.main import main

    main(model=model_arg(sys.argv[1:]))
