"""dealvalue.deals is a package whose public API is small and pinned, whose
submodules import each other only downward, and that ships its data file."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from dealvalue import deals, models

PACKAGE = Path(deals.__file__).resolve().parent

EXPECTED = {
    "CORE", "MODELS_DIR", "core_model", "deal_model", "check_core", "simulate", "p_feasible", "deal_summary",
    "zopa", "zopa_point",
    "Term", "barrier_terms", "decomposition", "decomposition_samples", "decomposition_distribution",
    "thresholds",
    "Intervention", "applicable", "configured_by", "default_interventions", "interventions",
    "window", "window_ends",
    "best_offer", "falling_credibility", "best_upfront", "many_ais",
    "Option", "GOODS", "PAYMENTS", "COUNTERPARTIES", "PROFILES", "MAX_UPFRONT", "Configuration", "catalogue",
    "configure", "RuleOuts", "check_rules", "apply_rules", "deal_report", "compare_configurations",
    "Alternative", "compare_alternatives",
    "SCENARIOS", "scenario", "make_scenario", "SCENARIO_DESCRIPTIONS", "price_in_future_share",
    "top_inputs", "value_of_information",
    "roles", "probability_label", "headline", "headline_sentence", "barrier_effects", "binding_barrier",
}

# Each submodule imports only those before it (function-level imports included).
ORDER = ["core", "barriers", "thresholds", "interventions", "window", "credibility", "upfront", "configurations",
         "rules", "alternatives", "voi", "report", "future_share", "scenarios"]


def test_all_is_pinned() -> None:
    assert set(deals.__all__) == EXPECTED
    assert len(deals.__all__) == len(EXPECTED)


def test_every_public_name_is_its_submodules_object() -> None:
    homes: dict[str, str] = {}
    for sub in ORDER:
        mod = importlib.import_module(f"dealvalue.deals.{sub}")
        for name in mod.__all__:
            assert getattr(mod, name) is not None, (sub, name)
            if name in EXPECTED:
                assert getattr(deals, name) is getattr(mod, name), (sub, name)
                homes.setdefault(name, sub)
    assert set(homes) == EXPECTED - {"MODELS_DIR"}
    # the names the Excel sheets import live where the contract says
    from dealvalue.deals.barriers import decomposition
    from dealvalue.deals.core import CORE, zopa
    from dealvalue.deals.interventions import interventions

    assert (CORE, zopa, decomposition, interventions) == (deals.CORE, deals.zopa, deals.decomposition, deals.interventions)


def test_models_dir_is_deprecated_and_still_the_folder() -> None:
    with pytest.warns(DeprecationWarning, match="dealvalue.models"):
        folder = deals.MODELS_DIR
    assert folder == models.path("deal").parent
    assert (folder / "deal.toml").is_file() and (folder / "scenarios" / "labour_trust_fund.toml").is_file()
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        deals.nope  # noqa: B018


def _imports(tree: ast.Module) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every import that runs, skipping `if TYPE_CHECKING:` blocks."""
    out: list[tuple[str, list[str], int]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for c in child.orelse:
                    visit(c)
                continue
            if isinstance(child, ast.ImportFrom):
                base = "dealvalue.deals" if child.level == 1 else ("dealvalue" if child.level == 2 else "")
                mod = ".".join(p for p in (base, child.module or "") if p)
                out.append((mod, [a.name for a in child.names], child.lineno))
            elif isinstance(child, ast.Import):
                out.extend((a.name, [], child.lineno) for a in child.names)
            visit(child)

    visit(tree)
    return out


def test_submodules_import_only_downward_and_no_private_names() -> None:
    for sub in ORDER:
        path = PACKAGE / f"{sub}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for mod, names, line in _imports(tree):
            where = f"{path.name}:{line}"
            if mod == "dealvalue.deals":
                targets = names
            elif mod.startswith("dealvalue.deals."):
                targets = [mod.split(".")[2]]
            else:
                targets = []
                assert not mod.startswith(("dealvalue.cli", "dealvalue.webapp", "app", "streamlit")), where
            for t in targets:
                assert t in ORDER and ORDER.index(t) < ORDER.index(sub), f"{where}: {sub} imports {t}"
            assert not [n for n in names if n.startswith("_") and not n.startswith("__")], f"{where}: private name"
        for node in ast.walk(tree):  # no module._private attribute
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr.startswith("_") \
                    and not node.attr.startswith("__") and node.value.id not in ("self", "cls"):
                pytest.fail(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")


def test_files_are_small_and_name_their_constants() -> None:
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 600, path.name
        assert "1.96" not in text and "1.6449" not in text, path.name  # dealvalue.stats.Z_95 / Z_90
    assert not (PACKAGE.parent / "deals.py").exists()


def test_catalogue_is_package_data() -> None:
    assert resources.files("dealvalue.deals").joinpath("catalogue.toml").is_file()
    pyproject = (PACKAGE.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"**/*.toml"' in pyproject  # package-data: the wheel carries deals/catalogue.toml


def test_import_loads_no_heavy_module() -> None:
    code = ("import sys, dealvalue.deals; "
            "print(','.join(m for m in ('sympy', 'pandas', 'scipy', 'openpyxl', 'streamlit') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
