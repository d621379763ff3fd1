"""Few-shot SetFit (Tunstall et al. 2022): contrastive fine-tuning of MiniLM on pairs of labelled
examples, then a logistic head on the tuned vectors.

Training runs the ``setfit`` library (its ``Trainer`` and ``TrainingArguments``) on a private
copy of the local body (the bundled MiniLM by default: nothing is downloaded). The fitted model
is saved without pickle: the tuned body as a sentence-transformers folder (safetensors) and
the head's weights as JSON.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.config import DEFAULT_EMBEDDING_MODEL
from sciwire.errors import MissingDependencyError
from sciwire.fitting import softmax
from sciwire.learn.base import TextClassifier

logger = logging.getLogger(__name__)
BODY_FOLDER = "setfit_body"


@contextmanager
def _quiet() -> Iterator[None]:
    """No progress bars from ``datasets`` while SetFit builds its pairs (switched back on after)."""
    from datasets.utils import logging as ds_logging

    was_on = ds_logging.is_progress_bar_enabled()
    ds_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_on:
            ds_logging.enable_progress_bar()


class SetFitClassifier(TextClassifier):
    """SetFit on a local sentence-transformers body.

    Args:
        body: The body to fine-tune: the bundled name, or a sentence-transformers folder.
        num_iterations: Pairs generated per example (SetFit's ``num_iterations``).
        num_epochs: Epochs of contrastive training.
        batch_size: Pairs per step.
        max_steps: Stop after this many steps (-1: no limit); bounds the cost on CPU.
        C: Inverse L2 regularisation of the logistic head.
        seed: Seed of pair sampling and training.
    """

    def __init__(
        self,
        body: str = DEFAULT_EMBEDDING_MODEL,
        num_iterations: int = 5,
        num_epochs: int = 1,
        batch_size: int = 16,
        max_steps: int = -1,
        C: float = 1.0,
        seed: int = 0,
    ) -> None:
        self.body = body
        self.num_iterations = num_iterations
        self.num_epochs = num_epochs
        self.batch_size = batch_size
        self.max_steps = max_steps
        self.C = C
        self.seed = seed

    def _fit(self, texts: list[str], y: np.ndarray) -> None:
        try:
            from setfit import SetFitModel, Trainer, TrainingArguments

            from datasets import Dataset
        except ImportError as exc:
            raise MissingDependencyError("setfit", "Few-shot SetFit training", "learn") from exc
        from sklearn.linear_model import LogisticRegression
        from transformers.trainer_callback import PrinterCallback, ProgressCallback

        from sciwire.backends.embeddings import load_sentence_transformer, resolve_model

        st = load_sentence_transformer(resolve_model(self.body)[0])  # a private copy: trained in place
        scratch = tempfile.mkdtemp(prefix="sciwire-setfit-")  # SetFit wants an output folder; nothing is saved
        model = SetFitModel(model_body=st, model_head=LogisticRegression(C=self.C, max_iter=2000))
        args = TrainingArguments(
            batch_size=self.batch_size, num_epochs=self.num_epochs, num_iterations=self.num_iterations,
            max_steps=self.max_steps, seed=self.seed, show_progress_bar=False, report_to="none",
            output_dir=scratch, save_strategy="no", logging_strategy="no",
        )  # fmt: skip
        with _quiet():
            train = Dataset.from_dict({"text": texts, "label": [int(v) for v in y]})
            trainer = Trainer(model=model, args=args, train_dataset=train)
            for callback in (PrinterCallback, ProgressCallback):  # the library logs; it draws nothing
                trainer.st_trainer.pop_callback(callback)
            trainer.train()
        head = model.model_head
        self.body_ = model.model_body
        self.coef_ = np.asarray(head.coef_, dtype=np.float64)
        self.intercept_ = np.asarray(head.intercept_, dtype=np.float64)
        if sorted(int(c) for c in head.classes_) != list(range(len(self.classes_))):  # a class never sampled
            full = LogisticRegression(C=self.C, max_iter=2000).fit(self._encode(texts), y)
            self.coef_, self.intercept_ = full.coef_.astype(np.float64), full.intercept_.astype(np.float64)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(
            self.body_.encode(texts, batch_size=64, convert_to_numpy=True, show_progress_bar=False), dtype=np.float64
        )

    def decision_function(self, texts: list[str]) -> np.ndarray:
        """Logits of the head on the tuned vectors, one column per class."""
        self._check_fitted()
        z = self._encode(texts) @ self.coef_.T + self.intercept_
        return np.hstack([np.zeros_like(z), z]) if self.coef_.shape[0] == 1 else z

    def _proba(self, texts: list[str]) -> np.ndarray:
        return softmax(self.decision_function(texts))

    def _state(self, folder: Path) -> dict[str, Any]:
        self.body_.save(str(folder / BODY_FOLDER))
        return {"body_folder": BODY_FOLDER, "coef": self.coef_.tolist(), "intercept": self.intercept_.tolist()}

    def _restore(self, state: dict[str, Any], folder: Path) -> None:
        from sciwire.backends.embeddings import load_sentence_transformer

        self.body_ = load_sentence_transformer(str(folder / state["body_folder"]))
        self.coef_ = np.array(state["coef"], dtype=np.float64)
        self.intercept_ = np.array(state["intercept"], dtype=np.float64)
