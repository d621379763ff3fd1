"""Teach sciwire your own categories from little data: tasks, labels, methods, active learning (issue 19).

- :mod:`~sciwire.learn.task`: tasks, records and labels (who/when/receipt) in the task database;
- :mod:`~sciwire.learn.base` and :mod:`~sciwire.learn.methods`: every method is a scikit-learn
  classifier over texts (``fit(texts, y)``, ``predict_proba``, ``classes_``), by name in ``METHODS``;
- :mod:`~sciwire.learn.train`, :mod:`~sciwire.learn.evaluate`, :mod:`~sciwire.learn.model`: model
  folders with held-out macro-F1 and ECE before/after temperature scaling;
- :mod:`~sciwire.learn.active`, :mod:`~sciwire.learn.argilla_io`, :mod:`~sciwire.learn.explain`;
- :mod:`~sciwire.learn.api`: the functions behind ``sciwire learn ...``.
"""

from sciwire.learn.api import load_task
from sciwire.learn.base import TextClassifier
from sciwire.learn.methods import METHODS, make_method
from sciwire.learn.model import LearnedModel
from sciwire.learn.task import Record, Task, TaskDB

__all__ = ["METHODS", "LearnedModel", "Record", "Task", "TaskDB", "TextClassifier", "load_task", "make_method"]
