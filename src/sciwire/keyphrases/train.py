"""Learning the combined ranker's weights from labelled documents (``sciwire train keyphrases``).

For each training document the extractor's combined pipeline runs as usual up to the
re-ranking: candidates, graph and statistical scores, the shortlist of ``embed_candidates``
and their embeddings. Every shortlisted candidate becomes one row of
:func:`~sciwire.keyphrases.scorers.combined.candidate_features`, labelled 1 when it matches a
gold keyphrase under the evaluation's normalisation (lower-cased, Porter-stemmed). A
:class:`~sciwire.keyphrases.scorers.combined.KeyphraseRanker` (logistic regression) is fitted
on the rows; its coefficients are the weights.

The benchmark data sets (Inspec, SemEval) are for research use only: weights fitted on them
are written for you to use locally and are not shipped with sciwire.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from sciwire.config import Config, load_config
from sciwire.datasets.keyphrase import KeyphraseDoc, load_keyphrase_split
from sciwire.errors import InputError
from sciwire.fitting import Receipt, TrainResult, data_hash, write_model_card
from sciwire.keyphrases.candidates import extract_candidates
from sciwire.keyphrases.evaluate import normalize_phrase
from sciwire.keyphrases.model import KeyphraseExtractor
from sciwire.keyphrases.scorers import FEATURES, KeyphraseRanker

logger = logging.getLogger(__name__)
_FOLDERS = {"inspec": "inspec", "semeval2017": "semeval2017_scienceie", "semeval2010": "semeval2010"}


def training_rows(
    docs: Sequence[KeyphraseDoc], extractor: KeyphraseExtractor, on_progress: Callable[[int], None] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(X, y, doc_index)``: features and labels of the shortlisted candidates of every document."""
    rows, labels, groups = [], [], []
    tagged = extractor.tag([d.text for d in docs])
    for k, (doc, t) in enumerate(zip(docs, tagged, strict=True)):
        cands = extract_candidates(t, extractor.settings)
        if len(cands):
            features, indices = extractor.features(cands)
            gold = {v if doc.gold_stemmed else normalize_phrase(v) for group in doc.gold for v in group}
            rows.append(features)
            labels.append([normalize_phrase(cands.candidates[i].surface) in gold for i in indices])
            groups.append(np.full(len(indices), k))
        if on_progress is not None:
            on_progress(1)
    if not rows:
        raise InputError("No candidates in the training documents; nothing to learn from")
    return np.vstack(rows), np.concatenate(labels).astype(int), np.concatenate(groups)


def train_keyphrase_ranker(
    data_dir: str | os.PathLike[str],
    datasets: Sequence[str],
    out: str | os.PathLike[str],
    config: Config | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> TrainResult:
    """Fit the combined ranker's weights on the ``train`` splits of ``datasets``.

    Writes ``weights.json`` (for ``keyphrases.weights_file``), ``receipt.json`` and ``MODEL_CARD.md``
    into ``out``; the result's ``folder`` is ``out`` and its metrics hold the weights.

    Raises:
        InputError: Unknown data set or missing files, or no candidates.
    """
    config = config or load_config()
    docs: list[KeyphraseDoc] = []
    for name in datasets:
        docs += load_keyphrase_split(data_dir, name, "train")
    extractor = KeyphraseExtractor(config.keyphrases, config.models.spacy, min_english_ratio=0)
    X, y, _ = training_rows(docs, extractor, on_progress)
    ranker = KeyphraseRanker().fit(X, y)
    folder = Path(out)
    path = ranker.save_weights(folder / "weights.json")
    metrics = {"documents": len(docs), "rows": len(y), "positives": int(y.sum()), "weights": ranker.weights()}
    receipt = Receipt(
        command=" ".join(["sciwire", *sys.argv[1:]]) if sys.argv else "train_keyphrase_ranker",
        config=config.to_dict(),
        data={name: data_hash([Path(data_dir) / "keyphrase" / _FOLDERS[name]]) for name in datasets},
        metrics=metrics,
    )
    receipt.write(folder)
    weights_table = "\n".join(f"| {k} | {v:+.4f} |" for k, v in ranker.weights().items())
    write_model_card(
        folder,
        name="sciwire keyphrase ranker weights",
        summary="Linear weights of the combined keyphrase ranker, learned by a logistic regression on the "
        "features of shortlisted candidates (see sciwire.keyphrases.scorers.combined).",
        data=f"The train splits of {', '.join(datasets)} ({len(docs)} documents, {len(y)} candidates, "
        f"{int(y.sum())} matching a gold keyphrase).",
        licence="research use only, as the data sets: do not redistribute",
        metrics_markdown="| feature | weight |\n|---|---|\n"
        + weights_table
        + "\n\nEvaluate with `python benchmarks/keyphrases.py --weights "
        + str(path)
        + "`.",
        command=receipt.command,
        limits="Fitted on the listed data sets' documents (abstracts or paragraphs unless SemEval-2010 is "
        "included); the features are per-document ranks, so they transfer across lengths, but the balance "
        "between them may not suit other kinds of text.",
    )
    logger.info("Wrote %s (features %s)", path, ", ".join(FEATURES))
    return TrainResult(folder, metrics)
