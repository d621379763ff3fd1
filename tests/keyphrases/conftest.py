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

#: A made-up paper in the shape of SemEval-2010's text: title, authors, headings, references.
PAPER = (
    "Adaptive Resource Management for\nDistributed Embedded Systems\nA. Author, B. Author\nDept. of EECS\n"
    "ABSTRACT\nAdaptive resource management for distributed embedded systems is hard.\n"
    "Categories and Subject Descriptors\nC.2.4 [Distributed Systems]\n"
    "1. INTRODUCTION\nResource management is hard. "
    + "The embedded systems of this study run video for the users. "
    * 200
    + "\n"
    "2. THE HYBRID CONTROLLER\nA controller adapts.\n2.1 Control Loop Design\nThe loop is fast.\n"
    "3. CONCLUSIONS\nEmbedded systems need adaptive middleware.\n4. REFERENCES\n[1] A. Author. Middleware. 2004.\n"
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
