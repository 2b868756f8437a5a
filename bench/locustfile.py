"""Locust personas for the web load benchmark. `bench/load.py` starts Locust with this file; it is
not a test and not meant to be pointed at anything but a throwaway server on loopback.

Four personas, weighted as the issue asks: midwife 60%, team leader 20%, admin 15%, board 5%.
Each signs in once through the real sign-in page (with its CSRF token), then opens the pages that
role uses, with 1-3 s of think time between pages. Women, visits, teams and admin rows are picked
from links on the pages just read, never from hard-coded ids.

Set by `bench/load.py` in the environment:
- LOAD_PASSWORD: the demo password every account has.
- LOAD_POOLS: a JSON file of usernames per persona, e.g. {"midwife": [...], "leader": [...]}.
- LOAD_RESULTS: a CSV file that gets one row per request (start time, page, milliseconds, status,
  error), so percentiles and APDEX come from every request, not from Locust's rounded buckets.
- LOAD_MARKS: a JSON-lines file of events (all users spawned; Locust's own CPU warnings).
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "")
POOLS: dict[str, list[str]] = json.loads(Path(os.environ["LOAD_POOLS"]).read_text())["pools"]

_RESULTS = open(os.environ["LOAD_RESULTS"], "w", newline="", buffering=1)  # noqa: SIM115
_WRITER = csv.writer(_RESULTS)
_WRITER.writerow(["start", "method", "page", "ms", "status", "error"])
_MARKS = open(os.environ["LOAD_MARKS"], "a", buffering=1)  # noqa: SIM115

WOMAN = re.compile(r'href="/women/([0-9a-f-]{36})/"')
VISIT = re.compile(r'href="/visits/(\d+)/outcome/"')
TEAM = re.compile(r'href="/teams/(\d+)/"')
SIGN_IN_PAGES = ("/sign-in/", "/django-admin/login/")  # landing here means the session was lost
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    response: Any = None,
    exception: Any = None,
    start_time: float | None = None,
    **_kw: Any,
) -> None:
    status = getattr(response, "status_code", 0) or 0
    started = start_time if start_time is not None else time.time() - response_time / 1000
    error = "" if exception is None else type(exception).__name__ + ": " + str(exception)[:120]
    _WRITER.writerow([f"{started:.3f}", request_type, name, f"{response_time:.2f}", status, error])


@events.user_error.add_listener
def _user_error(user_instance: Any, exception: Exception, **_kw: Any) -> None:
    """A persona that crashed (a page without the link it needed, a bug here) is an error too."""
    error = "user error: " + type(exception).__name__ + ": " + str(exception)[:120]
    name = type(user_instance).__name__
    _WRITER.writerow([f"{time.time():.3f}", "", f"({name} crashed)", "0", 0, error])


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_kw: Any) -> None:
    _MARKS.write(json.dumps({"event": "spawned", "at": time.time(), "users": user_count}) + "\n")


@events.cpu_warning.add_listener
def _cpu(cpu_usage: float, **_kw: Any) -> None:
    _MARKS.write(json.dumps({"event": "cpu_warning", "at": time.time(), "cpu": cpu_usage}) + "\n")


@events.quitting.add_listener
def _close(**_kw: Any) -> None:
    _RESULTS.flush()
    _MARKS.flush()


class Persona(HttpUser):
    """Signs in as one user of its pool, then browses. Every page is checked: a status of 400
    or more, a connection failure, or landing back on a sign-in page is an error."""

    abstract = True
    pool = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.username = random.choice(POOLS[self.pool])
        self.sign_in()

    def sign_in(self) -> None:
        page = self.get("/sign-in/", "sign-in page", signed_in=False)
        token = CSRF.search(page)
        data = {"username": self.username, "password": PASSWORD}
        data["csrfmiddlewaretoken"] = token.group(1) if token else ""
        with self.client.post(
            "/sign-in/", data=data, name="sign in", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused (status {response.status_code})")

    def get(self, path: str, name: str, *, signed_in: bool = True) -> str:
        """GET a page (following redirects); the body, or "" when it failed."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code >= 400:
                response.failure(f"status {response.status_code}")
                return ""
            if signed_in and any(page in response.url for page in SIGN_IN_PAGES):
                response.failure("sent back to a sign-in page")
                return ""
            return response.text

    @staticmethod
    def pick(pattern: re.Pattern[str], body: str) -> list[str]:
        return list(dict.fromkeys(pattern.findall(body)))


class Midwife(Persona):
    """A continuity midwife: her day, her caseload, a woman's record and plan, a visit."""

    weight = 60
    pool = "midwife"

    def on_start(self) -> None:
        super().on_start()
        self.women: list[str] = []
        self.visits: list[str] = []
        self.caseload()

    @task(3)
    def today(self) -> None:
        body = self.get("/visits/today/", "today")
        found = self.pick(VISIT, body)
        if not found:  # a quiet day (or a weekend): her next working day, as she would
            for days in (1, 2, 3):
                day = time.strftime("%Y-%m-%d", time.localtime(time.time() + days * 86400))
                found = self.pick(VISIT, self.get(f"/visits/today/?date={day}", "today (a day)"))
                if found:
                    break
        self.visits = found or self.visits

    @task(3)
    def caseload(self) -> None:
        sort = random.choice(["edd", "edd", "name", "gestation", "next_contact"])
        self.women = self.pick(WOMAN, self.get(f"/caseload/?sort={sort}", "my caseload"))

    @task(1)
    def buddy_caseload(self) -> None:
        self.get("/caseload/?as=buddy", "my caseload (as buddy)")

    @task(4)
    def woman(self) -> None:
        if self.women:
            ref = random.choice(self.women)
            self.get(f"/women/{ref}/", "a woman's record")
            if random.random() < 0.3:
                self.get(f"/women/{ref}/plan/", "a woman's plan")

    @task(2)
    def visit(self) -> None:
        if self.visits:
            self.get(f"/visits/{random.choice(self.visits)}/outcome/", "a visit (record outcome)")

    @task(1)
    def rota(self) -> None:
        self.get("/rota/", "my rota")

    @task(1)
    def team_cover(self) -> None:
        self.get("/cover/", "team cover calendar")


class TeamLeader(Persona):
    """A team leader: her teams, the team caseload, allocation, cover and the week planner."""

    weight = 20
    pool = "leader"

    def on_start(self) -> None:
        super().on_start()
        self.teams: list[str] = []
        self.women: list[str] = []
        self.team_list()

    @task(1)
    def team_list(self) -> None:
        self.teams = self.pick(TEAM, self.get("/teams/", "teams"))

    @task(3)
    def team_caseload(self) -> None:
        if self.teams:
            body = self.get(f"/teams/{random.choice(self.teams)}/", "team caseload")
            self.women = self.pick(WOMAN, body) or self.women

    @task(2)
    def woman(self) -> None:
        if self.women:
            self.get(f"/women/{random.choice(self.women)}/", "a woman's record")

    @task(3)
    def allocation(self) -> None:
        self.get("/allocation/", "allocation queue")

    @task(1)
    def capacity(self) -> None:
        self.get("/allocation/capacity/", "allocation capacity")

    @task(2)
    def cover(self) -> None:
        view = random.choice(["week", "week", "month"])
        self.get(f"/cover/?view={view}", f"team cover calendar ({view})")

    @task(1)
    def cover_requests(self) -> None:
        self.get("/cover/requests/", "leave requests")

    @task(2)
    def planner(self) -> None:
        self.get("/visits/plan/", "week planner")

    @task(1)
    def measures(self) -> None:
        self.get("/measures/", "measures")


ADMIN_LISTS = [
    ("/django-admin/accounts/user/", "admin: users"),
    ("/django-admin/accounts/user/?role=midwife", "admin: users (filtered)"),
    ("/django-admin/workforce/midwife/", "admin: midwives"),
    ("/django-admin/workforce/rotaentry/", "admin: rota entries"),
    ("/django-admin/organisations/team/", "admin: teams"),
    ("/django-admin/organisations/site/", "admin: sites"),
    ("/django-admin/pregnancies/pregnancy/", "admin: pregnancies"),
    ("/django-admin/notifications/outboxmessage/", "admin: outbox"),
    ("/django-admin/core/auditevent/", "admin: audit events"),
    ("/django-admin/api/apitoken/", "admin: API tokens"),
]
ADMIN_CHANGE = re.compile(r'href="(/django-admin/(?:accounts/user|workforce/midwife)/\d+/change/)')


class Admin(Persona):
    """The administrator: Django admin only (the role has no clinical or clerical pages)."""

    weight = 15
    pool = "admin"

    def on_start(self) -> None:
        super().on_start()
        self.rows: list[str] = []
        self.index()

    @task(1)
    def index(self) -> None:
        self.get("/django-admin/", "admin: index")

    @task(4)
    def changelist(self) -> None:
        path, name = random.choice(ADMIN_LISTS)
        self.rows = self.pick(ADMIN_CHANGE, self.get(path, name)) or self.rows

    @task(2)
    def change(self) -> None:
        if self.rows:
            path = random.choice(self.rows)
            kind = "user" if "/accounts/user/" in path else "midwife"
            self.get(path, f"admin: a {kind}")


class Board(Persona):
    """A board safety champion: the service overview, the measures and the board report."""

    weight = 5
    pool = "board"

    def on_start(self) -> None:
        super().on_start()
        self.overview()

    @task(2)
    def overview(self) -> None:
        self.get("/overview/", "service overview")

    @task(3)
    def measures(self) -> None:
        self.get("/measures/", "measures")

    @task(2)
    def board_report(self) -> None:
        self.get("/measures/board-report/", "board report")

    @task(1)
    def you_said(self) -> None:
        self.get("/concerns/you-said-we-did/", "you said, we did")
