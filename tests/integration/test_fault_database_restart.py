"""PostgreSQL stopped, started and restarted under a running server: 503s meanwhile, then recovery
by the same server process, with no restart of the app.

The test runs its own PostgreSQL cluster (initdb and pg_ctl on a temporary directory and a free
port), never the shared server; migrates it; signs a person in; serves the app with gunicorn (one
sync worker, keeping its database connection between requests as in production); and then:

1. stops the cluster: pages answer the friendly 503 page and the API its 503 body;
2. starts it again: the same worker process answers 200 again within a bounded wait;
3. restarts it (`pg_ctl restart -m fast`) while requests keep coming: every answer is a 200 or
   the friendly 503, never a 500, and 200 comes back.

Everything has a deadline, and the cluster and the server are stopped in a finaliser. It is
skipped only when the PostgreSQL server binaries are not installed.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
HEADING = "Sorry, the service is unavailable"
PAGE = "/access-review/"  # the privacy officer's start page: a signed-in page that reads records
API = "/api/v1/women"
RECOVERY_SECONDS = 30  # the most we wait for 200 after the cluster is back
OVERALL_SECONDS = 600  # the whole test, set-up and clean-up included, or it fails


def _binaries() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, else Debian's versioned directory."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(directory, "pg_ctl").exists() and Path(directory, "initdb").exists():
            return Path(directory)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster. initdb refuses to run as root, so as root every
    PostgreSQL command runs as the `postgres` user, in a directory that user owns."""

    bin: Path
    home: Path
    port: int

    @property
    def as_owner(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/continuity"

    def run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [*self.as_owner, *args], check=True, timeout=timeout, capture_output=True, cwd="/"
        )

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.home / "data"),
            "-l",
            str(self.home / "postgres.log"),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            *args,
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.home, owner.pw_uid, owner.pw_gid)
        self.run(
            str(self.bin / "initdb"),
            "-D",
            str(self.home / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.pg_ctl("start")
        admin = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute("CREATE DATABASE continuity")


def _app_env(cluster: Cluster) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "DJANGO_SETTINGS_MODULE": "continuity.config.settings",
        "CONTINUITY_SECURE_COOKIES": "0",
        "CONTINUITY_TASKS_BACKEND": "immediate",
        "CONTINUITY_DB_CONN_MAX_AGE": "60",  # a kept-alive connection, as in production
        "CONTINUITY_LOG_LEVEL": "INFO",
    }


SIGN_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from continuity.accounts.models import Role, User
user = User.objects.create_user("privacy", password="not-used-here", role=Role.PRIVACY_OFFICER)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (gunicorn's workers)."""
    found = set()
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(Path(stat).parent.name))
    return found


@pytest.fixture
def served() -> Iterator[tuple[Cluster, str, requests.Session, subprocess.Popen, Path]]:
    bin_dir = _binaries()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")

    def out_of_time(signum: int, frame: object) -> None:
        raise TimeoutError(f"the database restart test ran over {OVERALL_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(OVERALL_SECONDS)
    home = Path(tempfile.mkdtemp(prefix="pgfault"))
    cluster = Cluster(bin=bin_dir, home=home, port=_free_port())
    server: subprocess.Popen | None = None
    log_path = home / "server.log"
    try:
        cluster.init()
        env = _app_env(cluster)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run(
            [*manage, "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True, timeout=300
        )
        key = (
            subprocess.run(
                [*manage, "shell", "-v0", "-c", SIGN_IN],
                env=env,
                cwd=ROOT,
                check=True,
                timeout=120,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        port = _free_port()
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "continuity.config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--timeout",
                    "30",
                    "--error-logfile",
                    "-",
                ],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as one below
            )
        base = f"http://127.0.0.1:{port}"
        browser = requests.Session()
        browser.cookies.set("sessionid", key, domain="127.0.0.1")
        deadline = time.monotonic() + 60
        while True:
            try:
                if browser.get(base + "/accessibility/", timeout=30).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the server did not start within 60 s"
            time.sleep(0.2)
        yield cluster, base, browser, server, log_path
    finally:
        signal.alarm(0)  # clean-up has its own time limits
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=15)
        # It may not be running (initdb failed, or it is stopped already).
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            cluster.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(home, ignore_errors=True)
        signal.signal(signal.SIGALRM, previous)


def assert_friendly_503(response: requests.Response) -> None:
    assert response.status_code == 503, response.text[:500]
    assert HEADING in response.text
    assert response.headers["Retry-After"].isdigit()
    assert "no-store" in response.headers["Cache-Control"]
    assert "Traceback" not in response.text and "psycopg" not in response.text
    assert "SELECT" not in response.text and "connection" not in response.text.lower()


def wait_for_200(browser: requests.Session, url: str) -> requests.Response:
    deadline = time.monotonic() + RECOVERY_SECONDS
    while True:
        response = browser.get(url, timeout=10, allow_redirects=False)
        if response.status_code == 200:
            return response
        assert response.status_code == 503, (response.status_code, response.text[:500])
        assert time.monotonic() < deadline, f"no recovery within {RECOVERY_SECONDS} s"
        time.sleep(0.2)


def test_the_app_answers_503_while_postgresql_is_down_and_recovers_without_a_restart(served):
    cluster, base, browser, server, log_path = served
    worker = _children(server.pid)
    assert len(worker) == 1  # one gunicorn worker: every request below is served by it

    page = browser.get(base + PAGE, timeout=10, allow_redirects=False)
    assert page.status_code == 200 and "Access review" in page.text

    # 1. Stopped: the signed-in page and the API answer 503, again and again, never a 500.
    cluster.pg_ctl("stop", "-m", "fast")
    for _ in range(3):
        assert_friendly_503(browser.get(base + PAGE, timeout=10, allow_redirects=False))
    api = browser.get(base + API, timeout=10)
    assert api.status_code == 503
    assert api.json()["code"] == "unavailable" and api.headers["Retry-After"].isdigit()

    # 2. Started again: the same process answers 200, with no restart.
    cluster.pg_ctl("start")
    assert "Access review" in wait_for_200(browser, base + PAGE).text

    # 3. Restarted while requests keep coming.
    answers: list[requests.Response] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            answers.append(browser.get(base + PAGE, timeout=10, allow_redirects=False))

    hammer = threading.Thread(target=load, daemon=True)
    hammer.start()
    try:
        time.sleep(0.3)
        cluster.pg_ctl("restart", "-m", "fast")
        time.sleep(0.3)
    finally:
        stop.set()
        hammer.join(timeout=30)
    assert not hammer.is_alive()
    assert answers, "no requests were made during the restart"
    for answer in answers:
        if answer.status_code != 200:
            assert_friendly_503(answer)
    wait_for_200(browser, base + PAGE)

    # The same server process all along; the outage was logged, and never as a server error.
    assert server.poll() is None
    assert _children(server.pid) == worker
    log = log_path.read_text()
    assert "Database unavailable (OperationalError)" in log
    assert "Internal Server Error" not in log, log[-3000:]
