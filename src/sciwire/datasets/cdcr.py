"""CD²CR (Ravenscroft et al., EACL 2021): news summaries and the abstracts of their papers.

Files (under ``<data_dir>/cdcr``): ``{train,dev}.conll`` with columns
``topic, subtopic, doc_id, sent_id, token_id, token, bool, coref`` and doc ids
``{topic}_{news|science}_{paper or story id}``; ``sci_papers.json`` maps paper ids to a DOI
and the abstract. Licence: academic / personal use; models trained on it must not ship
(tuned thresholds may).
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sciwire.datasets.base import data_path

_DETOK = [
    (re.compile(r" ([.,;:!?%)\]}])"), r"\1"),
    (re.compile(r"([(\[{$]) "), r"\1"),
    (re.compile(r" (['’]s|n't|['’]re|['’]ve|['’]ll|['’]d)\b"), r"\1"),
    (re.compile(r"(\w) - (\w)"), r"\1-\2"),
    (re.compile(r'" (.*?) "'), r'"\1"'),
]


def detokenize(tokens: list[str]) -> str:
    """Join CoNLL tokens into readable text ("Europe 's" -> "Europe's")."""
    text = " ".join(tokens)
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    return text


@dataclass(frozen=True)
class CdcrDocument:
    """One CD²CR document: ``kind`` news or science, its sentences as detokenised text."""

    doc_id: str
    topic: str
    kind: str
    source_id: str
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def conll_rows(data_dir: str | os.PathLike[str], split: str) -> Iterator[list[str]]:
    """The token rows of ``{split}.conll`` (topic, subtopic, doc_id, sent_id, token_id, token, ...), in file order."""
    with data_path(data_dir, "cdcr", f"{split}.conll").open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 6 and not line.startswith("#"):
                yield cols


def load_split(data_dir: str | os.PathLike[str], split: str) -> list[CdcrDocument]:
    """Documents of ``train`` or ``dev``, in file order."""
    tokens: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    topics: dict[str, str] = {}
    for topic, _, doc_id, sent_id, _, token, *_ in conll_rows(data_dir, split):
        tokens[doc_id][int(sent_id)].append(token)
        topics[doc_id] = topic
    docs = []
    for doc_id, sents in tokens.items():
        _, kind, source_id = doc_id.split("_", 2)
        text = tuple(detokenize(sents[i]) for i in sorted(sents))
        docs.append(CdcrDocument(doc_id, topics[doc_id], kind, source_id, text))
    return docs


def load_papers(data_dir: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """``sci_papers.json``: paper id -> {"doi", "abstract"}."""
    with data_path(data_dir, "cdcr", "sci_papers.json").open(encoding="utf-8") as fh:
        raw = json.load(fh)
    return {str(k): {"doi": v.get("doi", ""), "abstract": v.get("abstract", "")} for k, v in raw.items()}


def news_with_papers(docs: list[CdcrDocument]) -> list[tuple[CdcrDocument, str]]:
    """Each news summary with the id of the paper of its topic."""
    paper_of_topic = {d.topic: d.source_id for d in docs if d.kind == "science"}
    return [(d, paper_of_topic[d.topic]) for d in docs if d.kind == "news" and d.topic in paper_of_topic]
