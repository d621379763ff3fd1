"""``sciwire tag``: tag papers with arXiv subject categories; train, evaluate and load the tag model.

The model is an :class:`~sciwire.learn.multilabel.EmbeddingTagger` in a model folder
(``weights.json`` with the heads and thresholds, ``MODEL_CARD.md``, ``receipt.json``);
``sciwire tag --train FOLDER`` makes one from ``<data_dir>/arxiv_multilabel``.

Splits are grouped: records whose normalised title or abstract is the same belong to one group
(:func:`duplicate_groups`), so a paper and its duplicate never sit on both sides of a split;
:func:`check_disjoint` proves it for every split the evaluation uses.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.errors import InputError
from sciwire.fitting import ModelCard, Receipt, TrainResult, data_hash, read_json, resolve_model_folder, retrain_hint
from sciwire.fitting.folders import WEIGHTS, write_model_folder
from sciwire.learn.multilabel import EmbeddingTagger, TfidfMLPTagger, indicator, multilabel_metrics, tag_vocabulary

logger = logging.getLogger(__name__)
DEFAULT_FOLDER = "tags_arxiv"
HINT = retrain_hint("sciwire tag --train FOLDER", "--model")


def _norm(text: str) -> str:
    from sciwire.datasets.fidelity import normalise

    return normalise(text)


def duplicate_groups(titles: Sequence[str], abstracts: Sequence[str]) -> np.ndarray:
    """A group id per record: records sharing a normalised title or abstract get the same id."""
    parent = list(range(len(titles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, key in [(i, "t:" + _norm(t)) for i, t in enumerate(titles)] + [
        (i, "a:" + _norm(a)) for i, a in enumerate(abstracts)
    ]:
        if key in first:
            parent[find(i)] = find(first[key])
        else:
            first[key] = i
    return np.array([find(i) for i in range(len(titles))])


def check_disjoint(train: Sequence[int], test: Sequence[int], titles: Sequence[str], abstracts: Sequence[str]) -> None:
    """Raise when a normalised title or abstract is on both sides of a split.

    Raises:
        InputError: Naming how many test records repeat a training record.
    """
    seen = {_norm(titles[i]) for i in train} | {_norm(abstracts[i]) for i in train}
    leaked = [i for i in test if _norm(titles[i]) in seen or _norm(abstracts[i]) in seen]
    if leaked:
        raise InputError(f"{len(leaked)} test records repeat a training title or abstract; split by duplicate_groups")


def save_tagger(tagger: EmbeddingTagger, folder: str | os.PathLike[str], receipt: Receipt, card: ModelCard) -> Path:
    """Write a fitted :class:`EmbeddingTagger` as a model folder."""
    weights = {
        "kind": "embedding_tagger",
        "embedding_model": getattr(tagger._encoder(), "model", "all-MiniLM-L6-v2"),
        "labels": [str(c) for c in tagger.classes_],
        "coef": np.round(tagger.coef_, 6).tolist(),
        "intercept": np.round(tagger.intercept_, 6).tolist(),
        "thresholds": tagger.thresholds_.tolist(),
    }
    return write_model_folder(folder, weights, receipt, card)


def load_tagger(spec: str | os.PathLike[str] = "default", encoder: Any = None) -> EmbeddingTagger:
    """The tagger in a model folder (``"default"``: the shipped one).

    Raises:
        ModelLoadError: When the folder or its weights are missing or damaged.
    """
    folder = resolve_model_folder(spec, DEFAULT_FOLDER, hint=HINT)
    data = read_json(folder, WEIGHTS, keys=("labels", "coef", "intercept", "thresholds"), hint=HINT)
    if encoder is None:
        from sciwire.backends.embeddings import Embedder

        encoder = Embedder(model=data.get("embedding_model", "all-MiniLM-L6-v2"))
    tagger = EmbeddingTagger(encoder=encoder, labels=data["labels"])
    tagger.classes_ = np.array(data["labels"], dtype=object)
    tagger.coef_ = np.asarray(data["coef"], dtype=np.float64)
    tagger.intercept_ = np.asarray(data["intercept"], dtype=np.float64)
    tagger.thresholds_ = np.asarray(data["thresholds"], dtype=np.float64)
    return tagger


def evaluate_taggers(
    texts: Sequence[str], tags: Sequence[Sequence[str]], groups: np.ndarray, vectors: np.ndarray,
    titles: Sequence[str], abstracts: Sequence[str], folds: int = 5, seed: int = 0,
) -> dict[str, dict[str, float]]:  # fmt: skip
    """Grouped k-fold: the TF-IDF MLP baseline and the embedding tagger on the same folds (mean metrics).

    The tag set is the tags with at least ``MIN_COUNT`` records in the whole set, so every fold
    scores the same columns; gold tags outside it are not scored (both models cannot learn them).
    """
    from sklearn.model_selection import GroupKFold

    labels = tag_vocabulary(tags)
    gold = indicator(tags, labels)
    results: dict[str, list[dict[str, float]]] = {"tfidf_mlp": [], "minilm_ovr": []}
    for train, test in GroupKFold(folds, shuffle=True, random_state=seed).split(texts, groups=groups):
        check_disjoint(train, test, titles, abstracts)
        y_train = [tags[i] for i in train]
        base = TfidfMLPTagger(labels=labels, seed=seed).fit([texts[i] for i in train], y_train)
        probs = base.predict_proba([texts[i] for i in test])
        results["tfidf_mlp"].append(multilabel_metrics(gold[test], base.decide(probs), probs))
        ours = EmbeddingTagger(labels=labels, seed=seed).fit_vectors(vectors[train], y_train)
        probs = ours.proba_vectors(vectors[test])
        results["minilm_ovr"].append(multilabel_metrics(gold[test], ours.decide(probs), probs))
    return {name: {k: float(np.mean([r[k] for r in rows])) for k in rows[0]} for name, rows in results.items()}


def train_tags(data_dir: str | os.PathLike[str], out: str | os.PathLike[str], command: str = "sciwire tag --train",
               encoder: Any = None, folds: int = 5) -> TrainResult:  # fmt: skip
    """Evaluate both taggers in grouped folds, then fit the embedding tagger on every record and save it.

    Raises:
        InputError: When the data set is missing or malformed.
    """
    from sciwire.backends.embeddings import Embedder
    from sciwire.datasets.arxiv import load_arxiv

    records = load_arxiv(data_dir)
    encoder = encoder or Embedder()
    texts = [r.text for r in records]
    tags = [list(r.tags) for r in records]
    titles, abstracts = [r.title for r in records], [r.abstract for r in records]
    vectors = np.asarray(encoder.encode(texts, full_length=True), dtype=np.float64)
    groups = duplicate_groups(titles, abstracts)
    metrics: dict[str, Any] = evaluate_taggers(texts, tags, groups, vectors, titles, abstracts, folds)
    tagger = EmbeddingTagger(encoder=encoder).fit_vectors(vectors, tags)
    metrics.update(records=len(records), groups=len(set(groups.tolist())), tags=len(tagger.classes_))
    path = Path(data_dir) / "arxiv_multilabel"
    receipt = Receipt(command, {"min_count": tagger.min_count, "C": tagger.C, "class_weight": tagger.class_weight,
                                "folds": folds},
                      {"arxiv_multilabel": data_hash([path])}, metrics)  # fmt: skip
    rows = "\n".join(
        f"| {name} | {m['micro_f1']:.3f} | {m['macro_f1']:.3f} | {m['p_at_1']:.3f} | {m['p_at_3']:.3f} |"
        for name, m in metrics.items()
        if isinstance(m, dict)
    )
    card = ModelCard(
        name="arXiv subject tags (MiniLM + one-vs-rest logistic, per-tag thresholds)",
        summary=f"Tags a paper's title and abstract with {len(tagger.classes_)} arXiv subject categories.",
        data=f"{len(records)} arXiv titles + abstracts with their categories (arxiv_multilabel, the Keras "
        "multi-label tutorial's format); tags with fewer than 5 records are not learned.",
        licence="arXiv metadata reuse (CC0 metadata)",
        metrics_markdown=f"{folds}-fold grouped cross-validation (duplicate titles/abstracts kept in one fold):\n\n"
        "| model | micro-F1 | macro-F1 | P@1 | P@3 |\n|---|---|---|---|---|\n" + rows,
        command=command,
        limits="Mostly cs.CV / cs.LG / stat.ML papers: rare categories are guessed poorly or never; "
        "not for papers outside computer science and statistics.",
    )
    folder = save_tagger(tagger, out, receipt, card)
    return TrainResult(folder, metrics)


def paper_text(path: str | os.PathLike[str], max_chars: int = 3000) -> str:
    """Title and abstract of a paper file (the first ``max_chars`` of its text when it has no abstract)."""
    from sciwire.readers.api import read_document

    doc = read_document(path)
    for section in doc.sections:
        if section.name == "abstract":
            return f"{doc.title}. {doc.text[section.start : section.end]}".strip(". ")
    return f"{doc.title}. {doc.text[:max_chars]}".strip(". ")


def tag_files(paths: Sequence[str | os.PathLike[str]], model: str = "default") -> list[dict[str, Any]]:
    """``sciwire tag``: per file, its predicted tags with probabilities, most likely first."""
    tagger = load_tagger(model)
    texts = [paper_text(p) for p in paths]
    return [
        {"file": str(p), "tags": [{"tag": t, "probability": round(prob, 4)} for t, prob in row]}
        for p, row in zip(paths, tagger.tags(texts), strict=True)
    ]
