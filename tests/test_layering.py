"""The package's shape: every import points down, files stay small.

The import graph is read from the source with ``ast``: every ``import`` and
``from ... import`` of a dealvalue module, at module level or inside a
function, except those under ``if TYPE_CHECKING:`` (types only, never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "dealvalue"
MAX_LINES = 620  # "about 600"


def module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in PKG.rglob("*.py")}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skip.update(id(n) for n in ast.walk(child))
    return skip


def imports(name: str) -> set[str]:
    """The dealvalue modules that module ``name`` imports at run time."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "dealvalue")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "dealvalue":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in MODULES else target)
    out.discard(name)
    return {m for m in out if m in MODULES}


GRAPH = {name: imports(name) for name in MODULES}


def test_the_import_graph_has_no_cycle() -> None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])


def _reaches(start: str, prefix: str) -> list[str]:
    return sorted(m for m in GRAPH[start] if m == prefix or m.startswith(prefix + "."))


@pytest.mark.parametrize("low, high", [
    ("dealvalue.io", "dealvalue.deals"),
    ("dealvalue.io", "dealvalue.model"),
    ("dealvalue.results", "dealvalue.analysis"),
    ("dealvalue.simulate", "dealvalue.model"),
    ("dealvalue.deals", "dealvalue.webapp"),
    ("dealvalue.deals", "dealvalue.cli"),
])
def test_lower_layers_never_import_higher_ones(low: str, high: str) -> None:
    bad = {m: _reaches(m, high) for m in GRAPH if m == low or m.startswith(low + ".")}
    assert {m: v for m, v in bad.items() if v} == {}


def test_no_private_name_crosses_modules() -> None:
    found = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("dealvalue")):
                found += [f"{name}: {a.name}" for a in node.names if a.name.startswith("_") and a.name != "__version__"]
    assert found == []


def test_no_file_is_over_about_600_lines() -> None:
    files = list(PKG.rglob("*.py")) + [PKG.parent / "app.py"]
    long = {str(p.relative_to(PKG.parent)): n for p in files if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_graph_reader_sees_function_level_imports() -> None:
    # model imports simulate inside Model.simulate; storage imports io.toml only inside methods
    assert "dealvalue.simulate" in GRAPH["dealvalue.model"]
    assert "dealvalue.io.toml" in GRAPH["dealvalue.storage"]
