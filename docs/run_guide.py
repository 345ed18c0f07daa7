"""Rerun docs/guide.md: execute each ```python block in order (one namespace)
and replace the output block that follows it with what its expression
statements print.  Run from the repository root: python docs/run_guide.py
"""

from __future__ import annotations

import ast
import pathlib
import sys


def run(path: pathlib.Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    ns: dict = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if line.strip() != "```python":
            continue
        code = []
        while lines[i].strip() != "```":
            code.append(lines[i])
            out.append(lines[i])
            i += 1
        out.append(lines[i])
        i += 1
        printed: list[str] = []
        for stmt in ast.parse("\n".join(code)).body:
            if isinstance(stmt, ast.Expr):
                value = eval(compile(ast.Expression(stmt.value), "<guide>", "eval"), ns)
                printed.append(str(value))
            else:
                exec(compile(ast.Module([stmt], []), "<guide>", "exec"), ns)
        if i < len(lines) and lines[i].strip() == "```" and printed:
            out.append(lines[i])
            i += 1
            while lines[i].strip() != "```":
                i += 1
            out.extend("\n".join(printed).splitlines())
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    p = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "docs/guide.md")
    p.write_text(run(p), encoding="utf-8")
