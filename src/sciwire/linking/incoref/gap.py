"""GAP: does the pronoun refer to name A, to name B? Model, baselines, F1 by gender and the bias F/M.

Each snippet is parsed and encoded; its mentions are every noun phrase and pronoun
(:func:`~sciwire.linking.incoref.api.phrase_spans`) with A, B and the pronoun forced to their
exact spans. The model says A when the pronoun's chain holds A (its span, or the same
name elsewhere). Baselines, as in Webster et al. (2018), snippet context:

- **nearest name**: the candidate nearer to the pronoun (in characters);
- **parallelism**: when the pronoun is a subject (or object), the nearest candidate with the
  same role; else the nearest name.

F1 is over the A and B decisions (positive: coreferent), overall and for masculine and
feminine pronouns; bias = F1 feminine / F1 masculine (1.0 = parity).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sciwire.datasets.gap import GapExample
from sciwire.linking.incoref.api import phrase_spans
from sciwire.linking.incoref.bundle import CorefModel
from sciwire.linking.incoref.model import MentionRanker, Prepared
from sciwire.linking.incoref.prepare import MAX_ANTECEDENTS, DocInputs, prepare, sort_spans

SUBJECT = frozenset({"nsubj", "nsubjpass"})
OBJECT = frozenset({"dobj", "pobj", "dative"})


@dataclass(frozen=True)
class GapDoc:
    """A read GAP snippet: inputs, the mention spans, and which of them are A, B and the pronoun."""

    example: GapExample
    inputs: DocInputs
    spans: tuple[tuple[int, int], ...]
    a: int
    b: int
    pronoun: int


def _word_span(offsets: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    inside = [i for i, (s, e) in enumerate(offsets) if s < end and e > start]
    return (inside[0], inside[-1]) if inside else (0, 0)


def gap_doc(example: GapExample, inputs: DocInputs, offsets: Sequence[tuple[int, int]]) -> GapDoc:
    """The :class:`GapDoc` of one example read by :func:`~sciwire.linking.incoref.prepare.read_text`."""
    forced = [_word_span(offsets, *example.a), _word_span(offsets, *example.b), _word_span(offsets, *example.pronoun)]
    taken = {i for s, e in forced for i in range(s, e + 1)}
    spans = [sp for sp in phrase_spans(inputs.facts) if not any(i in taken for i in range(sp[0], sp[1] + 1))]
    spans = sort_spans([*spans, *forced])
    a, b, p = (spans.index(x) for x in forced)
    return GapDoc(example, inputs, tuple(spans), a, b, p)


def _same_name(g: GapDoc, i: int, j: int) -> bool:
    words = g.inputs.facts.lower
    (s1, e1), (s2, e2) = g.spans[i], g.spans[j]
    return i == j or words[s1 : e1 + 1] == words[s2 : e2 + 1]


def training_doc(g: GapDoc, max_antecedents: int) -> Prepared:
    """A partly labelled :class:`Prepared`: only the pronoun (or, for cataphora, the name after it) counts."""
    prepared, _ = prepare(g.inputs, g.spans, max_antecedents=max_antecedents)
    ants = prepared.antecedents
    gold = np.zeros((len(g.spans), ants.shape[1] + 1), dtype=bool)
    names = [x for x, ok in ((g.a, g.example.a_coref), (g.b, g.example.b_coref)) if ok]
    if not names:  # neither: anything but A, B and their names
        row = ants[g.pronoun]
        gold[g.pronoun, 1:] = (row >= 0) & np.array([r < 0 or not (_same_name(g, r, g.a) or _same_name(g, r, g.b))
                                                     for r in row])  # fmt: skip
        gold[g.pronoun, 0] = True
        return Prepared(prepared.vectors, ants, prepared.pair_feats, gold=gold)
    name = names[0]
    if name < g.pronoun:
        gold[g.pronoun, 1:] = (ants[g.pronoun] >= 0) & [r >= 0 and _same_name(g, r, name) for r in ants[g.pronoun]]
    else:
        gold[name, 1:] = ants[name] == g.pronoun
    return Prepared(prepared.vectors, ants, prepared.pair_feats, gold=gold)


def model_decisions(g: GapDoc, ranker: MentionRanker, max_antecedents: int) -> tuple[bool, bool]:
    """Whether the pronoun's chain holds A, and B."""
    prepared, _ = prepare(g.inputs, g.spans, max_antecedents=max_antecedents)
    labels = ranker.predict([prepared])[0]
    chain = [i for i in range(len(labels)) if labels[i] == labels[g.pronoun] and i != g.pronoun]
    return any(_same_name(g, i, g.a) for i in chain), any(_same_name(g, i, g.b) for i in chain)


def nearest_name(g: GapDoc) -> tuple[bool, bool]:
    """The candidate nearer to the pronoun."""
    p = g.example.pronoun[0]
    da, db = abs(g.example.a[0] - p), abs(g.example.b[0] - p)
    return da <= db, db < da


def parallelism(g: GapDoc) -> tuple[bool, bool]:
    """The candidate with the pronoun's grammatical role, else the nearer one."""
    dep = g.inputs.facts.dep
    head = g.inputs.facts.head

    def role(i: int) -> str:
        s, e = g.spans[i]
        h = next((k for k in range(s, e + 1) if not s <= int(head[k]) <= e or int(head[k]) == k), e)
        return "subj" if dep[h] in SUBJECT else "obj" if dep[h] in OBJECT else "other"

    want = role(g.pronoun)
    same = [role(g.a) == want, role(g.b) == want]
    if want != "other" and same[0] != same[1]:
        return same[0], same[1]
    return nearest_name(g)


def f1(pred: Sequence[bool], gold: Sequence[bool]) -> float:
    """F1 of the positive class."""
    p, y = np.asarray(pred, dtype=bool), np.asarray(gold, dtype=bool)
    tp = float((p & y).sum())
    return 2 * tp / (p.sum() + y.sum()) if p.sum() + y.sum() else 0.0


def score(docs: Sequence[GapDoc], decide: Callable[[GapDoc], tuple[bool, bool]]) -> dict[str, float]:
    """F1 overall, masculine, feminine, and the bias F/M of one system."""
    rows: dict[str, tuple[list[bool], list[bool]]] = {"all": ([], []), "m": ([], []), "f": ([], [])}
    for g in docs:
        a, b = decide(g)
        for key in ("all", "f" if g.example.feminine else "m"):
            rows[key][0].extend([a, b])
            rows[key][1].extend([g.example.a_coref, g.example.b_coref])
    out = {k: round(f1(*v), 4) for k, v in rows.items()}
    return {"f1": out["all"], "f1_masculine": out["m"], "f1_feminine": out["f"],
            "bias_f_m": round(out["f"] / out["m"], 3) if out["m"] else 0.0}  # fmt: skip


def _decider(ranker: MentionRanker, k: int) -> Callable[[GapDoc], tuple[bool, bool]]:
    return lambda g: model_decisions(g, ranker, k)


def evaluate_gap(docs: Sequence[GapDoc], models: dict[str, CorefModel | MentionRanker]) -> dict[str, Any]:
    """Scores of each model and of the two baselines on read GAP snippets."""
    out: dict[str, Any] = {}
    for name, m in models.items():
        ranker, k = (m.ranker, m.max_antecedents) if isinstance(m, CorefModel) else (m, MAX_ANTECEDENTS)
        out[name] = score(docs, _decider(ranker, k))
    out["nearest name"] = score(docs, nearest_name)
    out["parallelism"] = score(docs, parallelism)
    return out
