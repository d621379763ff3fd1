"""Evaluation helpers for benchmarks/linking.py: error analysis and checklist tables.

Ranking metrics live in the library (:mod:`sciwire.linking.train`).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

import numpy as np
from _common import markdown_table

from sciwire.datasets.cdcr_coref import load_checklist, load_tokens
from sciwire.linking.cdcr import PreparedTopic
from sciwire.linking.train import gold_rank

Evidence = list[dict[str, float]]
DEMONSTRATIVES = ("this", "these", "that", "those", "such")


def finder_errors(items, score, same, pairs, raw) -> str:
    """Dev misses by cause, with ids and DOIs only (no data text)."""
    ids = list(raw)
    causes: Counter[str] = Counter()
    lines = []
    for (evs, gold), (story, _) in zip(items, pairs, strict=True):
        s = np.array([score(e) for e in evs])
        top = int(np.argmax(s))
        if top == gold:
            continue
        rank = gold_rank(s, gold)
        if same[gold, top]:
            cause = "another entry of the same paper (duplicate DOI or preprint)"
        elif rank < 5:
            cause = "gold paper in the top 5 (a sibling or same-topic paper ranked first)"
        else:
            cause = "gold paper below the top 5 (story shares little with the abstract)"
        causes[cause] += 1
        lines.append(
            f"`{story.doc_id}`: gold {ids[gold]} ({raw[ids[gold]]['doi']}) at rank {rank + 1}; "
            f"top {ids[top]} ({raw[ids[top]]['doi']})"
        )
    rows: list[list[object]] = [[c, n] for c, n in causes.most_common()]
    table = markdown_table(["dev top-1 misses (shipped model) by cause", "n"], rows)
    return table + "\n\n<details><summary>Each miss</summary>\n\n- " + "\n- ".join(lines) + "\n\n</details>"


def category(news_text: str, news_kind: str, sci_text: str, sci_kind: str, news_lemmas, sci_lemmas) -> str:
    """The checklist-style category of a news/science mention pair."""
    for text, kind in ((news_text, news_kind), (sci_text, sci_kind)):
        if kind in ("pronoun", "author") or text.lower().split()[0] in DEMONSTRATIVES:
            return "Anaphora"
    a, b = set(news_lemmas), set(sci_lemmas)
    if a and b and (a < b or b < a):
        return "Subset"
    return "Paraphrasing"


def checklist_proxy(dev: Sequence[PreparedTopic], systems, seed: int = 0) -> str:
    """Accuracy on balanced dev news/science gold-mention pairs, by category (a proxy for the checklist)."""
    pools: dict[tuple[str, bool], list[tuple[int, int, int]]] = {}
    for t_index, t in enumerate(dev):
        ms = t.gold.mentions
        for i, a in enumerate(ms):
            if a.doc_id != t.story.id:
                continue
            for j, b in enumerate(ms):
                if b.doc_id == t.story.id:
                    continue
                cat = category(a.text, a.kind, b.text, b.kind, a.lemmas, b.lemmas)
                same = t.gold_clusters[i] == t.gold_clusters[j]
                pools.setdefault((cat, same), []).append((t_index, i, j))
    rng = random.Random(seed)
    chosen: dict[str, list[tuple[int, int, int, bool]]] = {}
    for cat in ("Anaphora", "Paraphrasing", "Subset"):
        pos = pools.get((cat, True), [])
        neg = pools.get((cat, False), [])
        n = min(len(pos), len(neg))
        chosen[cat] = [(*p, True) for p in rng.sample(pos, n)] + [(*q, False) for q in rng.sample(neg, n)]
    labels = {name: [labeler(t.gold) for t in dev] for name, labeler in systems}
    rows = []
    for cat, items in chosen.items():
        row: list[object] = [cat, len(items)]
        for name, _ in systems:
            correct = [(labels[name][t][i] == labels[name][t][j]) == gold for t, i, j, gold in items]
            row.append(f"{np.mean(correct):.3f}" if items else "–")
        rows.append(row)
    headers = ["dev proxy category", "pairs (half coreferent)", *[n for n, _ in systems]]
    return (
        "Checklist-style accuracy on dev (gold mentions; pairs of a story mention and an abstract mention, "
        f"coreferent and not in equal numbers, seed {seed}; Anaphora: a pronoun, 'we' or a demonstrative; "
        "Subset: one mention's content lemmas a proper subset of the other's; Paraphrasing: the rest):\n\n"
        + markdown_table(headers, rows)
    )


def describe_checklist(data_dir) -> str:
    """What the official checklist holds and how much of it the available splits can score."""
    pairs = load_checklist(data_dir)
    known = {f"{d.kind}_{d.source_id}": s for s in ("train", "dev") for d in load_tokens(data_dir, s).values()}
    both = [p for p in pairs if p.news_doc in known and p.science_doc in known]
    counts = Counter((p.category, "yes" if p.coreferent else "no") for p in pairs)
    summary = ", ".join(f"{c} {label} {n}" for (c, label), n in sorted(counts.items()))
    where = ", ".join(sorted({known[p.news_doc] for p in both})) or "none"
    return (
        f"Official checklist (`checklist_conll_testset.csv`): {len(pairs)} pairs ({summary}). Its documents are "
        f"those of the held-back **test** split: only {len(both)} pairs have both documents in train/dev "
        f"(all in {where}), so checklist accuracy cannot be measured here without leakage; the table below is "
        "a dev proxy built the same way."
    )
