"""Multi-label arXiv tagging: the Keras tutorial's shallow TF-IDF model vs MiniLM + one-vs-rest with thresholds.

Protocol: ``arxiv_multilabel/arxiv_data.csv`` (800 titles + abstracts, ~2 categories each);
records sharing a normalised title or abstract form one group, and 5-fold GroupKFold keeps each
group in one fold (every fold is checked for repeated titles/abstracts across the split). The
tag set is the categories with at least 5 records; both models read "title. abstract".

- ``tfidf_mlp``: the tutorial's model reproduced with scikit-learn (no TensorFlow here): TF-IDF
  of unigrams + bigrams (20,000 features), MLP 512-256 ReLU, sigmoid outputs, 20 epochs of Adam,
  tags at p >= 0.5.
- ``minilm_ovr``: all-MiniLM-L6-v2 vectors, one logistic regression per tag (C=4, unweighted), per-tag
  thresholds maximising F1 on 3-fold out-of-fold predictions of the training folds, at least one
  tag per record.

Run: ``python benchmarks/multilabel.py [--write]`` (also what ``sciwire tag --train`` reports).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _common import header, markdown_table, update_section

from sciwire.config import load_config
from sciwire.datasets.arxiv import load_arxiv
from sciwire.learn.tags import duplicate_groups, evaluate_taggers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("SCIWIRE_DATA", str(load_config().paths.data_dir)))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="Write the section of docs/benchmarks.md.")
    args = parser.parse_args()
    from _common import cpu_encoder

    records = load_arxiv(args.data)
    texts = [r.text for r in records]
    tags = [list(r.tags) for r in records]
    titles, abstracts = [r.title for r in records], [r.abstract for r in records]
    groups = duplicate_groups(titles, abstracts)
    start = time.perf_counter()
    vectors = np.asarray(cpu_encoder(load_config()).encode(texts, full_length=True), dtype=np.float64)
    embed_s = time.perf_counter() - start
    start = time.perf_counter()
    results = evaluate_taggers(texts, tags, groups, vectors, titles, abstracts, folds=args.folds)
    cv_s = time.perf_counter() - start
    rows = [[name, f"{m['micro_f1']:.3f}", f"{m['macro_f1']:.3f}", f"{m['p_at_1']:.3f}", f"{m['p_at_3']:.3f}"]
            for name, m in results.items()]  # fmt: skip
    table = markdown_table(["model", "micro-F1", "macro-F1", "P@1", "P@3"], rows)
    body = (
        header("python benchmarks/multilabel.py --write")
        + f"\n{len(records)} records, {len(set(groups.tolist()))} duplicate groups, {args.folds}-fold GroupKFold "
        f"(mean over folds); tags with >= 5 records. Embedding {embed_s:.0f} s, both models' CV {cv_s:.0f} s on a "
        "shared 2-core machine.\n\n" + table + "\n\n`tfidf_mlp` reproduces the Keras tutorial's shallow model with "
        "scikit-learn (TF-IDF 1-2 grams, MLP 512-256, sigmoid outputs, threshold 0.5); `minilm_ovr` is the shipped "
        "`sciwire tag` model (per-tag thresholds from training folds only).\n"
    )
    print(body)
    if args.write:
        update_section("multilabel", "Multi-label arXiv tagging (sciwire tag)", body)


if __name__ == "__main__":
    main()
