from __future__ import annotations

import pytest

from sciwire.backends.spacy_nlp import unread_pipes


@pytest.mark.slow
def test_shared_pipeline_runs_only_what_sentences_and_entities_read(nlp):
    assert nlp.pipe_names == ["senter", "ner"]
    doc = nlp("Mice slept 20% longer in Boston. The trial ran for 8 weeks.")
    assert [s.text for s in doc.sents] == ["Mice slept 20% longer in Boston.", "The trial ran for 8 weeks."]
    assert ("Boston", "GPE") in [(e.text, e.label_) for e in doc.ents]


def test_a_tok2vec_that_ner_listens_to_is_kept():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": 96}
    nlp.add_pipe("tagger", config={"model": {"@architectures": "spacy.Tagger.v2", "tok2vec": listener}})
    ner_model = {"@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
                 "hidden_width": 16, "maxout_pieces": 2, "use_upper": True, "tok2vec": listener}  # fmt: skip
    nlp.add_pipe("ner", config={"model": ner_model})  # listens to the shared tok2vec
    nlp.get_pipe("tagger").add_label("NN")
    nlp.get_pipe("ner").add_label("ORG")
    nlp.initialize()
    assert "ner" in nlp.get_pipe("tok2vec").listening_components
    assert unread_pipes(nlp) == ["tagger"]


@pytest.mark.slow
def test_every_pipeline_is_a_view_of_one_load(nlp):
    from sciwire.backends.spacy_nlp import full_pipeline, pipeline_with
    from sciwire.backends.spacy_parser import load_spacy_parser
    from sciwire.config import DEFAULT_SPACY_MODEL

    full = full_pipeline(DEFAULT_SPACY_MODEL)
    parser = load_spacy_parser(DEFAULT_SPACY_MODEL)
    assert nlp.get_pipe("ner") is full.get_pipe("ner") is parser.get_pipe("ner")
    assert nlp.tokenizer is full.tokenizer is parser.tokenizer
    assert "senter" not in parser.pipe_names and "parser" not in nlp.pipe_names
    # the abbreviation rules are in the one shared tokenizer
    assert "Fig." in [t.text for t in parser("See Fig. 2 for the data.")]
    tokens_only = pipeline_with(DEFAULT_SPACY_MODEL, [])
    assert tokens_only.pipe_names == [] and len(tokens_only("Two words")) == 2


@pytest.mark.slow
def test_a_view_of_a_component_the_pipeline_lacks_is_refused():
    from sciwire.backends.spacy_nlp import pipeline_with
    from sciwire.config import DEFAULT_SPACY_MODEL
    from sciwire.errors import ModelLoadError

    with pytest.raises(ModelLoadError, match=r"has no component 'coref' \(it has tok2vec, tagger, parser"):
        pipeline_with(DEFAULT_SPACY_MODEL, ["ner", "coref"])
