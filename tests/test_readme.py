"""The README's example runs and prints what the README says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block is not None
    monkeypatch.chdir(tmp_path)  # the example saves a model file
    namespace: dict[str, object] = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)  # our own text, not user input
    m, r = namespace["m"], namespace["r"]
    # the numbers quoted in the README's comments
    # 0.6975 by the closed form given c_h (a normal in log space), within one standard error
    assert round(r.mean("feasible"), 3) == 0.698  # type: ignore[attr-defined]
    assert round(r.stderr("feasible"), 4) == 0.0015  # type: ignore[attr-defined]
    assert m.evaluate("ask", R=90, reality=1, expropriation=0, commitment=0.5) == pytest.approx(180)  # type: ignore[attr-defined]
    assert str(m.solve("bid - ask", for_="c_ai")) == "[-R/(W*commitment*reality*(expropriation - 1))]"  # type: ignore[attr-defined]
    assert str(m.expr("ask")) == "R/(commitment*reality*(1 - expropriation))"  # type: ignore[attr-defined]
    import dealvalue as dv

    assert dv.Model.load(tmp_path / "evidence.toml") == m


def test_readme_cli_output_is_what_the_cli_prints(capsys: pytest.CaptureFixture[str]) -> None:
    from dealvalue.cli import main

    text = (ROOT / "README.md").read_text()
    command = re.search(r"From the shell, `dealvalue (run [^`]*)`", text)
    assert command is not None
    pasted = re.search(r"prints:\n\n```\n(.*?)```", text, re.S)
    assert pasted is not None
    assert main([*command.group(1).split(), "--no-progress"]) == 0
    assert capsys.readouterr().out == pasted.group(1)
