"""Synthetic data: generated, deduplicated, filtered, and never part of an evaluation split."""

from __future__ import annotations

import json

import pytest

from sciwire.errors import InputError
from sciwire.learn.synthetic import (
    SyntheticAugmentedClassifier,
    SyntheticRecord,
    assert_no_synthetic,
    deduplicate,
    generate,
    split_with_synthetic,
)
from sciwire.llm.backends import Reply

TEXTS = ["We propose a new parsing algorithm.", "Our method encodes graphs with attention.",
         "Accuracy improved by four points.", "The error rate fell by half."]  # fmt: skip
LABELS = ["method", "method", "result", "result"]


class Scripted:
    model_name = "scripted"

    def __init__(self, answers):
        self.answers = list(answers)

    def chat(self, system, user, schema):
        return Reply(self.answers.pop(0), "scripted", 10, 3, 0.01)


def answers():
    method = ["We propose a new parsing algorithm.", "We design a sampling scheme for sparse data.",
              "We design a sampling scheme for sparse data!", "Accuracy rose by two points."]  # fmt: skip
    result = ["Our approach reduced the error rate by a third.", "Recall rose to 91 percent."]
    return [json.dumps({"texts": method}), json.dumps({"texts": result})]


def test_generate_counts_answers_that_are_not_the_json_asked_for():
    records, invalid = generate(TEXTS, LABELS, Scripted(['{"texts": ["We build a parser."]}', "no json"]), 4)
    assert [(r.text, r.label, r.synthetic) for r in records] == [("We build a parser.", "method", True)]
    assert invalid == 1


@pytest.mark.slow
def test_dedup_filter_and_report(embedder):
    records, _ = generate(TEXTS, LABELS, Scripted(answers()), 4)
    kept, exact, near = deduplicate(records, TEXTS, embedder)
    assert exact == 2  # a copy of a real text and a normalised repeat
    assert near == 0 and len(kept) == 4
    model = SyntheticAugmentedClassifier(per_label=4, backend=Scripted(answers())).fit(TEXTS, LABELS)
    report = model.report_
    assert report.generated == 6 and report.duplicates == 2
    assert report.kept + report.filtered_out + report.near_duplicates == 4
    assert all(r.synthetic for r in model.synthetic_)
    assert model.predict(["We propose a new tokenizer."]).tolist() == ["method"]


def test_synthetic_records_never_enter_an_evaluation_split():
    texts = [*TEXTS, "Recall rose to 91 percent."]
    labels = [*LABELS, "result"]
    synthetic = [SyntheticRecord("Recall rose to 91 percent!", "result", "scripted"),  # repeats a test text
                 SyntheticRecord("We design a sampler.", "method", "scripted")]  # fmt: skip
    train_x, train_y, test_x, test_y = split_with_synthetic(texts, labels, synthetic, test=[2, 4])
    assert test_x == ["Accuracy improved by four points.", "Recall rose to 91 percent."]
    assert "We design a sampler." in train_x and "Recall rose to 91 percent!" not in train_x
    assert not set(test_x) & {r.text for r in synthetic}
    assert len(train_x) == len(train_y) == 4 and test_y == ["result", "result"]
    with pytest.raises(InputError, match="1 evaluation texts are synthetic; synthetic records may only be used"):
        assert_no_synthetic(["recall rose to 91 percent"], synthetic)
