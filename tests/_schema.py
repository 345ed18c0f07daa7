"""A small checker of the JSON Schema subset that ``dealvalue schema`` writes
(type, const, pattern, minimum, maximum, items, minItems, maxItems,
properties, required, additionalProperties), so the tests need no dependency.
``problems(schema, data)`` lists where data does not conform ([] when it does)."""

from __future__ import annotations

import re
from typing import Any

TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "boolean": lambda v: isinstance(v, bool),
}
KNOWN = {"$schema", "title", "description", "type", "const", "pattern", "minimum", "maximum", "items", "minItems",
         "maxItems", "properties", "required", "additionalProperties"}


def problems(schema: dict[str, Any], data: Any, where: str = "$") -> list[str]:
    unknown = set(schema) - KNOWN
    assert not unknown, f"the checker does not know {unknown}"
    out: list[str] = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](data) for t in types):
            return [f"{where}: not {' or '.join(types)}: {data!r}"]
    if "const" in schema and not (type(data) is type(schema["const"]) and data == schema["const"]):
        out.append(f"{where}: not {schema['const']!r}")
    if isinstance(data, str) and "pattern" in schema and not re.search(schema["pattern"], data):
        out.append(f"{where}: does not match {schema['pattern']}")
    if TYPES["number"](data):
        if "minimum" in schema and not data >= schema["minimum"]:
            out.append(f"{where}: below {schema['minimum']}")
        if "maximum" in schema and not data <= schema["maximum"]:
            out.append(f"{where}: above {schema['maximum']}")
    if isinstance(data, list):
        if len(data) < schema.get("minItems", 0) or len(data) > schema.get("maxItems", len(data)):
            out.append(f"{where}: {len(data)} items")
        for i, item in enumerate(data):
            out += problems(schema.get("items", {}), item, f"{where}[{i}]")
    if isinstance(data, dict):
        props = schema.get("properties", {})
        out += [f"{where}: missing {k}" for k in schema.get("required", []) if k not in data]
        for k, v in data.items():
            if k in props:
                out += problems(props[k], v, f"{where}.{k}")
            elif schema.get("additionalProperties", True) is False:
                out.append(f"{where}: unknown {k!r}")
    return out
