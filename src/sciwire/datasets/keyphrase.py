"""Keyphrase benchmarks under ``<data_dir>/keyphrase``: Inspec, SemEval-2017 ScienceIE, SemEval-2010.

- ``inspec/{train,dev}.jsonl``: Hulth (2003) abstracts; the text is the title and the abstract,
  the gold the ``keyphrases_uncontrolled`` (the usual gold, absent phrases included).
- ``semeval2017_scienceie/{train,dev}.jsonl``: ScienceIE paragraphs and their ``keyphrases``.
- ``semeval2010/train.part{0,1,2}.jsonl``: 144 full ACM papers; the gold is the official
  stemmed combined (author + reader) reference ``ref_train.combined.stem.json`` (alternatives
  for one keyphrase are all accepted, as in the literature).

Licences: research use; a model fitted on these may not ship (see the data README).

Example:
    >>> docs = load_keyphrase_split("../shared/data", "inspec", "dev")  # doctest: +SKIP
    >>> docs[0].gold[:2]                                                # doctest: +SKIP
    (('ship control',), ('collision avoidance',))
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from sciwire.datasets.base import data_path
from sciwire.errors import InputError

#: data set -> splits available here (test splits are withheld on purpose).
KEYPHRASE_SPLITS: dict[str, tuple[str, ...]] = {
    "inspec": ("train", "dev"),
    "semeval2017": ("train", "dev"),
    "semeval2010": ("train",),
}


@dataclass(frozen=True)
class KeyphraseDoc:
    """One benchmark document: its text and gold keyphrases.

    ``gold`` holds one tuple per gold keyphrase: its accepted variants (usually one; SemEval-2010
    lists alternatives such as "end-to-end quality of service" / "service end-to-end quality").
    They are surface forms to be normalised by the evaluation unless ``gold_stemmed`` is set,
    in which case they are already Porter-stemmed (SemEval-2010's official reference).
    """

    id: str
    text: str
    gold: tuple[tuple[str, ...], ...]
    gold_stemmed: bool = False


def load_keyphrase_split(data_dir: str | os.PathLike[str], dataset: str, split: str) -> list[KeyphraseDoc]:
    """The documents of ``dataset``'s ``split``, in file order.

    Args:
        data_dir: The research data folder (``paths.data_dir`` / ``SCIWIRE_DATA``).
        dataset: ``inspec``, ``semeval2017`` or ``semeval2010``.
        split: ``train`` or ``dev`` (SemEval-2010: ``train`` only).

    Raises:
        InputError: Unknown data set or split, or the files are missing.
    """
    if dataset not in KEYPHRASE_SPLITS:
        raise InputError(f"Unknown keyphrase data set {dataset!r}; expected one of {', '.join(KEYPHRASE_SPLITS)}")
    if split not in KEYPHRASE_SPLITS[dataset]:
        raise InputError(f"{dataset} has no split {split!r} here; available: {', '.join(KEYPHRASE_SPLITS[dataset])}")
    if dataset == "inspec":
        return [
            KeyphraseDoc(
                str(r["id"]), f"{r['title'].strip()}\n{r['abstract'].strip()}", _singles(r["keyphrases_uncontrolled"])
            )
            for r in _jsonl(data_path(data_dir, "keyphrase", "inspec", f"{split}.jsonl"))
        ]
    if dataset == "semeval2017":
        return [
            KeyphraseDoc(str(r["id"]), r["text"], _singles(r["keyphrases"]))
            for r in _jsonl(data_path(data_dir, "keyphrase", "semeval2017_scienceie", f"{split}.jsonl"))
        ]
    folder = data_path(data_dir, "keyphrase", "semeval2010")
    with data_path(data_dir, "keyphrase", "semeval2010", "ref_train.combined.stem.json").open(encoding="utf-8") as fh:
        reference: dict[str, list[list[str]]] = json.load(fh)
    docs = []
    for part in sorted(folder.glob("train.part*.jsonl")):
        for r in _jsonl(part):
            alternatives = reference.get(r["id"])
            if alternatives is None:
                raise InputError(f"SemEval-2010 document {r['id']} has no entry in ref_train.combined.stem.json")
            gold = tuple(tuple(dict.fromkeys(a.strip() for a in group if a.strip())) for group in alternatives)
            gold = tuple(group for group in gold if group)
            docs.append(KeyphraseDoc(str(r["id"]), r["text"], gold, gold_stemmed=True))
    return docs


def _jsonl(path: os.PathLike[str]) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _singles(phrases: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple((p,) for p in dict.fromkeys(p.strip() for p in phrases if isinstance(p, str) and p.strip()))
