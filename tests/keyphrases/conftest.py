"""Keyphrase test fixtures: extractors share the session's models."""

from __future__ import annotations

import pytest

from sciwire.config import KeyphrasesConfig
from sciwire.keyphrases import KeyphraseExtractor

ABSTRACT = (
    "Decision trees for distributed optimization\n"
    "We study hybrid adaptive resource management (HARM) for distributed real-time embedded systems. "
    "Decision trees are trained on workload traces, and the decision tree ensembles optimize resource "
    "allocation. The optimization of multi-agent systems uses HARM to adapt resource allocation at run time. "
    "Experiments on a video distribution system show that decision trees with HARM reduce deadline misses."
)


@pytest.fixture(scope="session")
def fast_extractor() -> KeyphraseExtractor:
    ex = KeyphraseExtractor(KeyphrasesConfig(method="fast"))
    ex.warm_up()
    return ex


@pytest.fixture(scope="session")
def graph_extractor() -> KeyphraseExtractor:
    ex = KeyphraseExtractor(KeyphrasesConfig(method="graph"))
    ex.warm_up()
    return ex


@pytest.fixture(scope="session")
def combined_extractor(embedder) -> KeyphraseExtractor:
    ex = KeyphraseExtractor(KeyphrasesConfig(method="combined"), embedder=embedder)
    ex.warm_up()
    return ex
