from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sciwire.discourse.baselines import ContextLogistic, MajorityClassifier, TfidfLogistic
from sciwire.discourse.explain import explain_document, top_features
from sciwire.discourse.features import SentenceSequence
from sciwire.discourse.labels import CORESC
from sciwire.discourse.tagger import SequenceTagger
from sciwire.errors import InputError, ModelLoadError
from tests.discourse.conftest import ROLES, make_docs


def test_tagger_learns_the_generated_roles(fitted_tagger):
    docs, labels = make_docs(4, seed=1)  # new documents, same generator
    pred = fitted_tagger.predict(docs)
    gold = np.array([r for doc in labels for r in doc], dtype=object)
    assert set(fitted_tagger.classes_) == set(ROLES)
    assert np.mean(pred == gold) > 0.9


def test_probabilities_sum_to_one_in_classes_order(fitted_tagger, generated):
    docs, _ = generated
    probs = fitted_tagger.predict_proba(docs[:2])
    assert probs.shape == (len(docs[0]) + len(docs[1]), len(fitted_tagger.classes_))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)
    assert list(fitted_tagger.classes_) == sorted(ROLES)
    np.testing.assert_array_equal(fitted_tagger.classes_[probs.argmax(axis=1)], fitted_tagger.predict(docs[:2]))
    raw = fitted_tagger.predict_proba(docs[:2], calibrated=False)
    np.testing.assert_array_equal(raw.argmax(axis=1), probs.argmax(axis=1))  # temperature keeps the labels


def test_save_and_load_predict_the_same(fitted_tagger, generated, tmp_path):
    docs, _ = generated
    fitted_tagger.save(tmp_path / "m")
    loaded, meta = SequenceTagger.load(tmp_path / "m")
    assert meta["format"] == "sciwire-discourse-tagger/1"
    np.testing.assert_allclose(loaded.predict_proba(docs), fitted_tagger.predict_proba(docs), atol=1e-6)
    assert loaded.temperature_ == pytest.approx(fitted_tagger.temperature_)
    assert list(loaded.classes_) == list(fitted_tagger.classes_)


def test_load_rejects_a_foreign_folder(tmp_path):
    (tmp_path / "model.json").write_text('{"format": "other"}')
    with pytest.raises(ModelLoadError, match=r"has format 'other', expected sciwire-discourse-tagger/1"):
        SequenceTagger.load(tmp_path)


def test_load_names_the_missing_or_broken_file(fitted_tagger, tmp_path):
    folder = fitted_tagger.save(tmp_path / "m")
    blob = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(blob[:100])
    with pytest.raises(ModelLoadError, match=r"model\.safetensors is truncated .*sciwire train discourse") as err:
        SequenceTagger.load(folder)
    assert "\n" not in str(err.value) and str(folder) in str(err.value)
    (folder / "model.safetensors").unlink()
    with pytest.raises(ModelLoadError, match=r"model\.safetensors is missing"):
        SequenceTagger.load(folder)
    (folder / "model.json").write_text('{"format": "sciwire-discourse-tagger/1"}')
    with pytest.raises(ModelLoadError, match=r"model\.json lacks 'classes'"):
        SequenceTagger.load(folder)
    assert SequenceTagger.load(fitted_tagger.save(tmp_path / "ok"))[0].folder == tmp_path / "ok"


def test_not_fitted():
    docs, _ = make_docs(1)
    for model in (SequenceTagger(), MajorityClassifier(), TfidfLogistic(), ContextLogistic()):
        with pytest.raises(NotFittedError):
            model.predict(docs)


def test_unknown_label_in_training_data():
    docs, labels = make_docs(3)
    labels[1][0] = "Foo"
    with pytest.raises(InputError, match=r"Unknown label\(s\) \['Foo'\] in the training data"):
        SequenceTagger(labels=CORESC.codes, epochs=1).fit(docs, labels)


def test_empty_document_is_an_error(fitted_tagger):
    empty = SentenceSequence("empty", (), (), np.zeros((0, 12)))
    with pytest.raises(InputError, match="Document 'empty' has no sentences"):
        fitted_tagger.predict_proba([empty])
    docs, labels = make_docs(3)
    with pytest.raises(InputError, match="Document 'empty' has no sentences"):
        SequenceTagger(epochs=1).fit([*docs, empty], labels)


def test_one_sentence_document_cannot_train_but_can_be_labelled(fitted_tagger):
    docs, labels = make_docs(3)
    one = SentenceSequence("one", ("We measured sleep.",), ("methods",), docs[0].embeddings[:1])
    with pytest.raises(InputError, match="Document 'one' has 1 sentence; training a sequence model needs at least 2"):
        SequenceTagger(epochs=1).fit([*docs, one], [*labels, ["Met"]])
    assert fitted_tagger.predict_proba([one]).shape == (1, 4)


def test_label_count_and_embedding_size_mismatch(fitted_tagger):
    docs, labels = make_docs(3)
    with pytest.raises(InputError, match="labels for"):
        SequenceTagger(epochs=1).fit(docs, labels[:2])
    wrong = SentenceSequence("w", ("a b c.", "d e f."), ("body", "body"), np.ones((2, 5)))
    with pytest.raises(InputError, match="trained on size 12"):
        fitted_tagger.predict([wrong])


def test_sequence_needs_consistent_fields():
    with pytest.raises(InputError, match="one section name and one embedding row per sentence"):
        SentenceSequence("x", ("a.", "b."), ("body",), np.ones((2, 3)))
    with pytest.raises(InputError, match="unknown section names"):
        SentenceSequence("x", ("a.",), ("appendix",), np.ones((1, 3)))


def test_baselines_follow_the_contract(generated):
    docs, labels = generated
    for model in (MajorityClassifier(), TfidfLogistic(), ContextLogistic()):
        model.fit(docs, labels)
        probs = model.predict_proba(docs[:2])
        np.testing.assert_allclose(probs.sum(axis=1), 1.0)
        assert probs.shape[1] == len(model.classes_)
    assert set(MajorityClassifier().fit(docs, labels).predict(docs[:1])) <= set(ROLES)


def test_explanations_name_the_cue_words(fitted_tagger, generated):
    docs, _ = generated
    expl = explain_document(fitted_tagger, docs[0], top=5, neighbours=3)
    assert len(expl) == len(docs[0])
    method = next(e for e, s in zip(expl, docs[0].sections, strict=True) if s == "methods")
    assert method.label == "Met"
    assert len(method.neighbours) == 3 and all(-1.0 <= n.similarity <= 1.0 for n in method.neighbours)
    assert all(c > 0 for _, c in method.lexical)
    assert "Met p=" in method.summary()
    assert method.to_dict()["label"] == "Met"
    names = [w for w, _ in top_features(fitted_tagger, "Met", 30)]
    assert any(w in names for w in ("measured", "probe", "calibrated", "using", "section=methods"))
