"""The linking capability's fitted scorers, each a model folder (``weights.json`` + card + receipt).

- the **paper finder**'s content scorer: a :class:`~sciwire.fitting.LogisticScorer` over
  :data:`FINDER_FEATURES` (``link.finder_model``, shipped as ``sciwire/models/link_finder_default``);
- the **coreference pair scorer**: a :class:`~sciwire.linking.coref.PairScorer` over
  :data:`sciwire.linking.coref.FEATURES` (``link.coref_model``, shipped as
  ``sciwire/models/link_coref_default``).

Both are fitted on CD²CR train by ``sciwire train link`` (:mod:`sciwire.linking.train`).

Example:
    >>> load_finder_model("default").folder.name
    'link_finder_default'
    >>> load_coref_model("default").folder.name
    'link_coref_default'
"""

from __future__ import annotations

import os
from typing import cast

from sciwire.fitting import LogisticScorer, load_scorer, retrain_hint
from sciwire.linking.coref import FEATURES, PairScorer

#: The finder's fitted evidence, in weight order (the metadata evidence is weighted by hand in config).
FINDER_FEATURES: tuple[str, ...] = ("bm25", "cosine", "align")
FINDER_FOLDER = "link_finder_default"
COREF_FOLDER = "link_coref_default"
FINDER_HINT = retrain_hint("sciwire train link --data DIR --out FOLDER --part finder", "link.finder_model")
COREF_HINT = retrain_hint("sciwire train link --data DIR --out FOLDER --part coref", "link.coref_model")


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
