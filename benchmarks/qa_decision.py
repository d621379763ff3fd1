"""Yes / no / maybe on PubMedQA PQA-L in three settings: with the conclusion, without it, end to end.

Protocol: the 500 labelled questions (one per paper, so folds are grouped by paper), 5-fold
cross-validation stratified by label (seed 0); every model of a setting sees the same folds, and
everything tuned (C, the temperature, the abstention threshold) is chosen on training folds only.
PQA-L's test split is held out; this is cross-validation on the 500 labelled dev items.

Settings (:mod:`sciwire.qa.decision_train`): ``conclusion`` = question + long answer (reasoning-free);
``contexts`` = question + every sentence of the abstract's CONTEXTS (reasoning-required);
``retrieved`` = question + the answer ranker's top 3 sentences of CONTEXTS (end to end, what ``ask`` does).
Models: the majority class (= always "yes"), cue counts + LR (:data:`~sciwire.qa.decision.CUES`: negation,
hedges, "no significant", "did not", "associated", "may", ...), the old decider
(:class:`~sciwire.qa.decision.DecisionClassifier`, MiniLM + 2 cues, C and class weights by inner 3-fold CV
on macro-F1, on the evidence joined into one text) and the new one
(:class:`~sciwire.qa.decision.EvidenceDecider`, [q, e, q*e, |q-e|] + cue counts + roles, C by inner CV).

Run: ``python benchmarks/qa_decision.py [--write]`` (section "qa-decision" of docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import header, markdown_table, update_section
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sciwire.backends.embeddings import Embedder
from sciwire.backends.spacy_nlp import load_spacy
from sciwire.config import load_config
from sciwire.datasets.pubmedqa import load_pubmedqa
from sciwire.discourse.model import load_cached
from sciwire.qa.decision import DecisionClassifier, cue_counts
from sciwire.qa.decision_train import SETTINGS, TOP_K, decision_data, evidence_rows, fit_decider
from sciwire.qa.model import load_answer_model

NAMES = {
    "conclusion": "with the conclusion",
    "contexts": "without it (all CONTEXTS)",
    "retrieved": f"end to end (ranker's top {TOP_K})",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="data folder (default: SCIWIRE_DATA or paths.data_dir)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    cfg = load_config(overrides=[f"paths.data_dir={args.data}"] if args.data else None)
    items = [it for it in load_pubmedqa(cfg.paths.data_dir) if it.long_answer.strip()]
    embedder = Embedder.from_config(cfg)
    start = time.perf_counter()
    model = load_answer_model(cfg.qa.model)
    coresc = load_cached(cfg.discourse.coresc_model, "coresc")
    data = decision_data(items, embedder, load_spacy(cfg.models.spacy), coresc, cfg, model)
    y = np.array([d.label for d in data], dtype=object)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(y, y))
    labels = ["maybe", "no", "yes"]
    rows, notes = [], []
    for setting in SETTINGS:
        X, texts = evidence_rows(data, setting)
        cues = np.array([cue_counts(t) for t in texts])
        pairs = [(d.question, t) for d, t in zip(data, texts, strict=True)]
        preds = {n: np.empty(len(y), dtype=object) for n in ("majority (always yes)", "cues + LR", "old", "new")}
        answered = np.zeros(len(y), dtype=bool)
        for train, test in folds:
            values, counts = np.unique(y[train], return_counts=True)
            preds["majority (always yes)"][test] = values[np.argmax(counts)]
            cue_lr = LogisticRegression(max_iter=2000).fit(cues[train], y[train])
            preds["cues + LR"][test] = cue_lr.predict(cues[test])
            grid = GridSearchCV(
                DecisionClassifier(cfg.models.embedding, str(cfg.paths.cache_dir)),
                {"C": [0.1, 0.3], "class_weight": [None, "balanced"]},
                cv=StratifiedKFold(3, shuffle=True, random_state=0),
                scoring="f1_macro",
            )
            preds["old"][test] = grid.fit([pairs[i] for i in train], y[train]).predict([pairs[i] for i in test])
            new = fit_decider(X[train], y[train])
            probs = new.predict_proba(X[test])
            preds["new"][test] = new.classes_[probs.argmax(axis=1)]
            answered[test] = probs.max(axis=1) >= new.abstain_below_
        for name, p in preds.items():
            label = {"old": "old DecisionClassifier", "new": "new EvidenceDecider"}.get(name, name)
            rows.append(
                [
                    NAMES[setting],
                    label,
                    f"{accuracy_score(y, p):.3f}",
                    f"{f1_score(y, p, average='macro'):.3f}",
                    *(f"{f1_score(y, p, labels=[c], average='macro'):.2f}" for c in labels),
                ]
            )
        acc = accuracy_score(y[answered], preds["new"][answered]) if answered.any() else float("nan")
        notes.append(
            f"- {NAMES[setting]}: the new decider abstains below its calibrated confidence threshold (chosen on "
            f"training folds for 0.7 accuracy): coverage {answered.mean():.1%}, accuracy on the answered part "
            f"{acc:.3f} (all: {accuracy_score(y, preds['new']):.3f})."
        )
    seconds = time.perf_counter() - start
    share = {c: f"{np.mean(y == c):.1%}" for c in labels}
    table = markdown_table(["setting", "model", "accuracy", "macro-F1", *(f"F1 {c}" for c in labels)], rows)
    body = (
        header("python benchmarks/qa_decision.py --write")
        + f"- Data: PubMedQA PQA-L, {len(y)} questions ({', '.join(f'{c} {s}' for c, s in share.items())}); its "
        "test split is held out, so these are 5-fold CV figures on the labelled 500.\n"
        "- Protocol: 5-fold CV stratified by label (seed 0), one question per paper (folds grouped by paper); the "
        "same folds for every model; C, temperature and abstention threshold chosen on training folds only. "
        "The answer ranker that picks the end-to-end evidence was fitted on the same 500 abstracts (on which "
        f"sentences carry the answer, not on the decisions). Total {seconds:.0f} s on this machine.\n\n"
        + table
        + "\n\n"
        + "\n".join(notes)
        + "\n\nReference, not comparable (their split, BioBERT): reasoning-required 0.681 accuracy / 0.527 macro-F1; "
        "humans 0.78 / 0.72 (Jin et al. 2019)."
    )
    print(body)
    if args.write:
        update_section("qa-decision", "Ask the papers: yes / no / maybe (PubMedQA)", body)


if __name__ == "__main__":
    main()
