"""Argilla v2 round trip through the client's on-disk format: export with suggestions, annotate, import."""

from __future__ import annotations

import json

import pytest

from sciwire.errors import InputError
from sciwire.learn import api
from sciwire.learn.argilla_io import offline_client

rg = pytest.importorskip("argilla")
ANNA = "8c1f3f7e-2a43-4c1e-9d1e-0a7d2b6f1c11"


def _annotate(folder, answers):
    """What an annotator does in the Argilla UI: a submitted response per record (real client objects)."""
    path = folder / "records.json"
    with offline_client():
        records = [rg.Record.from_dict(row) for row in json.loads(path.read_text())]
        for rec in records:
            if rec.id in answers:
                rec.responses.add(rg.Response(question_name="label", value=answers[rec.id], user_id=ANNA))
        path.write_text(json.dumps([r.to_dict() for r in records]))


def test_export_suggests_and_import_brings_labels_back_with_who(climate, config, tmp_path):
    api.train("climate", "tfidf", config)
    info = api.export_argilla_task("climate", tmp_path / "ds", config)
    folder = tmp_path / "ds"
    assert info == {"folder": str(folder), "records": 42, "method": "tfidf"}
    assert {p.name for p in (folder / ".argilla").iterdir()} == {"settings.json", "dataset.json"}
    with offline_client():
        settings = rg.Settings.from_json(str(folder / ".argilla" / "settings.json"))
        first = rg.Record.from_dict(json.loads((folder / "records.json").read_text())[0])
    assert settings.questions["label"].labels == ["adaptation", "mitigation", "other"]
    suggestion = first.suggestions["label"]
    assert suggestion.value in ("adaptation", "mitigation", "other") and 0 < suggestion.score <= 1
    assert suggestion.agent == "sciwire-tfidf" and first.metadata["group"] == first.id.split(":")[0]

    _annotate(folder, {"p10:0": "adaptation", "p11:0": "mitigation"})
    assert api.import_argilla_task("climate", folder, config) == 2
    task = api.load_task("climate", config)
    assert task.labellings["p10:0"].labels == ("adaptation",)
    assert task.labellings["p11:0"].who == f"argilla:{ANNA}" and task.labellings["p11:0"].via == "argilla"
    assert len(task.labellings) == 32


def test_a_folder_of_the_wrong_shape_is_a_one_line_error(climate, config, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"^Not an Argilla dataset folder: .*empty has no \.argilla/settings\.json; "
                                         r"expected the layout of argilla's Dataset\.to_disk"):  # fmt: skip
        api.import_argilla_task("climate", empty, config)
    (empty / ".argilla").mkdir()
    (empty / ".argilla" / "settings.json").write_text("{}")
    (empty / "records.json").write_text('{"not": "a list"}')
    with pytest.raises(InputError, match=r"^Not an Argilla dataset folder: .*cannot be read"):
        api.import_argilla_task("climate", empty, config)


def test_an_answer_outside_the_labels_loses_nothing(climate, config, tmp_path):
    api.train("climate", "tfidf", config)
    folder = tmp_path / "ds"
    api.export_argilla_task("climate", folder, config)
    settings = folder / ".argilla" / "settings.json"
    data = json.loads(settings.read_text())  # someone added a label in the Argilla UI
    for q in data["questions"]:
        q["settings"]["options"].append({"value": "weather", "text": "weather", "description": None})
    settings.write_text(json.dumps(data))
    _annotate(folder, {"p10:0": "adaptation", "p10:1": "weather"})
    before = api.load_task("climate", config).labellings
    with pytest.raises(InputError, match=r"^Unknown label 'weather' for record 'p10:1'; task 'climate' has labels "
                                         r"adaptation, mitigation, other; nothing was labelled$"):  # fmt: skip
        api.import_argilla_task("climate", folder, config)
    assert api.load_task("climate", config).labellings == before
