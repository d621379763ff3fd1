"""The sequence-aware discourse model: a bidirectional GRU over sentence features plus a linear
lexical part, calibrated by temperature scaling.

For sentence i of a document, the logits are the sum of two parts:

- **context** (deep): ``[embedding_i, context features_i]`` -> linear + GELU -> a BiGRU over
  the document's sentences -> linear. It reads the neighbours through the GRU, so it learns
  that a Method follows a Method and that Conclusions come last;
- **lexical** (wide): a linear function of the sentence's TF-IDF words and of the context
  features (cues, position, section). Its contributions are exact (weight x value), which is
  what :mod:`sciwire.discourse.explain` shows.

Training (``fit``) holds out ``val_fraction`` of the documents: the epoch with the best
macro-F1 on them is kept (early stopping), and the temperature ``T`` that minimises their
negative log-likelihood is fitted afterwards (Guo et al., 2017). ``predict_proba`` returns
``softmax(logits / T)``; temperature never changes the predicted label. Long documents are
cut into windows of ``window`` sentences for training and read whole for prediction. The
class weights of the loss are ``(1 / frequency) ** class_weight_power`` (helps rare roles,
i.e. macro-F1).

Saved as ``model.safetensors`` (weights, IDF, prototypes) + ``model.json`` (settings,
vocabulary, classes, temperature): no pickle.

Example:
    >>> import numpy as np
    >>> from sciwire.discourse.features import SentenceSequence
    >>> rng = np.random.default_rng(0)
    >>> docs = [SentenceSequence(f"d{i}", ("We aim to test.", "It was measured.", "It worked."),
    ...         ("abstract",) * 3, rng.normal(size=(3, 8))) for i in range(4)]
    >>> tagger = SequenceTagger(epochs=2, hidden=8, min_df=1).fit(docs, ["goal", "method", "result"] * 4)
    >>> tagger.predict_proba(docs[:1]).shape
    (3, 3)
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.utils.validation import check_is_fitted
from torch import nn

from sciwire.discourse.base import DiscourseClassifier, check_training_data
from sciwire.discourse.features import CONTEXT_NAMES, SentenceSequence, check_sequences, context_features
from sciwire.errors import InputError, ModelLoadError
from sciwire.fitting import fit_temperature, read_json, read_safetensors, require_keys, retrain_hint, softmax

logger = logging.getLogger(__name__)
FORMAT = "sciwire-discourse-tagger/1"
_META_KEYS = ("format", "classes", "vocabulary", "n_dense", "temperature", "best_epoch", "validation_macro_f1",
              "prototype_ids")  # fmt: skip
_TENSOR_KEYS = ("idf", "prototype_embeddings", "prototype_labels")


class _Net(nn.Module):
    """Context (projection + BiGRU) and lexical (linear) logits, summed."""

    def __init__(self, n_dense: int, n_wide: int, n_classes: int, hidden: int, dropout: float) -> None:
        super().__init__()
        self.proj = nn.Sequential(nn.Dropout(dropout), nn.Linear(n_dense, hidden), nn.GELU())
        self.rnn = nn.GRU(hidden, hidden // 2, batch_first=True, bidirectional=True)
        self.out = nn.Sequential(nn.Dropout(dropout), nn.Linear(2 * hidden, n_classes))
        self.wide = nn.Parameter(torch.zeros(n_wide, n_classes))
        self.bias = nn.Parameter(torch.zeros(n_classes))

    def context_logits(self, dense: torch.Tensor) -> torch.Tensor:
        h = self.proj(dense)
        r, _ = self.rnn(h)
        return self.out(torch.cat([h, r], dim=-1))

    def lexical_logits(self, wide: torch.Tensor) -> torch.Tensor:
        return torch.sparse.mm(wide, self.wide) + self.bias


def _to_torch_sparse(matrix: sp.csr_matrix) -> torch.Tensor:
    coo = matrix.tocoo()
    idx = torch.from_numpy(np.vstack([coo.row, coo.col]).astype(np.int64))
    return torch.sparse_coo_tensor(
        idx, torch.from_numpy(coo.data.astype(np.float32)), coo.shape, check_invariants=False
    ).coalesce()


class SequenceTagger(DiscourseClassifier):
    """BiGRU + lexical linear sentence tagger with temperature scaling (see the module docstring).

    Args:
        labels: The allowed labels; training data with another label is an error (None: any).
        hidden: Width of the projection (the GRU has ``hidden // 2`` units per direction).
        dropout: Dropout on the input and before the output layer.
        epochs: Maximum training epochs.
        patience: Stop after this many epochs without a better validation macro-F1.
        lr: AdamW learning rate.
        weight_decay: AdamW weight decay.
        window: Training windows of at most this many sentences.
        batch_size: Windows per step.
        val_fraction: Share of the training documents held out for early stopping and temperature.
        class_weight_power: Loss weights ``(1 / frequency) ** power`` (0: unweighted).
        max_vocab: TF-IDF vocabulary size (uni- and bigrams).
        min_df: Minimum document frequency (in sentences) of a vocabulary entry.
        prototypes: Training sentences kept (embedding + label) for nearest-example explanations.
        random_state: Seed of every random choice.
    """

    #: The model folder the tagger was loaded from (None when fitted in memory).
    folder: Path | None = None

    def __init__(
        self,
        labels: Sequence[str] | None = None,
        hidden: int = 128,
        dropout: float = 0.25,
        epochs: int = 40,
        patience: int = 6,
        lr: float = 2e-3,
        weight_decay: float = 1e-4,
        window: int = 96,
        batch_size: int = 16,
        val_fraction: float = 0.1,
        class_weight_power: float = 0.5,
        max_vocab: int = 5000,
        min_df: int = 2,
        prototypes: int = 1500,
        random_state: int = 0,
    ) -> None:
        self.labels = labels
        self.hidden = hidden
        self.dropout = dropout
        self.epochs = epochs
        self.patience = patience
        self.lr = lr
        self.weight_decay = weight_decay
        self.window = window
        self.batch_size = batch_size
        self.val_fraction = val_fraction
        self.class_weight_power = class_weight_power
        self.max_vocab = max_vocab
        self.min_df = min_df
        self.prototypes = prototypes
        self.random_state = random_state

    # ---- features ---------------------------------------------------------------------
    @property
    def wide_names(self) -> tuple[str, ...]:
        """Names of the lexical part's inputs: vocabulary entries, then context features."""
        check_is_fitted(self, "vocabulary_")
        return (*self.vocabulary_, *CONTEXT_NAMES)

    def _inputs(self, doc: SentenceSequence) -> tuple[np.ndarray, sp.csr_matrix]:
        ctx = context_features(doc)
        dense = np.hstack([doc.embeddings, ctx]).astype(np.float32)
        wide = sp.hstack([self.vectorizer_.transform(doc.texts), sp.csr_matrix(ctx)]).tocsr()
        return dense, wide

    def _make_vectorizer(self, vocabulary: Sequence[str] | None = None) -> TfidfVectorizer:
        return TfidfVectorizer(
            ngram_range=(1, 2),
            min_df=self.min_df,
            max_features=self.max_vocab,
            sublinear_tf=True,
            vocabulary=list(vocabulary) if vocabulary is not None else None,
        )

    # ---- training ---------------------------------------------------------------------
    def fit(
        self,
        X: Sequence[SentenceSequence],
        y: Any,
        on_epoch: Callable[[int, float], None] | None = None,
    ) -> SequenceTagger:
        """Train on documents ``X`` with one label per sentence ``y`` (flat or per document).

        Args:
            X: Training documents (at least 2, each with at least 2 sentences).
            y: Labels.
            on_epoch: Called with (epoch, validation macro-F1) after each epoch.

        Raises:
            InputError: On bad documents or labels (see :func:`check_training_data`).
        """
        docs, flat = check_training_data(X, y, self.labels, min_sentences=2)
        if len(docs) < 2:
            raise InputError(
                f"Training the sequence tagger needs at least 2 documents (one is held out for early stopping "
                f"and calibration), got {len(docs)}"
            )
        rng = np.random.default_rng(self.random_state)
        torch.manual_seed(self.random_state)
        self.classes_ = np.array(sorted(set(flat)), dtype=object)
        index = {c: i for i, c in enumerate(self.classes_)}
        offsets = np.cumsum([0, *(len(d) for d in docs)])
        targets = [np.array([index[v] for v in flat[a:b]]) for a, b in pairwise(offsets)]
        order = rng.permutation(len(docs))
        n_val = min(max(1, round(self.val_fraction * len(docs))), len(docs) - 1)
        val_ids, train_ids = order[:n_val], order[n_val:]

        texts = [t for i in train_ids for t in docs[i].texts]
        vectorizer = self._make_vectorizer()
        try:
            vectorizer.fit(texts)
        except ValueError:  # tiny data: no word reaches min_df
            vectorizer = self._make_vectorizer(vocabulary=["__none__"]).fit(texts)
        self.vectorizer_ = vectorizer
        self.vocabulary_ = tuple(vectorizer.get_feature_names_out().tolist())
        inputs = [self._inputs(d) for d in docs]
        n_dense, n_wide = inputs[0][0].shape[1], inputs[0][1].shape[1]
        self.n_dense_ = n_dense
        net = _Net(n_dense, n_wide, len(self.classes_), self.hidden, self.dropout)
        counts = np.bincount(np.concatenate([targets[i] for i in train_ids]), minlength=len(self.classes_))
        weights = (1.0 / np.maximum(counts, 1)) ** self.class_weight_power
        weights = weights / (weights * counts).sum() * counts.sum()
        loss_fn = nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32))
        opt = torch.optim.AdamW(net.parameters(), lr=self.lr, weight_decay=self.weight_decay)

        best, best_state, stale = -1.0, None, 0
        y_val = np.concatenate([targets[i] for i in val_ids])
        for epoch in range(self.epochs):
            net.train()
            windows = self._windows([len(docs[i]) for i in train_ids], rng)
            rng.shuffle(windows)
            for start in range(0, len(windows), self.batch_size):
                batch = windows[start : start + self.batch_size]
                logits, gold = self._batch_logits(net, [(train_ids[k], a, b) for k, a, b in batch], inputs, targets)
                loss = loss_fn(logits, gold)
                opt.zero_grad()
                loss.backward()
                opt.step()
            self.net_ = net
            pred = np.concatenate([self._logits(net, inputs[i]).argmax(1) for i in val_ids])
            score = float(f1_score(y_val, pred, average="macro", labels=np.unique(y_val)))
            if on_epoch is not None:
                on_epoch(epoch, score)
            logger.debug("epoch %d: validation macro-F1 %.4f", epoch, score)
            if score > best:
                best, stale = score, 0
                best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
            else:
                stale += 1
                if stale >= self.patience:
                    break
        assert best_state is not None
        net.load_state_dict(best_state)
        net.eval()
        self.net_ = net
        self.best_epoch_ = epoch - stale
        self.validation_macro_f1_ = best
        val_logits = np.vstack([self._logits(net, inputs[i]) for i in val_ids])
        self.temperature_ = fit_temperature(val_logits, y_val)
        self._keep_prototypes([docs[i] for i in train_ids], [targets[i] for i in train_ids], rng)
        self.n_features_in_ = n_dense
        return self

    def _windows(self, lengths: Sequence[int], rng: np.random.Generator) -> list[tuple[int, int, int]]:
        out = []
        for k, n in enumerate(lengths):
            if n <= self.window:
                out.append((k, 0, n))
                continue
            shift = int(rng.integers(0, self.window))
            starts = [0, *range(shift, n, self.window)] if shift else list(range(0, n, self.window))
            bounds = [*starts, n]
            out.extend((k, a, b) for a, b in pairwise(bounds) if b > a)
        return out

    def _batch_logits(
        self,
        net: _Net,
        batch: Sequence[tuple[int, int, int]],
        inputs: Sequence[tuple[np.ndarray, sp.csr_matrix]],
        targets: Sequence[np.ndarray],
    ) -> tuple[torch.Tensor, torch.Tensor]:
        length = max(b - a for _, a, b in batch)
        dense = np.zeros((len(batch), length, inputs[0][0].shape[1]), dtype=np.float32)
        for row, (k, a, b) in enumerate(batch):
            dense[row, : b - a] = inputs[k][0][a:b]
        ctx = net.context_logits(torch.from_numpy(dense))
        mask = np.zeros((len(batch), length), dtype=bool)
        for row, (_, a, b) in enumerate(batch):
            mask[row, : b - a] = True
        wide = _to_torch_sparse(sp.vstack([inputs[k][1][a:b] for k, a, b in batch]).tocsr())
        logits = ctx[torch.from_numpy(mask)] + net.lexical_logits(wide)
        gold = torch.from_numpy(np.concatenate([targets[k][a:b] for k, a, b in batch]).astype(np.int64))
        return logits, gold

    def _parts(self, net: _Net, inputs: tuple[np.ndarray, sp.csr_matrix]) -> tuple[np.ndarray, np.ndarray]:
        dense, wide = inputs
        with torch.inference_mode():
            ctx = net.context_logits(torch.from_numpy(dense)[None])[0]
            lex = net.lexical_logits(_to_torch_sparse(wide))
        return ctx.numpy(), lex.numpy()

    def _logits(self, net: _Net, inputs: tuple[np.ndarray, sp.csr_matrix]) -> np.ndarray:
        net.eval()
        ctx, lex = self._parts(net, inputs)
        return ctx + lex

    def _keep_prototypes(
        self, docs: Sequence[SentenceSequence], targets: Sequence[np.ndarray], rng: np.random.Generator
    ) -> None:
        emb = np.vstack([d.embeddings for d in docs])
        lab = np.concatenate(targets)
        ids = np.array([f"{d.doc_id}#{i}" for d in docs for i in range(len(d))], dtype=object)
        quota = max(1, self.prototypes // (2 * len(self.classes_)))
        keep: list[int] = []
        for c in range(len(self.classes_)):
            members = np.flatnonzero(lab == c)
            share = round(self.prototypes * len(members) / len(lab) / 2)
            n = min(len(members), quota + share)
            keep.extend(rng.choice(members, size=n, replace=False).tolist())
        keep.sort()
        self.prototype_embeddings_ = emb[keep].astype(np.float16)
        self.prototype_labels_ = lab[keep].astype(np.int64)
        self.prototype_ids_ = tuple(ids[keep].tolist())

    # ---- prediction -------------------------------------------------------------------
    def decision_parts(self, doc: SentenceSequence) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
        """``(context logits, lexical logits, lexical inputs)`` of one document, before temperature."""
        check_is_fitted(self, "net_")
        inputs = self._inputs(check_sequences([doc])[0])
        self._check_dim(inputs[0].shape[1], doc.doc_id)
        ctx, lex = self._parts(self.net_, inputs)
        return ctx, lex, inputs[1]

    def _check_dim(self, n_dense: int, doc_id: str) -> None:
        if n_dense != self.n_dense_:
            raise InputError(
                f"Document {doc_id!r} has embeddings of size {n_dense - len(CONTEXT_NAMES)}; this model was "
                f"trained on size {self.n_dense_ - len(CONTEXT_NAMES)} (use the same embedding model)"
            )

    def decision_function(self, X: Sequence[SentenceSequence]) -> np.ndarray:
        """Uncalibrated logits, one row per sentence, columns in ``classes_`` order."""
        check_is_fitted(self, "net_")
        rows = []
        for doc in check_sequences(X):
            inputs = self._inputs(doc)
            self._check_dim(inputs[0].shape[1], doc.doc_id)
            rows.append(self._logits(self.net_, inputs))
        return np.vstack(rows)

    def predict_proba(self, X: Sequence[SentenceSequence], calibrated: bool = True) -> np.ndarray:
        """Probabilities per sentence in ``classes_`` order (temperature-scaled unless ``calibrated=False``)."""
        logits = self.decision_function(X)
        return softmax(logits / (self.temperature_ if calibrated else 1.0))

    # ---- persistence ------------------------------------------------------------------
    def save(self, folder: str | os.PathLike[str], extra: dict[str, Any] | None = None) -> Path:
        """Write ``model.safetensors`` and ``model.json`` into ``folder``."""
        from safetensors.torch import save_file

        check_is_fitted(self, "net_")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tensors = {f"net.{k}": v.contiguous() for k, v in self.net_.state_dict().items()}
        tensors["idf"] = torch.from_numpy(self.vectorizer_.idf_.astype(np.float32))
        tensors["prototype_embeddings"] = torch.from_numpy(self.prototype_embeddings_)
        tensors["prototype_labels"] = torch.from_numpy(self.prototype_labels_)
        save_file(tensors, str(folder / "model.safetensors"))
        meta = {
            "format": FORMAT,
            "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.get_params().items()},
            "classes": [str(c) for c in self.classes_],
            "vocabulary": list(self.vocabulary_),
            "n_dense": int(self.n_dense_),
            "temperature": float(self.temperature_),
            "best_epoch": int(self.best_epoch_),
            "validation_macro_f1": float(self.validation_macro_f1_),
            "prototype_ids": list(self.prototype_ids_),
            **(extra or {}),
        }
        (folder / "model.json").write_text(json.dumps(meta, ensure_ascii=False) + "\n", encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> tuple[SequenceTagger, dict[str, Any]]:
        """Load a folder written by :meth:`save`; returns the tagger and the whole ``model.json``.

        The tagger's ``folder`` attribute is the folder it came from.

        Raises:
            ModelLoadError: When the folder or a file is missing, truncated or of another format
                (one line naming the folder, the file and what to do).
        """
        folder = Path(folder)
        hint = retrain_hint("sciwire train discourse --data DIR --out FOLDER", "discourse.coresc_model/abstract_model")
        meta = read_json(folder, "model.json", keys=("format",), hint=hint)
        if meta["format"] != FORMAT:
            raise ModelLoadError(
                f"Cannot load the model in {folder}: model.json has format {meta['format']!r}, "
                f"expected {FORMAT}; {hint}"
            )
        require_keys(folder, "model.json", meta, (*_META_KEYS, "params"), hint)
        arrays = read_safetensors(folder, "model.safetensors", keys=_TENSOR_KEYS, hint=hint)
        tensors = {k: torch.from_numpy(np.array(v)) for k, v in arrays.items()}
        try:
            tagger = cls(**meta["params"])
            tagger.classes_ = np.array(meta["classes"], dtype=object)
            tagger.vocabulary_ = tuple(meta["vocabulary"])
            tagger.vectorizer_ = tagger._make_vectorizer(vocabulary=tagger.vocabulary_)
            tagger.vectorizer_.idf_ = tensors["idf"].numpy().astype(np.float64)
            tagger.n_dense_ = tagger.n_features_in_ = int(meta["n_dense"])
            net = _Net(
                tagger.n_dense_,
                len(tagger.vocabulary_) + len(CONTEXT_NAMES),
                len(tagger.classes_),
                tagger.hidden,
                tagger.dropout,
            )
            net.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("net.")})
            net.eval()
            tagger.net_ = net
            tagger.temperature_ = float(meta["temperature"])
            tagger.best_epoch_ = int(meta["best_epoch"])
            tagger.validation_macro_f1_ = float(meta["validation_macro_f1"])
            tagger.prototype_embeddings_ = tensors["prototype_embeddings"].numpy()
            tagger.prototype_labels_ = tensors["prototype_labels"].numpy()
            tagger.prototype_ids_ = tuple(meta["prototype_ids"])
            tagger.folder = folder
        except (KeyError, TypeError, ValueError, RuntimeError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ModelLoadError(
                f"Cannot load the model in {folder}: model.safetensors does not fit model.json ({detail}); {hint}"
            ) from exc
        return tagger, meta
