"""Every method follows one contract (scikit-learn's, over texts) and round-trips through a model folder."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sciwire.errors import InputError, ModelLoadError
from sciwire.fitting import ModelCard, Receipt
from sciwire.learn.heads import TfidfLogistic
from sciwire.learn.methods import METHODS, make_method
from sciwire.learn.model import LearnedModel
from sciwire.learn.zeroshot import NLIZeroShot

TEXTS = [
    "Sea ice is melting fast.",
    "Emissions from coal rose.",
    "Flood walls protect the town.",
    "Farmers planted drought-tolerant maize.",
    "We surveyed 600 households.",
    "Data were cleaned first.",
]
LABELS = ["mitigation", "mitigation", "adaptation", "adaptation", "other", "other"]


def _receipt_card() -> tuple[Receipt, ModelCard]:
    return Receipt("test", {}, {}, {}), ModelCard("t", "s", "d", "l", "m", "c", "x")


def _check_contract(model, texts=TEXTS):
    p = model.predict_proba(texts)
    assert p.shape == (len(texts), len(model.classes_)) and np.allclose(p.sum(axis=1), 1.0)
    assert list(model.classes_) == sorted(model.classes_)
    assert model.predict(texts).tolist() == [model.classes_[i] for i in p.argmax(axis=1)]
    return p


def test_the_tfidf_head_keeps_the_contract_and_round_trips(tmp_path):
    model = TfidfLogistic()
    with pytest.raises(NotFittedError, match="not fitted yet: call fit"):
        model.predict(["x"])
    assert model.fit(TEXTS, LABELS) is model
    p = _check_contract(model)
    assert clone(model).get_params() == model.get_params()
    folder = LearnedModel("tfidf", model, 0.5, "t").save(
        tmp_path / "m", receipt=_receipt_card()[0], card=_receipt_card()[1]
    )
    assert {f.name for f in folder.iterdir()} == {"weights.json", "receipt.json", "MODEL_CARD.md"}
    back = LearnedModel.load(folder)
    assert np.allclose(back.classifier.predict_proba(TEXTS), p) and back.temperature == 0.5


@pytest.mark.parametrize("name", sorted(n for n in METHODS if n in ("tfidf", "logistic", "setfit")))
def test_one_class_is_a_one_line_error(name):
    with pytest.raises(InputError, match=r"^Training needs labelled examples of at least 2 classes, got 1 \('a'\); "
                                         r"label some records of another class first"):  # fmt: skip
        make_method(name).fit(["x", "y"], ["a", "a"])


def test_bad_fit_input_is_refused():
    with pytest.raises(InputError, match="fit got 2 texts but 1 labels"):
        TfidfLogistic().fit(["a", "b"], ["x"])
    with pytest.raises(InputError, match="got a single string"):
        TfidfLogistic().fit("ab", ["x", "y"])
    with pytest.raises(InputError, match=r"^Unknown method 'bert'; expected one of"):
        make_method("bert")


def test_a_damaged_model_folder_is_a_one_line_error(tmp_path):
    (tmp_path / "weights.json").write_text('{"format": "sciwire-learn/1", "method": "gpt", "classes": [], "state": {}}')
    with pytest.raises(ModelLoadError, match="unknown method 'gpt'"):
        LearnedModel.load(tmp_path)
    with pytest.raises(
        ModelLoadError,
        match=r"^Cannot load the model in .*none: the folder does not exist; retrain with `sciwire learn train",
    ):
        LearnedModel.load(tmp_path / "none")


@pytest.mark.slow
def test_minilm_methods_zero_shot_and_logistic(embedder, tmp_path):
    zs = make_method("zero-shot", labels=["adaptation", "mitigation", "other"],
                     descriptions={"adaptation": "coping with floods, heat and drought",
                                   "mitigation": "cutting greenhouse gas emissions",
                                   "other": "methods and data"}).fit([], [])  # fmt: skip
    _check_contract(zs)
    assert zs.predict(["New sea walls will keep the floods out."]).tolist() == ["adaptation"]
    lr = make_method("logistic").fit(TEXTS, LABELS)
    p = _check_contract(lr)
    r, c = _receipt_card()
    back = LearnedModel.load(LearnedModel("logistic", lr).save(tmp_path / "lr", receipt=r, card=c))
    assert np.allclose(back.predict_proba(TEXTS), p, atol=1e-6)


def _tiny_nli(folder, labels):
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "this", "text", "is", "about", "ice", "floods", "."]
    folder.mkdir()
    (folder / "vocab.txt").write_text("\n".join(words) + "\n")
    config = BertConfig(vocab_size=len(words), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64, num_labels=len(labels),
                        id2label=dict(enumerate(labels)), label2id={n: i for i, n in enumerate(labels)})  # fmt: skip
    BertForSequenceClassification(config).save_pretrained(folder)
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    return folder


def test_the_nli_zero_shot_loads_a_local_cross_encoder(tmp_path):
    model_dir = _tiny_nli(tmp_path / "nli", ["entailment", "neutral", "contradiction"])
    nli = NLIZeroShot(labels=["ice", "floods", "other"], model=str(model_dir), batch_size=4).fit([], [])
    p = _check_contract(nli, ["ice is about floods .", "this text"])
    assert nli.hypotheses_ == ["This text is about floods.", "This text is about ice.", "This text is about other."]
    r, c = _receipt_card()
    back = LearnedModel.load(LearnedModel("nli", nli).save(tmp_path / "m", receipt=r, card=c))
    assert np.allclose(back.predict_proba(["ice is about floods .", "this text"]), p, atol=1e-6)
    bad = _tiny_nli(tmp_path / "bad", ["positive", "negative"])
    with pytest.raises(ModelLoadError, match=r"has labels \['negative', 'positive'\]; expected one named 'entailment'"):
        NLIZeroShot(labels=["a", "b"], model=str(bad)).fit([], []).predict_proba(["x"])
    with pytest.raises(ModelLoadError, match=r"^Cannot load the NLI model .*use the offline --method zero-shot$"):
        NLIZeroShot(labels=["a", "b"], model=str(tmp_path / "absent")).fit([], []).predict_proba(["x"])


@pytest.mark.slow
def test_setfit_trains_one_step_on_a_local_body_and_round_trips(tiny_model_dir, tmp_path, monkeypatch):
    import setfit.model_card
    import setfit.modeling

    asked: list[str] = []  # SetFit must never ask the hub (it swallows the errors, so count the calls)
    for module, name in [(setfit.model_card, "model_info"), (setfit.model_card, "dataset_info"),
                         (setfit.model_card, "list_datasets"), (setfit.modeling, "hf_hub_download")]:  # fmt: skip
        monkeypatch.setattr(module, name, lambda *a, _n=name, **k: asked.append(_n))
    model = make_method("setfit", body=str(tiny_model_dir), num_iterations=1, max_steps=1, batch_size=4)
    p = _check_contract(model.fit(TEXTS, LABELS))
    assert asked == []
    r, c = _receipt_card()
    folder = LearnedModel("setfit", model).save(tmp_path / "sf", receipt=r, card=c)
    assert (folder / "setfit_body").is_dir() and not list(folder.rglob("*.pkl"))
    assert np.allclose(LearnedModel.load(folder).predict_proba(TEXTS), p, atol=1e-5)
