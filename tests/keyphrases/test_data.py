from __future__ import annotations

import pytest

from sciwire.config import KeyphrasesConfig
from sciwire.datasets.keyphrase import load_keyphrase_split
from sciwire.errors import InputError
from sciwire.keyphrases import KeyphraseExtractor
from sciwire.keyphrases.evaluate import evaluate_keyphrases

pytestmark = pytest.mark.data


def test_splits_load_with_their_gold(data_dir):
    sizes = {("inspec", "dev"): 500, ("semeval2017", "dev"): 50, ("semeval2010", "train"): 144}
    for (name, split), n in sizes.items():
        docs = load_keyphrase_split(data_dir, name, split)
        assert len(docs) == n and all(d.text and d.gold for d in docs)
    assert load_keyphrase_split(data_dir, "semeval2010", "train")[0].gold_stemmed
    with pytest.raises(InputError, match="has no split 'dev'"):
        load_keyphrase_split(data_dir, "semeval2010", "dev")


@pytest.mark.slow
def test_fast_mode_beats_a_frequency_baseline_on_inspec_train(data_dir):
    docs = load_keyphrase_split(data_dir, "inspec", "train")[:60]
    ex = KeyphraseExtractor(KeyphrasesConfig(method="fast", top=10))
    preds = [[k.text for k in r] for r in ex.extract_many([d.text for d in docs])]
    cands = [ex.candidates(d.text).candidates for d in docs]
    by_freq = [[c.surface for c in sorted(cs, key=lambda c: -len(c.occurrences))[:10]] for cs in cands]
    gold = [d.gold for d in docs]
    ours, baseline = evaluate_keyphrases(preds, gold, (10,)).f1[10], evaluate_keyphrases(by_freq, gold, (10,)).f1[10]
    assert ours > baseline and ours > 0.22
