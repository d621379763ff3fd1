"""``sciwire evaluate entities``: typed and untyped span P/R/F1 on SciERC dev and SemEval-2017 dev.

Spans match exactly (same start and end characters). On SciERC, in the same run:

- ``trained``: a :class:`~sciwire.terms.model.SpanTyper` folder from ``sciwire train entities --method typer``
  (when given): noun-chunk candidates, typed, kept when ``P(none)`` is below the threshold the
  training chose;
- ``tagger``: a :class:`~sciwire.terms.tagger.TermTagger` folder from ``sciwire train entities``
  (the default method; when given instead): spans from its word tags, no candidates;
- ``zero_shot``: the shipped default on every noun-chunk candidate, types mapped to SciERC's
  (method->Method, task->Task, material->Material, measure->Metric, other->OtherScientificTerm);
- ``noun_chunks_majority``: every noun-chunk candidate, typed with the most frequent SciERC type.

``gold_span_typing`` is the accuracy of a typer given the gold spans (typing alone). On
SemEval-2017 the zero-shot default types every noun-chunk candidate, choosing among method /
task / material only (the data set annotates Process, Task and Material; no ``other``).
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from sciwire.analysis import Encoder
from sciwire.config import Config
from sciwire.errors import InputError
from sciwire.terms.api import parse, span_rows, type_candidates
from sciwire.terms.candidates import Candidate, noun_chunk_candidates
from sciwire.terms.data import TermDoc, load_scierc, load_semeval2017
from sciwire.terms.model import SpanTyper, ZeroShotTyper, load_span_typer, load_zero_shot
from sciwire.terms.tagger import TermTagger, is_tagger_folder, load_tagger

logger = logging.getLogger(__name__)

#: Zero-shot term types -> SciERC types.
TO_SCIERC = {"method": "Method", "task": "Task", "material": "Material", "measure": "Metric",
             "other": "OtherScientificTerm"}  # fmt: skip


def prf(gold: Sequence[set[tuple]], pred: Sequence[set[tuple]]) -> dict[str, float]:
    """Micro precision, recall and F1 of exact matches over documents."""
    tp = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
    n_pred, n_gold = sum(map(len, pred)), sum(map(len, gold))
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def scores(docs: Sequence[TermDoc], predicted: Sequence[Sequence[tuple[int, int, str]]]) -> dict[str, Any]:
    """Typed (span and type) and untyped (span only) P/R/F1."""
    gold_typed = [set(d.gold) for d in docs]
    pred_typed = [set(p) for p in predicted]
    return {
        "typed": prf(gold_typed, pred_typed),
        "detection": prf(
            [{(a, b) for a, b, _ in g} for g in gold_typed], [{(a, b) for a, b, _ in p} for p in pred_typed]
        ),
    }


def _zero_shot_spans(
    typer: ZeroShotTyper,
    embedder: Encoder,
    docs: Sequence[TermDoc],
    candidates: Sequence[Sequence[Candidate]],
    types: Sequence[str] | None = None,
) -> list[list[tuple[int, int, str]]]:
    flat = [
        (d.text[c.start : c.end], d.text[c.sent_start : c.sent_end])
        for d, cs in zip(docs, candidates, strict=True)
        for c in cs
    ]
    labels, _ = typer.predict(embedder, [f[0] for f in flat], [f[1] for f in flat], types)
    out, i = [], 0
    for cs in candidates:
        out.append([(c.start, c.end, labels[i + k]) for k, c in enumerate(cs)])
        i += len(cs)
    return out


def _gold_candidates(docs: Sequence[TermDoc], parsed: Sequence[Any]) -> list[list[Candidate]]:
    out = []
    for doc, p in zip(docs, parsed, strict=True):
        row = []
        for a, b, _ in doc.gold:
            span = p.char_span(a, b, alignment_mode="expand")
            sent = span.sent if span is not None and len(span) else p[:]
            row.append(Candidate(a, b, sent.start_char, sent.end_char))
        out.append(row)
    return out


def _accuracy(docs: Sequence[TermDoc], predicted: Sequence[Sequence[tuple[int, int, str]]]) -> float:
    pairs = [(g[2], p[2]) for d, ps in zip(docs, predicted, strict=True) for g, p in zip(d.gold, ps, strict=True)]
    return round(sum(g == p for g, p in pairs) / len(pairs), 4) if pairs else 0.0


def _typer_on_gold(
    typer: SpanTyper, embedder: Encoder, docs: Sequence[TermDoc], gold_cands: Sequence[Sequence[Candidate]]
) -> float:
    spans = [[(c.start, c.end, c.sent_start, c.sent_end) for c in cs] for cs in gold_cands]
    X = span_rows(embedder, [d.text for d in docs], spans)
    proba = typer.predict_proba(X)
    keep = [i for i, c in enumerate(typer.classes_) if c != "none"]
    labels = typer.classes_[keep][proba[:, keep].argmax(axis=1)]
    gold = [g[2] for d in docs for g in d.gold]
    return round(float(sum(a == b for a, b in zip(gold, labels, strict=True)) / len(gold)), 4) if gold else 0.0


def evaluate_scierc(
    docs: Sequence[TermDoc],
    nlp: Any,
    embedder: Encoder,
    *,
    typer: SpanTyper | None = None,
    tagger: TermTagger | None = None,
    zero_shot: ZeroShotTyper | None = None,
    train_majority: str = "OtherScientificTerm",
) -> dict[str, Any]:
    """The systems of the module docstring on SciERC-shaped ``docs`` (``tagger``: a
    :class:`~sciwire.terms.tagger.TermTagger`, scored as ``results["tagger"]``)."""
    parsed = parse(nlp, [d.text for d in docs])
    candidates = [noun_chunk_candidates(p) for p in parsed]
    gold_cands = _gold_candidates(docs, parsed)
    results: dict[str, Any] = {"documents": len(docs), "gold_spans": sum(len(d.gold) for d in docs)}
    results["candidate_recall"] = scores(docs, [[(c.start, c.end, "") for c in cs] for cs in candidates])["detection"][
        "r"
    ]
    if typer is not None:
        results["trained"] = scores(docs, type_candidates(typer, embedder, [d.text for d in docs], candidates))
        results["trained"]["gold_span_typing"] = _typer_on_gold(typer, embedder, docs, gold_cands)
    if tagger is not None:
        results["tagger"] = scores(docs, tagger.predict([d.text for d in docs]))
    zero_shot = zero_shot or load_zero_shot()
    mapped = [
        [(a, b, TO_SCIERC[t]) for a, b, t in row] for row in _zero_shot_spans(zero_shot, embedder, docs, candidates)
    ]
    results["zero_shot"] = scores(docs, mapped)
    on_gold = [
        [(a, b, TO_SCIERC[t]) for a, b, t in row] for row in _zero_shot_spans(zero_shot, embedder, docs, gold_cands)
    ]
    results["zero_shot"]["gold_span_typing"] = _accuracy(docs, on_gold)
    results["noun_chunks_majority"] = scores(
        docs, [[(c.start, c.end, train_majority) for c in cs] for cs in candidates]
    )
    results["noun_chunks_majority"]["gold_span_typing"] = _accuracy(
        docs, [[(a, b, train_majority) for a, b, _ in d.gold] for d in docs]
    )
    results["majority_type"] = train_majority
    return results


def evaluate_semeval(
    docs: Sequence[TermDoc],
    nlp: Any,
    embedder: Encoder,
    zero_shot: ZeroShotTyper | None = None,
    majority: str | None = None,
) -> dict[str, Any]:
    """The zero-shot default on SemEval-2017 (method / task / material), and the majority baseline
    (``majority``: the most frequent type of the train split; default: of ``docs``)."""
    zero_shot = zero_shot or load_zero_shot()
    parsed = parse(nlp, [d.text for d in docs])
    candidates = [noun_chunk_candidates(p) for p in parsed]
    keep = ("method", "task", "material")
    predicted = _zero_shot_spans(zero_shot, embedder, docs, candidates, keep)
    majority = majority or Counter(g[2] for d in docs for g in d.gold).most_common(1)[0][0]
    gold_cands = _gold_candidates(docs, parsed)
    on_gold = _zero_shot_spans(zero_shot, embedder, docs, gold_cands, keep)
    return {
        "documents": len(docs),
        "gold_spans": sum(len(d.gold) for d in docs),
        "zero_shot": {**scores(docs, predicted), "gold_span_typing": _accuracy(docs, on_gold)},
        "noun_chunks_majority": {
            **scores(docs, [[(c.start, c.end, majority) for c in cs] for cs in candidates]),
            "gold_span_typing": _accuracy(docs, [[(a, b, majority) for a, b, _ in d.gold] for d in docs]),
        },
        "majority_type": majority,
    }


def evaluate_entities(
    data_dir: str | os.PathLike[str],
    config: Config,
    *,
    model: str | os.PathLike[str] | None = None,
    split: str = "dev",
    semeval: bool = True,
    embedder: Encoder | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """SciERC ``split`` (the trained tagger or typer in ``model`` when given, zero-shot default, noun-chunk baseline)
    and, with ``semeval``, SemEval-2017 dev (zero-shot default).

    The majority type of the baseline is counted on SciERC train when it is there, else on ``split``.

    Raises:
        InputError: The data files are missing.
        ModelLoadError: ``model`` is not a folder written by ``sciwire train entities``.
    """
    from sciwire.backends.embeddings import Embedder
    from sciwire.backends.spacy_parser import load_spacy_parser

    tagger = load_tagger(model) if model and is_tagger_folder(model) else None
    typer = load_span_typer(model) if model and tagger is None else None
    nlp = load_spacy_parser(config.models.spacy)
    encoder = embedder or Embedder.from_config(config)
    docs = load_scierc(data_dir, split)
    try:
        train = load_scierc(data_dir, "train") if split != "train" else docs
    except InputError:  # no train split: the majority type of the evaluated split
        train = docs
    majority = Counter(g[2] for d in train for g in d.gold).most_common(1)[0][0]
    out: dict[str, Any] = {
        "scierc": evaluate_scierc(docs, nlp, encoder, typer=typer, tagger=tagger, train_majority=majority)
    }
    if on_progress is not None:
        on_progress(1)
    if semeval:
        try:
            semeval_train, semeval_dev = load_semeval2017(data_dir, "train"), load_semeval2017(data_dir, "dev")
        except InputError as exc:  # a folder with SciERC only (e.g. its test split): score SciERC, say what is missing
            logger.warning("SemEval-2017 left out: %s", exc)
            out["semeval2017_skipped"] = str(exc)
        else:
            train_types = Counter(g[2] for d in semeval_train for g in d.gold)
            out["semeval2017"] = evaluate_semeval(semeval_dev, nlp, encoder, majority=train_types.most_common(1)[0][0])
    if on_progress is not None and semeval:
        on_progress(1)
    fitted = tagger or typer
    if fitted is not None:
        out["model"] = str(fitted.folder_)
    return out
