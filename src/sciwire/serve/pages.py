"""The HTML pages: login, upload -> job -> report, the corpus (list, search, ask, add, remove), rank, playground.

Pages are rendered on the server (Jinja2, autoescaped); the only script is
``static/job.js`` (live job progress), served as a file: the policy allows no inline script.
Forms that change something carry the session's CSRF token.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from sciwire.errors import AccessError, SciwireError
from sciwire.serve.api import report_response, submit_upload
from sciwire.serve.app import read_form, requires, service_of
from sciwire.serve.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Access, Principal, new_login_token

router = APIRouter(include_in_schema=False)
_HERE = Path(str(resources.files("sciwire"))) / "serve"
_env = Environment(loader=FileSystemLoader(str(_HERE / "templates")), autoescape=select_autoescape(["html"]))
Reader = Annotated[Principal, Depends(requires("reader"))]
EditorForm = Annotated[Principal, Depends(requires("editor", form=True))]
AdminForm = Annotated[Principal, Depends(requires("admin", form=True))]


def mount_static(app: FastAPI) -> None:
    """Serve ``/static`` (the stylesheet and job.js)."""
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    principal: Principal | None = None,
) -> HTMLResponse:
    """A page: ``template`` with ``context``, the signed-in key and the session's CSRF token."""
    access: Access = request.app.state.access
    session = request.cookies.get(SESSION_COOKIE, "")
    if principal is None:
        try:
            principal = access.authenticate(request.headers, request.cookies)
        except AccessError:
            principal = None
    page = _env.get_template(template).render(
        **context,
        principal=principal,
        csrf=access.csrf_token(session) if session and principal is not None else "",
        open_access=request.app.state.settings.open_access,
        path=request.url.path,
    )
    return HTMLResponse(page, status_code=status, headers=headers)


def _safe_next(target: str | None) -> str:
    """A local path to go to after login (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    token = new_login_token()
    response = render(request, "login.html", {"next": _safe_next(next), "login_csrf": token, "error": ""})
    _login_cookie(request, response, token)
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    access: Access = request.app.state.access
    form = await request.form(max_files=0, max_fields=5)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    sent = str(form.get("csrf", ""))
    import hmac

    if not cookie or not hmac.compare_digest(cookie, sent):
        raise HTTPException(403, "Missing or wrong CSRF token; reload the login page and try again")
    next_page = _safe_next(str(form.get("next", "/")))
    host = request.client.host if request.client else "unknown"
    if access.limiter.wait("ip:" + host) > 0:
        raise HTTPException(429, "Too many login attempts; wait a minute")
    try:
        key = access.settings.keys.authenticate(str(form.get("key", "")).strip())
    except AccessError:
        token = new_login_token()
        context = {"next": next_page, "login_csrf": token, "error": "That key is not valid."}
        page = render(request, "login.html", context, status=401)
        _login_cookie(request, page, token)
        return page
    response = RedirectResponse(next_page, status_code=303)
    hours = access.settings.config.serve.session_hours
    response.set_cookie(
        SESSION_COOKIE,
        access.session_cookie(key),
        max_age=int(hours * 3600),
        httponly=True,
        samesite="strict",
        secure=_https(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, principal: Annotated[Principal, Depends(requires("reader", form=True))]) -> Response:
    await read_form(request, principal)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_cookie(request: Request, response: Response, token: str) -> None:
    """The login form's double-submit CSRF cookie."""
    secure = _https(request)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/login")


@router.get("/")
def home(request: Request, principal: Reader) -> Response:
    jobs = service_of(request).jobs.recent(20)
    return render(request, "home.html", {"jobs": jobs}, principal=principal)


async def _submit_form(request: Request, principal: Principal, kind: str) -> Response:
    job = await submit_upload(request, principal, kind)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.post("/analyze")
async def analyze_form(request: Request, principal: EditorForm) -> Response:
    return await _submit_form(request, principal, "analyze")


@router.post("/corpus/add")
async def add_form(request: Request, principal: EditorForm) -> Response:
    return await _submit_form(request, principal, "add")


@router.post("/rank")
async def rank_form(request: Request, principal: EditorForm) -> Response:
    return await _submit_form(request, principal, "rank")


@router.get("/rank")
def rank_page(request: Request, principal: Reader) -> Response:
    return render(request, "rank.html", {}, principal=principal)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, principal: Reader) -> Response:
    job = service_of(request).jobs.get(job_id)
    return render(request, "job.html", {"job": job}, principal=principal)


@router.get("/jobs/{job_id}/report")
def report_page(request: Request, job_id: str, principal: Reader) -> Response:
    return report_response("report.html", service_of(request).job_file(job_id, "report.html"))


@router.get("/corpus")
async def corpus_page(request: Request, principal: Reader, q: str = "") -> Response:
    service = service_of(request)
    docs = await run_in_threadpool(service.documents)
    hits: list[dict[str, Any]] = []
    error = ""
    if q.strip():
        try:
            hits = await run_in_threadpool(service.search, q, 20)
        except SciwireError as exc:
            error = str(exc)
    context = {"documents": docs, "q": q, "hits": hits, "error": error}
    return render(request, "corpus.html", context, principal=principal, status=400 if error else 200)


@router.post("/corpus/{doc_id}/remove")
async def remove_form(request: Request, doc_id: str, principal: AdminForm) -> Response:
    await read_form(request, principal)
    await run_in_threadpool(service_of(request).remove, doc_id)
    return RedirectResponse("/corpus", status_code=303)


@router.get("/ask")
async def ask_page(request: Request, principal: Reader, q: str = "", top_k: int = 3) -> Response:
    result: dict[str, Any] | None = None
    error = ""
    if q.strip():
        try:
            result = await run_in_threadpool(service_of(request).ask, q, max(1, min(top_k, 10)))
        except SciwireError as exc:
            error = str(exc).splitlines()[0]
    context = {"q": q, "result": result, "error": error}
    return render(request, "ask.html", context, principal=principal, status=400 if error else 200)


@router.get("/playground")
async def playground_page(request: Request, principal: Reader, text: str = "") -> Response:
    result: dict[str, Any] | None = None
    error = ""
    if text.strip():
        try:
            result = await run_in_threadpool(service_of(request).playground, text)
        except SciwireError as exc:
            error = str(exc).splitlines()[0]
    context = {"text": text, "result": result, "error": error}
    return render(request, "playground.html", context, principal=principal, status=400 if error else 200)


@router.get("/label")
async def tasks_page(request: Request, principal: Reader) -> Response:
    tasks = await run_in_threadpool(service_of(request).labels.tasks)
    return render(request, "tasks.html", {"tasks": tasks}, principal=principal)


@router.get("/label/{name}")
async def label_page(request: Request, name: str, principal: Reader, done: str = "") -> Response:
    queue = service_of(request).labels
    task = await run_in_threadpool(queue.task, name)
    record = await run_in_threadpool(queue.current, name)
    return render(request, "label.html", {"task": task, "record": record, "done": done[:100]}, principal=principal)


@router.post("/label/{name}")
async def label_form(request: Request, name: str, principal: EditorForm) -> Response:
    form = await read_form(request, principal)
    queue = service_of(request).labels
    action, record = str(form.get("action", "label")), str(form.get("record", ""))
    if action == "undo":
        undone = await run_in_threadpool(queue.undo, name)
        note = f"undid {undone}" if undone else "nothing to undo"
    elif action == "skip":
        await run_in_threadpool(queue.skip, name, record)
        note = f"skipped {record}"
    else:
        labels = [str(v) for v in form.getlist("label")]
        await run_in_threadpool(queue.label, name, record, labels, principal.name)
        note = f"labelled {record} {', '.join(labels)}"
    return RedirectResponse(f"/label/{quote(name)}?done={quote(note[:100])}", status_code=303)


@router.get("/docs")
def api_docs(request: Request) -> Response:
    """The API reference, rendered from the OpenAPI spec (no CDN, no script; the spec is /openapi.json)."""
    spec = request.app.openapi()
    routes = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {})
            routes.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or ["api"])[-1],
                    "params": [(p["name"], p["in"], p.get("required", False)) for p in op.get("parameters", [])],
                    "body": ", ".join(body),
                }
            )
    return render(request, "docs.html", {"routes": routes, "version": spec["info"]["version"]})
