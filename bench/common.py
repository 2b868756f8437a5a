"""What every benchmark shares: machine facts, goal rows, and writing bench/out/<name>.json."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"


def machine() -> dict[str, Any]:
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory_gib = round(pages / 2**30, 1)
    except (ValueError, OSError):
        memory_gib = None
    return {
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def goal(text: str, value: float, unit: str, target: str) -> dict[str, Any]:
    """A goal row; `target` is '<= N' or '>= N' and `met` is computed, never asserted by hand."""
    op, _, number = target.partition(" ")
    limit = float(number)
    met = value <= limit if op == "<=" else value >= limit if op == ">=" else None
    if met is None:
        raise ValueError(f"target must start with <= or >=: {target!r}")
    return {"goal": text, "value": round(value, 4), "unit": unit, "target": target, "met": met}


def emit(name: str, results: list[dict[str, Any]], goals: list[dict[str, Any]]) -> dict[str, Any]:
    report = {"bench": name, "machine": machine(), "results": results, "goals": goals}
    OUT.mkdir(exist_ok=True)
    text = json.dumps(report, indent=2, default=str)
    (OUT / f"{name}.json").write_text(text + "\n")
    sys.stdout.write(text + "\n")
    return report
