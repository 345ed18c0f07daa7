"""The page's panels, one module per panel or small group of panels.

Sidebar: :mod:`.sidebar` (model, sampling, inputs, export) and
:mod:`.configuration` (deal configuration, rule-outs, and the Configurations
tab).  Tabs: :mod:`.deal` (headline and ZOPA), :mod:`.barriers`,
:mod:`.interventions`, :mod:`.window`, :mod:`.alternatives`,
:mod:`.sensitivity` (tornado, Sobol, VOI), :mod:`.formulas` (thresholds and
formulas), :mod:`.compare` (input sets and scenarios),
:mod:`.assessments` (assessments of AI systems: record, history, trend, pool), :mod:`.cells` (the cell
table and the summary of all cells).
"""
