"""Labelled discourse data as :class:`SentenceSequence` documents, embedded with the shared Embedder.

:func:`read_labelled` accepts what ``sciwire train/evaluate discourse --data`` takes:

- a CoreSC folder (``sentences.tsv`` + ``xml/``): task ``coresc``, documents grouped by domain;
- a CSAbstruct folder (``train.jsonl``, ``dev.jsonl``): task ``abstract``, the split given;
- a JSONL file of your own, one document per line::

      {"id": "paper1", "sentences": [...], "labels": [...], "sections": [...], "group": "biology"}

  ``sections`` (canonical names, default ``abstract`` when ``task`` is ``abstract`` else
  ``body``) and ``group`` (a stratum for cross-validation) are optional.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sciwire.backends.embeddings import Embedder
from sciwire.discourse.features import SentenceSequence
from sciwire.errors import InputError


@dataclass(frozen=True)
class LabelledData:
    """Documents, one label list per document, the task and the files read (for the receipt)."""

    name: str
    task: str
    docs: list[SentenceSequence]
    labels: list[list[str]]
    files: list[Path] = field(default_factory=list)

    @property
    def n_sentences(self) -> int:
        return sum(len(d) for d in self.docs)


def embed_documents(
    rows: Sequence[tuple[str, Sequence[str], Sequence[str], str]],
    embedder: Embedder,
    on_progress: Callable[[int], None] | None = None,
) -> list[SentenceSequence]:
    """Embed ``(doc_id, texts, sections, group)`` rows in one pass and build the sequences."""
    texts = [t for _, sents, _, _ in rows for t in sents]
    vectors = embedder.encode(texts, on_progress=on_progress)
    out, pos = [], 0
    for doc_id, sents, sections, group in rows:
        out.append(SentenceSequence(doc_id, tuple(sents), tuple(sections), vectors[pos : pos + len(sents)], group))
        pos += len(sents)
    return out


def coresc_data(
    folder: str | os.PathLike[str], embedder: Embedder, on_progress: Callable[[int], None] | None = None
) -> LabelledData:
    """The CoreSC papers of ``folder`` (``<data_dir>/coresc``; silver SAPIENTA labels), grouped by domain."""
    from sciwire.datasets.coresc import load_coresc_folder

    papers = load_coresc_folder(folder)
    rows = [(p.paper_id, p.sentences, p.sections, p.domain) for p in papers]
    docs = embed_documents(rows, embedder, on_progress)
    files = [Path(folder) / "sentences.tsv", Path(folder) / "xml"]
    return LabelledData(
        f"CoreSC ({len(docs)} papers, SAPIENTA silver labels)", "coresc", docs, [list(p.labels) for p in papers], files
    )


def csabstruct_data(
    data_dir: str | os.PathLike[str],
    split: str,
    embedder: Embedder,
    on_progress: Callable[[int], None] | None = None,
) -> LabelledData:
    """One CSAbstruct split; every sentence is in the ``abstract`` section."""
    from sciwire.datasets.base import data_path
    from sciwire.datasets.csabstruct import load_csabstruct

    abstracts = load_csabstruct(data_dir, split)
    rows = [(a.id, a.sentences, ("abstract",) * len(a.sentences), "") for a in abstracts]
    docs = embed_documents(rows, embedder, on_progress)
    files = [data_path(data_dir, "csabstruct", f"{split}.jsonl")]
    return LabelledData(f"CSAbstruct {split}", "abstract", docs, [list(a.labels) for a in abstracts], files)


def jsonl_data(
    path: str | os.PathLike[str],
    embedder: Embedder,
    task: str = "custom",
    on_progress: Callable[[int], None] | None = None,
) -> LabelledData:
    """Documents from a JSONL file (see the module docstring).

    Raises:
        InputError: On a malformed line or a sentence/label count mismatch.
    """
    path = Path(path)
    default_section = "abstract" if task == "abstract" else "body"
    rows, labels = [], []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                sents = [str(s) for s in item["sentences"]]
                labs = [str(v) for v in item["labels"]]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(
                    f'{path}:{n}: expected {{"sentences": [...], "labels": [...]}} per line ({exc!r})'
                ) from exc
            if len(sents) != len(labs):
                raise InputError(f"{path}:{n}: {len(sents)} sentences but {len(labs)} labels")
            sections = item.get("sections") or [default_section] * len(sents)
            rows.append((str(item.get("id", f"{path.stem}-{n}")), sents, sections, str(item.get("group", ""))))
            labels.append(labs)
    if not rows:
        raise InputError(f"{path} holds no documents")
    return LabelledData(path.name, task, embed_documents(rows, embedder, on_progress), labels, [path])


def read_labelled(
    path: str | os.PathLike[str],
    embedder: Embedder,
    split: str = "train",
    task: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> LabelledData:
    """Labelled documents from a CoreSC folder, a CSAbstruct folder (``split``) or a JSONL file.

    Raises:
        InputError: When the path is none of these.
    """
    path = Path(path).expanduser()
    if path.is_dir() and (path / "sentences.tsv").exists():
        return coresc_data(path, embedder, on_progress)
    if path.is_dir() and (path / f"{split}.jsonl").exists():
        if path.name == "csabstruct":
            return csabstruct_data(path.parent, split, embedder, on_progress)
        return jsonl_data(path / f"{split}.jsonl", embedder, task or "abstract", on_progress)
    if path.is_file() and path.suffix in (".jsonl", ".json"):
        return jsonl_data(path, embedder, task or "custom", on_progress)
    raise InputError(
        f"{path} is not labelled discourse data: expected a CoreSC folder (sentences.tsv + xml/), a folder with "
        f"{split}.jsonl (CSAbstruct layout) or a JSONL file with sentences and labels per line"
    )
