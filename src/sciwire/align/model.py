"""The aligner's fitted scorer: ``P(news sentence reports paper sentence) = sigmoid(b + w·[cosine, lexical])``.

It is a :class:`~sciwire.fitting.LogisticScorer` over :data:`FEATURES`, kept in a model folder
(``weights.json`` + ``MODEL_CARD.md`` + ``receipt.json``). ``align.model = "default"`` is
the shipped ``sciwire/models/align_default``; ``sciwire train align`` writes another.

Example:
    >>> model = load_align_model("default")
    >>> model.folder.name, list(model.weights())
    ('align_default', ['cosine', 'lexical'])
"""

from __future__ import annotations

import os

from sciwire.fitting import LogisticScorer, retrain_hint
from sciwire.fitting.logistic import load_scorer

FEATURES: tuple[str, ...] = ("cosine", "lexical")
DEFAULT_FOLDER = "align_default"
HINT = retrain_hint("sciwire train align --data DIR --out FOLDER", "align.model")


def load_align_model(spec: str | os.PathLike[str] = "default") -> LogisticScorer:
    """The aligner's scorer from the folder ``spec`` names (``"default"``: the shipped one).

    Loaded once per folder; its ``folder`` attribute says where it came from.

    Raises:
        ModelLoadError: On a missing folder, a missing or corrupt ``weights.json``, or weights
            over other features than :data:`FEATURES`.
    """
    return load_scorer(spec, DEFAULT_FOLDER, features=FEATURES, hint=HINT)
