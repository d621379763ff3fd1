"""The JSON API under ``/api`` (OpenAPI at ``/docs`` and ``/openapi.json``).

Roles: reader (read the corpus, ask, search, the playground, jobs and reports), editor (also
upload: analyze, add, rank), admin (also remove documents). Uploads are ``multipart/form-data``
with files only: a news story is its saved page, never a URL to fetch.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from sciwire.errors import InputError
from sciwire.serve.app import read_form, requires, service_of
from sciwire.serve.jobs import Job
from sciwire.serve.security import Principal, report_csp

router = APIRouter(prefix="/api", tags=["api"])
Reader = Annotated[Principal, Depends(requires("reader"))]
Admin = Annotated[Principal, Depends(requires("admin"))]
EditorForm = Annotated[Principal, Depends(requires("editor", form=True))]


def _multipart(fields: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI for a multipart body (the body is read only after the access checks)."""
    return {
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": {"type": "object", "properties": fields}}},
        }
    }


_FILES = {"type": "array", "items": {"type": "string", "format": "binary"}}


class Question(BaseModel):
    """A question for the corpus."""

    question: str = Field(max_length=2000, examples=["Does time-restricted feeding reduce weight gain in mice?"])
    top_k: int = Field(3, ge=1, le=20)
    mode: str = Field("hybrid", pattern="^(hybrid|bm25|dense)$")


class Sentence(BaseModel):
    """A sentence for the model playground."""

    text: str = Field(max_length=2000, examples=["Coffee drinking prevents heart disease."])


@router.get("/health", tags=["meta"])
def health() -> dict[str, str]:
    """Whether the service is up (no key needed)."""
    return {"status": "ok"}


@router.get("/me", tags=["meta"])
def me(principal: Reader) -> dict[str, str]:
    """The key a request acts for: its name and role."""
    return {"name": principal.name, "role": principal.role}


def uploads(form: Any, name: str) -> list[Any]:
    """The files of a form field (empty file inputs, which browsers send without a name, left out)."""
    return [f for f in form.getlist(name) if hasattr(f, "filename") and f.filename]


async def submit_upload(request: Request, principal: Principal, kind: str) -> Job:
    """Read an upload form (after the access checks), check its fields and files, queue the job.

    Raises:
        InputError: On a bad field (``top``) or file; UnsupportedTypeError on a type the job does not take.
    """
    form = await read_form(request, principal, multipart=True)
    files = {name: uploads(form, name) for name in ("paper", "stories", "files")}
    params: dict[str, Any] = {}
    if kind == "analyze":
        params["add_to_corpus"] = str(form.get("add_to_corpus", "")).lower() in ("1", "true", "on", "yes")
    top = str(form.get("top", "") or "").strip()
    if kind == "rank" and top:
        if not top.isdigit() or not 0 < int(top) <= 10_000:
            raise InputError(f"top must be a whole number from 1 to 10000, got {top[:20]!r}")
        params["top"] = int(top)
    return await run_in_threadpool(service_of(request).submit, kind, principal.name, files, params)


async def _submit(request: Request, principal: Principal, kind: str) -> dict[str, Any]:
    job = await submit_upload(request, principal, kind)
    return job.to_dict()


@router.post(
    "/jobs/analyze",
    status_code=202,
    tags=["jobs"],
    openapi_extra=_multipart(
        {"paper": {"type": "string", "format": "binary"}, "stories": _FILES, "add_to_corpus": {"type": "boolean"}}
    ),
)
async def analyze_job(request: Request, principal: EditorForm) -> dict[str, Any]:
    """Queue an analysis of a paper (PDF, JATS XML, Markdown/text) and its stories (saved HTML pages or text).

    Poll ``GET /api/jobs/{id}``; when ``done``, the report is at ``/api/jobs/{id}/files/report.html``.
    """
    return await _submit(request, principal, "analyze")


@router.post("/jobs/add", status_code=202, tags=["jobs"], openapi_extra=_multipart({"files": _FILES}))
async def add_job(request: Request, principal: EditorForm) -> dict[str, Any]:
    """Queue adding papers to the corpus (one transaction per batch: never half a paper)."""
    return await _submit(request, principal, "add")


_RANK_FIELDS = {"files": _FILES, "top": {"type": "integer"}}


@router.post("/jobs/rank", status_code=202, tags=["jobs"], openapi_extra=_multipart(_RANK_FIELDS))
async def rank_job(request: Request, principal: EditorForm) -> dict[str, Any]:
    """Queue ranking a batch of papers (files, JSONL records or arXiv Atom exports) by newsworthiness."""
    return await _submit(request, principal, "rank")


@router.get("/jobs", tags=["jobs"])
def jobs(request: Request, principal: Reader, limit: int = 50) -> list[dict[str, Any]]:
    """The newest jobs first."""
    return [job.to_dict() for job in service_of(request).jobs.recent(max(1, min(limit, 500)))]


@router.get("/jobs/{job_id}", tags=["jobs"])
def job(request: Request, job_id: str, principal: Reader) -> dict[str, Any]:
    """One job: status (queued, running, done, failed), step, progress, result or the reason it failed."""
    return service_of(request).jobs.get(job_id).to_dict()


@router.get("/jobs/{job_id}/files/{name}", tags=["jobs"])
def job_file(request: Request, job_id: str, name: str, principal: Reader) -> Response:
    """A finished analysis' ``report.html``, ``report.json`` or ``config.toml``."""
    data = service_of(request).job_file(job_id, name)
    return report_response(name, data)


def report_response(name: str, data: bytes) -> Response:
    """A report file with its type; report.html with the policy that allows its own inline script only."""
    if name.endswith(".html"):
        policy = {"Content-Security-Policy": report_csp(data)}
        return Response(data, media_type="text/html; charset=utf-8", headers=policy)
    kind = "application/json" if name.endswith(".json") else "text/plain; charset=utf-8"
    return Response(data, media_type=kind)


@router.get("/documents", tags=["corpus"])
async def documents(request: Request, principal: Reader) -> list[dict[str, Any]]:
    """What the corpus holds (without texts), oldest first."""
    return await run_in_threadpool(service_of(request).documents)


@router.get("/documents/{doc_id}", tags=["corpus"])
async def document(request: Request, doc_id: str, principal: Reader) -> dict[str, Any]:
    """One stored document and its sentences."""
    return await run_in_threadpool(service_of(request).document, doc_id)


@router.delete("/documents/{doc_id}", tags=["corpus"])
async def remove(request: Request, doc_id: str, principal: Admin) -> dict[str, Any]:
    """Remove a document from the corpus (admin)."""
    return {"removed": await run_in_threadpool(service_of(request).remove, doc_id)}


@router.get("/search", tags=["corpus"])
async def search(request: Request, principal: Reader, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """Sentences of the corpus that match ``q`` (BM25), best first."""
    return await run_in_threadpool(service_of(request).search, q, max(1, min(limit, 100)))


@router.post("/ask", tags=["corpus"])
async def ask(request: Request, body: Question, principal: Reader) -> dict[str, Any]:
    """Answer a question from the corpus: the answering sentences with their context, and yes/no/maybe."""
    return await run_in_threadpool(service_of(request).ask, body.question, body.top_k, body.mode)


@router.post("/playground", tags=["models"])
async def playground(request: Request, body: Sentence, principal: Reader) -> dict[str, Any]:
    """Every sentence model on one sentence: prediction, calibrated confidence, the words behind it."""
    return await run_in_threadpool(service_of(request).playground, body.text)


class Labels(BaseModel):
    """Labels for one record of a labelling task."""

    record: str = Field(max_length=300)
    labels: list[str] = Field(min_length=1, max_length=50)


class RecordId(BaseModel):
    """One record of a labelling task."""

    record: str = Field(max_length=300)


Editor = Annotated[Principal, Depends(requires("editor"))]


@router.get("/tasks", tags=["labelling"])
async def tasks(request: Request, principal: Reader) -> list[dict[str, Any]]:
    """The labelling tasks of ``sciwire learn``, with their labels and counts."""
    return await run_in_threadpool(service_of(request).labels.tasks)


@router.get("/tasks/{name}/next", tags=["labelling"])
async def next_record(request: Request, name: str, principal: Reader) -> dict[str, Any]:
    """The record to label now, with the model's suggestion and its confidence (``record`` null when done)."""
    queue = service_of(request).labels
    return {"task": await run_in_threadpool(queue.task, name), "record": await run_in_threadpool(queue.current, name)}


@router.post("/tasks/{name}/labels", tags=["labelling"])
async def add_labels(request: Request, name: str, body: Labels, principal: Editor) -> dict[str, Any]:
    """Label one record (all its labels in one batch, kept with who and when)."""
    queue = service_of(request).labels
    return {"labelled": await run_in_threadpool(queue.label, name, body.record, body.labels, principal.name)}


@router.post("/tasks/{name}/skip", tags=["labelling"])
async def skip_record(request: Request, name: str, body: RecordId, principal: Editor) -> dict[str, Any]:
    """Show a record after the others."""
    await run_in_threadpool(service_of(request).labels.skip, name, body.record)
    return {"skipped": body.record}


@router.post("/tasks/{name}/undo", tags=["labelling"])
async def undo(request: Request, name: str, principal: Editor) -> dict[str, Any]:
    """Undo the task's latest labelling; its record is shown next."""
    return {"record": await run_in_threadpool(service_of(request).labels.undo, name)}
