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
