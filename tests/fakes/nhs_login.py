"""A stub NHS login (OpenID Connect) identity provider on loopback.

- `GET /authorize`: "signs her in" at once and redirects to `redirect_uri` with a one-time code
  and the `state`, remembering the `nonce`;
- `POST /token`: exchanges the code (client id and secret checked) for an HS256 ID token with
  issuer, audience, subject, nonce and expiry, and an access token;
- `GET /userinfo`: with that access token, her subject and NHS number.

`identity` sets the NHS number it vouches for; `tamper` makes the next ID token carry a wrong
nonce ("nonce") or a bad signature ("signature").
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt

CLIENT_ID = "continuity-test"
CLIENT_SECRET = "a-test-secret-that-is-long-enough-for-hs256"


class FakeNhsLogin:
    def __init__(self) -> None:
        self.nhs_number = "9990000018"
        self.tamper: str | None = None
        self.codes: dict[str, dict[str, str]] = {}
        self.tokens: dict[str, str] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def settings(self) -> dict[str, str]:
        return {
            "issuer": self.url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "authorize_url": f"{self.url}/authorize",
            "token_url": f"{self.url}/token",
            "userinfo_url": f"{self.url}/userinfo",
        }

    def start(self) -> FakeNhsLogin:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    fake.codes[code] = {
                        "nonce": q.get("nonce", ""),
                        "client": q.get("client_id", ""),
                    }
                    target = (
                        q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]})
                    )
                    self._send(302, {}, {"Location": target})
                elif url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in fake.tokens:
                        self._send(401, {"error": "invalid_token"})
                        return
                    self._send(200, {"sub": fake.tokens[token], "nhs_number": fake.nhs_number})
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                pending = fake.codes.pop(form.get("code", ""), None)
                if (
                    self.path != "/token"
                    or pending is None
                    or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET
                ):
                    self._send(400, {"error": "invalid_grant"})
                    return
                now = int(time.time())
                subject = f"nhslogin-{fake.nhs_number}"
                claims = {
                    "iss": fake.url,
                    "aud": CLIENT_ID,
                    "sub": subject,
                    "iat": now,
                    "exp": now + 300,
                    "nonce": "wrong" if fake.tamper == "nonce" else pending["nonce"],
                }
                key = (
                    "not-the-secret-at-all-but-long-enough"
                    if fake.tamper == "signature"
                    else CLIENT_SECRET
                )
                access = secrets.token_urlsafe(16)
                fake.tokens[access] = subject
                fake.tamper = None
                self._send(
                    200,
                    {
                        "id_token": jwt.encode(claims, key, algorithm="HS256"),
                        "access_token": access,
                        "token_type": "Bearer",
                    },
                )

        return Handler
