"""PubMedQA PQA-L (Jin et al. 2019, MIT): 500 questions with their abstracts and conclusions.

``<data_dir>/pubmedqa/pqal_dev.json`` maps a PMID to ``QUESTION``, ``CONTEXTS`` (abstract
parts), ``LABELS`` (their section names), ``LONG_ANSWER`` (the conclusion) and
``final_decision`` (yes / no / maybe). The abstract's own conclusion is not in CONTEXTS.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from sciwire.datasets.base import data_path


@dataclass(frozen=True)
class PubMedQAItem:
    """One question with its paper."""

    pmid: str
    question: str
    contexts: tuple[str, ...]
    labels: tuple[str, ...]
    long_answer: str
    decision: str
    year: str


def load_pubmedqa(data_dir: str | os.PathLike[str]) -> list[PubMedQAItem]:
    """All PQA-L items, in file order."""
    with data_path(data_dir, "pubmedqa", "pqal_dev.json").open(encoding="utf-8") as fh:
        raw = json.load(fh)
    return [
        PubMedQAItem(
            pmid=str(pmid),
            question=v["QUESTION"],
            contexts=tuple(v["CONTEXTS"]),
            labels=tuple(v.get("LABELS") or ()),
            long_answer=v.get("LONG_ANSWER", ""),
            decision=v.get("final_decision", ""),
            year=str(v.get("YEAR", "")),
        )
        for pmid, v in raw.items()
    ]
