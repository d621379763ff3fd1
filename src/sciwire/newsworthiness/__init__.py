"""Newsworthiness: rank papers worth covering, with calibrated confidence and reasons in words.

Public names:

- :class:`Paper`, :func:`read_papers`: papers from files, folders, JSONL or arXiv Atom;
- :class:`Ranker`, :class:`Ranking`, :func:`load_model`: score, confidence and top reasons;
- :class:`DefaultModel`: the shipped transparent model (NOT trained on journalist judgements);
- :class:`NewsworthinessClassifier`, :class:`TrainedModel`, :func:`train_newsworthiness`:
  Extra Trees / logistic regression on ratings, calibrated;
- :func:`read_ratings`, :func:`krippendorff_alpha`: the ratings schema and rater agreement.

See docs/newsworthiness.md.
"""

from sciwire.newsworthiness.default_model import DefaultModel
from sciwire.newsworthiness.model import NewsworthinessClassifier, TrainedModel
from sciwire.newsworthiness.papers import Paper, read_papers
from sciwire.newsworthiness.ranking import Ranker, Ranking, load_model
from sciwire.newsworthiness.ratings import krippendorff_alpha, read_ratings
from sciwire.newsworthiness.train import train_newsworthiness

__all__ = [
    "DefaultModel",
    "NewsworthinessClassifier",
    "Paper",
    "Ranker",
    "Ranking",
    "TrainedModel",
    "krippendorff_alpha",
    "load_model",
    "read_papers",
    "read_ratings",
    "train_newsworthiness",
]
