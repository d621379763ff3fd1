"""``resolve(document) -> chains``: who "they", "the researchers" and "the drug" are, in one document.

Mentions are every base noun phrase (one per head noun: "the drug", "Researchers at Leeds"
up to the head) and every pronoun; the mention ranker links each to an earlier mention or
starts a new chain. Chains of two or more mentions come back with character offsets into
the document's text; a chain's :attr:`Chain.name` is its first non-pronoun mention.

With ``mentions="detector"`` the candidates are filtered by the fitted mention detector
instead (LitBank's sense of a mention: people, places, organisations, vehicles).

Example:
    >>> chains = resolve("Researchers at Leeds tested a drug. The drug lowered blood pressure. "
    ...                  "They said it was safe.")  # doctest: +SKIP
    >>> [[m.text for m in c.mentions] for c in chains]  # doctest: +SKIP
    [['Researchers at Leeds', 'They'], ['a drug', 'The drug', 'it']]
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sciwire.config import Config, load_config
from sciwire.document import Document
from sciwire.errors import InputError
from sciwire.linking.incoref.bundle import CorefModel
from sciwire.linking.incoref.features import PRONOUNS
from sciwire.linking.incoref.mentions import NOMINAL_POS, candidate_spans, detector_features
from sciwire.linking.incoref.prepare import DocInputs, prepare, read_text, sort_spans
from sciwire.linking.incoref.states import TokenFacts

if TYPE_CHECKING:
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)
MENTION_SOURCES = ("phrases", "detector")


@dataclass(frozen=True)
class ChainMention:
    """One mention: ``text == document.text[start:end]``; ``pronoun`` when it is one."""

    start: int
    end: int
    text: str
    pronoun: bool


@dataclass(frozen=True)
class Chain:
    """Mentions of one entity, in text order."""

    mentions: tuple[ChainMention, ...]

    @property
    def name(self) -> ChainMention:
        """The first mention that is not a pronoun (else the first mention)."""
        return next((m for m in self.mentions if not m.pronoun), self.mentions[0])


#: Pronouns that are not mentions of their own (relative and interrogative ones).
NOT_MENTIONS = frozenset({"who", "whom", "whose", "which", "that", "what", "whatever", "whoever"})


def phrase_spans(facts: TokenFacts) -> list[tuple[int, int]]:
    """One span per nominal head: its base phrase (a noun) or itself (a pronoun); the words of a
    compound name ("Dr." in "Dr. Helena Ostrander") and relative pronouns are no mentions."""
    best: dict[int, tuple[int, int]] = {}
    for s, e in candidate_spans(facts):
        if facts.pos[e] not in NOMINAL_POS or facts.dep[e] == "compound" or facts.lower[e] in NOT_MENTIONS:
            continue
        if (e not in best or s < best[e][0]) and _is_base(facts, s, e):
            best[e] = (s, e)
    return sort_spans(list(best.values()))


def _is_base(facts: TokenFacts, s: int, e: int) -> bool:
    """The span ends at its head (no relative clause or prepositional phrase after it)."""
    return all(int(facts.head[i]) in range(s, e + 1) or i == e for i in range(s, e + 1))


def resolve_inputs(
    model: CorefModel, inputs: DocInputs, spans: Sequence[tuple[int, int]] | None = None, mentions: str = "phrases"
) -> tuple[list[tuple[int, int]], list[int]]:
    """Mention spans (word indices) and their chain labels for a read document."""
    if spans is None:
        if mentions not in MENTION_SOURCES:
            raise InputError(f"mentions must be one of {', '.join(MENTION_SOURCES)}; got {mentions!r}")
        if mentions == "detector":
            cands = candidate_spans(inputs.facts)
            keep: Any = model.detector.predict(detector_features(inputs.facts, inputs.states, cands)) if cands else []
            spans = [s for s, k in zip(cands, keep, strict=True) if k]
        else:
            spans = phrase_spans(inputs.facts)
    spans = sort_spans(spans)
    prepared, _ = prepare(inputs, spans, max_antecedents=model.max_antecedents)
    return spans, [int(x) for x in model.ranker.predict([prepared])[0]]


def chains_from(
    text: str, offsets: Sequence[tuple[int, int]], words: Sequence[str], spans: Sequence[tuple[int, int]],
    labels: Sequence[int],
) -> list[Chain]:  # fmt: skip
    """Chains of two or more mentions, character offsets into ``text``, in order of first mention."""
    groups: dict[int, list[ChainMention]] = {}
    for (s, e), label in zip(spans, labels, strict=True):
        start, end = offsets[s][0], offsets[e][1]
        pronoun = s == e and words[s].lower() in PRONOUNS
        groups.setdefault(label, []).append(ChainMention(start, end, text[start:end], pronoun))
    return [Chain(tuple(g)) for g in groups.values() if len(g) > 1]


def resolve(
    document: Document | str,
    *,
    model: str = "default",
    mentions: str = "phrases",
    config: Config | None = None,
) -> list[Chain]:
    """The coreference chains of one document (or text).

    Args:
        document: A :class:`~sciwire.document.Document` or plain text.
        model: ``"default"`` (the shipped model) or a folder from ``sciwire train coref``.
        mentions: ``"phrases"`` (every noun phrase and pronoun) or ``"detector"``.
        config: Settings (``models.spacy``); default :func:`~sciwire.config.load_config`.

    Returns:
        Chains with two or more mentions, in order of their first mention.

    Raises:
        InputError: An unknown ``mentions`` source.
        ModelLoadError: The model folder is missing or damaged.
    """
    from sciwire.backends.spacy_parser import load_spacy_parser

    if mentions not in MENTION_SOURCES:
        raise InputError(f"mentions must be one of {', '.join(MENTION_SOURCES)}; got {mentions!r}")
    cfg = config or load_config()
    text = document.text if isinstance(document, Document) else document
    fitted = CorefModel.load(model)
    inputs, offsets = read_text(load_spacy_parser(cfg.models.spacy), encoder_for(fitted), text, fitted.layer)
    spans, labels = resolve_inputs(fitted, inputs, mentions=mentions)
    return chains_from(text, offsets, inputs.words, spans, labels)


def encoder_for(model: CorefModel, device: str = "cpu") -> Any:
    """The (shared, frozen) sentence encoder the model's heads read."""
    from sciwire.backends.embeddings import resolve_model, shared_sentence_transformer

    return shared_sentence_transformer(resolve_model(model.encoder)[0], device)


def resolve_spacy_doc(doc: Doc, model: CorefModel, encoder: Any, mentions: str = "phrases") -> list[Chain]:
    """:func:`resolve` on a parsed spaCy ``Doc`` (the spaCy component's work)."""
    from sciwire.linking.incoref.states import token_facts, word_states

    words = [t.text for t in doc]
    inputs = DocInputs(tuple(words), token_facts(doc), word_states(encoder, words, model.layer))
    spans, labels = resolve_inputs(model, inputs, mentions=mentions)
    return chains_from(doc.text, [(t.idx, t.idx + len(t.text)) for t in doc], words, spans, labels)
