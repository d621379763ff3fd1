from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sciwire.config import load_config
from sciwire.document import Document
from sciwire.errors import ModelLoadError
from sciwire.fitting import LogisticScorer
from sciwire.linking.cdcr import PreparedTopic
from sciwire.linking.coref import MentionSet
from sciwire.linking.mention_filter import (
    MENTION_FEATURES,
    MentionFilter,
    filter_mentions,
    mention_features,
    select,
    subset,
    term_spans,
)
from sciwire.linking.mentions import Mention
from sciwire.linking.model import load_coref_model, load_mention_model
from sciwire.linking.train import (
    filtered,
    fit_mention_filter,
    mention_scores,
    probability_labeler,
    topic_texts,
    tune_mention_threshold,
)

COL = {name: k for k, name in enumerate(MENTION_FEATURES)}
STORY = "The RHDV virus kills rabbits. It spreads fast in Europe, said the team. The spread of the virus worried 23 %."
PAPER = "Rabbit haemorrhagic disease virus (RHDV) kills rabbits. We traced RHDV across 40 countries."


def at(doc: str, text: str, phrase: str, head: str, kind: str = "noun_phrase", **kw) -> Mention:
    start = text.index(phrase)
    lemmas = frozenset(w.lower() for w in phrase.split() if w.lower() not in ("the", "it", "of", "we"))
    return Mention(doc, start, start + len(phrase), phrase, head, lemmas, kind, 0, **kw)


def story_and_paper() -> MentionSet:
    ms = [
        at("s", STORY, "The RHDV virus", "virus"),  # 0
        at("s", STORY, "rabbits", "rabbit"),  # 1
        at("s", STORY, "It", "it", kind="pronoun", antecedent=0),  # 2
        at("s", STORY, "Europe", "europe", kind="entity", label="GPE"),  # 3
        at("s", STORY, "The spread of the virus", "spread"),  # 4
        at("s", STORY, "The spread", "spread"),  # 5
        at("s", STORY, "the virus", "virus"),  # 6 (inside 4)
        at("s", STORY, "23 %", "%", kind="entity", label="PERCENT"),  # 7
        at("p", PAPER, "Rabbit haemorrhagic disease virus", "virus"),  # 8
        at("p", PAPER, "rabbits", "rabbit"),  # 9
        at("p", PAPER, "We", "we", kind="author"),  # 10
        at("p", PAPER, "40 countries", "country", kind="entity", label="CARDINAL"),  # 11
    ]
    vecs = np.eye(len(ms), dtype=np.float32)
    vecs[8] = vecs[0]  # the two viruses point the same way, everything else is orthogonal
    return MentionSet(tuple(ms), vecs)


def test_term_spans_are_abbreviations_and_long_forms():
    spans = {PAPER[s:e] for s, e in term_spans(PAPER)}
    assert spans == {"Rabbit haemorrhagic disease virus", "RHDV"}


def test_mention_features_by_hand():
    ms = story_and_paper()
    f = mention_features(ms, {"s": STORY, "p": PAPER})
    assert f.shape == (len(ms.mentions), len(MENTION_FEATURES))
    assert f[0, COL["cross_cosine"]] == pytest.approx(1.0) and f[3, COL["cross_cosine"]] == pytest.approx(0.0)
    # rabbits <-> rabbits: same lemmas in the other document; Europe has none
    assert f[1, COL["cross_overlap"]] == 1.0 and f[9, COL["cross_overlap"]] == 1.0 and f[3, COL["cross_overlap"]] == 0
    # a pronoun is compared through its antecedent ("It" -> "The RHDV virus")
    assert f[2, COL["cross_overlap"]] == f[0, COL["cross_overlap"]] > 0
    assert f[2, COL["pronoun"]] == 1 and f[10, COL["pronoun"]] == 1
    # the term layer: the paper defines RHDV, the story's mention contains that abbreviation
    assert f[8, COL["term"]] == 1 and f[1, COL["term"]] == 0
    assert f[3, COL["entity"]] == 1 and f[7, COL["number"]] == 1 and f[11, COL["number"]] == 1
    assert f[7, COL["entity"]] == 0
    assert f[4, COL["extended"]] == 1 and f[5, COL["extended"]] == 0
    assert f[4, COL["determiner"]] == 1 and f[1, COL["determiner"]] == 0
    assert f[1, COL["one_word"]] == 1 and f[4, COL["one_word"]] == 0 and f[4, COL["long"]] == 0
    assert f[:8, COL["story"]].all() and not f[8:, COL["story"]].any()
    # in-document chains of the candidates: the pronoun and its antecedent; "virus" heads two story phrases
    assert f[2, COL["chain"]] == 1 and f[0, COL["chain"]] == 1 and f[6, COL["chain"]] == 1
    assert f[3, COL["chain"]] == 0 and f[8, COL["chain"]] == 0


def test_no_mentions_and_one_document():
    empty = MentionSet((), np.zeros((0, 12), dtype=np.float32))
    assert mention_features(empty, {}).shape == (0, len(MENTION_FEATURES))
    ms = story_and_paper()
    story_only = subset(ms, [0, 1, 2])
    f = mention_features(story_only, {"s": STORY})
    assert f[:, COL["cross_overlap"]].sum() == 0 and f[:, COL["cross_cosine"]].sum() == 0


def test_select_keeps_the_more_probable_of_overlapping_mentions():
    ms = story_and_paper().mentions
    prob = np.full(len(ms), 0.1)
    prob[[4, 5, 6]] = [0.9, 0.8, 0.7]  # nested spans of one phrase: only the best stays
    prob[8] = 0.6
    assert select(ms, prob, 0.5) == [4, 8]
    assert select(ms, prob, 0.95) == []
    prob[4] = 0.2
    assert select(ms, prob, 0.5) == [5, 6, 8]  # "The spread" and "the virus" do not overlap


def test_subset_reindexes_antecedents_and_drops_lost_ones():
    ms = story_and_paper()
    kept = subset(ms, [0, 2, 8])
    assert kept.mentions[1].antecedent == 0 and kept.context.shape == (3, 12)
    lost = subset(ms, [1, 2])
    assert lost.mentions[1].antecedent is None
    assert subset(ms, []).mentions == ()


def test_filter_contract_and_filtering():
    rng = np.random.default_rng(0)
    x = rng.random((300, len(MENTION_FEATURES)))
    y = (x[:, COL["cross_cosine"]] > 0.5).astype(int)
    with pytest.raises(NotFittedError, match="MentionFilter is not fitted yet"):
        MentionFilter().probability(x)
    scorer = MentionFilter().fit(x, y)
    assert isinstance(scorer, LogisticScorer) and scorer.get_params()["feature_names"] == MENTION_FEATURES
    assert scorer.weights()["cross_cosine"] > 0
    ms = story_and_paper()
    kept = filter_mentions(ms, scorer, 0.5, {"s": STORY, "p": PAPER}, "s")
    assert [m.text for m in kept.mentions] == ["The RHDV virus", "Rabbit haemorrhagic disease virus"]


def test_shipped_filter_loads_and_other_features_are_refused(tmp_path):
    shipped = load_mention_model("default")
    assert tuple(shipped.feature_names_in_) == MENTION_FEATURES
    assert shipped.folder is not None and (shipped.folder / "MODEL_CARD.md").exists()
    assert 0 < load_config(environ={}).link.mention_threshold < 1
    (tmp_path / "weights.json").write_text(
        '{"format": "sciwire-logistic/1", "weights": {"x": 1.0}, "intercept": 0.0}', encoding="utf-8"
    )
    with pytest.raises(ModelLoadError, match=r"weighs \['x'\], expected \['cross_cosine'"):
        load_mention_model(tmp_path)


def made_up_topic(name: str) -> PreparedTopic:
    """A story and a paper whose gold mentions are the candidates both documents share (cosine 1)."""
    story = Document(f"{name}s", "news", "", "The mice slept less. Europe was calm.")
    paper = Document(f"{name}p", "paper", "", "Mice slept less at night.")
    cands = (
        at(story.id, story.text, "The mice", "mouse"),
        at(story.id, story.text, "Europe", "europe", kind="entity", label="GPE"),
        at(paper.id, paper.text, "Mice", "mouse"),
        at(paper.id, paper.text, "night", "night"),
    )
    vecs = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]], dtype=np.float32)
    predicted = MentionSet(cands, vecs)
    gold = MentionSet((cands[0], cands[2]), vecs[[0, 2]])
    return PreparedTopic(name, story, paper, gold, ("x", "x"), predicted)


def test_fit_tune_and_filter_on_made_up_topics():
    topics = [made_up_topic(str(k)) for k in range(6)]
    assert mention_scores(topics)["precision"] == 0.5 and mention_scores(topics)["recall"] == 1.0
    scorer = fit_mention_filter(topics)
    assert scorer.weights()["cross_cosine"] > 0
    labeler = probability_labeler(load_coref_model("default"), 0.25)
    threshold, table = tune_mention_threshold(topics, scorer, labeler, grid=(0.05, 0.5, 0.95))
    assert threshold == 0.5 and table[0.5]["precision"] == 1.0 and table[0.5]["recall"] == 1.0
    assert table[0.95]["predicted"] == 0 and table[0.05]["predicted"] == 24
    kept = filtered(topics, scorer, threshold)
    assert [m.text for m in kept[0].predicted.mentions] == ["The mice", "Mice"]
    # the library path filters the same way
    same = filter_mentions(topics[0].predicted, scorer, threshold, topic_texts(topics[0]), topics[0].story.id)
    assert same.mentions == kept[0].predicted.mentions


def test_linker_uses_the_configured_filter_or_none():
    from sciwire.errors import ConfigError
    from sciwire.linking.crossdoc import EntityLinker

    assert EntityLinker(load_config(environ={})).mention_filter is load_mention_model("default")
    assert EntityLinker(load_config(overrides=["link.mention_model=none"], environ={})).mention_filter is None
    with pytest.raises(ConfigError, match=r"link.mention_threshold is a probability and must be in \(0, 1\), got 1.5"):
        load_config(overrides=["link.mention_threshold=1.5"], environ={})
