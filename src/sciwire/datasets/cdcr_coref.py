"""CD²CR at token level: the tokens, gold mentions and coreference clusters of each topic.

Next to :mod:`sciwire.datasets.cdcr` (detokenised text for alignment and paper finding),
this module keeps the CoNLL tokens so mentions can be compared exactly:

- ``{split}.conll``: one token per line (``topic, subtopic, doc_id, sent_id, token_id,
  token, bool, coref``); token ids are **document-level**.
- ``{split}_entities.json``: every annotated mention (with singletons, which the CoNLL
  coref column leaves out) with its document-level ``tokens_ids`` and ``cluster_id``.
- ``checklist_conll_testset.csv``: 210 hard news/science mention pairs (Anaphora,
  Paraphrasing, Subset; coreferent or not). Its documents belong to the **held-back test
  split**: only pairs whose two documents occur in train/dev can be scored here.

Every topic holds exactly one news summary and one abstract. Cluster ids are unique across
topics; :attr:`CdcrMention.cluster` prefixes them with the split to stay unique across splits.
"""

from __future__ import annotations

import csv
import json
import os
from collections import defaultdict
from dataclasses import dataclass

from sciwire.datasets.base import data_path
from sciwire.datasets.cdcr import conll_rows
from sciwire.document import Document, Sentence


@dataclass(frozen=True)
class CdcrTokens:
    """One document as CoNLL tokens: ``sentences[i]`` holds ``(token_id, token)`` pairs."""

    doc_id: str
    topic: str
    kind: str
    source_id: str
    sentences: tuple[tuple[tuple[int, str], ...], ...]

    @property
    def tokens(self) -> dict[int, str]:
        """Document-level token id -> token."""
        return {tid: tok for sent in self.sentences for tid, tok in sent}

    @property
    def words(self) -> list[list[str]]:
        """The tokens of each sentence."""
        return [[tok for _, tok in sent] for sent in self.sentences]

    def to_document(self) -> tuple[Document, dict[int, tuple[int, int]]]:
        """A sciwire Document (tokens joined by spaces, one sentence per line) and token id -> char span."""
        parts: list[str] = []
        sentences: list[Sentence] = []
        spans: dict[int, tuple[int, int]] = {}
        pos = 0
        for i, sent in enumerate(self.sentences):
            start = pos
            for j, (tid, tok) in enumerate(sent):
                if j:
                    parts.append(" ")
                    pos += 1
                spans[tid] = (pos, pos + len(tok))
                parts.append(tok)
                pos += len(tok)
            sentences.append(Sentence(i, start, pos))
            parts.append("\n")
            pos += 1
        kind = "news" if self.kind == "news" else "paper"
        return Document(self.doc_id, kind, "", "".join(parts), sentences=tuple(sentences)), spans


@dataclass(frozen=True)
class CdcrMention:
    """A gold mention: document, sentence, inclusive-contiguous document-level token ids, cluster."""

    doc_id: str
    sentence_id: int
    token_ids: tuple[int, ...]
    text: str
    cluster: str

    @property
    def key(self) -> tuple[str, int, int]:
        """``(doc_id, first token id, last token id)``: how mentions are matched."""
        return (self.doc_id, self.token_ids[0], self.token_ids[-1])


@dataclass(frozen=True)
class CdcrTopic:
    """A topic: the news summary, the abstract it covers and the gold mentions of both."""

    topic: str
    news: CdcrTokens
    science: CdcrTokens
    mentions: tuple[CdcrMention, ...]


@dataclass(frozen=True)
class ChecklistPair:
    """A checklist item: news and science doc (``news_40``), token ids on each side, label, category."""

    news_doc: str
    science_doc: str
    news_tokens: tuple[int, ...]
    science_tokens: tuple[int, ...]
    coreferent: bool
    category: str


def load_tokens(data_dir: str | os.PathLike[str], split: str) -> dict[str, CdcrTokens]:
    """Every document of ``train`` or ``dev`` as tokens, keyed by doc id, in file order."""
    sents: dict[str, dict[int, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    topics: dict[str, str] = {}
    for topic, _, doc_id, sent_id, token_id, token, *_ in conll_rows(data_dir, split):
        sents[doc_id][int(sent_id)].append((int(token_id), token))
        topics[doc_id] = topic
    out = {}
    for doc_id, by_sent in sents.items():
        _, kind, source_id = doc_id.split("_", 2)
        ordered = tuple(tuple(by_sent[i]) for i in sorted(by_sent))
        out[doc_id] = CdcrTokens(doc_id, topics[doc_id], kind, source_id, ordered)
    return out


def load_coref_split(data_dir: str | os.PathLike[str], split: str) -> list[CdcrTopic]:
    """The topics of ``train`` or ``dev`` with their gold mentions (singletons included)."""
    docs = load_tokens(data_dir, split)
    with data_path(data_dir, "cdcr", f"{split}_entities.json").open(encoding="utf-8") as fh:
        raw = json.load(fh)
    by_topic: dict[str, list[CdcrMention]] = defaultdict(list)
    for item in raw:
        ids = tuple(sorted(int(i) for i in item["tokens_ids"]))
        tokens = docs[item["doc_id"]].tokens
        text = " ".join(tokens[i] for i in ids if i in tokens)
        mention = CdcrMention(item["doc_id"], int(item["sentence_id"]), ids, text, f"{split}:{item['cluster_id']}")
        by_topic[str(item["topic"])].append(mention)
    topics = []
    for topic in dict.fromkeys(d.topic for d in docs.values()):
        members = [d for d in docs.values() if d.topic == topic]
        news = [d for d in members if d.kind == "news"]
        science = [d for d in members if d.kind == "science"]
        if len(news) != 1 or len(science) != 1:
            continue
        topics.append(CdcrTopic(topic, news[0], science[0], tuple(by_topic.get(topic, ()))))
    return topics


def load_checklist(data_dir: str | os.PathLike[str]) -> list[ChecklistPair]:
    """The 210 checklist pairs (documents of the held-back test split, ids like ``news_40``)."""
    pairs = []
    with data_path(data_dir, "cdcr", "checklist_conll_testset.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pairs.append(
                ChecklistPair(
                    row["news_document"],
                    row["science_document"],
                    tuple(int(i) for i in row["news_tokens_idx"].split(";")),
                    tuple(int(i) for i in row["sci_token_idx"].split(";")),
                    row["is_coreferent"].strip().lower() == "yes",
                    row["task_type"],
                )
            )
    return pairs
