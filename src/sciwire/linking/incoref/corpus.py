"""LitBank read once: parse facts and encoder states of every document, cached in a temp folder.

Parsing and encoding the 80 documents takes minutes on a laptop CPU; training and
cross-validation read them many times, so :func:`litbank_inputs` keeps them in
``$SCIWIRE_CACHE`` (or the system temp folder) under ``incoref/``, keyed by the encoder,
the spaCy pipeline, the layer and the data's hash. The cache holds derived numbers, never
the text; deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import numpy as np

from sciwire.config import Config
from sciwire.datasets.litbank import CorefDocument, load_litbank
from sciwire.linking.incoref.prepare import DocInputs
from sciwire.linking.incoref.states import TokenFacts, parse_words, token_facts, word_states

logger = logging.getLogger(__name__)
#: The encoder layer whose token states the heads read (MiniLM-L6: 6 layers).
LAYER = 4
ENCODER = "all-MiniLM-L6-v2"


def cache_dir() -> Path:
    """Where derived features are cached: ``$SCIWIRE_CACHE/incoref`` or the temp folder's."""
    root = os.environ.get("SCIWIRE_CACHE") or tempfile.gettempdir()
    path = Path(root) / "incoref"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _facts_json(f: TokenFacts) -> dict[str, Any]:
    return {k: (v.tolist() if isinstance(v, np.ndarray) else list(v)) for k, v in f.__dict__.items()}


def _facts_from(d: dict[str, Any]) -> TokenFacts:
    values: dict[str, Any] = {
        k: np.asarray(v, dtype=int) if k in ("head", "sentence") else tuple(v) for k, v in d.items()
    }
    return TokenFacts(**values)


def litbank_inputs(
    data_dir: str | os.PathLike[str],
    nlp: Any,
    encoder: Any,
    layer: int,
    key: str,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[list[CorefDocument], list[DocInputs]]:
    """LitBank's documents and their :class:`DocInputs` (from the cache when present).

    Args:
        data_dir: The research data folder.
        nlp: spaCy pipeline with a parser.
        encoder: The sentence-transformers model.
        layer: Encoder layer whose states are kept.
        key: Names the encoder and pipeline in the cache key (e.g. ``"bundled:all-MiniLM-L6-v2|en_core_web_sm"``).
        on_progress: Called with 1 per document read.
    """
    docs = load_litbank(data_dir)
    digest = hashlib.sha256(f"{key}|{layer}".encode() + b"".join(" ".join(d.words).encode() for d in docs))
    stem = cache_dir() / f"litbank-{digest.hexdigest()[:16]}"
    facts_path, states_path = stem.with_suffix(".facts.json"), stem.with_suffix(".npz")
    if facts_path.is_file() and states_path.is_file():
        logger.info("LitBank features from the cache %s", stem)
        facts = json.loads(facts_path.read_text("utf-8"))
        with np.load(states_path) as states:
            return docs, [DocInputs(d.words, _facts_from(f), states[d.doc_id].astype(np.float32))
                          for d, f in zip(docs, facts, strict=True)]  # fmt: skip
    out = []
    for d in docs:
        facts_d = token_facts(parse_words(nlp, d.words, d.sentence_starts))
        out.append(DocInputs(d.words, facts_d, word_states(encoder, d.words, layer)))
        if on_progress is not None:
            on_progress(1)
    facts_path.write_text(json.dumps([_facts_json(x.facts) for x in out]), encoding="utf-8")
    np.savez(
        states_path,
        **cast(dict[str, Any], {d.doc_id: x.states.astype(np.float16) for d, x in zip(docs, out, strict=True)}),
    )
    return docs, out


def gap_inputs(
    data_dir: str | os.PathLike[str],
    split: str,
    nlp: Any,
    encoder: Any,
    layer: int,
    key: str,
    on_progress: Callable[[int], None] | None = None,
) -> list[Any]:
    """GAP's ``split`` read as :class:`~sciwire.linking.incoref.gap.GapDoc` (parse and states cached)."""
    from sciwire.datasets.gap import load_gap
    from sciwire.linking.incoref.gap import gap_doc

    examples = load_gap(data_dir, split)
    digest = hashlib.sha256(f"{key}|{layer}|gap".encode() + "".join(e.text for e in examples).encode())
    stem = cache_dir() / f"gap-{split}-{digest.hexdigest()[:16]}"
    facts_path, states_path = stem.with_suffix(".facts.json"), stem.with_suffix(".npz")
    if facts_path.is_file() and states_path.is_file():
        saved = json.loads(facts_path.read_text("utf-8"))
        with np.load(states_path) as states:
            out = []
            for e, s in zip(examples, saved, strict=True):
                inputs = DocInputs(tuple(s["words"]), _facts_from(s["facts"]), states[e.id].astype(np.float32))
                out.append(gap_doc(e, inputs, [tuple(o) for o in s["offsets"]]))
            return out
    out, saved, arrays = [], [], {}
    for e, doc in zip(examples, nlp.pipe([e.text for e in examples], batch_size=64), strict=True):
        words = [t.text for t in doc]
        offsets = [(t.idx, t.idx + len(t.text)) for t in doc]
        inputs = DocInputs(tuple(words), token_facts(doc), word_states(encoder, words, layer))
        out.append(gap_doc(e, inputs, offsets))
        saved.append({"words": words, "offsets": offsets, "facts": _facts_json(inputs.facts)})
        arrays[e.id] = inputs.states.astype(np.float16)
        if on_progress is not None:
            on_progress(1)
    facts_path.write_text(json.dumps(saved), encoding="utf-8")
    np.savez(states_path, **cast(dict[str, Any], arrays))
    return out


def read_corpora(
    data_dir: str | os.PathLike[str],
    config: Config,
    layer: int = LAYER,
    gap_splits: tuple[str, ...] = ("development",),
    on_progress: Callable[[int], None] | None = None,
) -> tuple[list[CorefDocument], list[DocInputs], dict[str, list[Any]]]:
    """LitBank's documents and inputs, and the read GAP splits."""
    from sciwire.backends.embeddings import resolve_model, shared_sentence_transformer
    from sciwire.backends.spacy_parser import load_spacy_parser

    nlp = load_spacy_parser(config.models.spacy)
    target, key = resolve_model(ENCODER)
    encoder = shared_sentence_transformer(target, "cpu")
    cache_key = f"{key}|{config.models.spacy}"
    docs, inputs = litbank_inputs(data_dir, nlp, encoder, layer, cache_key, on_progress)
    gaps = {s: gap_inputs(data_dir, s, nlp, encoder, layer, cache_key, on_progress) for s in gap_splits}
    return docs, inputs, gaps
