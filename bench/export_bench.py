"""Excel export benchmark, and the example workbook in exports/.

    .venv/bin/python bench/export_bench.py             # time the export, print a table
    .venv/bin/python bench/export_bench.py --example   # (re)write exports/example.xlsx
    .venv/bin/python bench/export_bench.py --ratio     # export vs a plain openpyxl loop, and peak RSS
    .venv/bin/python bench/export_bench.py --ratio --repeats 3   # medians of 3 runs per side
    .venv/bin/python bench/export_bench.py --pages     # docs/excel-pages/*.png from exports/example.xlsx

--ratio runs each export in a fresh subprocess: the export as it is, with the row writer's
chunk sizes of before (500 rows, 4 MB of text, two queued chunks), and in a process where the
optional pyarrow and dask cannot be imported (pandas imports pyarrow, and pint dask, whenever
they are installed: they come with the [parquet], [dask] and dev extras, not with dealvalue);
it checks the three workbooks have the same content and prints the resident memory after
each stage (imports, model, samples, export).

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
import re
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


def _rss_mb() -> float:
    """This process's resident memory now (Linux /proc), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


OLD_SIZES = (500, 1 << 22, 2)  # the row writer's chunking before the memory work (rows, text chars, queued chunks)
OPTIONAL = ("pyarrow", "dask")  # optional extras ([parquet], [dask], dev) that pandas and pint import when installed


def one(kind: str, sim_rows: int, cols: int, repeats: int, sizes: str = "", without: str = "") -> None:
    """One side of --ratio, in a fresh process: the timings, peak RSS and the resident memory after
    each stage as JSON on stdout.  openpyxl and pandas are imported before the clock starts, for
    both sides.  ``sizes``: the row writer's chunk sizes (``rows,chars,queued``; default its own);
    ``without``: packages made unimportable first (an install without those optional extras)."""
    import json
    import resource

    for name in filter(None, without.split(",")):
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` now raises ImportError
    stages: list[tuple[str, float]] = []
    import numpy  # noqa: F401

    stages.append(("python + numpy", _rss_mb()))
    import openpyxl

    stages.append(("+ openpyxl", _rss_mb()))
    import pandas  # noqa: F401

    stages.append(("+ pandas (and pyarrow, where installed)", _rss_mb()))
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{kind}.xlsx"
        times = []
        if kind == "deal":
            import dealvalue as dv
            import dealvalue.io.excel.cache as row_writer
            from dealvalue.deals.sheets import to_excel

            if sizes:
                row_writer.ROWS_PER_CHUNK, row_writer.FLUSH_CHARS, row_writer.QUEUED_CHUNKS = map(int, sizes.split(","))
            out["sizes"] = [row_writer.ROWS_PER_CHUNK, row_writer.FLUSH_CHARS, row_writer.QUEUED_CHUNKS]
            model = dv.Model.load(model_path())
            stages.append(("+ the deal model loaded (sympy; pint, and dask where installed)", _rss_mb()))
            results = model.simulate(n=SAMPLES, seed=SEED)
            stages.append((f"+ simulate({SAMPLES:,})", _rss_mb()))
            out["rss_before_mb"] = _rss_mb()
            out["peak_before_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            for _ in range(repeats):
                t = time.perf_counter()
                to_excel(model, path, results, sim_rows=sim_rows)
                times.append(time.perf_counter() - t)
            out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before reading it back
            stages.append(("export (peak)", out["peak_rss_mb"]))
            import hashlib
            import zipfile

            with zipfile.ZipFile(path) as z:  # the content, less the two timestamps (file and About!B5)
                h = hashlib.sha256()
                for info in z.infolist():
                    if info.filename != "docProps/core.xml":
                        h.update(re.sub(rb"\d{4}-\d\d-\d\d \d\d:\d\d UTC", b"", z.read(info.filename)))
                out["content"] = h.hexdigest()[:12]
            ws = openpyxl.load_workbook(path, read_only=True)["Simulation"]
            out.update(cells=len(model), cols=ws.max_column)
        else:
            out["rss_before_mb"] = _rss_mb()
            for _ in range(repeats):
                times.append(baseline(path, sim_rows, cols))
        out.setdefault("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        out.update(seconds=statistics.median(times), best=min(times), size_mb=path.stat().st_size / 1e6, stages=stages,
                   imported=[name for name in OPTIONAL if sys.modules.get(name)])
    print(json.dumps(out))


def ratio(sim_rows: int = 10_000, repeats: int = 1) -> None:
    """The deal model's export at 10,000 samples and 10,000 live rows against the plain loop
    (each in a fresh subprocess, the same run), with each process's peak RSS: the export as it
    is, with the row writer's chunk sizes of before, and in a process without the optional
    pyarrow and dask; then where the memory of the export's process goes."""
    import json
    import subprocess

    def run(kind: str, cols: int = 0, sizes: str = "", without: str = "") -> dict[str, Any]:
        cmd = [sys.executable, __file__, "--one", kind, "--rows", str(sim_rows), "--cols", str(cols),
               "--repeats", str(repeats), "--sizes", sizes, "--without", without]
        return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1])

    before = run("deal", sizes=",".join(map(str, OLD_SIZES)))
    ours = run("deal")
    bare = run("deal", without=",".join(OPTIONAL))
    plain = run("plain", ours["cols"])
    print(f"deal model export: {ours['cells']} cells, {SAMPLES:,} samples, {sim_rows:,} live rows x {ours['cols']} columns, "
          f"{ours['size_mb']:.1f} MB; fresh subprocesses, median of {repeats}; peak RSS read before the file is read back")
    print(f"{'run':<58} {'s':>6} {'best s':>7} {'peak RSS MB':>12} {'before MB':>10} {'export +MB':>11} {'content':>13}")
    rows = [(f"export, row writer as before ({OLD_SIZES[0]} rows, {OLD_SIZES[1] >> 20} MB, {OLD_SIZES[2]} queued)", before),
            (f"export, now ({ours['sizes'][0]} rows, {ours['sizes'][1] >> 10} KB, {ours['sizes'][2]} queued)", ours),
            (f"export, now, without the optional {' and '.join(OPTIONAL)}", bare),
            ("plain openpyxl write_only loop, same formula cells", plain)]
    for label, o in rows:
        pre = o.get("peak_before_mb", o["rss_before_mb"])
        print(f"{label:<58} {o['seconds']:>6.2f} {o['best']:>7.2f} {o['peak_rss_mb']:>12.0f} {pre:>10.0f} "
              f"{o['peak_rss_mb'] - pre:>11.0f} {o.get('content', '-'):>13}")
    print(f"ratio export / plain loop: {ours['seconds'] / plain['seconds']:.3f}; the three exports' content "
          + ("is the same" if before["content"] == ours["content"] == bare["content"] else "DIFFERS"))
    print(f"\nwhere the export's memory goes (resident MB after each stage, fresh process):")
    print(f"{'stage':<64} {'as installed':>13} {'without ' + '/'.join(OPTIONAL):>22}")
    last_a = last_b = 0.0
    for (label, a), (_, b) in zip(ours["stages"], bare["stages"]):
        print(f"{label:<64} {a:>6.0f} ({a - last_a:+4.0f}) {b:>15.0f} ({b - last_b:+4.0f})")
        last_a, last_b = a, b
    print(f"optional packages imported: as installed {', '.join(ours['imported']) or 'none'}; "
          f"without: {', '.join(bare['imported']) or 'none'}")


PAGES = ROOT / "docs" / "excel-pages"
PAGE_IMAGES = {"About": "about", "Inputs": "inputs", "Model": "model", "Simulation": "simulation", "Summary": "summary"}


def pages(workbook: Path = EXAMPLE, outdir: Path = PAGES) -> None:
    """Print the workbook to PDF with LibreOffice (headless) and render the first page of each
    sheet in PAGE_IMAGES with pdftoppm at 60 dpi; print each sheet's page count and, for the
    Inputs and Model sheets, the table rows on their first page."""
    import re
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        raise SystemExit("--pages needs LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext)")
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([soffice, f"-env:UserInstallation={Path(d, 'profile').as_uri()}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", d, str(workbook)], check=True, capture_output=True, timeout=600)
        pdf = Path(d) / (workbook.stem + ".pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout.split("\f")
        first: dict[str, int] = {}
        count: dict[str, int] = {}
        for k, page in enumerate(text, start=1):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            footer = re.match(r"(.+?)\s+Page \d+ of \d+$", lines[-1]) if lines else None
            if footer:
                sheet = footer.group(1)
                first.setdefault(sheet, k)
                count[sheet] = count.get(sheet, 0) + 1
        outdir.mkdir(parents=True, exist_ok=True)
        print(f"{pdf.name}: {len(text) - 1} pages")
        for sheet, n in count.items():
            page = text[first[sheet] - 1]
            rows = len(re.findall(r"^\s*\d+\s+\S", page, flags=re.M)) if sheet in ("Inputs", "Model") else None
            print(f"  {sheet:<14} {n:>3} pages, first on page {first[sheet]}"
                  + (f"; {rows} table rows on its first page" if rows is not None else ""))
            if sheet in PAGE_IMAGES:
                stem = outdir / PAGE_IMAGES[sheet]
                subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(first[sheet]), "-l",
                                str(first[sheet]), str(pdf), str(stem)], check=True)
                print(f"    wrote {stem}.png")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--example", action="store_true", help="write exports/example.xlsx instead of timing")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--pages", action="store_true", help="render docs/excel-pages/*.png from exports/example.xlsx")
    p.add_argument("--ratio", action="store_true", help="time the export against a plain openpyxl loop, with peak memory")
    p.add_argument("--rows", type=int, default=10_000, help="live simulation rows for --ratio")
    p.add_argument("--one", choices=["deal", "plain"], help=argparse.SUPPRESS)  # a side of --ratio, in its own process
    p.add_argument("--cols", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--sizes", default="", help=argparse.SUPPRESS)
    p.add_argument("--without", default="", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.example:
        example()
    elif args.pages:
        pages()
    elif args.one:
        one(args.one, args.rows, args.cols, args.repeats, args.sizes, args.without)
    elif args.ratio:
        ratio(args.rows, args.repeats if "--repeats" in (argv if argv is not None else sys.argv) else 1)
    else:
        bench(args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
