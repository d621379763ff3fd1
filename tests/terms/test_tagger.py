"""The fine-tuned term tagger: tags, segments, fitting on a tiny random-weight BERT, its folder, errors."""

from __future__ import annotations

import json

import pytest
from sklearn.exceptions import NotFittedError

from sciwire.errors import ConfigError, InputError, ModelLoadError
from sciwire.terms.data import TermDoc
from sciwire.terms.tagger import TermTagger, is_tagger_folder, load_tagger, segments, spans_from_tags, word_tags

TEXT = "the mice slept longer .\nthe mice slept ."


def _docs() -> list[TermDoc]:
    # "mice" is a Material, "slept longer" a Task (types made up for the test)
    return [TermDoc(str(i), TEXT, ((4, 8, "Material"), (9, 21, "Task"), (28, 32, "Material"))) for i in range(4)]


def test_tags_and_spans_round_trip():
    words = [(0, 0, 3), (1, 4, 8), (2, 9, 14), (3, 15, 21), (4, 22, 23)]
    gold = [(4, 8, "Material"), (9, 21, "Task")]
    tags = word_tags(words, gold)
    assert tags == ["O", "B-Material", "B-Task", "I-Task", "O"]
    assert spans_from_tags(words, tags) == gold
    # a nested span loses to the one that starts first; a span not on word edges is no tag
    nested = [(4, 14, "Task"), (9, 14, "Method"), (5, 8, "Metric")]
    assert word_tags(words, nested) == ["O", "B-Task", "I-Task", "O", "O"]
    # an I after O or after another type starts a span
    assert spans_from_tags(words, ["I-Task", "I-Method", "O", "B-Task", "I-Task"]) == [
        (0, 3, "Task"), (4, 8, "Method"), (15, 23, "Task")]  # fmt: skip


def test_segments_follow_lines_and_windows(tiny_model_dir):
    tagger = TermTagger(base=str(tiny_model_dir))
    tagger._load_base()
    found = segments(TEXT, tagger.tokenizer_, 64)
    assert [s[0] for s in found] == [0, 24]
    assert [(a, b) for _, a, b in found[1][2]] == [(24, 27), (28, 32), (33, 38), (39, 40)]
    windows = segments("the mice slept longer .", tagger.tokenizer_, 5)  # 3 pieces a window
    assert [len(w[1]) for w in windows] == [3, 2]
    assert [(a, b) for _, a, b in windows[1][2]] == [(15, 21), (22, 23)]


def test_fit_predict_save_and_load(tiny_model_dir, tmp_path):
    tagger = TermTagger(base=str(tiny_model_dir), epochs=40, learning_rate=0.01, batch_size=4)
    with pytest.raises(NotFittedError):
        tagger.predict([TEXT])
    steps = []
    tagger.fit(_docs(), on_step=steps.append)
    assert sum(steps) == 40 * 8 and tagger.tags_ == ["O", "B-Material", "I-Material", "B-Task", "I-Task"]
    predicted = tagger.predict([TEXT, "a mice ."])
    assert predicted[0] == sorted(_docs()[0].gold)
    folder = tagger.save(tmp_path / "tagger")
    assert is_tagger_folder(folder) and not is_tagger_folder(tmp_path)
    assert {p.name for p in (folder / "encoder").iterdir()} >= {"config.json", "tokenizer.json", "model.safetensors"}
    loaded = load_tagger(folder)
    assert loaded.predict([TEXT, "a mice ."]) == predicted
    assert loaded.get_params() == tagger.get_params()


def test_bad_input_and_folders_are_one_line_errors(tiny_model_dir, tmp_path):
    empty = [TermDoc("a", TEXT, ())]
    with pytest.raises(InputError, match=r"^1 documents and no entities"):
        TermTagger(base=str(tiny_model_dir)).fit(empty)
    with pytest.raises(ConfigError, match=r"need epochs >= 1"):
        TermTagger(base=str(tiny_model_dir), epochs=0).fit(_docs())
    with pytest.raises(ConfigError, match=r"fine-tunes a local mean-pooled BERT folder; .* is not one"):
        TermTagger(base=str(tmp_path)).fit(_docs())
    (tmp_path / "tagger.json").write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ModelLoadError, match=r"^Cannot load the term tagger in .*: tagger.json is not a .*; retrain"):
        load_tagger(tmp_path)
    with pytest.raises(ModelLoadError, match=r"^Cannot load the term tagger in .*No such file"):
        load_tagger(tmp_path / "missing")
