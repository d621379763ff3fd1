"""The peer keyphrase libraries, each wrapped as ``texts -> list of keyphrase lists`` (best first).

Installed by the benchmark-only extra: ``pip install -e ".[bench]"``. Each wrapper is built
once (models loaded outside the timed part) and then called one document at a time, the way
a user calls it on a single document.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable

from sciwire.config import DEFAULT_EMBEDDING_MODEL, DEFAULT_SPACY_MODEL

Extractor = Callable[[str, int], list[str]]


def yake_extractor() -> Extractor:
    """YAKE! 0.7 with its defaults for English (n-grams up to 3, dedup threshold 0.9)."""
    import yake

    def run(text: str, top: int) -> list[str]:
        kw = yake.KeywordExtractor(lan="en", n=3, top=top)
        return [k for k, _ in kw.extract_keywords(text)]

    return run


def rakun2_extractor() -> Extractor:
    """RaKUn 2.0 with the hyperparameters of its README."""
    from rakun2 import RakunKeyphraseDetector

    def run(text: str, top: int) -> list[str]:
        hp = {"num_keywords": top, "merge_threshold": 1.1, "alpha": 0.3, "token_prune_len": 3}
        detector = RakunKeyphraseDetector(hp, verbose=False)
        return [k for k, _ in detector.find_keywords(text, input_type="string")]

    return run


def pytextrank_extractor() -> Extractor:
    """pytextrank's TextRank on the same spaCy pipeline (full, with the parser it needs for noun chunks)."""
    import pytextrank  # noqa: F401  (registers the "textrank" factory)
    import spacy

    nlp = spacy.load(DEFAULT_SPACY_MODEL)
    nlp.max_length = 2_000_000
    nlp.add_pipe("textrank")

    def run(text: str, top: int) -> list[str]:
        doc = nlp(text)
        return [p.text for p in doc._.phrases[:top]]

    return run


def keybert_extractor(ngrams: int = 3, mmr: bool = True) -> Extractor:
    """KeyBERT with the same bundled all-MiniLM-L6-v2, 1..``ngrams``-grams, English stop words, MMR 0.5."""
    from keybert import KeyBERT
    from sentence_transformers import SentenceTransformer

    from sciwire.backends.embeddings import resolve_model

    path, _ = resolve_model(DEFAULT_EMBEDDING_MODEL)
    model = KeyBERT(model=SentenceTransformer(path, device="cpu"))
    logging.getLogger("keybert").setLevel(logging.ERROR)

    def run(text: str, top: int) -> list[str]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = model.extract_keywords(
                text, keyphrase_ngram_range=(1, ngrams), stop_words="english", top_n=top, use_mmr=mmr, diversity=0.5
            )
        return [k for k, _ in found]

    return run


PEERS: dict[str, Callable[[], Extractor]] = {
    "yake": yake_extractor,
    "rakun2": rakun2_extractor,
    "pytextrank": pytextrank_extractor,
    "keybert": keybert_extractor,
}
