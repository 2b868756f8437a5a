"""A fake GOV.UK Notify API on loopback, for driving the real client through faults.

It serves what `NotificationsAPIClient` calls here:

- `POST /v2/notifications/sms` and `POST /v2/notifications/email`: checks the JSON body, records
  the request and the notification, and answers 201 with a new notification id;
- `GET /v2/notifications?reference=…`: the notifications accepted with that reference.

Every request must carry `Authorization: Bearer <JWT>` signed with the API key's secret, with the
service id as issuer, as Notify requires; otherwise 403.

Faults are scripted with `fail_next(n, fault)`, applied to the next n sends (or lookups, with
`on="lookup"`): an HTTP status (429, 500, 400, 403…) with a Notify-shaped error body, or
`"timeout"`, which holds the request open for `hang_seconds` (longer than the client's timeout).
A timed-out send is accepted first by default (`accept=True`), as happens when Notify is slow:
the client gives up, but the notification exists. `delay` slows every request a little, which
helps concurrent deliverers overlap.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"continuity_test-{SERVICE_ID}-{SECRET}"

ERRORS = {
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
    403: ("AuthError", "Invalid token: API key not found"),
    429: ("RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 s"),
    500: ("Exception", "Internal server error"),
    502: ("Exception", "Bad gateway"),
    503: ("Exception", "Service unavailable"),
}


@dataclass
class Fault:
    kind: int | str  # an HTTP status, or "timeout"
    accept: bool  # for "timeout": whether the notification is created before the hang
    message: str | None = None  # the error text to answer with, instead of Notify's usual one


@dataclass
class Recorded:
    method: str
    path: str
    body: dict[str, Any]
    query: dict[str, list[str]]
    status: int | str
    authorised: bool


@dataclass
class FakeNotify:
    hang_seconds: float = 3.0
    delay: float = 0.0
    requests: list[Recorded] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, deque[Fault]] = {"send": deque(), "lookup": deque()}
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Control ------------------------------------------------------------------------------------

    def fail_next(
        self,
        n: int,
        fault: int | str,
        *,
        on: str = "send",
        accept: bool = True,
        message: str | None = None,
    ) -> None:
        with self._lock:
            self._faults[on].extend(Fault(fault, accept, message) for _ in range(n))

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeNotify:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # let any hanging request finish now
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # What happened ------------------------------------------------------------------------------

    def sends(self, reference: str | None = None) -> list[Recorded]:
        """Send requests received (whatever was answered), optionally for one reference."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.method == "POST"
                and (reference is None or r.body.get("reference") == reference)
            ]

    def lookups(self) -> list[str]:
        with self._lock:
            return [r.query.get("reference", [""])[0] for r in self.requests if r.method == "GET"]

    def accepted(self, reference: str | None = None) -> list[dict[str, Any]]:
        """Notifications created, optionally for one reference."""
        with self._lock:
            return [
                n for n in self.notifications if reference is None or n["reference"] == reference
            ]

    # Serving ------------------------------------------------------------------------------------

    def _next_fault(self, on: str) -> Fault | None:
        with self._lock:
            queue = self._faults[on]
            return queue.popleft() if queue else None

    def _record(self, recorded: Recorded) -> None:
        with self._lock:
            self.requests.append(recorded)

    def _create(self, channel: str, body: dict[str, Any]) -> dict[str, Any]:
        notification = {
            "id": str(uuid.uuid4()),
            "reference": body.get("reference"),
            "type": channel,
            "status": "created",
            "template": {"id": body["template_id"], "version": 1, "uri": ""},
            "personalisation": body.get("personalisation") or {},
            "phone_number": body.get("phone_number"),
            "email_address": body.get("email_address"),
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
        }
        with self._lock:
            self.notifications.append(notification)
        return notification

    def _hang(self) -> None:
        self._release.wait(self.hang_seconds)


def _authorised(header: str | None) -> bool:
    if not header or not header.startswith("Bearer "):
        return False
    try:
        claims = jwt.decode(
            header.removeprefix("Bearer "),
            SECRET,
            algorithms=["HS256"],
            options={"require": ["iss", "iat"]},
        )
    except jwt.PyJWTError:
        return False
    return claims.get("iss") == SERVICE_ID


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeNotify/1"

    @property
    def fake(self) -> FakeNotify:
        return self.server.fake  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: nothing on stderr during tests

    def do_POST(self) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        authorised = _authorised(self.headers.get("Authorization"))
        channel = {"/v2/notifications/sms": "sms", "/v2/notifications/email": "email"}.get(
            parts.path
        )
        fault = fake._next_fault("send") if authorised and channel else None
        status: int | str
        if fake.delay:
            time.sleep(fake.delay)
        if channel is None:
            status = 404
        elif not authorised:
            status = 403
        elif fault is not None:
            status = fault.kind
        else:
            recipient = "phone_number" if channel == "sms" else "email_address"
            status = 201 if body.get(recipient) and body.get("template_id") else 400
        fake._record(Recorded("POST", parts.path, body, {}, status, authorised))
        if status == "timeout":
            assert fault is not None
            if fault.accept:
                fake._create(channel or "sms", body)
            fake._hang()
            return  # the client has given up; say nothing
        if status == 201:
            notification = fake._create(channel or "sms", body)
            self._json(
                201,
                {
                    "id": notification["id"],
                    "reference": notification["reference"],
                    "content": {"body": "(rendered by Notify)", "from_number": "Continuity"},
                    "uri": f"{fake.url}/v2/notifications/{notification['id']}",
                    "template": notification["template"],
                },
            )
            return
        self._error(int(status), fault.message if fault else None)

    def do_GET(self) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        authorised = _authorised(self.headers.get("Authorization"))
        fault = fake._next_fault("lookup") if authorised else None
        status: int | str = 403 if not authorised else (fault.kind if fault else 200)
        if parts.path != "/v2/notifications":
            status = 404
        fake._record(Recorded("GET", parts.path, {}, query, status, authorised))
        if status == "timeout":
            fake._hang()
            return
        if status != 200:
            self._error(int(status), fault.message if fault else None)
            return
        reference = query.get("reference", [None])[0]
        found = [
            {k: v for k, v in n.items() if k not in ("personalisation",)}
            for n in reversed(fake.accepted())
            if reference is None or n["reference"] == reference
        ]
        self._json(200, {"notifications": found, "links": {"current": f"{fake.url}{self.path}"}})

    def _error(self, status: int, message: str | None) -> None:
        error, default = ERRORS.get(status, ("Error", "Not found"))
        self._json(
            status,
            {"status_code": status, "errors": [{"error": error, "message": message or default}]},
        )

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
