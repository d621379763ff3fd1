"""Term data sets: SciERC-shaped files and SemEval-2017 ScienceIE, as texts with gold typed spans.

SciERC (``{"doc_key", "sentences": [[token, ...], ...], "ner": [[[first, last, type], ...], ...]}``
per line, token indices document-level and inclusive) becomes one text per document: the
tokens joined by single spaces, sentences by newlines, gold spans as character offsets.
SemEval-2017 (``{"id", "text", "entities": [{"type", "start", "end"}, ...]}``) keeps its text;
its types Process / Task / Material are mapped to method / task / material.

Both are research-use data: evaluate on them, let users train on them, never ship a model
fitted on them (docs/terms.md).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from sciwire.datasets.base import data_path
from sciwire.errors import InputError

#: SciERC's entity types.
SCIERC_TYPES: tuple[str, ...] = ("Task", "Method", "Metric", "Material", "OtherScientificTerm", "Generic")
#: SemEval-2017 ScienceIE types -> term types.
SEMEVAL_TYPES: dict[str, str] = {"Process": "method", "Task": "task", "Material": "material"}


@dataclass(frozen=True)
class TermDoc:
    """A text with its gold term spans ``(start, end, type)`` (character offsets)."""

    id: str
    text: str
    gold: tuple[tuple[int, int, str], ...]


def read_scierc_file(path: str | os.PathLike[str]) -> list[TermDoc]:
    """The documents of one SciERC-shaped JSON-lines file.

    Raises:
        InputError: A line that is not JSON or lacks ``sentences`` / ``ner``, or a span outside its document.
    """
    docs = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                sentences, ner = row["sentences"], row["ner"]
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(
                    f"{path}, line {number}: expected a SciERC JSON object with 'sentences' and 'ner' ({exc})"
                ) from exc
            docs.append(_scierc_doc(str(row.get("doc_key", number)), sentences, ner, f"{path}, line {number}"))
    return docs


def _scierc_doc(key: str, sentences: list[list[str]], ner: list[list[list]], where: str) -> TermDoc:
    starts: list[int] = []
    ends: list[int] = []
    parts: list[str] = []
    pos = 0
    for sent in sentences:
        for i, token in enumerate(sent):
            if i:
                pos += 1
            starts.append(pos)
            pos += len(token)
            ends.append(pos)
        parts.append(" ".join(sent))
        pos += 1  # the newline between sentences
    gold = []
    for span in (s for sent in ner for s in sent):
        first, last, label = int(span[0]), int(span[1]), str(span[2])
        if not 0 <= first <= last < len(starts):
            raise InputError(f"{where}: entity {span} lies outside the document's {len(starts)} tokens")
        gold.append((starts[first], ends[last], label))
    return TermDoc(key, "\n".join(parts), tuple(sorted(set(gold))))


def load_scierc(data_dir: str | os.PathLike[str], split: str) -> list[TermDoc]:
    """SciERC's ``split`` (``train`` or ``dev``) from ``data_dir/scierc`` or a folder holding ``{split}.json``.

    Raises:
        InputError: The file is missing or malformed.
    """
    folder = Path(data_dir).expanduser()
    direct = folder / f"{split}.json"
    path = direct if direct.is_file() else data_path(folder, "scierc", f"{split}.json")
    return read_scierc_file(path)


def load_semeval2017(data_dir: str | os.PathLike[str], split: str = "dev") -> list[TermDoc]:
    """SemEval-2017 ScienceIE paragraphs with their typed keyphrases, types mapped by :data:`SEMEVAL_TYPES`."""
    path = data_path(data_dir, "keyphrase", "semeval2017_scienceie", f"{split}.jsonl")
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                gold = {
                    (int(e["start"]), int(e["end"]), SEMEVAL_TYPES[e["type"]])
                    for e in row.get("entities", [])
                    if e.get("type") in SEMEVAL_TYPES
                }
                docs.append(TermDoc(str(row["id"]), row["text"], tuple(sorted(gold))))
    return docs
