"""How long the app takes to recompute after a user changes an input.

Calls the app's own cached functions (``dealvalue.webapp.cache``) outside Streamlit, each time
with an input edited to a new value so that every cache misses, and times:

* ``model``: applying the edit to the cached base model (re-parses the cell
  and what depends on it);
* ``simulate``: compiling the edited graph and sampling every cell;
* ``headline``: the four headline numbers with their Monte Carlo errors;
* ``headline line``: the sentence under them (barrier decomposition at the
  medians; the interventions only once their tab has run), deal models only;
* ``deal tab``: the charts of the tab the page opens on (ask/bid and surplus
  histograms, the ZOPA's quantiles);
* ``rerun``: what one rerun after an input change costs with that tab open,
  all of the above (the tabs are lazy: the others compute only when opened);
* ``sensitivity tab``: tornado and Sobol indices of the tab's default output
  (``ln_F`` or ``F`` when the model has one), paid when that tab is open.

Then the page itself (``--page``, on by default): the app's script run headless by Streamlit's
``AppTest`` with the Deal tab open, timed inside the script (``main()`` from start to end: every
widget, the previews, the headline, the Deal tab's charts), after each input change, next to a
bare ``simulate`` of the same edited model (a new model object, so compiled again as the page
compiles it; same samples, same seed) timed in the same loop.  The ratio page / simulate is the
issue-15 target (at most 1.5x).  Then the first visit of every tab after an input change.
The browser's drawing of the page is not timed here (the browser tests look at it).
Usage: ``.venv/bin/python bench/app_bench.py [--repeat 3] [--samples 10000 100000] [--no-page]``.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--samples", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    p.add_argument("--cell", default="reality", help="the input edited before each run")
    p.add_argument("--export", action="store_true", help="also time the Excel workbook of the current model")
    p.add_argument("--page", action=argparse.BooleanOptionalAction, default=True,
                   help="time the page's script run (AppTest) against a bare simulate, and each tab's first visit")
    p.add_argument("--page-samples", type=int, default=100_000, help="sample count of the page measurement")
    p.add_argument("--page-repeat", type=int, default=7, help="input changes timed on the page")
    p.add_argument("--page-warmup", type=int, default=None,
                   help="input changes run before the timed ones (default: the runs the page keeps, plus one)")
    args = p.parse_args()

    logging.disable(logging.WARNING)  # Streamlit's notes on running without a server would bury the tables
    warnings.filterwarnings("ignore")
    t0 = time.perf_counter()
    from dealvalue import deals, models
    from dealvalue.webapp import cache as app
    from dealvalue.webapp.main import is_deal_model
    from dealvalue.webapp.state import Spec

    text = models.text("deal")
    base = app.base_model(text)
    print(f"model deal.toml: {len(base.inputs)} inputs, {len(base.formulas)} formulas; "
          f"import + first load {time.perf_counter() - t0:.2f} s")
    original = base.cell(args.cell).formula
    roles = deals.roles(base)
    main_out = roles.get("value_us") or roles.get("feasible") or base.formulas[-1]
    sens_out = next((c for c in ("ln_F", "F") if c in base), main_out)
    k = 0

    rows = []
    for n in args.samples:
        times: dict[str, list[float]] = {key: [] for key in ("model", "simulate", "headline", "headline line", "deal tab", "rerun", "sensitivity tab")}
        for _ in range(args.repeat):
            k += 1
            # a new value each time, so no cache can answer: 'beta(8, 2)' -> 'beta(8, 2) * 0.99...'
            edit = ((args.cell, (("formula", f"({original}) * {1 - k / 10_000:.4f}"),)),)
            spec = (text, (), edit)
            t = time.perf_counter()
            model, errors = app.current_model(spec)
            assert not errors, errors
            t1 = time.perf_counter()
            app.results(spec, n, 1)
            t2 = time.perf_counter()
            app.headline(spec, n, 1, main_out)
            t3a = time.perf_counter()
            if is_deal_model(model):
                app.headline_sentence(spec, n, 1, False)
            t3 = time.perf_counter()
            if "ask" in roles and "bid" in roles:
                app.histogram(spec, n, 1, (roles["ask"], roles["bid"]), True)
            if "F" in roles:
                app.histogram(spec, n, 1, (roles["F"],), True)
            if "surplus" in roles and "feasible" in roles:
                app.histogram(spec, n, 1, (roles["surplus"],), True, roles["feasible"])
            if is_deal_model(model):
                app.deal_zopa(spec, n, 1)
            t4 = time.perf_counter()
            app.tornado_table(spec, n, 1, sens_out)
            app.sobol_table(spec, 1, sens_out)
            t5 = time.perf_counter()
            for key, v in zip(times, (t1 - t, t2 - t1, t3a - t2, t3 - t3a, t4 - t3, t4 - t, t5 - t4)):
                times[key].append(v)
        rows.append((n, {key: statistics.median(v) for key, v in times.items()}))

    print(f"\nrecompute after editing {args.cell!r} (median of {args.repeat} runs, seconds)")
    keys = list(rows[0][1])
    print(f"{'samples':>10} " + " ".join(f"{key:>15}" for key in keys))
    for n, med in rows:
        print(f"{n:>10,} " + " ".join(f"{med[key]:>15.3f}" for key in keys))

    if args.page:
        warmup = app.RUNS_KEPT + 1 if args.page_warmup is None else args.page_warmup
        page_bench(text, args.cell, original, args.page_samples, args.page_repeat, warmup)

    if args.export:
        import dealvalue.io.excel  # noqa: F401  (import time is not the export's)

        plain: Spec = (text, (), ())
        for n in args.samples:
            app.results(plain, n, 1)
            t = time.perf_counter()
            data = app.workbook_bytes(plain, n, 1, main_out)
            print(f"Excel workbook at {n:,} samples: {time.perf_counter() - t:.2f} s, {len(data) / 1e6:.2f} MB")
    return 0


#: The page's script, timed from inside: AppTest runs it in this process, so it appends to this list.
PAGE_TIMES: list[float] = []

DRIVER = """
import sys, time
from dealvalue.webapp.main import main
if __name__ == "__main__":  # not in a forkserver child (the symbolic solves), which imports this file again
    t = time.perf_counter()
    main()
    sys.modules["app_bench_timer"].append(time.perf_counter() - t)
"""


def page_bench(text: str, cell: str, original: str, n: int, repeat: int, warmup: int = 3) -> None:
    """The page's rerun after an input change against a bare simulate of the same model, then each tab's first visit."""
    import tempfile
    import types

    import dealvalue as dv
    from streamlit.testing.v1 import AppTest

    timer = types.ModuleType("app_bench_timer")
    timer.append = PAGE_TIMES.append  # type: ignore[attr-defined]
    sys.modules["app_bench_timer"] = timer
    base = dv.Model.loads(text, "deal")
    seed = int(base.seed) if base.seed is not None else 1
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "page.py"
        script.write_text(DRIVER, encoding="utf-8")
        at = AppTest.from_file(str(script), default_timeout=600).run()
        at.select_slider(key="samples").set_value(n).run()
        [box] = [t for t in at.text_input if str(t.key).endswith(f":{cell}")]
        assert at.session_state["seed"] == seed and not at.exception
        page, wall, bare = [], [], []
        # The first changes warm what stays warm in a served app: imports, the base model, and memory. The page
        # keeps its last RUNS_KEPT runs; until that cache is full each new run's arrays are new memory, faulted
        # in page by page (about 20 ms more a run); then each takes the memory of the run it evicts.
        first = []
        for k in range(repeat + warmup):
            formula = f"({original}) * {1 - (k + 1) / 1000:.4f}"
            PAGE_TIMES.clear()
            t = time.perf_counter()
            box.set_value(formula).run()
            w = time.perf_counter() - t
            assert not at.exception, [e.value for e in at.exception]
            model = base.with_edits(((cell, (("formula", formula),)),))[0]
            t = time.perf_counter()
            model.simulate(n=n, seed=seed)
            b = time.perf_counter() - t
            if k >= warmup:
                page.append(PAGE_TIMES[-1]), wall.append(w), bare.append(b)
            elif k:  # the very first change also pays imports
                first.append(PAGE_TIMES[-1] / b)
            [box] = [t for t in at.text_input if str(t.key).endswith(f":{cell}")]
        ratio = [p / b for p, b in zip(page, bare)]
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"\nthe page after an input change, Deal tab open, {n:,} samples ({repeat} changes after {warmup} others, "
              f"seconds; load average {load:.1f} on {os.cpu_count()} cores)")
        print(f"{'':>8} {'bare simulate':>14} {'page script':>12} {'AppTest run':>12} {'page / simulate':>16} {'target':>7}")
        for what, f in (("median", statistics.median), ("least", min)):
            print(f"{what:>8} {f(bare):>14.3f} {f(page):>12.3f} {f(wall):>12.3f} {f(page) / f(bare):>15.2f}x {'1.5x':>7}")
        print(f"  ratio within each change: {', '.join(f'{r:.2f}' for r in ratio)} (median {statistics.median(ratio):.2f}x)")
        print("  (the least times are the cost with the least interference from other work on a shared machine)")
        if first:
            print(f"  while the page's cache of runs fills (changes 2 to {warmup}): page / simulate "
                  f"{statistics.median(first):.2f}x median (new memory for every run)")
        print(f"\neach tab opened after an input change ({n:,} samples, seconds; page script)")
        print(f"  {'':<24} {'first visit':>12} {'next visit':>11}   (next: after another input change)")
        tabs = [t.label for t in at.tabs] if at.tabs else []
        for j, view in enumerate(tabs):
            visits = []
            for again in (0, 1):  # new inputs each time: nothing cached for this tab's inputs
                box.set_value(f"({original}) * {0.5 - j / 1000 - again / 10_000:.5f}").run()
                [box] = [t for t in at.text_input if str(t.key).endswith(f":{cell}")]
                PAGE_TIMES.clear()
                at.session_state["view"] = view
                at.run()
                assert not at.exception, (view, [e.value for e in at.exception])
                visits.append(PAGE_TIMES[-1])
                at.session_state["view"] = tabs[0]
                at.run()
                [box] = [t for t in at.text_input if str(t.key).endswith(f":{cell}")]
            print(f"  {view:<24} {visits[0]:>12.3f} {visits[1]:>11.3f}")


if __name__ == "__main__":
    sys.exit(main())
