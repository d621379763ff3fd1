"""Discourse roles: Core Scientific Concepts of paper sentences and rhetorical roles of abstract sentences.

Modules: :mod:`.labels` (label sets), :mod:`.cues` and :mod:`.features` (what the models
read), :mod:`.baselines` and :mod:`.tagger` (the models), :mod:`.explain`, :mod:`.evaluation`,
:mod:`.data`, :mod:`.training`, :mod:`.model` (shipped models), :mod:`.step` and
:mod:`.report` (``sciwire analyze``), :mod:`.coverage` (story coverage maps), :mod:`.api`.
"""

from sciwire.discourse.features import SentenceSequence
from sciwire.discourse.labels import ABSTRACT, CORESC
from sciwire.discourse.model import DiscourseModel, RolePrediction
from sciwire.discourse.tagger import SequenceTagger

__all__ = ["ABSTRACT", "CORESC", "DiscourseModel", "RolePrediction", "SentenceSequence", "SequenceTagger"]
