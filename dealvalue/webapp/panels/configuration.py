"""The deal configuration and the rule-out conditions (sidebar), the
ruled-out notice above the headline, and the Configurations tab."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dealvalue import deals
from dealvalue.errors import DealValueError

from ..cache import current_model, deal_configurations
from ..format import config_words, fmt, md_escape, percent, table_height, unit_text
from ..glossary import TERMS
from ..state import Spec, set_base


def on_apply_configuration(spec: Spec) -> None:
    """Set the factor defaults of the chosen configuration (``deals.configure``)
    on the current model, and keep the reasons to show them."""

    ss = st.session_state
    try:
        config = deals.Configuration(ss.cfg_good, ss.cfg_payment, ss.cfg_counterparty, ss.cfg_profile,
                                     upfront=float(ss.cfg_upfront), ai_policies=frozenset(ss.get("cfg_policies") or ()))
        model, why = deals.configure(current_model(spec)[0], config)
        text = model.dumps()
    except (DealValueError, ValueError) as exc:
        ss.notice = f"configuration: {exc}"
        return
    ss.notice = ""
    set_base(text, f"configured: {config.name}")
    ss.config = config
    ss.config_why = why.to_dict("records")


def configuration_panel(spec: Spec) -> None:
    """Sidebar: a deal configuration (good x payment quadrant x counterparty x
    AI profile x upfront share) sets the factors it touches, with the reason."""

    with st.expander("Deal configuration", expanded=False):
        st.caption("Sets the defaults of the factors a configuration touches, with the source text's reason "
                   "(shown under the Configurations tab). Your other inputs stay.")
        current = st.session_state.get("config")
        for kind, table, key in (("good bought", deals.GOODS, "cfg_good"), ("payment quadrant", deals.PAYMENTS, "cfg_payment"),
                                 ("human counterparty", deals.COUNTERPARTIES, "cfg_counterparty"),
                                 ("AI motivation profile", deals.PROFILES, "cfg_profile")):
            keys = list(table)
            attr = key.removeprefix("cfg_")
            default = keys.index(getattr(current, attr)) if current is not None else 0
            st.selectbox(kind[0].upper() + kind[1:], keys, index=default, key=key, format_func=lambda k, t=table: t[k].label,
                         help="; ".join(table[keys[0]].examples) if kind == "payment quadrant" else None)
        ex = deals.PAYMENTS[st.session_state.get("cfg_payment") or next(iter(deals.PAYMENTS))].examples
        st.caption("Payment examples: " + md_escape("; ".join(ex)))
        st.slider("Upfront share of the payment", 0.0, 1.0, float(current.upfront) if current is not None else 0.0, 0.05, key="cfg_upfront",
                  help="Paid now, needing only the AI's connection to reality; capped at what the payment quadrant allows.")
        st.multiselect("Bargaining policies the AI uses", ["threats"], default=sorted(current.ai_policies) if current is not None else [],
                       key="cfg_policies", help="Rule-out conditions may refuse to deal with some policies (by default, threats).")
        st.button("Apply configuration", on_click=on_apply_configuration, args=(spec,), width="stretch")


def rules_panel() -> Any:
    """Sidebar: eligibility and rule-out conditions (``deals.RuleOuts``)."""

    with st.expander("Rule-out conditions", expanded=False):
        st.caption("A deal that breaks one is reported as ruled out, with the reason, not as a number. "
                   "Checked at the medians.")
        cap = st.number_input("Cap on the AI's reservation price (USD)", min_value=0.0, value=None, step=1e6, format="%.4g", key="rule_cap")
        lo = st.number_input("Least capability we deal with", value=None, step=0.5, key="rule_cap_lo")
        hi = st.number_input("Greatest capability we deal with", value=None, step=0.5, key="rule_cap_hi")
        pmax = st.number_input("Most takeover odds we deal with", min_value=0.0, max_value=1.0, value=None, step=0.05, key="rule_p_hi")
        tags = sorted(set().union(*[o.tags for o in deals.PROFILES.values()]))
        refused = st.multiselect("Values we will not trade with", tags, key="rule_values")
        policies = st.multiselect("Bargaining policies we will not trade with", ["threats"], default=["threats"], key="rule_policies")
        minimal = st.checkbox("Require the minimal conditions (behaves better when offered a deal; tracks follow-through)",
                              value=True, key="rule_minimal")
    try:
        return deals.RuleOuts(capability=(lo, hi), p_takeover=(None, pmax), max_reservation_price=cap,
                              refused_values=frozenset(refused), refused_policies=frozenset(policies), require_minimal=minimal)
    except ValueError as exc:
        st.error(md_escape(str(exc)))
        return deals.RuleOuts()


def ruled_out_panel(spec: Spec, rules: Any) -> bool:
    """Above the headline: the conditions this deal breaks, if any.  Returns
    True when the deal is ruled out (then the headline shows no numbers)."""
    ss = st.session_state
    # not cached: the check (one point evaluation) costs a fifth of what Streamlit's cache spent on its key and copy
    checks = deals.check_rules(current_model(spec)[0], rules, ss.get("config"))
    broken = checks[checks["status"] == "ruled out"]
    if broken.empty:
        return False
    st.error("**Ruled out.** " + " ".join(f"{md_escape(str(c))}: {md_escape(str(r))}." for c, r in zip(broken["condition"], broken["reason"]))
             + " Change the rule-out conditions or the configuration in the sidebar to see numbers.")
    return True


def configurations_panel(spec: Spec, rules: Any, n: int, seed: int) -> None:
    """Why the current configuration sets what it sets, and the shipped
    configurations compared with it on common random numbers."""

    ss = st.session_state
    config = ss.get("config")
    if config is not None:
        st.markdown(f"**Current configuration:** {md_escape(config_words(config.name))}")
    if ss.get("config_why"):
        why = pd.DataFrame(ss.config_why)
        st.dataframe(why, hide_index=True, width="stretch",
                     column_config={"reason": st.column_config.TextColumn("why (from the source text)", width="large"),
                                    "previous": "before", "formula": "now", "set_by": "set by"})
    elif config is None:
        st.caption("Pick a configuration in the sidebar (Deal configuration) to set the factors it touches; "
                   "the reasons appear here.")
    configs = list(getattr(deals, "SCENARIOS", {}).values())
    if config is not None and config not in configs:
        configs.insert(0, config)
    if not configs:
        return
    m = min(n, 20_000)
    with st.spinner(f"Running {len(configs)} configurations on common random numbers…"):
        t = deal_configurations(spec, tuple(configs), rules, m, seed)
    capped = f", capped below the sidebar's {n:,} to keep this view quick" if m < n else ""
    st.markdown(f"**Configurations compared** on the current inputs ({m:,} samples each{capped}, seed {seed}; ruled-out ones say why)")
    vu = unit_text(current_model(spec)[0], "value_to_us") if "value_to_us" in current_model(spec)[0] else ""
    t = t.copy()
    short = {c.name: k.replace("_", " ") for k, c in getattr(deals, "SCENARIOS", {}).items()}
    t["in_words"] = [short.get(str(c), "current configuration") for c in t["configuration"]]
    t["p_text"] = [f"{percent(p)} ± {100 * e:.1f} pp" if p == p else "" for p, e in zip(t["p_feasible"], t["stderr"])]
    t["v_text"] = [f"{fmt(v)} ± {fmt(e)}" if v == v else "" for v, e in zip(t["value_to_us"], t["value_to_us_stderr"])]
    t["reason"] = t["reason"].fillna("")
    st.dataframe(t[["in_words", "status", "p_text", "v_text", "reason"]], hide_index=True, width="stretch",
                 height=table_height(len(t)),
                 column_config={"in_words": st.column_config.TextColumn("configuration", width=200,
                                                                        help=TERMS["configuration"]),
                                "status": st.column_config.TextColumn(width=80),
                                "p_text": st.column_config.TextColumn(deals.probability_label(current_model(spec)[0]), width=120),
                                "v_text": st.column_config.TextColumn(f"E[value to us] ({vu})", width=120),
                                "reason": st.column_config.TextColumn("reason if ruled out", width=300)})
    st.markdown("\n".join(f"- **{md_escape(w)}**: {md_escape(config_words(str(c)))}"
                           for w, c in zip(t["in_words"], t["configuration"])))
