"""The spaCy component ``sciwire_coref``: coreference chains into ``doc.spans``.

Like spaCy's experimental coref, chain *k* (from 1, in order of first mention) is the span
group ``doc.spans["coref_clusters_k"]``; only chains of two or more mentions are written.
It reads the parser's heads, part of speech and morphology, so it goes after them.

Importing this module registers the factory (spaCy's way); sciwire itself never imports it.

Example:
    >>> import sciwire.linking.incoref.spacy_component  # doctest: +SKIP
    >>> nlp = spacy.load("en_core_web_sm"); nlp.add_pipe("sciwire_coref")  # doctest: +SKIP
    >>> doc = nlp("The drug worked. It was cheap.")  # doctest: +SKIP
    >>> [s.text for s in doc.spans["coref_clusters_1"]]  # doctest: +SKIP
    ['The drug', 'It']
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from sciwire.errors import InputError
from sciwire.linking.incoref.api import MENTION_SOURCES, encoder_for, resolve_spacy_doc
from sciwire.linking.incoref.bundle import CorefModel

PREFIX = "coref_clusters_"


class CorefComponent:
    """Writes ``doc.spans["coref_clusters_k"]`` for each chain (see the module docstring).

    Args:
        model: ``"default"`` or a folder from ``sciwire train coref``.
        mentions: ``"phrases"`` (every noun phrase and pronoun) or ``"detector"``.
    """

    def __init__(self, model: str = "default", mentions: str = "phrases") -> None:
        if mentions not in MENTION_SOURCES:
            raise InputError(f"mentions must be one of {', '.join(MENTION_SOURCES)}; got {mentions!r}")
        self.model = CorefModel.load(model)
        self.encoder = encoder_for(self.model)
        self.mentions = mentions

    def __call__(self, doc: Doc) -> Doc:
        for name in [k for k in doc.spans if k.startswith(PREFIX)]:
            del doc.spans[name]
        for k, chain in enumerate(resolve_spacy_doc(doc, self.model, self.encoder, self.mentions), start=1):
            spans = [doc.char_span(m.start, m.end) for m in chain.mentions]
            doc.spans[f"{PREFIX}{k}"] = [s for s in spans if s is not None]
        return doc


@Language.factory(
    "sciwire_coref",
    default_config={"model": "default", "mentions": "phrases"},
    requires=["token.dep", "token.pos", "token.morph"],
    assigns=["doc.spans"],
)
def make_coref(nlp: Language, name: str, model: str, mentions: str) -> Any:
    """spaCy's factory for :class:`CorefComponent`."""
    return CorefComponent(model=model, mentions=mentions)
