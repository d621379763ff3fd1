"""Fixtures of the sciwire.learn tests: a config with its own task database, the bundled example task."""

from __future__ import annotations

import pytest

from sciwire.config import load_config
from sciwire.examples import EXAMPLES_DIR

LABELS = ("adaptation", "mitigation", "other")


@pytest.fixture
def config(tmp_path):
    """A config whose task database, model folders and store live in ``tmp_path`` (5-fold held-out metrics)."""
    return load_config(
        overrides=[f"learn.db={tmp_path / 'learn.sqlite'}", f"paths.store={tmp_path / 'corpus.sqlite'}"], environ={}
    )


@pytest.fixture
def climate(config):
    """The bundled walk-through task: 72 sentences, 30 of them labelled (10 per label)."""
    from sciwire.learn import api

    meanings = {
        "adaptation": "coping with climate impacts such as floods, heat and drought",
        "mitigation": "cutting greenhouse gas emissions or storing carbon",
        "other": "methods, data, funding or anything else",
    }  # what docs/learning.md gives with --describe
    api.new_task("climate", LABELS, config, descriptions=meanings, files=[EXAMPLES_DIR / "learn_climate_records.jsonl"])
    api.label_records("climate", config, file=EXAMPLES_DIR / "learn_climate_labels.csv", who="ana")
    return api.load_task("climate", config)
