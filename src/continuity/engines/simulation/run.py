"""Replications of the service year, in parallel processes, summarised with 95% intervals.

Replication k uses seed `seed + k`. Each replication depends only on the scenario and its own
seed, and the outcomes are put back in the order of k, so the result is the same for any number
of workers.

Each output's interval is mean ± q × sd / √n, where sd is the sample standard deviation and q is
Student's t quantile (0.975, n − 1) for n < 30 replications, or the normal quantile 1.959964 from
30 on.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Literal

from scipy.stats import t as student_t

from continuity.engines.simulation.model import (
    METRICS,
    Result,
    Scenario,
    SimulationInputError,
    Summary,
    YearOutcome,
)
from continuity.engines.simulation.sim import simulate_year

MAX_REPLICATIONS = 10_000
MAX_WORKERS = 256
MAX_SEED = 2**63 - 1
NORMAL_FROM = 30  # replications from which the normal quantile replaces Student's t
NORMAL_975 = 1.959963984540054


def _check_whole(value: object, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SimulationInputError(path, f"must be a whole number from {low} to {high}")
    return value


def quantile(n: int) -> tuple[float, Literal["t", "normal"]]:
    """The two-sided 95% quantile for the mean of n replications, and which law gave it."""
    if n >= NORMAL_FROM:
        return NORMAL_975, "normal"
    if n < 2:
        return math.nan, "t"  # no interval from one replication
    return float(student_t.ppf(0.975, n - 1)), "t"


def summarise(metric: str, values: Sequence[float]) -> Summary:
    mean = math.fsum(values) / len(values)
    if len(values) < 2:
        return Summary(metric, mean, None, None, None, None)
    sd = statistics.stdev(values)
    q, _ = quantile(len(values))
    half = q * sd / math.sqrt(len(values))
    return Summary(metric, mean, sd, mean - half, mean + half, half)


def _one(job: tuple[Scenario, int]) -> YearOutcome:
    return simulate_year(*job)


def check_run_arguments(replications: object, seed: object, workers: object) -> None:
    """Raise SimulationInputError naming `replications`, `seed` or `workers` if one is out of
    range."""
    _check_whole(replications, "replications", 1, MAX_REPLICATIONS)
    _check_whole(seed, "seed", 0, MAX_SEED - MAX_REPLICATIONS)
    _check_whole(workers, "workers", 1, MAX_WORKERS)


def run(scenario: Scenario, replications: int, seed: int, workers: int = 1) -> Result:
    """`replications` years with seeds seed, seed + 1, ...; `workers` processes (1: in this one)."""
    check_run_arguments(replications, seed, workers)
    seeds = tuple(seed + k for k in range(replications))
    jobs = [(scenario, s) for s in seeds]
    if workers == 1 or replications == 1:
        runs = [_one(job) for job in jobs]
    else:
        chunk = max(1, replications // (4 * workers))
        with ProcessPoolExecutor(max_workers=min(workers, replications)) as pool:
            runs = list(pool.map(_one, jobs, chunksize=chunk))
    _, method = quantile(replications)
    summaries = tuple(
        summarise(metric, [float(getattr(r, metric)) for r in runs]) for metric in METRICS
    )
    return Result(
        scenario=scenario,
        replications=replications,
        seed=seed,
        seeds=seeds,
        interval_method=method,
        summaries=summaries,
        runs=tuple(runs),
    )
