"""Word-level token states of the frozen sentence encoder over a whole document, and spaCy token facts.

A document longer than the encoder's window is read in overlapping windows of word pieces
(``window`` pieces, a new window every ``window // 2``); each piece keeps the state from the
window where it sits nearest the centre, and a word's state is the mean of its pieces'.

:func:`token_facts` turns a spaCy ``Doc`` into the plain arrays the mention and pair features
read (lemmas, part of speech, heads, morphology, entity types), so features never hold spaCy
objects and a parse can be cached.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)


def word_states(encoder: Any, words: Sequence[str], layer: int, window: int = 256) -> np.ndarray:
    """The encoder's states after ``layer`` for every word: an array ``(len(words), hidden)``.

    Args:
        encoder: A sentence-transformers model (BERT-like: MiniLM).
        words: The document's words.
        layer: 0 = the token embeddings, L = the last transformer layer.
        window: Word pieces per window, special tokens included.
    """
    return word_states_at(encoder, words, (layer,), window)[0]


def word_states_at(encoder: Any, words: Sequence[str], layers: Sequence[int], window: int = 256) -> list[np.ndarray]:
    """:func:`word_states` of several layers from one pass."""
    import torch

    tok = encoder.tokenizer
    model = encoder[0].auto_model
    hidden = int(model.config.hidden_size)
    if not words:
        return [np.zeros((0, hidden), dtype=np.float32) for _ in layers]
    enc = tok(list(words), is_split_into_words=True, add_special_tokens=False, verbose=False)
    pieces = list(enc["input_ids"])
    owner = np.asarray([-1 if w is None else w for w in enc.word_ids()], dtype=int)
    size, step = window - 2, max(1, (window - 2) // 2)
    starts = list(range(0, max(1, len(pieces) - size) + step, step))
    starts = sorted({min(s, max(0, len(pieces) - size)) for s in starts})
    best = np.full(len(pieces), np.inf)
    states = np.zeros((len(layers), len(pieces), hidden), dtype=np.float32)
    device = next(model.parameters()).device
    with torch.inference_mode():
        for b in range(0, len(starts), 8):
            batch = starts[b : b + 8]
            ids = [[tok.cls_token_id, *pieces[s : s + size], tok.sep_token_id] for s in batch]
            width = max(map(len, ids))
            input_ids = torch.zeros((len(ids), width), dtype=torch.long)
            mask = torch.zeros((len(ids), width), dtype=torch.long)
            for r, row in enumerate(ids):
                input_ids[r, : len(row)] = torch.tensor(row)
                mask[r, : len(row)] = 1
            res = model(input_ids=input_ids.to(device), attention_mask=mask.to(device), output_hidden_states=True)
            layer_out = np.stack([res.hidden_states[k].float().cpu().numpy() for k in layers])
            for r, s in enumerate(batch):
                n = len(ids[r]) - 2
                pos = np.arange(s, s + n)
                dist = np.abs(np.arange(n) - (n - 1) / 2)
                better = dist < best[pos]
                best[pos[better]] = dist[better]
                states[:, pos[better]] = layer_out[:, r, 1 : n + 1][:, better]
    counts = np.zeros(len(words))
    valid = owner >= 0
    np.add.at(counts, owner[valid], 1)
    outs = []
    for k in range(len(layers)):
        out = np.zeros((len(words), hidden), dtype=np.float32)
        np.add.at(out, owner[valid], states[k, valid])
        outs.append(out / np.maximum(counts, 1)[:, None])
    return outs


@dataclass(frozen=True)
class TokenFacts:
    """What the features need from a parse, one entry per word."""

    lower: tuple[str, ...]
    lemma: tuple[str, ...]
    pos: tuple[str, ...]
    head: np.ndarray  # index of the syntactic head (self for roots)
    dep: tuple[str, ...]
    number: tuple[str, ...]  # "Sing", "Plur" or ""
    ent: tuple[str, ...]  # entity type or ""
    sentence: np.ndarray  # sentence index of each word


def token_facts(doc: Doc) -> TokenFacts:
    """The :class:`TokenFacts` of a parsed spaCy ``Doc``."""
    sent = np.zeros(len(doc), dtype=int)
    for k, s in enumerate(doc.sents):
        sent[s.start : s.end] = k
    return TokenFacts(
        lower=tuple(t.lower_ for t in doc),
        lemma=tuple(t.lemma_.lower() for t in doc),
        pos=tuple(t.pos_ for t in doc),
        head=np.asarray([t.head.i for t in doc], dtype=int),
        dep=tuple(t.dep_ for t in doc),
        number=tuple((t.morph.get("Number", []) or [""])[0] for t in doc),
        ent=tuple(t.ent_type_ for t in doc),
        sentence=sent,
    )


def parse_words(nlp: Any, words: Sequence[str], sentence_starts: Sequence[int]) -> Doc:
    """Run spaCy's pipeline on words that are already tokenised, keeping the given sentences."""
    from spacy.tokens import Doc

    starts = set(sentence_starts)
    doc = Doc(nlp.vocab, words=list(words), sent_starts=[i in starts for i in range(len(words))])
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
