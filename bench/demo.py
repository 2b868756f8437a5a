"""Demo trust generator: how long a synthetic trust takes to generate and to load.

Quick tier: 1,000 and 3,000 births a year; full tier adds 10,000 (the benchmark scale).
Loading goes into a throwaway SQLite database (PostgreSQL when BENCH_DATABASE_URL is set).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from typing import Any

from bench.common import emit, goal

TODAY = date(2026, 11, 21)


def _setup_django() -> None:
    tmp = tempfile.mkdtemp(prefix="continuity-bench-")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuity.config.settings")
    os.environ.setdefault("CONTINUITY_FAST_PASSWORD_HASHER", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _flush() -> None:
    from django.core.management import call_command

    call_command("flush", verbosity=0, interactive=False)


def run(full: bool = False) -> dict[str, Any]:
    from continuity.demo.generator import DemoParams, generate

    _setup_django()
    from continuity.demo.load import load

    sizes = [1000, 3000, 10000] if full else [1000, 3000]
    results = []
    for births in sizes:
        t0 = time.perf_counter()
        trust = generate(DemoParams(births_per_year=births, seed=1, today=TODAY))
        generated = time.perf_counter() - t0
        _flush()
        t1 = time.perf_counter()
        report = load(trust, password="bench-password")
        loaded = time.perf_counter() - t1
        results.append(
            {
                "instance": f"{births} births/year",
                "solver": "continuity.demo",
                "seed": 1,
                "generate_seconds": round(generated, 3),
                "load_seconds": round(loaded, 3),
                "women": len(trust.women),
                "midwives": len(trust.midwives),
                "rows": sum(report.counts.values()),
            }
        )
    largest = results[-1]
    goals = [
        goal(
            f"generate a {largest['instance']} trust",
            largest["generate_seconds"],
            "s",
            "<= 10",
        ),
        goal(f"load a {largest['instance']} trust", largest["load_seconds"], "s", "<= 60"),
    ]
    return emit("demo", results, goals)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    run(full=parser.parse_args().full)
