"""Yes / no / maybe on PubMedQA PQA-L from the question and its long answer (the paper's conclusion).

Protocol: the 500 labelled questions (one per paper, so no paper is on both sides), 5-fold
cross-validation stratified by label, seed 0; every model sees the same folds. Models: the
majority class, TF-IDF (1-2-grams of question + answer) + logistic regression, the cue counts
alone, and :class:`sciwire.qa.decision.DecisionClassifier` (MiniLM embeddings + cues). ``C``
and ``class_weight`` of the last were chosen by an inner 3-fold CV on each outer training
fold (never on the fold it is scored on). Reference (not comparable, other model and split):
PubMedQA's "reasoning-free" setting with BioBERT reaches ≈ 0.88 accuracy; the majority class
is 55.2 %.

Run: ``python benchmarks/qa_decision.py [--write]`` (section "qa-decision" of docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import header, markdown_table, update_section
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline

from sciwire.backends.embeddings import Embedder
from sciwire.config import load_config
from sciwire.datasets.pubmedqa import load_pubmedqa
from sciwire.qa.decision import DecisionClassifier, decision_cues


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="data folder (default: SCIWIRE_DATA or paths.data_dir)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    cfg = load_config(overrides=[f"paths.data_dir={args.data}"] if args.data else None)
    items = [it for it in load_pubmedqa(cfg.paths.data_dir) if it.long_answer.strip()]
    pairs = [(it.question, it.long_answer) for it in items]
    y = np.array([it.decision for it in items])
    embedder = Embedder(cfg.models.embedding, cfg.runtime.device, cfg.runtime.batch_size, cfg.paths.cache_dir)
    start = time.perf_counter()
    embedder.encode([q for q, _ in pairs] + [a for _, a in pairs])  # fills the cache once
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(pairs, y))
    texts = np.array([f"{q} {a}" for q, a in pairs], dtype=object)
    cues = np.array([decision_cues(a) for _, a in pairs])
    preds: dict[str, np.ndarray] = {}
    chosen: list[str] = []
    for name in ("majority", "cues + LR", "TF-IDF + LR", "sciwire DecisionClassifier (MiniLM + cues)"):
        out = np.empty(len(y), dtype=object)
        for train, test in folds:
            if name == "majority":
                values, counts = np.unique(y[train], return_counts=True)
                out[test] = values[np.argmax(counts)]
            elif name == "cues + LR":
                out[test] = LogisticRegression(max_iter=2000).fit(cues[train], y[train]).predict(cues[test])
            elif name == "TF-IDF + LR":
                model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2), LogisticRegression(max_iter=2000))
                out[test] = model.fit(texts[train], y[train]).predict(texts[test])
            else:
                grid = GridSearchCV(
                    DecisionClassifier(cfg.models.embedding, str(cfg.paths.cache_dir)),
                    {"C": [0.03, 0.1, 0.3, 1.0], "class_weight": [None, "balanced"]},
                    cv=StratifiedKFold(3, shuffle=True, random_state=0),
                    scoring="f1_macro",
                )
                grid.fit([pairs[i] for i in train], y[train])
                chosen.append(f"C={grid.best_params_['C']}, {grid.best_params_['class_weight']}")
                out[test] = grid.predict([pairs[i] for i in test])
        preds[name] = out
    seconds = time.perf_counter() - start
    labels = sorted(set(y))
    rows = [
        [
            name,
            f"{accuracy_score(y, p):.3f}",
            f"{f1_score(y, p, average='macro'):.3f}",
            *(f"{f1_score(y, p, labels=[c], average='macro'):.2f}" for c in labels),
        ]
        for name, p in preds.items()
    ]
    table = markdown_table(["model", "accuracy", "macro-F1", *(f"F1 {c}" for c in labels)], rows)
    share = {c: f"{np.mean(y == c):.1%}" for c in labels}
    body = (
        header("python benchmarks/qa_decision.py --write")
        + f"- Data: PubMedQA PQA-L, {len(y)} questions ({', '.join(f'{c} {s}' for c, s in share.items())}); "
        "input = question + long answer (the paper's conclusion).\n"
        "- Protocol: 5-fold CV stratified by label (seed 0), the same folds for every model; the "
        "DecisionClassifier's C and class weights chosen by inner 3-fold CV on each training fold "
        f"(chosen: {'; '.join(chosen)}). Total {seconds:.0f} s on this machine.\n\n"
        + table
        + "\n\nReference, not comparable: BioBERT ≈ 0.88 accuracy in PubMedQA's reasoning-free setting "
        "(Jin et al. 2019, their own split)."
    )
    print(body)
    if args.write:
        update_section("qa-decision", "Ask the papers: yes / no / maybe (PubMedQA)", body)


if __name__ == "__main__":
    main()
