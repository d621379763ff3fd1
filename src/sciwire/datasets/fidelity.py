"""Fidelity data sets: claim strength, exaggeration pairs, conclusion detection, certainty.

All live under ``<data_dir>/fidelity/`` and are read by path, never copied:

- ``claim_strength/`` (Yu, Li & Wang 2019; Yu et al. 2020; GPL-3.0): ``pubmed_sentences.csv``
  (2,755 paper conclusion sentences) and ``eurekalert_sentences.csv`` (2,076 press-release
  headlines and openings; ``sentId`` starts with the paper's PMID). Labels 0 no relationship /
  not a claim, 1 correlational, 2 conditional causal, 3 direct causal.
- ``exaggeration/`` (Wright & Augenstein 2021; GPL-3.0): ``insciout_train.jsonl`` (100
  press-release <-> abstract conclusion pairs, both strengths and same / exaggerates /
  downplays), ``conclusion_detection/{train,dev}_pet.jsonl`` (1 = a conclusion sentence)
  and ``pet_cls/train_pet.csv`` (189 more sentences with a strength, source press/abstract).
- ``certainty/`` (Pei & Jurgens 2021; MIT): ``sentence-level-certainty.jsonl`` (certainty
  1-6, mean of raters) and ``aspect-level-certainty.jsonl`` (six aspects, each Certain /
  Uncertain / NotPresent), with a ``split`` of train / val / ext.

**Leakage.** Press-release sentences of one paper share facts and wording, so every
item carries a ``group``: the PMID for press sentences, the normalised text otherwise
(the paper file holds a few exact duplicates). Split with ``StratifiedGroupKFold`` on it.

Example:
    >>> normalise("  The  Mice, slept! ")
    'the mice slept'
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sciwire.datasets.base import data_path
from sciwire.errors import InputError

STRENGTH_LABELS: tuple[str, ...] = ("none", "correlational", "conditional causal", "direct causal")
VERDICT_LABELS: tuple[str, ...] = ("downplays", "same", "exaggerates")
ASPECTS: tuple[str, ...] = ("Number", "Extent", "Probability", "Condition", "Suggestion", "Framing")
ASPECT_VALUES: tuple[str, ...] = ("Certain", "NotPresent", "Uncertain")
_MOJIBAKE = re.compile("[ÂÃÎÏâ][\u0080-\u00bf\u0152-\u0192\u02c6\u02dc\u2013-\u2122]")


@dataclass(frozen=True)
class StrengthSentence:
    """A sentence with its claim strength (0-3); ``source`` is "paper" or "press"."""

    text: str
    label: int
    source: str
    group: str


@dataclass(frozen=True)
class ExaggerationPair:
    """A press-release conclusion and the abstract conclusion it reports."""

    id: str
    paper: str
    story: str
    paper_strength: int
    story_strength: int
    label: str


@dataclass(frozen=True)
class LabelledSentence:
    """A sentence with a binary label (conclusion detection: 1 = states a conclusion)."""

    text: str
    label: int
    group: str


@dataclass(frozen=True)
class CertaintyFinding:
    """A finding with its sentence-level certainty (1-6) and/or aspect-level labels."""

    id: int
    text: str
    split: str
    score: float | None = None
    aspects: tuple[tuple[str, str], ...] = ()

    def aspect(self, name: str) -> str:
        """The label of one aspect (Certain / Uncertain / NotPresent)."""
        return dict(self.aspects)[name]


def normalise(text: str) -> str:
    """Lower-case words only: the key used to find duplicates and overlaps between data sets."""
    return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


def repair_text(text: str) -> str:
    """Undo UTF-8 read as cp1252 ("PPARÎ´" -> "PPARδ"), which some paper sentences carry."""
    if not _MOJIBAKE.search(text):
        return text
    try:
        fixed = text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text
    return fixed


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path} line {n} is not valid JSON: {exc}") from exc


def _label(value: Any, where: str, allowed: range) -> int:
    try:
        label = int(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: label {value!r} is not an integer") from exc
    if label not in allowed:
        raise InputError(f"{where}: label {label} outside {allowed.start}..{allowed.stop - 1}")
    return label


def load_claim_strength(data_dir: str | os.PathLike[str], source: str = "both") -> list[StrengthSentence]:
    """Claim-strength sentences: ``source`` is "paper" (PubMed), "press" (EurekAlert) or "both".

    Raises:
        InputError: On a missing file, an unknown source or a bad label.
    """
    if source not in ("paper", "press", "both"):
        raise InputError(f"source must be 'paper', 'press' or 'both', got {source!r}")
    out: list[StrengthSentence] = []
    if source in ("paper", "both"):
        path = data_path(data_dir, "fidelity", "claim_strength", "pubmed_sentences.csv")
        with path.open(encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                text = repair_text(row["sentence"].strip().rstrip('"').strip())
                out.append(StrengthSentence(text, _label(row["label"], f"{path.name}:{n}", range(4)), "paper",
                                            "t:" + normalise(text)))  # fmt: skip
    if source in ("press", "both"):
        path = data_path(data_dir, "fidelity", "claim_strength", "eurekalert_sentences.csv")
        with path.open(encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                pmid = row["sentId"].split("-", 1)[0]
                label = _label(row["label"], f"{path.name}:{n}", range(4))
                out.append(StrengthSentence(row["sentence"].strip(), label, "press", "pmid:" + pmid))
    return out


def load_strength_pet(data_dir: str | os.PathLike[str]) -> list[StrengthSentence]:
    """The 189 strength-labelled press/abstract sentences of ``exaggeration/pet_cls`` (another domain)."""
    path = data_path(data_dir, "fidelity", "exaggeration", "pet_cls", "train_pet.csv")
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.reader(fh), start=1):
            if len(row) != 3:
                raise InputError(f"{path.name}:{n} has {len(row)} fields; expected text,label,source")
            source = "press" if row[2] == "press" else "paper"
            label = _label(row[1], f"{path.name}:{n}", range(4))
            out.append(StrengthSentence(row[0].strip(), label, source, "t:" + normalise(row[0])))
    return out


def load_exaggeration_pairs(data_dir: str | os.PathLike[str]) -> list[ExaggerationPair]:
    """The 100 InSciOut training pairs (the test split is held back and not in the data folder)."""
    path = data_path(data_dir, "fidelity", "exaggeration", "insciout_train.jsonl")
    out = []
    for row in _jsonl(path):
        label = row["exaggeration_label"]
        if label not in VERDICT_LABELS:
            raise InputError(f"{path.name}: exaggeration_label {label!r} not in {VERDICT_LABELS}")
        out.append(
            ExaggerationPair(
                id=str(row["original_file_id"]),
                paper=row["abstract_conclusion"].strip(),
                story=row["press_release_conclusion"].strip(),
                paper_strength=_label(row["abstract_strength"], path.name, range(4)),
                story_strength=_label(row["press_release_strength"], path.name, range(4)),
                label=label,
            )
        )
    return out


def load_conclusion_detection(data_dir: str | os.PathLike[str], split: str = "train") -> list[LabelledSentence]:
    """Conclusion-detection sentences of ``split`` ("train": 1,138 or "dev": 355); label 1 = conclusion."""
    if split not in ("train", "dev"):
        raise InputError(f"split must be 'train' or 'dev', got {split!r}")
    path = data_path(data_dir, "fidelity", "exaggeration", "conclusion_detection", f"{split}_pet.jsonl")
    return [
        LabelledSentence(row["text"].strip(), _label(row["label"], path.name, range(2)), "t:" + normalise(row["text"]))
        for row in _jsonl(path)
    ]


def load_certainty(data_dir: str | os.PathLike[str], level: str = "sentence") -> list[CertaintyFinding]:
    """Certainty findings: ``level`` "sentence" (score 1-6) or "aspect" (six aspect labels)."""
    if level not in ("sentence", "aspect"):
        raise InputError(f"level must be 'sentence' or 'aspect', got {level!r}")
    path = data_path(data_dir, "fidelity", "certainty", f"{level}-level-certainty.jsonl")
    out = []
    for row in _jsonl(path):
        if level == "sentence":
            out.append(CertaintyFinding(int(row["id"]), row["finding"].strip(), row["split"],
                                        score=float(row["sentence-level-certainty"])))  # fmt: skip
        else:
            aspects = row["aspect-level-certainty"]
            bad = {k: v for k, v in aspects.items() if k not in ASPECTS or v not in ASPECT_VALUES}
            if bad or len(aspects) != len(ASPECTS):
                raise InputError(f"{path.name} id {row['id']}: unexpected aspects {aspects}")
            out.append(CertaintyFinding(int(row["id"]), row["finding"].strip(), row["split"],
                                        aspects=tuple((a, aspects[a]) for a in ASPECTS)))  # fmt: skip
    return out


def fidelity_files(data_dir: str | os.PathLike[str], *names: str) -> list[Path]:
    """The data folders named (``claim_strength``, ``exaggeration``, ``certainty``), for receipts."""
    return [data_path(data_dir, "fidelity", name) for name in names]
