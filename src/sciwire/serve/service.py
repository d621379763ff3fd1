"""What the pages and the JSON API share: jobs, the corpus, ask, the playground.

Each method calls the library function the CLI calls; the web routes only turn HTTP into
arguments and results into JSON or pages.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections.abc import Mapping, Sequence
from typing import IO, Any

from sciwire.errors import InputError, NotFoundError
from sciwire.serve.jobs import Job, JobTable, Worker
from sciwire.serve.labelling import LabelQueue
from sciwire.serve.settings import ServeSettings
from sciwire.serve.tasks import job_folder, runners
from sciwire.serve.uploads import PAPER_TYPES, RANK_TYPES, STORY_TYPES, check_type, safe_name, store_files

logger = logging.getLogger(__name__)
DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")
#: Names of a job's files that may be downloaded.
REPORT_FILES = ("report.html", "report.json", "config.toml")
#: The longest question or playground text accepted.
MAX_TEXT = 2000


def check_doc_id(doc_id: str) -> str:
    """``doc_id`` when it looks like a document id.

    Raises:
        InputError: Otherwise.
    """
    if not DOC_ID.fullmatch(doc_id) or ".." in doc_id:
        raise NotFoundError(f"No document {doc_id[:60]!r} in the corpus")
    return doc_id


class Service:
    """One running service's state: settings, job table, worker.

    Args:
        settings: Its settings (``prepare()`` is called here).
    """

    def __init__(self, settings: ServeSettings) -> None:
        settings.prepare()
        self.settings = settings
        self._lock_file = _lock_data_dir(settings)
        self.jobs = JobTable(settings.data_dir / "jobs.sqlite")
        self.worker = Worker(self.jobs, runners(settings))
        self.labels = LabelQueue(settings.config)
        self._model_lock = threading.Lock()

    def start(self) -> None:
        """Start the job worker (jobs left running by a stopped server are marked failed first)."""
        if self.settings.run_jobs:
            self.worker.start()
        else:
            self.jobs.recover()

    def stop(self) -> None:
        """Stop the worker, close the job table and free the data folder."""
        self.worker.stop()
        self.jobs.close()
        self._lock_file.close()

    # --- jobs -------------------------------------------------------------------------------

    def submit(self, kind: str, owner: str, files: Mapping[str, Sequence[Any]], params: Mapping[str, Any]) -> Job:
        """Check and store the uploaded files, then queue a job; nothing is kept when a check fails.

        ``files`` maps ``paper`` / ``stories`` (analyze) or ``files`` (add, rank) to uploads.

        Raises:
            InputError: On a missing or surplus file (UnsupportedType on a wrong type).
        """
        limit = self.settings.config.serve.max_files
        if kind == "analyze":
            if len(files.get("paper", ())) != 1:
                raise InputError("An analysis needs exactly one paper file (field 'paper')")
            groups = {"paper": PAPER_TYPES, "stories": STORY_TYPES}
        else:
            if not files.get("files"):
                raise InputError(f"A {kind} job needs at least one file (field 'files')")
            groups = {"files": RANK_TYPES if kind == "rank" else PAPER_TYPES}
        count = sum(len(files.get(g, ())) for g in groups)
        if count > limit:
            raise InputError(f"Too many files: {count}; at most {limit} per upload (serve.max_files)")
        for group, allowed in groups.items():
            for upload in files.get(group, ()):
                check_type(upload.filename or "", upload.content_type, allowed)
                upload.file.seek(0, os.SEEK_END)
                if upload.file.tell() == 0:
                    raise InputError(f"{safe_name(upload.filename or 'file')} is empty; nothing was queued")
        import uuid

        job_id = uuid.uuid4().hex
        folder = job_folder(self.settings, job_id) / "in"
        try:
            names = {group: store_files(files.get(group, ()), folder) for group in groups}
            # the names are unique per group; analyze's paper and stories share the folder
            if kind == "analyze" and set(names["paper"]) & set(names["stories"]):
                raise InputError("The paper and a story have the same file name; rename one")
            job_params: dict[str, Any] = dict(params)
            if kind == "analyze":
                job_params.update(paper=names["paper"][0], stories=names["stories"])
            else:
                job_params["files"] = names["files"]
            job = self.jobs.create(kind, owner, job_params, job_id=job_id)
        except BaseException:
            shutil.rmtree(job_folder(self.settings, job_id), ignore_errors=True)
            raise
        self.worker.notify()
        logger.info("Queued %s job %s for %s", kind, job.id, owner)
        return job

    def job_file(self, job_id: str, name: str) -> bytes:
        """One output file of a finished job.

        Raises:
            InputError: When the job, or that file of it, does not exist.
        """
        job = self.jobs.get(job_id)
        if name not in REPORT_FILES or job.kind != "analyze" or job.status != "done":
            raise NotFoundError(f"No file {name[:60]!r} for job {job.id}")
        return (job_folder(self.settings, job.id) / "out" / name).read_bytes()

    # --- the corpus ---------------------------------------------------------------------------

    def documents(self) -> list[dict[str, Any]]:
        """What the corpus holds, oldest first."""
        from sciwire.store import open_store

        with open_store(self.settings.config, self.settings.store) as store:
            return [_public(row) for row in store.documents()]

    def document(self, doc_id: str) -> dict[str, Any]:
        """One stored document: its row and its sentences.

        Raises:
            InputError: When it is not in the corpus.
        """
        from sciwire.store import open_store

        check_doc_id(doc_id)
        with open_store(self.settings.config, self.settings.store) as store:
            rows = [row for row in store.documents() if row.id == doc_id]
            if not rows:
                raise NotFoundError(f"No document {doc_id!r} in the corpus")
            doc = store.get(doc_id)
        return {**_public(rows[0]), "sentences_text": doc.sentence_texts()}

    def remove(self, doc_id: str) -> int:
        """Remove one document.

        Raises:
            NotFoundError: When it is not in the corpus (nothing is removed).
        """
        from sciwire.store import open_store

        check_doc_id(doc_id)
        with open_store(self.settings.config, self.settings.store) as store:
            if not store.remove(doc_id):
                raise NotFoundError(f"No document {doc_id!r} in the corpus")
        return 1

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Sentences matching ``query`` (BM25), best first, with their document's title."""
        from sciwire.store import open_store

        query = _text(query, "search")
        with open_store(self.settings.config, self.settings.store) as store:
            titles = {row.id: row.title for row in store.documents()}
            hits = store.search_text(query, limit)
            return [
                {
                    "doc_id": h.doc_id,
                    "title": titles.get(h.doc_id, ""),
                    "sentence": h.index,
                    "score": round(h.score, 4),
                    "text": store.sentence_text(h.doc_id, h.index),
                }
                for h in hits
            ]

    def ask(self, question: str, top_k: int = 3, mode: str = "hybrid") -> dict[str, Any]:
        """Answers from the corpus, with their evidence, and a yes/no decision for a closed question.

        Raises:
            InputError: On an empty, long or non-English question, a bad mode or an empty corpus.
        """
        from sciwire.qa.api import ask, decide, decision_evidence_count

        question = _text(question, "question")
        if mode not in ("hybrid", "bm25", "dense"):
            raise InputError(f"mode must be hybrid, bm25 or dense, got {mode[:20]!r}")
        if not 1 <= top_k <= 20:
            raise InputError(f"top_k must be between 1 and 20, got {top_k}")
        config = self.settings.config
        k = max(top_k, decision_evidence_count(config))
        found = ask(question, store=self.settings.store, config=config, top_k=k, mode=mode)
        decision = decide(question, found, config)
        return {
            "question": question,
            "answers": [dict(a.__dict__) for a in found[:top_k]],
            "decision": None
            if decision is None
            else {
                "label": decision.label,
                "decided": decision.decided,
                "confidence": decision.confidence,
                "reason": decision.reason,
            },
        }

    def playground(self, text: str) -> dict[str, Any]:
        """Every sentence model on one sentence (see :mod:`sciwire.serve.playground`)."""
        from sciwire.serve.playground import predict_sentence

        return predict_sentence(_text(text, "sentence"), self.settings.config)


def _lock_data_dir(settings: ServeSettings) -> IO[str]:
    """Hold ``serve.lock`` in the data folder: one service per job table (the OS frees it when the process dies).

    Raises:
        ConfigError: When another running service holds it.
    """
    from sciwire.errors import ConfigError

    handle = (settings.data_dir / "serve.lock").open("a", encoding="utf-8")
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; run one service per data folder yourself
        return handle
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise ConfigError(
            f"Another sciwire serve is using the data folder {settings.data_dir}; stop it or give --data-dir"
        ) from None
    return handle


def _public(row: Any) -> dict[str, Any]:
    """A stored document's row without the server's folders (``source`` keeps the file name only)."""
    out = dict(row.__dict__)
    if out.get("source"):
        out["source"] = os.path.basename(str(out["source"]))
    return out


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InputError(f"The {what} is empty; type some words")
    if len(value) > MAX_TEXT:
        raise InputError(f"The {what} is {len(value)} characters long; at most {MAX_TEXT}")
    return value
