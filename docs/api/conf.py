"""Sphinx configuration of the API reference (built offline, warnings as errors)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import dealvalue  # noqa: E402

project = "dealvalue"
release = version = dealvalue.__version__
extensions = ["sphinx.ext.autodoc", "sphinx.ext.autosummary", "numpydoc"]
autosummary_generate = True
# module pages list the names in __all__, those a package re-exports from its submodules too (dealvalue.deals)
autosummary_ignore_module_all = False
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
html_theme = "basic"
html_static_path: list[str] = []
exclude_patterns = ["_build"]
# no intersphinx: the build reads nothing from the network
# class pages (_templates/autosummary/class.rst) show their methods and properties, including those of
# Model's and Results' parts (model_graph, model_symbolic, model_eval, model_units, storage, results_stats)
templates_path = ["_templates"]
