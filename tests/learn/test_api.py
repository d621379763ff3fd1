"""The library functions behind ``sciwire learn``: zero-shot before any training, explanations, next."""

from __future__ import annotations

import pytest

from sciwire.errors import InputError
from sciwire.examples import EXAMPLES_DIR
from sciwire.learn import api


@pytest.mark.slow
def test_before_training_predict_and_next_use_zero_shot_and_explain(climate, config, embedder, tmp_path):
    story = tmp_path / "story.jsonl"
    story.write_text(
        '{"id": "s1", "text": "The town raised its flood walls before the storm season."}\n'
        '{"id": "s2", "text": "Buses now run on electricity, cutting diesel emissions."}\n'
    )
    rows = api.predict("climate", story, config, explain=True)
    assert [(r["method"], r["label"]) for r in rows] == [("zero-shot", "adaptation"), ("zero-shot", "mitigation")]
    assert len(rows[0]["why"]["neighbours"]) == 3 and rows[1]["why"]["words"]
    proposed = api.next_records("climate", config, n=4, strategy="margin")
    labelled = set(climate.labellings)
    assert len(proposed) == 4 and not {r["id"] for r in proposed} & labelled
    assert all(0 <= r["uncertainty"] <= 1 for r in proposed)
    with pytest.raises(InputError, match=r"^Unknown strategy 'loudest'"):
        api.next_records("climate", config, strategy="loudest")


def test_a_sheet_filled_in_part_of_the_way_labels_what_is_filled(climate, config, tmp_path):
    sheet = tmp_path / "next.csv"
    sheet.write_text("id,label,suggestion,text\np10:0,adaptation,other,x\np10:1,,other,y\n")
    assert api.label_records("climate", config, file=sheet, who="ben") == 1
    assert api.load_task("climate", config).labellings["p10:0"].who == "ben"
    assert (EXAMPLES_DIR / "learn_climate_gold.csv").read_text().count("\n") == 73
