"""A trained discourse model: the tagger, its task and label set, and how to load the shipped ones.

Two models ship in ``sciwire/models/``:

- ``discourse_coresc``: Core Scientific Concepts for every paper sentence (trained on the 99
  CoreSC papers, CC-BY 4.0);
- ``discourse_abstract``: rhetorical roles of abstract sentences (trained on CSAbstruct
  train, Apache-2.0).

Example:
    >>> model = DiscourseModel.load("default", task="abstract")  # doctest: +SKIP
    >>> [p.label for p in model.predict(sequence)]                # doctest: +SKIP
    ['background', 'objective', 'method', 'result']
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sciwire.discourse.explain import Explanation, explain_document
from sciwire.discourse.features import SentenceSequence
from sciwire.discourse.labels import LABEL_SETS, LabelSet
from sciwire.discourse.tagger import SequenceTagger
from sciwire.errors import InputError, ModelLoadError

logger = logging.getLogger(__name__)
TASKS: tuple[str, ...] = ("coresc", "abstract")


def default_model_dir(task: str) -> Path:
    """The folder of the shipped model for ``task`` (``coresc`` or ``abstract``)."""
    if task not in TASKS:
        raise InputError(f"Discourse task must be one of {TASKS}, got {task!r}")
    return Path(str(resources.files("sciwire") / "models" / f"discourse_{task}"))


def model_folder(spec: str | os.PathLike[str], task: str) -> Path:
    """The folder ``spec`` names: the shipped model of ``task`` for ``"default"``, else the path."""
    return default_model_dir(task) if str(spec) == "default" else Path(spec).expanduser()


@dataclass(frozen=True)
class RolePrediction:
    """The role of one sentence: label, calibrated probability, all probabilities, explanation."""

    label: str
    probability: float
    probabilities: dict[str, float]
    explanation: Explanation | None = None


class DiscourseModel:
    """A fitted :class:`SequenceTagger` with its task, labels and embedding model.

    Args:
        tagger: The fitted tagger.
        task: ``coresc``, ``abstract`` or a user's own task name.
        embedding_model: The embedder's model key at training time.
        info: Anything else from ``model.json`` (metrics, data).
    """

    def __init__(
        self, tagger: SequenceTagger, task: str, embedding_model: str, info: dict[str, Any] | None = None
    ) -> None:
        self.tagger = tagger
        self.task = task
        self.embedding_model = embedding_model
        self.info = info or {}

    @property
    def label_set(self) -> LabelSet | None:
        """Display names and colours when the task is a known one."""
        return LABEL_SETS.get(self.task)

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.tagger.classes_)

    @classmethod
    def load(cls, spec: str | os.PathLike[str] = "default", task: str = "coresc") -> DiscourseModel:
        """Load ``"default"`` (the shipped model of ``task``) or a folder from ``sciwire train discourse``.

        Raises:
            ModelLoadError: When the folder is missing or not a discourse model.
        """
        folder = model_folder(spec, task)
        if not (folder / "model.json").exists():
            raise ModelLoadError(
                f"No discourse model in {folder} (expected model.json + model.safetensors); use 'default' or a "
                "folder written by `sciwire train discourse`"
            )
        tagger, meta = SequenceTagger.load(folder)
        return cls(tagger, meta.get("task", task), meta.get("embedding_model", ""), meta)

    def save(self, folder: str | os.PathLike[str], info: dict[str, Any] | None = None) -> Path:
        """Write the tagger with the task and embedding model into ``folder``."""
        extra = {**(info or {}), "task": self.task, "embedding_model": self.embedding_model}
        return self.tagger.save(folder, extra)

    def check_embedder(self, model_key: str) -> None:
        """Warn when the embedder differs from the one the model was trained with."""
        if self.embedding_model and model_key != self.embedding_model:
            logger.warning(
                "The %s discourse model was trained on %s embeddings, but %s is in use; roles may be wrong",
                self.task,
                self.embedding_model,
                model_key,
            )

    def predict(
        self, doc: SentenceSequence, explain: bool = True, top: int = 5, neighbours: int = 5
    ) -> list[RolePrediction]:
        """A :class:`RolePrediction` per sentence of ``doc``.

        Raises:
            InputError: When ``doc`` has no sentences or embeddings of the wrong size.
        """
        probs = self.tagger.predict_proba([doc])
        explanations: list[Explanation | None] = (
            list(explain_document(self.tagger, doc, top, neighbours)) if explain else [None] * len(doc)
        )
        out = []
        for row, expl in zip(probs, explanations, strict=True):
            best = int(row.argmax())
            out.append(
                RolePrediction(
                    label=self.classes[best],
                    probability=float(row[best]),
                    probabilities={c: float(p) for c, p in zip(self.classes, row, strict=True)},
                    explanation=expl,
                )
            )
        return out


@functools.lru_cache(maxsize=8)
def load_cached(spec: str, task: str) -> DiscourseModel:
    """:meth:`DiscourseModel.load`, once per (spec, task) in a process."""
    return DiscourseModel.load(spec, task)
