"""CSAbstruct (Cohan et al., EMNLP 2019): computer-science abstracts with a rhetorical role per sentence.

Files (under ``<data_dir>/csabstruct``): ``train.jsonl`` and ``dev.jsonl`` (the test split is
held back for independent evaluation), one abstract per line::

    {"abstract_id": 0, "sentences": [...], "labels": [...], "confs": [...]}

Labels: background, objective, method, result, other; ``confs`` is the annotators'
agreement per sentence. Licence: Apache-2.0, so models trained on it may ship.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from sciwire.datasets.base import data_path
from sciwire.errors import InputError

CSABSTRUCT_LABELS: tuple[str, ...] = ("background", "objective", "method", "result", "other")
SPLITS: tuple[str, ...] = ("train", "dev")


@dataclass(frozen=True)
class Abstract:
    """One labelled abstract: ``id`` is ``"{split}-{line number}"``.

    The file's own ``abstract_id`` is not used: it is 0 on every line of the shared copy, so ids
    built from it would put every abstract in one group of a grouped split.
    """

    id: str
    sentences: tuple[str, ...]
    labels: tuple[str, ...]
    confs: tuple[float, ...]


def load_csabstruct(data_dir: str | os.PathLike[str], split: str) -> list[Abstract]:
    """The abstracts of ``train`` or ``dev``, in file order.

    Raises:
        InputError: On an unknown split, a missing file or a malformed line.
    """
    if split not in SPLITS:
        raise InputError(f"CSAbstruct split must be one of {SPLITS}, got {split!r} (the test split is held back)")
    path = data_path(data_dir, "csabstruct", f"{split}.jsonl")
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                sentences, labels = tuple(row["sentences"]), tuple(row["labels"])
                confs = tuple(float(c) for c in row.get("confs") or [1.0] * len(sentences))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise InputError(f"{path}:{n}: not a CSAbstruct record ({exc!r})") from exc
            if len(sentences) != len(labels):
                raise InputError(f"{path}:{n}: {len(sentences)} sentences but {len(labels)} labels")
            unknown = sorted(set(labels) - set(CSABSTRUCT_LABELS))
            if unknown:
                raise InputError(f"{path}:{n}: unknown labels {unknown}; expected {CSABSTRUCT_LABELS}")
            out.append(Abstract(f"{split}-{n}", sentences, labels, confs))
    return out
