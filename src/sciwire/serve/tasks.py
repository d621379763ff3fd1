"""What each kind of job does, by calling the library functions the CLI calls.

* ``analyze``: :func:`sciwire.report.writer.analyze_to_folder` on the uploaded paper and
  stories (the report is the same ``report.html`` / ``report.json`` ``sciwire analyze`` writes),
  then, when asked, :func:`sciwire.qa.api.add_papers` of the paper.
* ``add``: :func:`sciwire.qa.api.add_papers` of the uploaded papers (one transaction per batch).
* ``rank``: :func:`sciwire.newsworthiness.api.rank_files` of the uploaded papers.

Files live in ``<data_dir>/jobs/<job id>/in`` and reports in ``.../out``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sciwire.serve.jobs import Job, Runner
from sciwire.serve.settings import ServeSettings

Progress = Callable[[str, int, int], None]


class _JobProgress:
    """The pipeline's progress protocol, written to the job row (at most every 0.5 s per step)."""

    def __init__(self, report: Progress) -> None:
        self._report = report
        self._step = ""
        self._done = 0
        self._total = 0
        self._last = 0.0

    def start(self, step: str, total: int = 0) -> None:
        self._step, self._done, self._total = step, 0, total
        self._report(step, 0, total)

    def advance(self, n: int = 1) -> None:
        import time

        self._done += n
        now = time.monotonic()
        if now - self._last >= 0.5 or self._done == self._total:
            self._last = now
            self._report(self._step, self._done, self._total)


def job_folder(settings: ServeSettings, job_id: str) -> Path:
    """The folder of one job (its id is checked by the caller)."""
    return settings.jobs_dir / job_id


def _inputs(settings: ServeSettings, job: Job, names: list[str]) -> list[Path]:
    folder = job_folder(settings, job.id) / "in"
    return [folder / name for name in names]


def run_analyze(settings: ServeSettings, job: Job, progress: Progress) -> Mapping[str, Any]:
    """The report of an uploaded paper and its stories."""
    from sciwire.report.writer import analyze_to_folder

    paper, *stories = _inputs(settings, job, [job.params["paper"], *job.params.get("stories", [])])
    out = job_folder(settings, job.id) / "out"
    analysis, _ = analyze_to_folder(paper, stories, out, settings.config, progress=_JobProgress(progress))
    result: dict[str, Any] = {
        "title": analysis.paper.title,
        "stories": [story.title or story.id for story in analysis.stories],
        "files": ["report.html", "report.json", "config.toml"],
    }
    if job.params.get("add_to_corpus"):
        from sciwire.qa.api import add_papers

        progress("Adding the paper to the corpus", 0, 1)
        (added,) = add_papers([paper], settings.config, settings.store)
        result["added"] = {"status": added.status, "doc_id": added.doc_id, "message": added.message}
    return result


def run_add(settings: ServeSettings, job: Job, progress: Progress) -> Mapping[str, Any]:
    """Uploaded papers, added to the corpus store."""
    from sciwire.qa.api import add_papers

    files = _inputs(settings, job, job.params["files"])
    state = {"done": 0}

    def advance(n: int) -> None:
        state["done"] += n
        progress("Adding papers", state["done"], len(files))

    progress("Adding papers", 0, len(files))
    results = add_papers(files, settings.config, settings.store, on_progress=advance)
    rows = [{"file": Path(r.path).name, "status": r.status, "doc_id": r.doc_id, "message": r.message} for r in results]
    return {"results": rows, "added": sum(r["status"] == "added" for r in rows)}


def run_rank(settings: ServeSettings, job: Job, progress: Progress) -> Mapping[str, Any]:
    """Uploaded papers, ranked by newsworthiness."""
    from sciwire.newsworthiness.api import rank_files

    files = _inputs(settings, job, job.params["files"])
    state = {"done": 0}

    def advance(n: int) -> None:
        state["done"] += n
        progress("Ranking papers", state["done"], 0)

    progress("Ranking papers", 0, 0)
    ranking = rank_files(files, settings.config, top=job.params.get("top"), on_progress=advance)
    return {
        "model": ranking.model_name,
        "trained_on_judgements": ranking.trained_on_judgements,
        "total": ranking.total,
        "note": ranking.note,
        "papers": [p.to_dict() for p in ranking.papers],
    }


def runners(settings: ServeSettings) -> dict[str, Runner]:
    """The runner of each job kind, bound to ``settings``."""
    table = {"analyze": run_analyze, "add": run_add, "rank": run_rank}
    return {kind: _bind(fn, settings) for kind, fn in table.items()}


def _bind(fn: Callable[[ServeSettings, Job, Progress], Mapping[str, Any]], settings: ServeSettings) -> Runner:
    def run(job: Job, progress: Progress) -> Mapping[str, Any]:
        return fn(settings, job, progress)

    return run
