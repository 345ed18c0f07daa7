"""The regression corpus of model files (issue 11): each crashed or hung the loader once;
each must now end in the outcome given ('refused': a ModelFileError or another
DealValueError; 'ok': a valid model).  Python, not JSON: some hold values JSON cannot
(10**5000, lone surrogates, nesting thousands deep).  One entry per crash, with why."""

from __future__ import annotations

from typing import Any

HEAD: dict[str, Any] = {"format": "dealvalue-model", "version": 1}


def nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


CORPUS: list[tuple[str, Any, str]] = [
    ("a lone surrogate in a cell name: loads encoded the text before checking it (UnicodeEncodeError)",
     HEAD | {"cells": [{"name": "a\ud800", "formula": "1 to 10"}]}, "refused"),
    ("a seed of 10**5000: the refusal's repr of the value raised ValueError (int digits limit)",
     HEAD | {"seed": 10**5000}, "refused"),
    ("a name nested 3,000 deep: the refusal's repr raised RecursionError",
     HEAD | {"name": nested(3000)}, "refused"),
]
