"""A small generated discourse data set: documents whose roles follow a fixed order with cue words."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.discourse.features import SentenceSequence

ROLES = ("Bac", "Met", "Res", "Con")
WORDS = {
    "Bac": "Previous studies [3] have shown that {} is common.",
    "Met": "We measured {} using a calibrated probe.",
    "Res": "The {} increased by 12% (p < 0.05).",
    "Con": "Therefore {} may explain the effect.",
}
SECTIONS = {"Bac": "introduction", "Met": "methods", "Res": "results", "Con": "conclusion"}
NOUNS = ("sleep", "growth", "the signal", "yield", "noise", "pressure", "rainfall", "the dose")


def make_docs(n_docs: int = 8, dim: int = 12, seed: int = 0) -> tuple[list[SentenceSequence], list[list[str]]]:
    """Documents of 2-4 sentences per role, in role order, with role-dependent embeddings."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(ROLES), dim))
    docs, labels = [], []
    for d in range(n_docs):
        roles = [r for r in ROLES for _ in range(int(rng.integers(2, 5)))]
        texts = tuple(WORDS[r].format(NOUNS[int(rng.integers(len(NOUNS)))]) for r in roles)
        emb = np.array([centres[ROLES.index(r)] + 0.8 * rng.normal(size=dim) for r in roles])
        emb /= np.linalg.norm(emb, axis=1, keepdims=True)
        docs.append(SentenceSequence(f"doc{d}", texts, tuple(SECTIONS[r] for r in roles), emb, f"g{d % 2}"))
        labels.append(roles)
    return docs, labels


@pytest.fixture(scope="session")
def generated():
    return make_docs()


@pytest.fixture(scope="session")
def fitted_tagger(generated):
    from sciwire.discourse.tagger import SequenceTagger

    docs, labels = generated
    return SequenceTagger(hidden=16, epochs=15, patience=15, min_df=1, prototypes=40, window=8, batch_size=4).fit(
        docs, labels
    )
