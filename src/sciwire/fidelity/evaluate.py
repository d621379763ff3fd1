"""Protocols and metrics for the fidelity models: CV folds, baselines, held-out evaluations.

- Claim strength: stratified 5-fold CV grouped by paper (press sentences of one PMID stay in
  one fold) and by near-duplicate text (:func:`near_duplicate_groups`), stratified on
  source x label; macro-F1 per source.
- Certainty: the data set's ``val`` split (Pearson r, MAE; macro-F1 per aspect).
- Conclusion detection: the ``dev`` split minus sentences also in ``train``.
- Pair verdict: the 100 InSciOut pairs, whose sentences the strength model never saw.

Example:
    >>> macro_f1([0, 1, 1, 2], [0, 1, 2, 2])
    0.778
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import pearsonr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import f1_score, mean_absolute_error
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline

from sciwire.datasets.fidelity import (
    ASPECTS,
    VERDICT_LABELS,
    ExaggerationPair,
    load_certainty,
    load_conclusion_detection,
    load_exaggeration_pairs,
    load_strength_pet,
    normalise,
)
from sciwire.fidelity.bundle import FidelityModels
from sciwire.fidelity.checks import run_checks
from sciwire.fidelity.cues import lexicon_strength, unnegated
from sciwire.fidelity.verdict import decide, strength_verdict
from sciwire.fitting import expected_calibration_error, fit_temperature, softmax

logger = logging.getLogger(__name__)
#: The parts :func:`evaluate_models` measures; ``on_progress`` is called with 1 after each.
EVALUATION_STEPS = 5


def macro_f1(y: ArrayLike, pred: ArrayLike) -> float:
    """Macro-averaged F1 over the labels present in ``y`` or ``pred``, rounded to 3 digits."""
    return round(float(f1_score(np.asarray(y), np.asarray(pred), average="macro", zero_division=0)), 3)


def grouped_folds(
    strata: ArrayLike, groups: ArrayLike, n_splits: int = 5, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified, grouped K folds: no group is split between train and test."""
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    strata_arr = np.asarray(strata)
    return list(splitter.split(np.zeros(len(strata_arr)), strata_arr, np.asarray(groups)))


def near_duplicate_groups(texts: Sequence[str], groups: ArrayLike, threshold: float = 0.5) -> np.ndarray:
    """Merge ``groups`` so that sentences with TF-IDF cosine >= ``threshold`` share one group.

    Paper sentences carry no paper id, so two conclusion sentences of one abstract, a
    reworded duplicate or a boilerplate template ("Trial registration: NCT...") could land in
    different folds. Word 1-2 gram TF-IDF (fitted on the texts only, no labels) links them;
    the groups are the connected components of those links and of the given groups.
    Returns one integer group id per sentence.
    """
    from scipy.sparse import coo_matrix, triu
    from scipy.sparse.csgraph import connected_components

    given = np.asarray(groups)
    n = len(given)
    if n == 0:
        return np.zeros(0, dtype=int)
    _, gid = np.unique(given, return_inverse=True)
    X = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(list(texts))
    sims = triu(X @ X.T, k=1).tocoo()
    keep = sims.data >= threshold
    rows = np.r_[sims.row[keep], np.arange(n)]
    cols = np.r_[sims.col[keep], n + gid]
    size = n + int(gid.max()) + 1
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size))
    return np.asarray(connected_components(graph, directed=False)[1][:n])


def strength_folds(
    texts: Sequence[str], y: np.ndarray, sources: np.ndarray, groups: np.ndarray, n_splits: int = 5, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The claim-strength CV folds: stratified on source x label, grouped by paper and near-duplicates."""
    strata = [f"{s}{label}" for s, label in zip(sources, y, strict=True)]
    return grouped_folds(strata, near_duplicate_groups(texts, groups), n_splits, seed)


def cross_fitted_probs(logits: np.ndarray, y: np.ndarray, folds: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Out-of-fold probabilities whose temperature was fitted on the *other* folds' logits."""
    probs = np.zeros_like(logits, dtype=float)
    for train, test in folds:
        probs[test] = softmax(np.asarray(logits[test], dtype=np.float64), fit_temperature(logits[train], y[train]))
    return probs


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    return np.asarray(z - np.log(np.exp(z).sum(axis=1, keepdims=True)))


def stacked_probs(
    inner: dict[str, Sequence[np.ndarray]],
    outer: dict[str, np.ndarray],
    y: np.ndarray,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    C: float = 1.0,
) -> np.ndarray:
    """Out-of-fold probabilities of a stack: a logistic regression on the base models' log-probabilities.

    Nested, so nothing leaks: for outer fold ``k`` the stacker is fitted on ``inner[m][k]``,
    base model ``m``'s held-out or out-of-fold logits *inside* that fold's training rows
    (``folds[k][0]`` order; rows of NaN, never held out, are skipped), and applied to
    ``outer[m]``'s test rows, whose base models saw the whole training fold.
    """
    probs = np.zeros((len(y), 4))
    for k, (train, test) in enumerate(folds):
        X_train = np.hstack([_log_softmax(inner[m][k]) for m in outer])
        keep = np.isfinite(X_train).all(axis=1)
        X_test = np.hstack([_log_softmax(outer[m][test]) for m in outer])
        meta = LogisticRegression(C=C, max_iter=2000, class_weight="balanced").fit(X_train[keep], y[train][keep])
        probs[np.ix_(test, meta.classes_)] = meta.predict_proba(X_test)
    return probs


def text_baselines(
    texts: Sequence[str], y: np.ndarray, folds: Sequence[tuple[np.ndarray, np.ndarray]]
) -> dict[str, np.ndarray]:
    """Out-of-fold predictions of the majority class, the cue lexicon and TF-IDF + logistic regression."""
    texts = list(texts)
    out = {"majority": np.zeros(len(y), dtype=y.dtype), "TF-IDF + LR": np.zeros(len(y), dtype=y.dtype)}
    out["cue lexicon"] = np.array([lexicon_strength(t) for t in texts])
    for train, test in folds:
        values, counts = np.unique(y[train], return_counts=True)
        out["majority"][test] = values[counts.argmax()]
        model = tfidf_classifier().fit([texts[i] for i in train], y[train])
        out["TF-IDF + LR"][test] = model.predict([texts[i] for i in test])
    return out


def tfidf_classifier() -> Any:
    """Word 1-2 gram TF-IDF + class-balanced logistic regression (the strong lexical baseline)."""
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(C=10, max_iter=3000, class_weight="balanced"),
    )


def embedding_classifier(C: float = 0.01) -> Any:
    """Standardised [MiniLM embedding, cue features] + class-balanced logistic regression."""
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000, class_weight="balanced"))


def regression_metrics(y: ArrayLike, pred: ArrayLike) -> dict[str, float]:
    """Pearson r and mean absolute error, rounded."""
    y_arr, p_arr = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    r = float(pearsonr(p_arr, y_arr)[0]) if np.std(p_arr) > 0 else 0.0
    return {"pearson_r": round(r, 3), "mae": round(float(mean_absolute_error(y_arr, p_arr)), 3)}


def binary_metrics(y: ArrayLike, probs: ArrayLike, threshold: float = 0.5) -> dict[str, float]:
    """F1 of the positive class, macro-F1 and ECE for binary probabilities P(1)."""
    y_arr, p = np.asarray(y), np.asarray(probs, dtype=float)
    pred = (p >= threshold).astype(int)
    return {
        "f1": round(float(f1_score(y_arr, pred, zero_division=0)), 3),
        "macro_f1": macro_f1(y_arr, pred),
        "ece": round(expected_calibration_error(p, y_arr), 3),
    }


def certainty_split(data_dir: str | os.PathLike[str], level: str) -> tuple[list[Any], list[Any]]:
    """(train + ext, val) findings of a certainty level; ``ext`` is extra training data."""
    items = load_certainty(data_dir, level)
    return [x for x in items if x.split in ("train", "ext")], [x for x in items if x.split == "val"]


def conclusion_split(data_dir: str | os.PathLike[str]) -> tuple[list[Any], list[Any]]:
    """(train, dev without sentences also in train)."""
    train = load_conclusion_detection(data_dir, "train")
    seen = {x.group for x in train}
    return train, [x for x in load_conclusion_detection(data_dir, "dev") if x.group not in seen]


def pair_sentences(data_dir: str | os.PathLike[str]) -> set[str]:
    """Normalised sentences of the exaggeration pairs (kept out of strength training)."""
    return {normalise(t) for p in load_exaggeration_pairs(data_dir) for t in (p.paper, p.story)}


def verdict_evaluation(
    pairs: Sequence[ExaggerationPair],
    paper_probs: np.ndarray,
    story_probs: np.ndarray,
    certainty: tuple[np.ndarray, np.ndarray] | None = None,
    folds: int = 5,
    seed: int = 0,
) -> dict[str, Any]:
    """Macro-F1 of verdicts on the pairs: majority, strength rule, + checks, + a CV'd combiner.

    The strength rule fits nothing on the pairs; the combiner (logistic regression on the
    rule's log-probabilities and the certainty difference) is scored out-of-fold.
    """
    y = np.array([VERDICT_LABELS.index(p.label) for p in pairs])
    probs = strength_verdict(paper_probs, story_probs)
    rule = probs.argmax(axis=1)
    checked = np.array(
        [VERDICT_LABELS.index(decide(pr, run_checks(p.paper, p.story))[0]) for p, pr in zip(pairs, probs, strict=True)]
    )
    causal = [unnegated(p.paper, "causal") for p in pairs]
    guarded = np.array([VERDICT_LABELS.index(decide(pr, (), 1.0, c)[0]) for pr, c in zip(probs, causal, strict=True)])
    guarded_checked = np.array(
        [
            VERDICT_LABELS.index(decide(pr, run_checks(p.paper, p.story), 1.0, c)[0])
            for p, pr, c in zip(pairs, probs, causal, strict=True)
        ]
    )
    values, counts = np.unique(y, return_counts=True)
    result: dict[str, Any] = {
        "n": len(pairs),
        "labels": {VERDICT_LABELS[v]: int(c) for v, c in zip(values, counts, strict=True)},
        "majority": macro_f1(y, np.full(len(y), values[counts.argmax()])),
        "strength rule": macro_f1(y, rule),
        "strength rule ECE": round(expected_calibration_error(probs, y), 3),
        "strength rule + checks": macro_f1(y, checked),
        "strength rule + cue guard": macro_f1(y, guarded),
        "strength rule + checks + cue guard": macro_f1(y, guarded_checked),
        "pairs changed by the cue guard": int((guarded != rule).sum()),
        "gold strengths": macro_f1(y, [1 + int(np.sign(p.story_strength - p.paper_strength)) for p in pairs]),
        "strength accuracy (paper side)": macro_f1([p.paper_strength for p in pairs], paper_probs.argmax(1)),
        "strength accuracy (story side)": macro_f1([p.story_strength for p in pairs], story_probs.argmax(1)),
    }
    variants = {"combiner (CV)": np.log(np.clip(probs, 1e-6, 1))}
    if certainty is not None:
        variants["combiner (CV) with certainty"] = np.hstack(
            [variants["combiner (CV)"], (certainty[1] - certainty[0])[:, None]]
        )
    for name, X in variants.items():
        oof = np.zeros_like(probs)
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y):
            model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(X[train], y[train])
            oof[np.ix_(test, model.classes_)] = model.predict_proba(X[test])
        result[name] = macro_f1(y, oof.argmax(1))
        result[name + " ECE"] = round(expected_calibration_error(oof, y), 3)
    return result


def evaluate_models(
    models: FidelityModels, data_dir: str | os.PathLike[str], on_progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Held-out metrics of trained models: certainty (val), conclusions (dev), pairs, other-domain strength.

    Each part is logged (INFO) when it starts; ``on_progress`` is called with 1 after each of the
    :data:`EVALUATION_STEPS` parts (also those skipped for a missing model).
    """

    def done() -> None:
        if on_progress is not None:
            on_progress(1)

    out: dict[str, Any] = {}
    if models.certainty is not None:
        logger.info("evaluating: certainty")
        _, val = certainty_split(data_dir, "sentence")
        out["certainty"] = regression_metrics([x.score for x in val], models.certainty.predict([x.text for x in val]))
    done()
    if models.aspects is not None:
        logger.info("evaluating: certainty aspects")
        _, val = certainty_split(data_dir, "aspect")
        pred = models.aspects.predict([x.text for x in val])
        out["aspects"] = {a: macro_f1([x.aspect(a) for x in val], pred[:, j]) for j, a in enumerate(ASPECTS)}
    done()
    if models.conclusion is not None:
        logger.info("evaluating: conclusion detection")
        _, dev = conclusion_split(data_dir)
        probs = models.conclusion_proba([x.text for x in dev])
        assert probs is not None
        out["conclusion"] = binary_metrics([x.label for x in dev], probs)
    done()
    logger.info("evaluating: claim strength on other-domain sentences")
    pet = load_strength_pet(data_dir)
    pet_pred = models.strength_proba([x.text for x in pet]).argmax(1)
    out["strength_other_domain"] = {
        src: macro_f1([x.label for x in pet if x.source == src], pet_pred[[x.source == src for x in pet]])
        for src in ("paper", "press")
    }
    done()
    logger.info("evaluating: pair verdicts")
    pairs = load_exaggeration_pairs(data_dir)
    paper_p = models.strength_proba([p.paper for p in pairs])
    story_p = models.strength_proba([p.story for p in pairs])
    cert = None
    if models.certainty is not None:
        cert = (models.certainty.predict([p.paper for p in pairs]), models.certainty.predict([p.story for p in pairs]))
    out["verdict"] = verdict_evaluation(pairs, paper_p, story_p, cert)
    done()
    return out


def regression_baselines(train_x: Sequence[str], train_y: ArrayLike, test_x: Sequence[str]) -> dict[str, Any]:
    """Predictions of the training mean and of TF-IDF + ridge regression."""
    mean = float(np.mean(np.asarray(train_y, dtype=float)))
    tfidf = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), Ridge(alpha=3.0))
    tfidf.fit(list(train_x), np.asarray(train_y))
    return {"mean": np.full(len(test_x), mean), "TF-IDF + ridge": tfidf.predict(list(test_x))}
