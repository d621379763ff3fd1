"""A term tagger fine-tuned on your data: the base encoder and a linear layer tag words B/I/O.

``sciwire train entities`` (``--method tagger``, the default) fits it on SciERC-shaped data. Unlike
:class:`~sciwire.terms.model.SpanTyper`, which types spaCy noun chunks and so never finds a term
that is not one, the tagger reads the text itself: every word gets ``B-type`` (first word of a
term), ``I-type`` (inside one) or ``O``, and the spans come from those tags.

- **Words** are the base tokenizer's pre-tokenized words (whitespace and punctuation apart), and
  each word is tagged on its first word piece; a span runs from its first word's first character
  to its last word's last one.
- **Segments**: a text is tagged line by line (SciERC has one sentence per line); a line longer
  than ``max_length`` word pieces is cut into windows of that size, and a term across a cut is
  split in two.
- **Training**: all weights of the base encoder and the tag layer, AdamW, a linear warm-up over
  the first tenth of the steps and a linear decay, gradients clipped at 1, batches of segments of
  similar length in shuffled order. Overlapping gold spans keep the one that starts first (the
  longer at the same start); the others cannot be tags.

The model folder holds ``tagger.json`` (format, tags, settings, base), ``head.safetensors`` and
``encoder/``, a copy of the base folder with the fine-tuned weights (about 90 MB for MiniLM).

Example:
    >>> tagger = TermTagger(epochs=1)
    >>> tagger.get_params()["learning_rate"]
    0.0001
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from sciwire.config import DEFAULT_EMBEDDING_MODEL
from sciwire.errors import ConfigError, InputError, ModelLoadError
from sciwire.terms.data import TermDoc

logger = logging.getLogger(__name__)

TAGGER_FORMAT = "sciwire-terms-tagger/1"
TAGGER_FILE = "tagger.json"
HEAD_FILE = "head.safetensors"
ENCODER_DIR = "encoder"
TAGGER_HINT = "retrain it with `sciwire train entities --data DIR --out FOLDER`"
#: Files of the base folder not copied into ``encoder/`` (other runtimes' exports of the old weights).
_SKIP = {"model.safetensors", "pytorch_model.bin", "onnx", "openvino", "tf_model.h5", "rust_model.ot"}


def _torch() -> Any:
    import torch

    return torch


def segments(text: str, tokenizer: Any, max_length: int) -> list[tuple[int, list[int], list[tuple[int, int, int]]]]:
    """The word pieces of each line (or window of a long line) of ``text``, and its words.

    Returns:
        One ``(offset of the line in text, piece ids, [(first piece index, start, end), ...])``
        per window of at most ``max_length - 2`` pieces; character offsets are the text's.
    """
    out = []
    start = 0
    for line in text.split("\n"):
        if line.strip():
            enc = tokenizer(line, add_special_tokens=False, return_offsets_mapping=True)
            ids, offsets, owners = enc["input_ids"], enc["offset_mapping"], enc.word_ids()
            width = max(1, max_length - 2)
            for w0 in range(0, len(ids), width):
                words: dict[int, tuple[int, int, int]] = {}
                for k in range(w0, min(w0 + width, len(ids))):
                    owner = owners[k]
                    if owner is None:
                        continue
                    a, b = offsets[k]
                    if owner in words:
                        first, ws, _ = words[owner]
                        words[owner] = (first, ws, start + b)
                    else:
                        words[owner] = (k - w0, start + a, start + b)
                out.append((start, list(ids[w0 : w0 + width]), list(words.values())))
        start += len(line) + 1
    return out


def word_tags(words: Sequence[tuple[int, int, int]], gold: Sequence[tuple[int, int, str]]) -> list[str]:
    """``B-type`` / ``I-type`` / ``O`` of each word ``(piece, start, end)`` under the gold spans.

    >>> word_tags([(0, 0, 2), (1, 3, 8), (2, 9, 12)], [(3, 12, "Method")])
    ['O', 'B-Method', 'I-Method']
    """
    tags = ["O"] * len(words)
    for a, b, label in sorted(gold, key=lambda g: (g[0], -g[1])):
        inside = [i for i, (_, s, e) in enumerate(words) if s >= a and e <= b]
        if not inside or words[inside[0]][1] != a or any(tags[i] != "O" for i in inside):
            continue
        tags[inside[0]] = f"B-{label}"
        for i in inside[1:]:
            tags[i] = f"I-{label}"
    return tags


def spans_from_tags(words: Sequence[tuple[int, int, int]], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Character spans ``(start, end, type)`` of the tagged words; an ``I`` without its ``B`` starts a span.

    >>> spans_from_tags([(0, 0, 2), (1, 3, 8), (2, 9, 12)], ["O", "B-Task", "I-Task"])
    [(3, 12, 'Task')]
    """
    out: list[tuple[int, int, str]] = []
    current: list[Any] | None = None
    for (_, start, end), tag in zip(words, tags, strict=True):
        kind, _, label = tag.partition("-")
        if current is not None and (kind != "I" or label != current[2]):
            out.append((current[0], current[1], current[2]))
            current = None
        if kind == "B" or (kind == "I" and current is None):
            current = [start, end, label]
        elif kind == "I" and current is not None:
            current[1] = end
    if current is not None:
        out.append((current[0], current[1], current[2]))
    return out


class TermTagger(BaseEstimator):
    """The base encoder fine-tuned to tag words B/I/O with term types (scikit-learn's estimator contract).

    Args:
        base: The encoder to fine-tune: a model setting (``models.embedding``) naming a local
            mean-pooled BERT folder (the bundled MiniLM is one).
        epochs: Passes over the training segments.
        learning_rate: AdamW's peak learning rate.
        batch_size: Segments per optimizer step.
        max_length: Word pieces per segment, special tokens included.
        random_state: Seed of the tag layer, dropout and the order of batches.
    """

    def __init__(
        self,
        base: str = DEFAULT_EMBEDDING_MODEL,
        epochs: int = 5,
        learning_rate: float = 1e-4,
        batch_size: int = 16,
        max_length: int = 256,
        random_state: int = 0,
    ) -> None:
        self.base = base
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_length = max_length
        self.random_state = random_state

    # ---- fitting ------------------------------------------------------------------------------
    def _check_params(self) -> None:
        if self.epochs < 1 or self.batch_size < 1 or not 0 < self.learning_rate < 1 or self.max_length < 8:
            raise ConfigError(
                "need epochs >= 1, batch_size >= 1, 0 < learning_rate < 1 and max_length >= 8; got "
                f"epochs={self.epochs}, batch_size={self.batch_size}, learning_rate={self.learning_rate}, "
                f"max_length={self.max_length}"
            )

    def _load_base(self) -> Path:
        from sciwire.backends import bert
        from sciwire.backends.embeddings import resolve_model

        target, _ = resolve_model(self.base)
        if not bert.can_load(target):
            raise ConfigError(
                f"The term tagger fine-tunes a local mean-pooled BERT folder; {self.base!r} ({target}) is not one"
            )
        try:
            encoder = bert.load(target)
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"Cannot load the base encoder {self.base!r} ({target}): {exc}") from exc
        self.encoder_ = encoder[0].auto_model
        self.tokenizer_ = encoder.tokenizer
        return Path(target)

    def fit(self, docs: Sequence[TermDoc], on_step: Callable[[int], None] | None = None) -> TermTagger:
        """Fine-tune on documents with gold spans; ``on_step`` gets the segments of each step.

        Raises:
            InputError: No document has a gold span.
            ConfigError: Bad settings, or a base that is not a local BERT folder.
        """
        torch = _torch()
        self._check_params()
        if not any(d.gold for d in docs):
            raise InputError(f"{len(docs)} documents and no entities; expected gold spans to learn from")
        self.base_folder_ = self._load_base()
        self.tags_ = ["O"] + [f"{p}-{t}" for t in sorted({g[2] for d in docs for g in d.gold}) for p in "BI"]
        index = {t: i for i, t in enumerate(self.tags_)}
        examples = []
        for d in docs:
            for _, ids, words in segments(d.text, self.tokenizer_, self.max_length):
                labels = [index[t] for t in word_tags(words, d.gold)]
                examples.append((ids, [w[0] for w in words], labels))
        torch.manual_seed(self.random_state)
        rng = random.Random(self.random_state)
        self.head_ = torch.nn.Linear(self.encoder_.config.hidden_size, len(self.tags_))
        params = [*self.encoder_.parameters(), *self.head_.parameters()]
        optimizer = torch.optim.AdamW(params, lr=self.learning_rate, weight_decay=0.01)
        per_epoch = (len(examples) + self.batch_size - 1) // self.batch_size
        total = self.epochs * per_epoch
        warm = max(1, total // 10)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm))
        )
        by_length = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
        self.encoder_.train()
        self.head_.train()
        for epoch in range(self.epochs):
            batches = [by_length[i : i + self.batch_size] for i in range(0, len(by_length), self.batch_size)]
            rng.shuffle(batches)
            seen = 0.0
            for batch in batches:
                ids, mask = self._tensors([examples[k][0] for k in batch])
                logits = self._logits(ids, mask)
                target = torch.full(ids.shape, -100, dtype=torch.long)
                for row, k in enumerate(batch):
                    target[row, torch.as_tensor(examples[k][1], dtype=torch.long) + 1] = torch.as_tensor(examples[k][2])
                loss = torch.nn.functional.cross_entropy(logits.reshape(-1, len(self.tags_)), target.reshape(-1),
                                                         ignore_index=-100)  # fmt: skip
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                optimizer.step()
                schedule.step()
                seen += float(loss.detach())
                if on_step is not None:
                    on_step(len(batch))
            logger.info("term tagger epoch %d: mean loss %.4f", epoch + 1, seen / max(1, len(batches)))
        self.encoder_.eval()
        self.head_.eval()
        return self

    def _tensors(self, ids: Sequence[Sequence[int]]) -> tuple[Any, Any]:
        """Word-piece ids with [CLS] and [SEP] added, padded, and their attention mask."""
        torch = _torch()
        tok = self.tokenizer_
        width = max(len(i) for i in ids) + 2
        out = torch.full((len(ids), width), tok.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for row, pieces in enumerate(ids):
            out[row, : len(pieces) + 2] = torch.as_tensor([tok.cls_token_id, *pieces, tok.sep_token_id])
            mask[row, : len(pieces) + 2] = 1
        return out, mask

    def _logits(self, ids: Any, mask: Any) -> Any:
        torch = _torch()
        states = self.encoder_(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))
        return self.head_(states.last_hidden_state)

    # ---- tagging ------------------------------------------------------------------------------
    def predict(self, texts: Sequence[str], batch_size: int = 32) -> list[list[tuple[int, int, str]]]:
        """Typed spans ``(start, end, type)`` of each text, character offsets into it."""
        torch = _torch()
        if not hasattr(self, "head_"):
            raise NotFittedError("This TermTagger is not fitted yet; call fit(docs) or load_tagger(folder) first")
        jobs = [(t, ids, words) for t, text in enumerate(texts)
                for _, ids, words in segments(text, self.tokenizer_, self.max_length) if words]  # fmt: skip
        jobs.sort(key=lambda j: len(j[1]))
        found: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        with torch.inference_mode():
            for i in range(0, len(jobs), batch_size):
                chunk = jobs[i : i + batch_size]
                ids, mask = self._tensors([j[1] for j in chunk])
                best = self._logits(ids, mask).argmax(-1)
                for row, (t, _, words) in enumerate(chunk):
                    tags = [self.tags_[int(best[row, first + 1])] for first, _, _ in words]
                    found[t] += spans_from_tags(words, tags)
        return [sorted(f) for f in found]

    # ---- the model folder ---------------------------------------------------------------------
    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``tagger.json``, ``head.safetensors`` and ``encoder/`` (the base folder, fine-tuned)."""
        from safetensors.torch import save_file

        if not hasattr(self, "head_"):
            raise NotFittedError("This TermTagger is not fitted yet; nothing to save")
        out = Path(folder)
        encoder = out / ENCODER_DIR
        if encoder.exists():
            shutil.rmtree(encoder)
        shutil.copytree(self.base_folder_, encoder, ignore=lambda _, names: [n for n in names if n in _SKIP])
        state = {k: v.detach().contiguous() for k, v in self.encoder_.state_dict().items()}
        save_file(state, str(encoder / "model.safetensors"))
        save_file({k: v.detach().contiguous() for k, v in self.head_.state_dict().items()}, str(out / HEAD_FILE))
        meta = {"format": TAGGER_FORMAT, "tags": self.tags_, "params": self.get_params()}
        (out / TAGGER_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        return out


def is_tagger_folder(folder: str | os.PathLike[str]) -> bool:
    """True when ``folder`` was written by :meth:`TermTagger.save`."""
    return (Path(folder).expanduser() / TAGGER_FILE).is_file()


def load_tagger(folder: str | os.PathLike[str]) -> TermTagger:
    """A :class:`TermTagger` from a folder written by ``sciwire train entities`` (``--method tagger``).

    Raises:
        ModelLoadError: One line naming the folder, the bad file and the retrain command.
    """
    from safetensors.torch import load_file

    from sciwire.backends import bert

    path = Path(folder).expanduser()
    try:
        meta = json.loads((path / TAGGER_FILE).read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != TAGGER_FORMAT:
            raise ValueError(f"{TAGGER_FILE} is not a {TAGGER_FORMAT} file")
        tags = [str(t) for t in meta["tags"]]
        params = {k: v for k, v in dict(meta.get("params", {})).items() if k in TermTagger().get_params()}
        tagger = TermTagger(**params)
        encoder = bert.load(path / ENCODER_DIR)
        head = _torch().nn.Linear(encoder[0].auto_model.config.hidden_size, len(tags))
        head.load_state_dict(load_file(str(path / HEAD_FILE)))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise ModelLoadError(f"Cannot load the term tagger in {path}: {exc}; {TAGGER_HINT}") from exc
    tagger.encoder_, tagger.tokenizer_, tagger.tags_ = encoder[0].auto_model.eval(), encoder.tokenizer, tags
    tagger.head_ = head.eval()
    tagger.base_folder_ = path / ENCODER_DIR
    tagger.folder_ = path
    return tagger
