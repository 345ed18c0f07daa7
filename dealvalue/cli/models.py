"""``dealvalue models``: list the shipped models and scenarios."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    """Add the ``models`` subcommand to ``sub``."""
    sub.add_parser("models", help="list the shipped models and scenarios",
                   description="List the models that ship with dealvalue; use a name wherever a model file is asked for.")


def run(args: argparse.Namespace) -> int:
    """Print one line per shipped model and scenario: its name and title."""
    from .. import models
    from ..model import Model

    print("shipped models (dealvalue run NAME, dealvalue app NAME, Model.load(NAME)):")
    for name in models.names():
        print(f"  {name:<30} {Model.load(models.path(name)).name}")
    print("scenarios (dealvalue.deals.scenario(NAME); files under the models folder's scenarios/):")
    for name in models.scenario_names():
        print(f"  {name:<30} {Model.load(models.scenario_path(name)).name}")
    return 0
