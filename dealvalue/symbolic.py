"""LaTeX of cell names and of expressions over them."""

from __future__ import annotations

from typing import Any

__all__ = ["latex_name", "expr_latex"]


def latex_name(name: str) -> str:
    """LaTeX for a cell name: ``c_h`` -> ``c_{h}``, ``risk_premium`` -> ``\\mathrm{risk\\_premium}``."""
    head, _, tail = name.partition("_")
    if not tail:
        import sympy

        own = str(sympy.latex(sympy.Symbol(name)))
        if own.startswith("\\") or len(name) == 1:  # greek letters and single letters
            return own
        return r"\mathrm{" + name + "}"
    if len(head) == 1 and len(tail) <= 3 and "_" not in tail:
        return f"{head}_{{{tail}}}"
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def expr_latex(expr: Any) -> str:
    """Any sympy expression over cell symbols as LaTeX, each name printed by
    :func:`latex_name` and products written with a dot (upright multi-letter
    names side by side would read as one name)."""
    import sympy

    return str(sympy.latex(expr, symbol_names={s: latex_name(s.name) for s in expr.free_symbols}, mul_symbol="dot"))
