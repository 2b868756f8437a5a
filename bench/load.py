"""Web load: latency, APDEX and errors under a bounded Locust load, 10,000 women in PostgreSQL.

One run, everything on 127.0.0.1:
1. drop and create a throwaway PostgreSQL database (`continuity_load`; the server, user and
   password come from BENCH_DATABASE_URL if set, else postgres@127.0.0.1:5432),
2. in a child process: migrate, load the demo trust (the `demo` command: generator, loader,
   voice, planned weeks and measures, not the planning scenarios) at 5,400 births a year, which
   gives just over 10,000 women, then VACUUM ANALYZE, as a production database that has been
   running would be (otherwise autovacuum works through the freshly loaded tables during the
   load and is measured as the application's latency),
3. serve it with gunicorn as in production (DEBUG off, real password hashing, the database task
   queue; cookies not marked Secure because loopback is plain HTTP),
4. run Locust headless in a child process (bench/locustfile.py): 50 users, 2 new users a second,
   then 60 s of steady load (300 s with --full),
5. stop the server and drop the database, whatever happened.

Every step has a time limit and child processes run in their own process groups, so a hang or a
failure never outlives the run.

Results come from every request (one row each, written by the locustfile). Latency goals and
APDEX are computed over the steady phase, from the moment all 50 users have been spawned; the
ramp-up (when the sign-ins, with real password hashing, happen) is reported alongside. The
users goal counts users that were spawned and signed in. Errors
count over the whole run: any status of 400 or more, a connection failure, or being sent back to
the sign-in page. APDEX uses T = 0.5 s: satisfied at most 0.5 s, tolerating at most 2 s, errors
count as frustrated.

Gunicorn: sync workers, by gunicorn's own rule of (2 x cores) + 1: 5 on a 2-core machine. Django
views are synchronous and mostly CPU (ORM, templates) between short loopback queries, so threads
would mostly wait on the GIL; sync workers also give each worker its own persistent database
connection. Locust does not fetch static files (no browser), so only the pages are measured.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.common import emit, goal

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "continuity_load"
BIRTHS = 5400  # births a year: seed 1 gives 10,200 women (5,300 would give 9,975)
SEED = 1
PASSWORD = "continuity-load-bench"  # noqa: S105 - the throwaway demo accounts' password
USERS = 50
SPAWN_RATE = 2  # new users a second: 25 s of ramp-up, sign-ins spread out
STEADY_SECONDS = {False: 60, True: 300}
WORKERS = 2 * (os.cpu_count() or 1) + 1  # gunicorn's own rule: 5 on 2 cores
APDEX_T = 0.5
PREPARE_TIMEOUT = 1800
READY_TIMEOUT = 180


# -- database -------------------------------------------------------------------------------------


def _server_url() -> str:
    """The PostgreSQL server (scheme, user, password, host, port) without a database name."""
    raw = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(raw)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("bench.load needs PostgreSQL: BENCH_DATABASE_URL must be postgresql://")
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def _database_url() -> str:
    return f"{_server_url()}/{DATABASE}"


def _admin(sql: str) -> None:
    """Run one statement on the server's maintenance database, outside a transaction."""
    import psycopg

    with psycopg.connect(f"{_server_url()}/postgres", autocommit=True, connect_timeout=10) as c:
        c.execute(sql)


def _recreate_database() -> None:
    _admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    _admin(f"CREATE DATABASE {DATABASE}")


def _drop_database() -> None:
    try:
        _admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    except Exception as exc:  # say so, and never hide the run's own result
        print(f"bench.load: could not drop {DATABASE}: {exc}", file=sys.stderr)


def _child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Production-like settings for every child: nothing inherited from other benchmarks (which
    switch on the fast test password hasher) leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTINUITY_", "DJANGO_"))}
    env.update(
        {
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "continuity.config.settings",
            "CONTINUITY_DEBUG": "0",
            "CONTINUITY_SECURE_COOKIES": "0",
            "CONTINUITY_FAST_PASSWORD_HASHER": "0",
            "CONTINUITY_DEMO_PASSWORD": PASSWORD,
            "CONTINUITY_NOTIFIER": "console",
        }
    )
    env.update(extra or {})
    return env


def prepare(pools_file: Path) -> None:
    """Child process: migrate, load the demo trust, VACUUM ANALYZE; write the pools and counts."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from continuity.accounts.models import Role, User
    from continuity.organisations.models import Team
    from continuity.pregnancies.models import Contact, Pregnancy, Woman

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter() - started
    # The whole demo but its workforce planning scenarios (a minute of simulation for pages no
    # persona here opens).
    call_command(
        "demo",
        births=str(BIRTHS),
        seed=str(SEED),
        today=str(timezone.localdate()),
        no_scenarios=True,
    )
    with connection.cursor() as cursor:  # outside a transaction: Django autocommits
        cursor.execute("VACUUM ANALYZE")
    midwives = User.objects.filter(
        role=Role.MIDWIFE,
        is_active=True,
        midwife__end_date__isnull=True,
        midwife__team__care_model=Team.Model.CONTINUITY,
    )
    pools = {
        "midwife": sorted(midwives.values_list("username", flat=True)),
        "leader": sorted(
            User.objects.filter(role=Role.TEAM_LEADER, is_active=True).values_list(
                "username", flat=True
            )
        ),
        "admin": ["admin"],
        "board": ["board"],
    }
    counts = {
        "women": Woman.objects.count(),
        "pregnancies": Pregnancy.objects.count(),
        "active_pregnancies": Pregnancy.objects.filter(
            status__in=Pregnancy.ACTIVE_STATUSES
        ).count(),
        "contacts": Contact.objects.count(),
        "users": User.objects.count(),
        "migrate_seconds": round(migrated, 1),
        "prepare_seconds": round(time.perf_counter() - started, 1),
    }
    pools_file.write_text(json.dumps({"pools": pools, "counts": counts}))


# -- processes ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(process: subprocess.Popen[Any] | None, grace: float = 15) -> None:
    """SIGTERM the child's process group, then SIGKILL it if it has not gone within `grace`."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)
    except ProcessLookupError:
        pass


def _run(cmd: list[str], env: dict[str, str], timeout: float, log: Path) -> int:
    """Run a child in its own process group with its output in `log`; kill it at `timeout`."""
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process, grace=5)
            raise RuntimeError(f"{cmd[2]} did not finish in {timeout:.0f} s (see {log})") from None
        finally:
            _stop(process, grace=5)


def _serve(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[Any]:
    """Start gunicorn and wait until every worker answers quickly (a readiness probe)."""
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "continuity.config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        "--preload",  # Django is set up once, before the workers fork
        "--timeout=60",
        "--graceful-timeout=10",
        f"--error-logfile={log}",
    ]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _warm_up(server, f"http://127.0.0.1:{port}/sign-in/", log)
    except BaseException:
        _stop(server)
        raise
    return server


def _probe(url: str) -> float:
    """Seconds one GET took; raises if it failed."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - http on loopback
        response.read()
        if response.status != 200:
            raise OSError(f"status {response.status}")
    return time.perf_counter() - started


def _warm_up(server: subprocess.Popen[Any], url: str, log: Path) -> None:
    """Each worker imports the URLconf and compiles its first template on its first request
    (several seconds). Send rounds of concurrent requests until a whole round is quick, so that
    cost is not measured as load."""
    deadline = time.monotonic() + READY_TIMEOUT
    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode} (see {log})")
            try:
                times = list(pool.map(_probe, [url] * 2 * WORKERS))
            except OSError:
                time.sleep(0.5)
                continue
            if max(times) < 0.5:
                return
    raise RuntimeError(f"gunicorn was not ready within {READY_TIMEOUT} s (see {log})")


def _cpu_seconds(server: subprocess.Popen[Any]) -> float:
    """CPU seconds used so far by gunicorn's master and workers (psutil comes with Locust)."""
    import psutil

    total = 0.0
    master = psutil.Process(server.pid)
    for process in [master, *master.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _busy_percent(seconds: float) -> float:
    """How busy all the cores were, in percent, over the next `seconds` (psutil, from Locust)."""
    import psutil

    return float(psutil.cpu_percent(interval=seconds))


def _children_cpu_seconds() -> float:
    """CPU seconds of this process's finished children (Locust, once it has exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- results --------------------------------------------------------------------------------------


def _percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (the value at or below which q% fall)."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Request count, errors, p50/p95/p99 in ms and APDEX(T) for a list of request rows."""
    ms = sorted(r["ms"] for r in rows)
    errors = sum(1 for r in rows if r["error"])
    satisfied = sum(1 for r in rows if not r["error"] and r["ms"] <= APDEX_T * 1000)
    tolerating = sum(
        1 for r in rows if not r["error"] and APDEX_T * 1000 < r["ms"] <= 4000 * APDEX_T
    )
    return {
        "requests": len(rows),
        "errors": errors,
        "p50_ms": round(_percentile(ms, 50), 1),
        "p95_ms": round(_percentile(ms, 95), 1),
        "p99_ms": round(_percentile(ms, 99), 1),
        "max_ms": round(ms[-1], 1) if ms else math.nan,
        "apdex": round((satisfied + tolerating / 2) / len(rows), 4) if rows else math.nan,
    }


def _read_rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(newline="") as f:
        return [
            {
                "start": float(r["start"]),
                "page": r["page"],
                "ms": float(r["ms"]),
                "status": int(r["status"]),
                "error": r["error"],
            }
            for r in csv.DictReader(f)
        ]


def _read_marks(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# -- the benchmark --------------------------------------------------------------------------------


def _locust(port: int, run_seconds: int, work: Path, pools: Path) -> None:
    env = _child_env(
        {
            "LOAD_PASSWORD": PASSWORD,
            "LOAD_POOLS": str(pools),
            "LOAD_RESULTS": str(work / "requests.csv"),
            "LOAD_MARKS": str(work / "marks.jsonl"),
        }
    )
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        f"--users={USERS}",
        f"--spawn-rate={SPAWN_RATE}",
        f"--run-time={run_seconds}s",
        "--stop-timeout=10",
        f"--host=http://127.0.0.1:{port}",
        "--only-summary",
        "--loglevel=WARNING",
    ]
    # Locust exits with 1 when any request failed; that is a result, read from the rows.
    _run(cmd, env, timeout=run_seconds + 120, log=work / "locust.log")


def run(full: bool = False) -> dict[str, Any]:
    steady = STEADY_SECONDS[full]
    ramp = math.ceil(USERS / SPAWN_RATE)
    work = Path(tempfile.mkdtemp(prefix="continuity-load-"))
    pools_file = work / "pools.json"
    server = None
    try:
        _recreate_database()
        code = _run(
            [sys.executable, "-m", "bench.load", "--prepare", str(pools_file)],
            _child_env(),
            timeout=PREPARE_TIMEOUT,
            log=work / "prepare.log",
        )
        if code != 0 or not pools_file.exists():
            raise RuntimeError(f"loading the trust failed (see {work / 'prepare.log'})")
        prepared = json.loads(pools_file.read_text())
        counts = prepared["counts"]
        print(
            f"bench.load: {counts['women']:,} women ({counts['active_pregnancies']:,} in care), "
            f"{counts['contacts']:,} contacts, {counts['users']:,} users; "
            f"loaded in {counts['prepare_seconds']} s",
            file=sys.stderr,
        )
        port = _free_port()
        server = _serve(port, _child_env(), work / "gunicorn.log")
        print(f"bench.load: {USERS} users for {ramp} + {steady} s", file=sys.stderr)
        load_before = os.getloadavg()[0]  # a minute's decaying average: includes the loading
        busy_before = _busy_percent(3.0)  # what the cores are doing now, before the load
        server_cpu, locust_cpu = _cpu_seconds(server), _children_cpu_seconds()
        _locust(port, ramp + steady, work, pools_file)
        server_cpu = _cpu_seconds(server) - server_cpu
        locust_cpu = _children_cpu_seconds() - locust_cpu
    finally:
        _stop(server)
        _drop_database()

    rows = _read_rows(work / "requests.csv")
    if not rows:
        raise RuntimeError(f"Locust recorded no requests (see {work / 'locust.log'})")
    marks = _read_marks(work / "marks.jsonl")
    spawned = next((m for m in marks if m["event"] == "spawned"), None)
    signed_in = sum(1 for r in rows if r["page"] == "sign in" and not r["error"])
    users = min(spawned["users"] if spawned else 0, signed_in)  # spawned, and each signed in
    since = spawned["at"] if spawned else math.inf
    steady_rows = [r for r in rows if r["start"] >= since]
    ramp_rows = [r for r in rows if r["start"] < since]
    whole = summarise(rows)
    steady_summary = summarise(steady_rows)
    elapsed = (max(r["start"] for r in rows) - since) if steady_rows else 0.0

    by_page: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in steady_rows:
        by_page[r["page"]].append(r)
    pages = sorted(
        ({"page": page, **summarise(rs)} for page, rs in by_page.items()),
        key=lambda p: -p["p95_ms"],
    )
    error_kinds: dict[str, int] = defaultdict(int)
    for r in rows:
        if r["error"]:
            error_kinds[f"{r['page']}: {r['error']}"] += 1

    instance = f"{counts['women']:,} women, {USERS} users, {steady} s steady"
    results = [
        {"instance": instance, "phase": "steady (all users spawned)", **steady_summary},
        {"instance": instance, "phase": "ramp-up (sign-ins)", **summarise(ramp_rows)},
        {"instance": instance, "phase": "whole run", **whole},
        {
            "instance": instance,
            "data": counts,
            "server": f"gunicorn, {WORKERS} sync workers",
            "users": users,
            "spawn_rate_per_s": SPAWN_RATE,
            "steady_seconds_measured": round(elapsed, 1),
            "throughput_per_s": round(len(steady_rows) / elapsed, 1) if elapsed else 0.0,
            "locust_cpu_warnings": sum(1 for m in marks if m["event"] == "cpu_warning"),
            # How busy the machine was: other work on its cores makes every latency pessimistic.
            "load_average_1min_before": round(load_before, 2),
            "cpu_busy_percent_before": round(busy_before, 1),
            "server_cpu_seconds": round(server_cpu, 1),
            "server_cpu_ms_per_request": round(1000 * server_cpu / len(rows), 1),
            "locust_cpu_seconds": round(locust_cpu, 1),
            "errors_by_kind": dict(error_kinds),
            "pages": pages,
        },
    ]
    _print_pages(pages)
    print(f"bench.load: logs and every request's row are in {work}", file=sys.stderr)
    if busy_before > 25:
        print(
            f"bench.load: the machine was already busy ({busy_before:.0f}% of its "
            f"{os.cpu_count()} cores in the 3 s before the load): these latencies are pessimistic",
            file=sys.stderr,
        )
    goals = [
        goal("women in the database", counts["women"], "women", ">= 10000"),
        goal("concurrent users (spawned and signed in)", users, "users", ">= 50"),
        goal("p95 latency, steady phase", steady_summary["p95_ms"], "ms", "<= 300"),
        goal("APDEX (T = 0.5 s), steady phase", steady_summary["apdex"], "", ">= 0.95"),
        goal("errors, whole run", whole["errors"], "requests", "<= 0"),
    ]
    return emit("load", results, goals)


def _print_pages(pages: list[dict[str, Any]]) -> None:
    print(
        "\n| page (steady phase) | requests | p50 ms | p95 ms | p99 ms | errors |", file=sys.stderr
    )
    print("|---|---|---|---|---|---|", file=sys.stderr)
    for p in pages:
        print(
            f"| {p['page']} | {p['requests']} | {p['p50_ms']} | {p['p95_ms']} | "
            f"{p['p99_ms']} | {p['errors']} |",
            file=sys.stderr,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare)
    else:
        run(full=args.full)
