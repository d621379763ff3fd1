"""Zero-shot methods: no labelled examples needed, only the label names (or descriptions).

- :class:`EmbeddingZeroShot` (offline default): embed each label's description with MiniLM;
  a text's probabilities are the softmax of its cosine similarity to each, times ``scale``.
- :class:`NLIZeroShot` (online users): an NLI cross-encoder, e.g.
  ``MoritzLaurer/deberta-v3-base-zeroshot-v2.0``, scores "This text is about {label}." as a
  hypothesis against each text; the entailment logits over labels go through a softmax.

``fit(texts, y)`` only learns the classes (from ``labels`` and ``y``); the texts are ignored.

Example:
    >>> zs = EmbeddingZeroShot(labels=["climate", "health"], descriptions={"climate": "climate change"})
    >>> zs.get_params()["labels"]
    ['climate', 'health']
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.config import DEFAULT_EMBEDDING_MODEL
from sciwire.errors import MissingDependencyError, ModelLoadError
from sciwire.fitting import softmax
from sciwire.learn.base import TextClassifier
from sciwire.learn.vectors import embed

logger = logging.getLogger(__name__)
#: A DeBERTa-v3 zero-shot NLI model (MIT) for users who are online.
DEFAULT_NLI_MODEL = "MoritzLaurer/deberta-v3-base-zeroshot-v2.0"
DEFAULT_HYPOTHESIS = "This text is about {}."


class _ZeroShot(TextClassifier):
    """What both zero-shot methods share: classes from ``labels`` and ``y``; descriptions per label."""

    labels: list[str] | None
    descriptions: dict[str, str] | None

    def _classes_for(self, labels: list[str]) -> list[str]:
        return sorted(set(self.labels or []) | set(labels))

    def _describe(self, label: str) -> str:
        return (self.descriptions or {}).get(label) or label.replace("_", " ")

    def fit_labels(self) -> _ZeroShot:
        """Fit on the ``labels`` given at construction only (no examples)."""
        return self.fit([], [])


class EmbeddingZeroShot(_ZeroShot):
    """Label descriptions embedded with the sentence encoder; softmax of scaled cosine similarity.

    Args:
        labels: The label names (more may come from ``y`` in :meth:`fit`).
        descriptions: Label -> a phrase that says what it means (default: the name).
        embedding: The sentence encoder (bundled name, folder or hub id).
        scale: Multiplies cosine similarities before the softmax (an inverse temperature).
        cache_dir: On-disk vector cache folder (None: none).
    """

    def __init__(
        self,
        labels: list[str] | None = None,
        descriptions: dict[str, str] | None = None,
        embedding: str = DEFAULT_EMBEDDING_MODEL,
        scale: float = 20.0,
        cache_dir: str | None = None,
    ) -> None:
        self.labels = labels
        self.descriptions = descriptions
        self.embedding = embedding
        self.scale = scale
        self.cache_dir = cache_dir

    def _fit(self, texts: list[str], y: np.ndarray) -> None:
        self.label_vectors_ = embed([self._describe(c) for c in self.classes_], self.embedding, self.cache_dir)

    def decision_function(self, texts: list[str]) -> np.ndarray:
        """Scaled cosine similarity of each text to each label's description."""
        self._check_fitted()
        return self.scale * (embed(texts, self.embedding, self.cache_dir) @ self.label_vectors_.T).astype(np.float64)

    def _proba(self, texts: list[str]) -> np.ndarray:
        return softmax(self.decision_function(texts))

    def _state(self, folder: Path) -> dict[str, Any]:
        return {}

    def _restore(self, state: dict[str, Any], folder: Path) -> None:
        self._fit([], np.array([], dtype=int))


class NLIZeroShot(_ZeroShot):
    """Zero-shot classification with an NLI cross-encoder (transformers ``AutoModelForSequenceClassification``).

    The model is loaded on first use (a local folder or, online, a hub id) and must have an
    ``entailment`` label in its config. Each text is paired with one hypothesis per label.

    Args:
        labels: The label names.
        descriptions: Label -> the phrase put into the hypothesis (default: the name).
        model: A local folder or hub id of an NLI model.
        hypothesis: The template; ``{}`` is replaced by the label's description.
        batch_size: Pairs per forward pass.
        max_length: Word pieces per pair, at most.
    """

    def __init__(
        self,
        labels: list[str] | None = None,
        descriptions: dict[str, str] | None = None,
        model: str = DEFAULT_NLI_MODEL,
        hypothesis: str = DEFAULT_HYPOTHESIS,
        batch_size: int = 16,
        max_length: int = 256,
    ) -> None:
        self.labels = labels
        self.descriptions = descriptions
        self.model = model
        self.hypothesis = hypothesis
        self.batch_size = batch_size
        self.max_length = max_length

    def warm_up(self) -> None:
        """Load the tokenizer and model once.

        Raises:
            MissingDependencyError: Without transformers/torch.
            ModelLoadError: When the model cannot be loaded or has no entailment label.
        """
        if getattr(self, "_nli", None) is not None:
            return
        try:
            import torch  # noqa: F401
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as exc:
            raise MissingDependencyError("transformers", "NLI zero-shot classification", "learn") from exc
        try:
            tokenizer = AutoTokenizer.from_pretrained(self.model)
            net = AutoModelForSequenceClassification.from_pretrained(self.model).eval()
        except (OSError, ValueError, KeyError) as exc:
            raise ModelLoadError(
                f"Cannot load the NLI model {self.model!r}: {str(exc).splitlines()[0]}; give a local folder "
                "(learn.nli_model) or go online once to download it, or use the offline --method zero-shot"
            ) from exc
        names = {int(i): str(n).lower() for i, n in net.config.id2label.items()}
        entail = [i for i, n in names.items() if n.startswith("entail")]
        if not entail:
            raise ModelLoadError(
                f"The NLI model {self.model!r} has labels {sorted(names.values())}; expected one named 'entailment'"
            )
        self._nli = (tokenizer, net, entail[0])
        logger.info("Loaded NLI model %s (entailment = label %d)", self.model, entail[0])

    def _fit(self, texts: list[str], y: np.ndarray) -> None:
        self.hypotheses_ = [self.hypothesis.format(self._describe(c)) for c in self.classes_]

    def decision_function(self, texts: list[str]) -> np.ndarray:
        """The entailment logit of each (text, label hypothesis) pair, shape ``(n, n_classes)``."""
        import torch

        self._check_fitted()
        self.warm_up()
        tokenizer, net, entail = self._nli
        pairs = [(t, h) for t in texts for h in self.hypotheses_]
        out: list[np.ndarray] = []
        with torch.inference_mode():
            for i in range(0, len(pairs), self.batch_size):
                chunk = pairs[i : i + self.batch_size]
                enc = tokenizer(
                    [a for a, _ in chunk], [b for _, b in chunk], truncation="only_first",
                    max_length=self.max_length, padding=True, return_tensors="pt",
                )  # fmt: skip
                logits = net(**enc).logits.float()
                out.append(logits[:, entail].cpu().numpy())
        return np.concatenate(out).reshape(len(texts), len(self.hypotheses_)).astype(np.float64)

    def _proba(self, texts: list[str]) -> np.ndarray:
        return softmax(self.decision_function(texts))

    def _state(self, folder: Path) -> dict[str, Any]:
        return {}

    def _restore(self, state: dict[str, Any], folder: Path) -> None:
        self._fit([], np.array([], dtype=int))
