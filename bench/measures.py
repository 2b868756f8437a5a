"""Measures engine at national scale: each measure from Parquet, against vectorised pandas.

One run, same machine, same tables:

- **Data**: `bench.msds_national` writes a synthetic MSDS-shaped year as Parquet: full tier
  600,000 pregnancies and 15,000,000 contacts (about England's maternity activity in a year);
  quick tier 20,000 and 500,000. Seed 1; the tables are byte-identical for the same arguments.
- **Engine**: each measure in a fresh process: DuckDB views over the Parquet files
  (`continuity.engines.measures.attach`), then `counts(measure, month)`. The seconds are from
  opening the files to having the counts, on 2 cores (DuckDB's threads = 2); peak memory is the
  process's high-water resident memory (VmHWM), Python and DuckDB included. The engine's full
  input check (`validate`: every type, code and key) is timed once on its own: the app runs it
  when it loads a folder.
- **Baseline**: `bench/measures_pandas.py`, the same definitions with DataFrame joins and
  group-bys, all measures in one process after reading every table once (reading not timed).
- **Identical numbers**: every (measure, breakdown, group) count — denominator, numerator and
  the DQ06/DQ07 counts — must be equal in both.

Reporting month 2025-06 (the generated bookings run from January 2024 for two years, so every
cohort, including the one four months earlier for `COC_receiving_ongoing`, is full).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import emit, goal

MONTH = "2025-06"
FULL = (600_000, 25)
QUICK = (20_000, 25)
REPEATS = 3  # engine runs per measure (fresh process each); the median is quoted
THREADS = 2


def _peak_mb() -> float:
    """This process's peak resident memory. Read from /proc (VmHWM), because ru_maxrss in a
    process started by fork and exec still carries the parent's peak from before the exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _engine_once(folder: str, measure: str, queue: Any) -> None:
    import duckdb

    from continuity.engines import measures as engine

    started = time.perf_counter()
    con = duckdb.connect(config={"threads": THREADS})
    engine.attach(Path(folder), con)
    found = engine.counts(con, measure, MONTH)
    seconds = time.perf_counter() - started
    peak_mb = _peak_mb()
    packed = {k: (c.denominator, c.numerator, c.placed, c.dq06, c.dq07) for k, c in found.items()}
    queue.put((seconds, peak_mb, packed))


def _engine(folder: Path, measure: str) -> tuple[list[float], float, dict[Any, Any]]:
    ctx = mp.get_context("spawn")
    times: list[float] = []
    peak = 0.0
    packed: dict[Any, Any] = {}
    for _ in range(REPEATS):
        queue = ctx.Queue()
        proc = ctx.Process(target=_engine_once, args=(str(folder), measure, queue))
        proc.start()
        seconds, peak_mb, packed = queue.get()
        proc.join()
        times.append(seconds)
        peak = max(peak, peak_mb)
    return times, peak, packed


def _validate_seconds(folder: Path) -> float:
    import duckdb

    from continuity.engines import measures as engine

    con = duckdb.connect(config={"threads": THREADS})
    engine.attach(folder, con)
    started = time.perf_counter()
    engine.validate(con)
    return time.perf_counter() - started


def run(full: bool = False) -> dict[str, Any]:
    from bench import measures_pandas
    from bench.msds_national import generate
    from continuity.engines.measures import MEASURES

    pregnancies, per = FULL if full else QUICK
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="continuity-msds-") as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        rows = generate(folder, pregnancies, per, seed=1)
        generated = time.perf_counter() - started
        validate = _validate_seconds(folder)
        engine_runs = {name: _engine(folder, name) for name in MEASURES}
        started = time.perf_counter()
        frames = measures_pandas.read(folder)
        read_seconds = time.perf_counter() - started
        for name in MEASURES:
            times, peak, packed = engine_runs[name]
            began = time.perf_counter()
            reference = measures_pandas.counts(frames, name, MONTH)
            pandas_seconds = time.perf_counter() - began
            differing = sorted(
                str(k) for k in set(packed) | set(reference) if packed.get(k) != reference.get(k)
            )
            total = packed.get(("total", "All"))
            results.append(
                {
                    "measure": name,
                    "local": MEASURES[name].local,
                    "engine_seconds": round(statistics.median(times), 3),
                    "engine_seconds_runs": [round(t, 3) for t in times],
                    "engine_peak_mb": round(peak),
                    "pandas_seconds": round(pandas_seconds, 3),
                    "identical": not differing,
                    "differing_groups": differing[:10],
                    "groups": len(packed),
                    "denominator": total[0] if total else None,
                    "numerator": total[1] if total else None,
                }
            )
        pandas_peak = _peak_mb()
    meta = {
        "pregnancies": pregnancies,
        "contacts": rows["MSD201CareContactPreg"],
        "rows": rows,
        "generate_seconds": round(generated, 1),
        "validate_seconds": round(validate, 2),
        "pandas_read_seconds": round(read_seconds, 1),
        "pandas_peak_mb": round(pandas_peak),
        "month": MONTH,
    }
    results.append({"meta": meta})
    scale = f"{pregnancies:,} pregnancies / {rows['MSD201CareContactPreg']:,} contacts"
    measured = [r for r in results if "measure" in r]
    goals = [
        goal(
            f"slowest measure from Parquet, engine, {scale} (each ≤ 2 s on 2 cores)",
            max(r["engine_seconds"] for r in measured),
            "s",
            "<= 2",
        ),
        goal(
            f"measures whose counts differ from the pandas reference, {scale}",
            sum(not r["identical"] for r in measured),
            "count",
            "<= 0",
        ),
    ]
    return emit("measures", results, goals)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    run(full=parser.parse_args().full)
