"""An installed wheel is the whole product.

Builds the sdist and the wheel, installs the wheel (with the app's extra)
into a fresh virtual environment outside the repository, and uses it from
another folder: the command line on a shipped model by name, the deals
doctests, and the app started by ``dealvalue app``.  Needs PyPI (or pip's
cache) for the dependencies, as CI has.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(cmd: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)], cwd=out)
    wheel = next(out.glob("dealvalue-*.whl"))
    sdist = next(out.glob("dealvalue-*.tar.gz"))
    venv = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=out)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"{wheel}[app]", "pytest"], cwd=out)
    return {"wheel": wheel, "sdist": sdist, "venv": venv, "away": tmp_path_factory.mktemp("elsewhere")}


def test_the_wheel_holds_the_models_and_the_app(built: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    for want in ("dealvalue/models/deal.toml", "dealvalue/models/scenarios/labour_trust_fund.toml",
                 "dealvalue/deals/catalogue.toml", "dealvalue/webapp/launcher.py", "dealvalue/py.typed"):
        assert want in names
    assert any(n.endswith("licenses/LICENSE") for n in names)


def test_the_sdist_carries_its_tests(built: dict[str, Path]) -> None:
    names = {n.split("/", 1)[1] for n in tarfile.open(built["sdist"]).getnames() if "/" in n}
    assert {"tests/_models.py", "tests/test_deals_api.py", "LICENSE", "README.md", "dealvalue/models/deal.toml"} <= names


def test_the_command_line_runs_a_shipped_model_by_name(built: dict[str, Path]) -> None:
    exe = str(built["venv"] / "bin" / "dealvalue")
    assert _run([exe, "--version"], built["away"]).stdout.strip().startswith("dealvalue 0.")
    out = _run([exe, "run", "deal", "--samples", "1000", "--seed", "1"], built["away"]).stdout
    assert "1,000 samples, seed 1" in out and "feasible" in out
    listing = _run([exe, "models"], built["away"]).stdout
    assert "deal" in listing and "labour_trust_fund" in listing


def test_the_deals_doctests_pass_from_the_installed_package(built: dict[str, Path]) -> None:
    py = str(built["venv"] / "bin" / "python")
    where = _run([py, "-c", "import dealvalue, pathlib; print(pathlib.Path(dealvalue.__file__).parent)"], built["away"]).stdout.strip()
    assert not where.startswith(str(ROOT))
    out = _run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--doctest-modules", f"{where}/deals", f"{where}/models"],
               built["away"]).stdout
    assert " passed" in out and "failed" not in out


def test_dealvalue_app_serves_the_deal_model(built: dict[str, Path]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = str(built["venv"] / "bin" / "dealvalue")
    proc = subprocess.Popen([exe, "app", "deal", "--headless", "--port", str(port)], cwd=built["away"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120  # a guard against a server that never starts, not a speed target
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as resp:
                    assert resp.read().decode().strip() == "ok"
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "the app did not start"
                time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # the page itself: the installed app, run on the deal model in Streamlit's test harness
    py = str(built["venv"] / "bin" / "python")
    code = ("from streamlit.testing.v1 import AppTest; import dealvalue.webapp.launcher as l; "
            "at = AppTest.from_file(l.__file__, default_timeout=300); at.run(); "
            "assert not at.exception, at.exception; print('metrics', len(at.metric))")
    out = _run([py, "-c", code], built["away"]).stdout
    assert "metrics" in out and int(out.split()[-1]) >= 3
