"""``dealvalue schema``: the JSON Schema of the model file format.

Generated from :data:`dealvalue.io.toml.FIELDS`, the table the loader checks;
``dealvalue schema -o docs/model-file.schema.json`` refreshes the committed copy.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["add_parser", "run", "text"]


def add_parser(sub: Any) -> None:
    """Add the ``schema`` subcommand to ``sub``."""
    p = sub.add_parser("schema", help="print the JSON Schema of model files",
                       description="Print (or write) the JSON Schema of the model file format, generated from the "
                                   "field table the loader checks.")
    p.add_argument("--output", "-o", metavar="PATH.json", default=None, help="write it to this file instead")


def text() -> str:
    """The schema as the committed file holds it: the table's order, 2-space indent, ASCII."""
    from ..io.toml import schema

    return json.dumps(schema(), indent=2, ensure_ascii=True) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print the schema, or write it atomically to ``--output``."""
    out = text()
    if args.output is None:
        print(out, end="")
        return 0
    from ..io.atomic import atomic_path

    with atomic_path(args.output) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(out)
    print(f"wrote {args.output}")
    return 0
