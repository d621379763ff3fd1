"""learn train's inputs: PET's unlabelled records, and its cap."""

from __future__ import annotations

import pytest

from sciwire.config import load_config
from sciwire.errors import ConfigError
from sciwire.learn.train import pet_pool


def test_pet_gets_the_unlabelled_records_up_to_the_cap(climate):
    labelled = set(climate.labelled()[0])
    pool = pet_pool(climate, 5)
    assert len(pool) == 5 and not set(pool) & labelled
    assert len(pet_pool(climate, 1000)) == 72 - 30


def test_the_cap_is_validated():
    with pytest.raises(ConfigError, match=r"learn\.pet_unlabelled must be 1-100000, got 0"):
        load_config(overrides=["learn.pet_unlabelled=0"], environ={})
