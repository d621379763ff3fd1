"""The FastAPI application: :func:`create_app` builds it from :class:`~sciwire.serve.settings.ServeSettings`.

Routes live in :mod:`sciwire.serve.api` (JSON, under ``/api``, OpenAPI at ``/docs``) and
:mod:`sciwire.serve.pages` (HTML); both call :class:`~sciwire.serve.service.Service`.

Example:
    >>> from sciwire.config import load_config
    >>> settings = ServeSettings.from_config(load_config(), data_dir="/tmp/sciwire-serve-doc", run_jobs=False)
    >>> app = create_app(settings)                       # doctest: +SKIP
    >>> import uvicorn; uvicorn.run(app, port=8000)      # doctest: +SKIP
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sciwire.errors import AccessError, MissingDependencyError, NotFoundError, SciwireError, UnsupportedTypeError

try:
    from fastapi import FastAPI, HTTPException, Request
    from fastapi.responses import JSONResponse, RedirectResponse, Response
except ImportError as exc:  # pragma: no cover - the serve extra is missing
    raise MissingDependencyError("fastapi", "sciwire serve", "serve") from exc

from sciwire.serve.security import UNSAFE_METHODS, Access, BodyLimit, Principal, cross_site
from sciwire.serve.service import Service
from sciwire.serve.settings import ServeSettings
from sciwire.version import __version__

logger = logging.getLogger(__name__)


def create_app(settings: ServeSettings) -> FastAPI:
    """The web application: pages, JSON API, job worker (started with the app, stopped with it).

    Raises:
        OutputError: When the data folder cannot be used.
    """
    from sciwire.serve import api, pages

    service = Service(settings)
    access = Access(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.start()
        try:
            yield
        finally:
            service.stop()

    app = FastAPI(
        title="sciwire",
        version=__version__,
        description="Read scientific papers and the news about them (docs/serve.md).",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: /docs is our own page of the spec
        redoc_url=None,
    )
    app.state.service = service
    app.state.access = access
    app.state.settings = settings
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes, loopback_only=settings.open_access)
    app.include_router(api.router)
    app.include_router(pages.router)
    pages.mount_static(app)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(SciwireError)
    async def sciwire_error(request: Request, exc: SciwireError) -> Response:
        return error_response(request, status_of(exc), str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

    return app


def status_of(exc: SciwireError) -> int:
    """The HTTP status of a sciwire error."""
    if isinstance(exc, AccessError):
        return 401
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, UnsupportedTypeError):
        return 415
    from sciwire.errors import ConfigError, DocumentError, InputError

    if isinstance(exc, (InputError, ConfigError, DocumentError)):
        return 400
    return 500


def error_response(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    """JSON for the API; for pages, the login page on 401 (a GET) or an error page."""
    if request.url.path.startswith("/api"):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    if status == 401 and request.method == "GET":
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    from sciwire.serve.pages import render

    return render(request, "error.html", {"status": status, "detail": detail}, status=status, headers=headers)


def who(request: Request, role: str, *, form: bool = False) -> Principal:
    """Authenticate, rate-limit and authorise a request; check its CSRF token unless a form carries it.

    Raises:
        HTTPException: 401 (no or bad key), 429 (rate limit), 403 (role, cross-site, CSRF).
    """
    access: Access = request.app.state.access
    host = request.client.host if request.client else "unknown"
    try:
        principal = access.authenticate(request.headers, request.cookies)
    except AccessError as exc:
        _rate_limit(access, "ip:" + host)
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    _rate_limit(access, principal.key_id if principal else "ip:" + host)
    if principal is None:
        raise HTTPException(
            401,
            "An API key is needed: send 'Authorization: Bearer <key>', or log in at /login",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if cross_site(request.method, request.headers, request.headers.get("host", "")):
        raise HTTPException(403, "Cross-site request refused")
    if not principal.may(role):
        raise HTTPException(403, f"This needs the {role} role; your key {principal.name!r} is a {principal.role}")
    if principal.via_cookie and request.method in UNSAFE_METHODS and not form:
        check_csrf(request, principal, request.headers.get("x-csrf-token"))
    return principal


def check_csrf(request: Request, principal: Principal, token: str | None) -> None:
    """Refuse a cookie-authenticated change without the session's CSRF token.

    Raises:
        HTTPException: 403.
    """
    if not principal.via_cookie:
        return
    access: Access = request.app.state.access
    session = request.cookies.get("sciwire_session", "")
    if not access.check_csrf(session, token):
        raise HTTPException(403, "Missing or wrong CSRF token; reload the page and try again")


def _rate_limit(access: Access, bucket: str) -> None:
    wait = access.limiter.wait(bucket)
    if wait > 0:
        seconds = str(max(1, math.ceil(wait)))
        raise HTTPException(429, f"Too many requests; retry in {seconds} s", headers={"Retry-After": seconds})


def requires(role: str, *, form: bool = False) -> Callable[[Request], Principal]:
    """A FastAPI dependency: the request's principal, who must have ``role``."""

    def dependency(request: Request) -> Principal:
        return who(request, role, form=form)

    return dependency


def service_of(request: Request) -> Service:
    """The app's :class:`Service`."""
    service: Service = request.app.state.service
    return service


async def read_form(request: Request, principal: Principal, *, multipart: bool = False) -> Any:
    """The multipart or urlencoded form of an upload or a page's post, after its type and CSRF checks.

    Raises:
        HTTPException: 415 when the body is not a form, 403 without the CSRF token (cookie sessions).
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    allowed = ("multipart/form-data",) if multipart else ("multipart/form-data", "application/x-www-form-urlencoded")
    if kind not in allowed:
        raise HTTPException(415, f"Expected {' or '.join(allowed)}, got {kind or 'no content type'!r}")
    settings: ServeSettings = request.app.state.settings
    form = await request.form(max_files=settings.config.serve.max_files + 1, max_fields=50)
    token = form.get("csrf") or request.headers.get("x-csrf-token")
    check_csrf(request, principal, token if isinstance(token, str) else None)
    return form
