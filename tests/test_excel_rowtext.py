"""The row writer's vectorised cell text is exactly the cell-by-cell text it replaced."""

from __future__ import annotations

import numpy as np
import pytest

from dealvalue.io.excel.cache import column_cells, join_rows, number_rows, number_texts, value_xml

rng = np.random.default_rng(16)
COLUMNS = {
    "normal": rng.normal(size=500),
    "lognormal": rng.lognormal(3, 4, size=500),
    "indicator": (rng.random(500) < 0.3).astype(float),
    "signed zeros": np.r_[np.zeros(300), -np.zeros(3), np.ones(200)],
    "non-finite": np.r_[np.full(100, np.nan), np.ones(100), np.full(9, np.inf), np.full(9, -np.inf), np.full(9, 1e16),
                        np.full(9, 1.5e-5), np.full(9, 5e-324)],
    "integers": np.arange(300) % 4,
    "short": np.array([0.1, np.nan, -2.0]),
}


def _by_cell(letter: str, rows: list[str], values: np.ndarray, attrs: str, formula: str, blank: bool) -> list[str]:
    out = []
    for r, v in zip(rows, values.tolist()):
        if blank and not np.isfinite(v):
            out.append("")
            continue
        t, text = value_xml(v)
        out.append(f'<c r="{letter}{r}"{attrs}{t}>{formula}<v>{text}</v></c>')
    return out


@pytest.mark.parametrize("name", list(COLUMNS))
@pytest.mark.parametrize("blank", [False, True])
def test_column_cells_match_value_xml(name: str, blank: bool) -> None:
    x = COLUMNS[name]
    rows = [str(14 + i) for i in range(x.size)]
    formula = '<f t="shared" si="3"/>'
    assert column_cells("BC", rows, x, ' s="7"', formula, blank=blank) == _by_cell("BC", rows, x, ' s="7"', formula, blank)
    texts = number_texts(np.asarray(x, dtype=float))
    assert [t for t, v in zip(texts, x.tolist()) if np.isfinite(v)] == [repr(float(v)) for v in x.tolist() if np.isfinite(v)]


def test_number_rows_match_the_cell_by_cell_writer() -> None:
    block = np.column_stack([np.arange(1, 2501, dtype=float), rng.normal(size=2500), np.r_[np.full(5, np.nan), np.ones(2495)]])
    text = "".join(number_rows(block, 4, chunk=1000)({}))
    want = "".join(
        f'<row r="{4 + i}">' + "".join(f'<c r="{"ABC"[j]}{4 + i}"><v>{v!r}</v></c>' for j, v in enumerate(line) if np.isfinite(v))
        + "</row>" for i, line in enumerate(block.tolist()))
    assert text == want
    assert join_rows(["1"], [["<c/>"], [""], ["<d/>"]]) == '<row r="1"><c/><d/></row>'


def _members(path: "Path") -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as z:  # the file's timestamp (docProps/core.xml) differs between any two exports
        return {i.filename: z.read(i.filename) for i in z.infolist() if i.filename != "docProps/core.xml"}


def test_chunk_sizes_do_not_change_the_workbook(tmp_path: "Path", monkeypatch: pytest.MonkeyPatch) -> None:
    """The row writer's chunking bounds its memory and nothing else: every sheet's XML is the same
    with the defaults, with the sizes used before (500 rows, 4 MB, two queued chunks) and with odd
    small ones that split rows and text mid-stream."""
    import sys
    from pathlib import Path

    import dealvalue.io.excel.cache as cache

    sys.path.insert(0, str(Path(__file__).parent))
    from _excel import rich_model

    m = rich_model()
    r = m.simulate(n=500, seed=4)
    got = {}
    for sizes in [(cache.ROWS_PER_CHUNK, cache.FLUSH_CHARS, cache.QUEUED_CHUNKS), (500, 1 << 22, 2), (7, 1000, 3)]:
        monkeypatch.setattr(cache, "ROWS_PER_CHUNK", sizes[0])
        monkeypatch.setattr(cache, "FLUSH_CHARS", sizes[1])
        monkeypatch.setattr(cache, "QUEUED_CHUNKS", sizes[2])
        path = tmp_path / f"{sizes[0]}.xlsx"
        m.to_excel(path, r, sim_rows=237, sample_rows=113)
        got[sizes] = _members(path)
    first, *others = got.values()
    assert any(len(v) > 100_000 for v in first.values())  # the Simulation sheet is many chunks long
    for other in others:
        assert other.keys() == first.keys()
        for name in first:
            assert other[name] == first[name], name
