"""Who is asking, may they, and is the request safe to read: keys, sessions, CSRF, limits, headers.

* **Keys**: ``Authorization: Bearer <key>`` (or ``X-API-Key``) on API calls; a browser logs in
  once with a key and gets a signed session cookie (HttpOnly, SameSite=Strict; Secure over
  HTTPS) naming the key, valid ``serve.session_hours`` and only while the key is in the keys file.
* **CSRF**: a request that changes something and is authenticated by the cookie must carry the
  session's token (form field ``csrf`` or header ``X-CSRF-Token``; an HMAC of the cookie);
  the login form uses a double-submit cookie. Every unsafe request from another site (its
  ``Origin`` or ``Sec-Fetch-Site`` says so) is refused, also without keys.
* **Limits**: a token bucket per key (per address without one); the request body is capped
  before it is read (``Content-Length``) and while it is read (:class:`BodyLimit`).
* **Headers**: a strict Content-Security-Policy (no inline scripts; the report's own inline
  script is allowed by its hash), ``nosniff``, ``no-referrer``, ``frame-ancestors 'none'``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from sciwire.errors import MissingDependencyError

try:
    from starlette.exceptions import HTTPException
except ImportError as exc:  # pragma: no cover - the serve extra is missing
    raise MissingDependencyError("fastapi", "sciwire serve", "serve") from exc

from sciwire.serve.keys import ApiKey, role_allows
from sciwire.serve.ratelimit import RateLimiter
from sciwire.serve.settings import ServeSettings

SESSION_COOKIE = "sciwire_session"
LOGIN_CSRF_COOKIE = "sciwire_login_csrf"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The policy of every page but the report (which adds its inline script's hash).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: the key's id, name and role; ``via_cookie`` for browser sessions."""

    key_id: str
    name: str
    role: str
    via_cookie: bool = False

    def may(self, role: str) -> bool:
        """Whether this principal's role includes ``role``."""
        return role_allows(self.role, role)


#: Who every request is when no keys are configured (loopback only).
LOCAL = Principal("local", "local", "admin")


class Access:
    """Authentication, sessions and CSRF tokens of one service.

    Args:
        settings: The service's settings (keys, secret, session length, rate limits).
    """

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        serve = settings.config.serve
        self.limiter = RateLimiter(serve.rate_per_minute, serve.rate_burst)

    def _sign(self, text: str) -> str:
        mac = hmac.new(self.settings.secret, text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def session_cookie(self, key: ApiKey) -> str:
        """A signed session value for ``key`` (expires after ``serve.session_hours``)."""
        expires = int(time.time() + self.settings.config.serve.session_hours * 3600)
        return f"v1.{key.id}.{expires}.{self._sign(f'{key.id}.{expires}.{key.hash}')}"

    def from_session(self, value: str) -> Principal | None:
        """The principal of a session cookie; None when it is forged, expired or its key is gone."""
        parts = value.split(".")
        if len(parts) != 4 or parts[0] != "v1" or not parts[2].isdigit():
            return None
        key = self.settings.keys.get(parts[1])
        if key is None or int(parts[2]) < time.time():
            return None
        if not hmac.compare_digest(parts[3], self._sign(f"{key.id}.{parts[2]}.{key.hash}")):
            return None
        return Principal(key.id, key.name, key.role, via_cookie=True)

    def csrf_token(self, session: str) -> str:
        """The CSRF token bound to a session cookie value."""
        return self._sign("csrf." + session)

    def check_csrf(self, session: str, token: str | None) -> bool:
        """Whether ``token`` is the session's CSRF token."""
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token(session))

    def authenticate(self, headers: MutableMapping[str, str] | Any, cookies: dict[str, str]) -> Principal | None:
        """Who the request is, from its key header or its session cookie; None when anonymous.

        Raises:
            AccessError: When a key header is present but not a valid key.
        """
        auth = headers.get("authorization", "")
        presented = auth[7:].strip() if auth[:7].lower() == "bearer " else headers.get("x-api-key", "").strip()
        if presented:
            if self.settings.open_access:
                return LOCAL
            key = self.settings.keys.authenticate(presented)
            return Principal(key.id, key.name, key.role)
        session = cookies.get(SESSION_COOKIE)
        if session and not self.settings.open_access:
            return self.from_session(session)
        return LOCAL if self.settings.open_access else None


def cross_site(method: str, headers: MutableMapping[str, str] | Any, host: str) -> bool:
    """Whether an unsafe request comes from another site (by ``Sec-Fetch-Site``, else by ``Origin``).

    A browser that sends ``Sec-Fetch-Site`` is believed: under ``Referrer-Policy: no-referrer``
    Chromium sends ``Origin: null`` with the service's own form posts (``Sec-Fetch-Site:
    same-origin``), which must not be refused.
    """
    if method not in UNSAFE_METHODS:
        return False
    site = headers.get("sec-fetch-site", "")
    if site:
        return site in ("cross-site", "same-site")
    origin = headers.get("origin")
    if origin is None:
        return False
    return origin == "null" or origin.split("://", 1)[-1] != host


def new_login_token() -> str:
    """A random value for the login form's double-submit cookie."""
    return secrets.token_urlsafe(24)


def report_csp(html: bytes) -> str:
    """The policy for a report page: the report's own policy (its inline script by hash, never any
    other script; see :func:`sciwire.report.html.content_security_policy`), plus no connections and
    no framing.

    Style attributes of the report's badges need ``'unsafe-inline'`` styles (no scripts run from them).
    """
    from sciwire.report.html import content_security_policy

    policy = content_security_policy(html.decode("utf-8", errors="replace"))
    return f"{policy}; connect-src 'none'; frame-ancestors 'none'"


class BodyTooLarge(HTTPException):
    """Raised inside the app when a streamed body passes the cap (413; FastAPI passes it through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body too large: at most {limit} bytes")


Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


class BodyLimit:
    """ASGI middleware: 413 for a body over ``limit`` bytes (``Content-Length`` before reading, a count while reading).

    Also sets the security headers on every response (a handler's own CSP is kept), and with
    ``loopback_only`` (no keys) answers 421 to a request whose ``Host`` is not a loopback name: a
    web page whose domain was rebound to 127.0.0.1 (DNS rebinding) cannot use an open service.
    """

    def __init__(self, app: ASGIApp, limit: int, loopback_only: bool = False) -> None:
        self.app = app
        self.limit = limit
        self.loopback_only = loopback_only

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                extra = {**HEADERS, "Content-Security-Policy": CSP}
                for name, value in extra.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        request_headers = dict(scope.get("headers", []))
        if self.loopback_only and not _loopback_host(request_headers.get(b"host", b"").decode("latin-1")):
            await _plain(send_with_headers, 421, "This service without API keys answers only to 127.0.0.1 or localhost")
            return
        length = request_headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _plain(send_with_headers, 413, f"Request body too large: at most {self.limit} bytes")
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        try:
            await self.app(scope, counted, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _plain(send_with_headers, 413, f"Request body too large: at most {self.limit} bytes")


def _loopback_host(host: str) -> bool:
    """Whether a ``Host`` header names this machine (127.0.0.1, localhost, [::1]; any port)."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name in ("127.0.0.1", "localhost", "[::1]") or name.startswith("127.")


async def _plain(send: Callable[[Any], Awaitable[None]], status: int, detail: str) -> None:
    import json

    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
