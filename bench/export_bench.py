"""Excel export benchmark, and the example workbook in exports/.

    .venv/bin/python bench/export_bench.py             # time the export, print a table
    .venv/bin/python bench/export_bench.py --example   # (re)write exports/example.xlsx
    .venv/bin/python bench/export_bench.py --ratio     # export vs a plain openpyxl loop, and peak memory

The model is dealvalue/models/deal.toml (the taxonomy deal model), or dealvalue/models/evidence.toml
when the deal model is absent.  dealvalue.deals.sheets.to_excel gives the deal model's
workbook three more sheets: the ZOPA, the barrier decomposition and the interventions
(the generic writer, Model.to_excel, adds none).

The benchmark writes the workbook with 10,000 Python samples on the Samples sheet
and 1,000 live simulation rows, several times, and reports the median time and the
file size, with and without the Samples sheet (whose rows dealvalue writes as XML text
directly; openpyxl's per-cell writer took about 20 s for them).  The table also says
whether openpyxl found lxml (measured: it makes no difference here).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEAL = ROOT / "dealvalue" / "models" / "deal.toml"
EVIDENCE = ROOT / "dealvalue" / "models" / "evidence.toml"
EXAMPLE = ROOT / "exports" / "example.xlsx"
SAMPLES = 10_000
EXAMPLE_SAMPLE_ROWS = 1_000  # keeps the checked-in file small; its statistics use all 10,000 samples
EXAMPLE_SIM_ROWS = 1_000  # the checked-in file stays small; the default export has 10,000 live rows
SEED = 20260422


def model_path() -> Path:
    return DEAL if DEAL.exists() else EVIDENCE


def build(samples: int = SAMPLES) -> tuple[Any, Any]:
    import dealvalue as dv

    model = dv.Model.load(model_path())
    results = model.simulate(n=samples, seed=SEED)
    return model, results


def example() -> None:
    import openpyxl

    from dealvalue.deals.sheets import to_excel

    model, results = build()
    to_excel(model, EXAMPLE, results, sample_rows=EXAMPLE_SAMPLE_ROWS, sim_rows=EXAMPLE_SIM_ROWS)  # with the deal sheets
    sheets = openpyxl.load_workbook(EXAMPLE, read_only=True).sheetnames
    print(f"wrote {EXAMPLE.relative_to(ROOT)} from {model_path().relative_to(ROOT)}: "
          f"{EXAMPLE.stat().st_size / 1e6:.2f} MB, sheets {', '.join(sheets)}")


def bench(repeats: int) -> None:
    from dealvalue.deals.sheets import to_excel

    try:
        import lxml  # noqa: F401
        writer = "lxml"
    except ImportError:
        writer = "pure Python (no lxml)"
    model, results = build()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for label, kwargs in [
            ("full workbook", {}),
            ("without Samples sheet", {"sample_rows": 0}),
            ("without deal sheets", {"extra_sheets": {}}),
        ]:
            times = []
            path = Path(d) / "bench.xlsx"
            for _ in range(repeats):
                t = time.perf_counter()
                to_excel(model, path, results, **kwargs)
                times.append(time.perf_counter() - t)
            rows.append((label, statistics.median(times), min(times), path.stat().st_size / 1e6))
    print(f"model {model_path().relative_to(ROOT)}: {len(model)} cells, {SAMPLES:,} samples, "
          f"1,000 live simulation rows; XML writer: {writer}; median of {repeats} runs")
    print(f"{'export':<24} {'median s':>9} {'best s':>8} {'size MB':>8}")
    for label, med, best, size in rows:
        print(f"{label:<24} {med:>9.2f} {best:>8.2f} {size:>8.2f}")


def baseline(path: Path, rows: int, cols: int) -> float:
    """Seconds to write the same number of formula cells with cached values in a plain openpyxl
    write_only loop (openpyxl cannot write both: this writes the formulas only, the cheaper half)."""
    import openpyxl

    t = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Simulation")
    for r in range(1, rows + 1):
        ws.append([f"=A{r}*2+{c}" for c in range(cols)])
    wb.save(path)
    return time.perf_counter() - t


def ratio(sim_rows: int = 10_000) -> None:
    """The deal model's export at 10,000 samples and 10,000 live rows against the plain loop, and peak memory."""
    import tracemalloc

    import openpyxl

    from dealvalue.deals.sheets import to_excel

    model, results = build()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "deal.xlsx"
        tracemalloc.start()
        t = time.perf_counter()
        to_excel(model, path, results, sim_rows=sim_rows)
        ours = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        ws = openpyxl.load_workbook(path, read_only=True)["Simulation"]
        cols = ws.max_column
        plain = baseline(Path(d) / "plain.xlsx", sim_rows, cols)
        print(f"deal model export ({len(model)} cells, {SAMPLES:,} samples, {sim_rows:,} live rows x {cols} columns): "
              f"{ours:.2f} s, {path.stat().st_size / 1e6:.1f} MB, peak traced memory {peak:.0f} MB")
        print(f"plain openpyxl write_only loop, same {sim_rows:,} x {cols} formula cells: {plain:.2f} s; ratio {ours / plain:.2f}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--example", action="store_true", help="write exports/example.xlsx instead of timing")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--ratio", action="store_true", help="time the export against a plain openpyxl loop, with peak memory")
    args = p.parse_args(argv)
    if args.example:
        example()
    elif args.ratio:
        ratio()
    else:
        bench(args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
