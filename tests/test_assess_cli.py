"""``dealvalue assess``: the command line over the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
from typing import Iterator

import pytest

pytest.importorskip("sqlalchemy")

from dealvalue import assess  # noqa: E402
from dealvalue.cli import main  # noqa: E402

from _assess import BACKENDS, make_db  # noqa: E402


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: "os.PathLike[str]") -> Iterator[str]:
    yield from make_db(request.param, tmp_path)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_the_command_line_records_lists_trends_pools_and_exports(url: str, capsys: pytest.CaptureFixture[str],
                                                                 tmp_path: "os.PathLike[str]") -> None:
    assert cli(capsys, "assess", "system", "Claude 9", "--developer", "Anthropic", "--db", url)[0] == 0
    for who, f, day in [("alice", "beta(2, 8)", "2031-03-01"), ("bob", "beta(8, 2)", "2031-03-02")]:
        status, out, _ = cli(capsys, "assess", "add", "deal", "--system", "Claude 9", "--assessor", who, "--date", day,
                             "--set", f"reality={f}", "--input-note", "reality=from the evals", "--source",
                             "reality=https://ex.org", "--note", "first look", "-n", "2000", "--db", url)
        assert status == 0 and "recorded assessment" in out
    status, out, _ = cli(capsys, "assess", "list", "--system", "Claude 9", "--json", "--db", url)
    rows = json.loads(out)
    assert status == 0 and [r["assessor"] for r in rows] == ["alice", "bob"] and rows[0]["date"] == "2031-03-01"
    assert assess.inputs(rows[0]["id"], db=url).iloc[0][["note", "sources"]].tolist() == ["from the evals", ["https://ex.org"]]
    status, out, _ = cli(capsys, "assess", "trend", "--system", "Claude 9", "--json", "--db", url)
    trend = json.loads(out)
    assert status == 0 and {"date", "assessor", "p_feasible", "stderr"} <= set(trend[0])
    assert [t["assessor"] for t in trend] == ["alice", "pooled", "bob", "pooled"]
    status, out, _ = cli(capsys, "assess", "pool", "--system", "Claude 9", "--json", "-n", "4000", "--db", url)
    pooled = json.loads(out)
    assert status == 0 and {"p_feasible", "stderr", "assessors", "disagreement"} <= set(pooled)
    per = [a["p_feasible"] for a in pooled["assessors"]]
    assert pooled["p_feasible"] == pytest.approx(sum(per) / 2, abs=1e-12)
    assert [d["input"] for d in pooled["disagreement"]] == ["reality"]
    status, out, _ = cli(capsys, "assess", "pool", "--system", "Claude 9", "-n", "2000", "--db", url)
    assert status == 0 and "pooled" in out and "reality" in out
    path = os.path.join(os.fspath(tmp_path), "out.xlsx")
    assert cli(capsys, "assess", "export", "--db", url, path)[0] == 0 and os.path.exists(path)
    status, out, _ = cli(capsys, "assess", "upgrade", "--db", url)
    assert status == 0 and "revision 0002" in out


def test_command_line_errors_are_one_line_and_hide_the_password(capsys: pytest.CaptureFixture[str], url: str) -> None:
    status, _, err = cli(capsys, "assess", "add", "deal", "--system", "nope", "--assessor", "a", "--date", "2031-01-01", "--db", url)
    assert status == 2 and "unknown system" in err and err.count("\n") == 1
    status, _, err = cli(capsys, "assess", "list", "--db", "postgresql://alice:hunter2@127.0.0.1:1/x")
    assert status == 2 and "hunter2" not in err and "alice:***@" in err
    status, _, err = cli(capsys, "assess", "add", "deal", "--system", "x", "--assessor", "a", "--date", "2031-01-01",
                         "--input-note", "reality=why", "--db", url)
    assert status == 2 and "--input-note" in err
