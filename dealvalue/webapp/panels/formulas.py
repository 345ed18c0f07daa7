"""The Thresholds & formulas tab: break-even values and every formula as math."""

from __future__ import annotations

import streamlit as st

from dealvalue import deals

from ..cache import break_even, current_model, deal_thresholds, expression_latex, formulas_latex
from ..format import latex_name, md_escape, symbol_tex
from ..state import Spec


def thresholds_panel(spec: Spec) -> None:
    """Break-even values of each factor, solved symbolically where sympy can."""
    with st.spinner("Solving for each factor's break-even…"):
        t = deal_thresholds(spec)
    st.markdown("**Break-even values** (where bid = ask with every other factor at its median)")
    for _, row in t.iterrows():
        expr = str(row["expression"] or "")
        if row["method"] != "symbolic" or not expr:
            continue
        main_expr, _, where = expr.partition(",  ")
        tex = expression_latex(spec, main_expr)
        if tex is None:
            continue
        relation = r"\geq" if row["feasible_when"] == "at least" else r"\leq"
        st.latex(f"{latex_name(str(row['factor']))} {relation} {tex}")
        if where:
            st.caption("where " + md_escape(where))
    st.dataframe(t[["factor", "label", "current", "break_even", "feasible_when", "within_range", "method"]], hide_index=True, width="stretch",
                 column_config={"label": st.column_config.TextColumn(width="medium"),
                                "current": st.column_config.NumberColumn("median now", format="compact"),
                                "break_even": st.column_config.NumberColumn("break-even", format="compact"),
                                "feasible_when": "a deal needs it", "within_range": "reachable",
                                "method": st.column_config.TextColumn(width="medium")})
    st.caption("'reachable' is false when the break-even lies outside the values the factor can take "
               "(a credibility above 1): that factor alone cannot make the deal feasible.")


def formulas_panel(spec: Spec, solve: bool = True) -> None:
    """Every formula, rendered as math, and (``solve``) the break-even of
    each factor of bid = ask solved symbolically."""
    model, _ = current_model(spec)
    role = deals.roles(model)
    if solve and "ask" in role and "bid" in role:
        a, b = role["ask"], role["bid"]
        st.markdown(f"**Break-even** (sympy solves bid = ask, `{model.cell(b).formula}` = `{model.cell(a).formula}`, for each factor; "
                    "a deal needs the factor beyond this value)")
        for name, tex in break_even(spec, b, a):
            st.latex(f"{symbol_tex(name)}^{{*}} = {tex}")
    st.markdown("**Formulas**")
    with st.spinner("Writing the formulas…"):
        shown = formulas_latex(spec)
    for name, label, tex in shown:
        st.caption(label or name)
        st.latex(tex)
