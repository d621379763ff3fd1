"""The linking capability's fitted scorers, each a model folder (``weights.json`` + card + receipt).

- the **paper finder**'s content scorer: a :class:`~sciwire.fitting.LogisticScorer` over
  :data:`FINDER_FEATURES` (``link.finder_model``, shipped as ``sciwire/models/link_finder_default``);
- the **coreference pair scorer**: a :class:`~sciwire.linking.coref.PairScorer` over
  :data:`sciwire.linking.coref.FEATURES` (``link.coref_model``, shipped as
  ``sciwire/models/link_coref_default``);
- the **mention filter**: a :class:`~sciwire.linking.mention_filter.MentionFilter` over
  :data:`sciwire.linking.mention_filter.MENTION_FEATURES` (``link.mention_model``, shipped as
  ``sciwire/models/link_mentions_default``; ``"none"`` keeps every candidate).

All three are fitted on CD²CR train by ``sciwire train link`` (:mod:`sciwire.linking.train`).

Example:
    >>> load_finder_model("default").folder.name
    'link_finder_default'
    >>> load_coref_model("default").folder.name
    'link_coref_default'
    >>> load_mention_model("default").folder.name
    'link_mentions_default'
"""

from __future__ import annotations

import os
from typing import cast

from sciwire.fitting import LogisticScorer, load_scorer, retrain_hint
from sciwire.linking.coref import FEATURES, PairScorer
from sciwire.linking.mention_filter import MENTION_FEATURES, MentionFilter

#: The finder's fitted evidence, in weight order (the metadata evidence is weighted by hand in config).
FINDER_FEATURES: tuple[str, ...] = ("bm25", "cosine", "align")
FINDER_FOLDER = "link_finder_default"
COREF_FOLDER = "link_coref_default"
FINDER_HINT = retrain_hint("sciwire train link --data DIR --out FOLDER --part finder", "link.finder_model")
COREF_HINT = retrain_hint("sciwire train link --data DIR --out FOLDER --part coref", "link.coref_model")
MENTION_FOLDER = "link_mentions_default"
MENTION_HINT = retrain_hint("sciwire train link --data DIR --out FOLDER --part mentions", "link.mention_model")


def load_finder_model(spec: str | os.PathLike[str] = "default") -> LogisticScorer:
    """The paper finder's content scorer from the folder ``spec`` names (``"default"``: shipped).

    Raises:
        ModelLoadError: On a missing folder, a missing or corrupt ``weights.json`` or other features.
    """
    return load_scorer(spec, FINDER_FOLDER, features=FINDER_FEATURES, hint=FINDER_HINT)


def load_coref_model(spec: str | os.PathLike[str] = "default") -> PairScorer:
    """The coreference pair scorer from the folder ``spec`` names (``"default"``: shipped).

    Raises:
        ModelLoadError: On a missing folder, a missing or corrupt ``weights.json`` or other features.
    """
    return cast(PairScorer, load_scorer(spec, COREF_FOLDER, features=FEATURES, hint=COREF_HINT, kind=PairScorer))


def load_mention_model(spec: str | os.PathLike[str] = "default") -> MentionFilter:
    """The mention filter from the folder ``spec`` names (``"default"``: shipped).

    Raises:
        ModelLoadError: On a missing folder, a missing or corrupt ``weights.json`` or other features.
    """
    return cast(
        MentionFilter,
        load_scorer(spec, MENTION_FOLDER, features=MENTION_FEATURES, hint=MENTION_HINT, kind=MentionFilter),
    )
