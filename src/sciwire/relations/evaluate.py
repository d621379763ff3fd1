"""The FewRel protocol on the shared sets, and ``sciwire evaluate relations``.

N-way K-shot episodes (5/10-way x 1/5-shot) with "none of these" queries at rate 0 (FewRel
1.0: the answer is always one of the N), 0.15 and 0.5 (FewRel 2.0): each episode draws N
relations and K support examples of each, then N queries; each query comes, with the NOTA
rate's probability, from a relation outside the N (right answer: "none of these"), else from
one of them. Accuracy over queries, mean over a fixed number of seeded episodes, with a 95%
normal interval over episodes. Every method sees the same episodes.

Every learned part (the threshold, the projection) is fitted on the *other* FewRel sets, with
the relations of the evaluated set removed (:data:`FIT_SETS`): ``val_wiki`` is evaluated with
a head fitted on ``val_semeval`` and ``val_nyt`` minus the 8 relations it shares with
``val_wiki`` (that head ships), and so on; a FewRel-shaped file of another domain (``fewrel/NAME.json``,
e.g. FewRel 2.0's ``val_pubmed``) is scored with parts fitted on all three shared sets (:func:`fit_sets`).
Methods:

- ``lexical``: TF-IDF vectors of the sentence, prototypes, a fitted threshold;
- ``sentence-mean``: MiniLM's sentence vector (mean of its last layer, no entity pooling), same;
- ``prototypes``: entity-pair features (:func:`~sciwire.relations.encoder.pair_features`: head,
  tail and sentence means of layer-4 token states), prototypes and a threshold fitted on episodes
  (``NotaHead(rank=0)``); ``prototypes-marked``: the same on the sentence with typed entity markers
  (``@ head @``, ``# tail #``); ``prototypes-absolute``: thresholds on the best cosine itself;
- ``projection``: ``prototypes`` with a low-rank residual projection trained on episodes.

All but ``prototypes-absolute`` compare the threshold with the *centred* score (best cosine minus
the mean cosine over the episode's relations, :func:`~sciwire.relations.model.nota_score`), which
moves less between domains than the best cosine does.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.config import Config
from sciwire.errors import InputError
from sciwire.relations.data import FEWREL_SETS, SciercSentence, encoded_fewrel, load_fewrel, load_scierc_relations
from sciwire.relations.encoder import PairEncoder, pair_features
from sciwire.relations.model import NotaHead, _episode, best_threshold, episode_cosines, nota_score
from sciwire.relations.supervised import (
    NONE,
    PairRelationHead,
    baseline_predict,
    candidates,
    choose_none_bias,
    pair_rows,
    relation_f1,
    type_pair_baseline,
)

logger = logging.getLogger(__name__)

#: Which sets fit the learned parts when a set is evaluated (its own relations are removed from them).
FIT_SETS: dict[str, tuple[str, ...]] = {
    "val_wiki": ("val_semeval", "val_nyt"),
    "val_semeval": ("val_wiki", "val_nyt"),
    "val_nyt": ("val_wiki", "val_semeval"),
}


def fit_sets(evaluated: str) -> tuple[str, ...]:
    """The sets that fit the learned parts when ``evaluated`` is scored: :data:`FIT_SETS`, and for any other
    FewRel-shaped file (another domain, e.g. FewRel 2.0's ``val_pubmed``) all three shared sets.

    Example:
        >>> fit_sets("val_wiki"), fit_sets("val_pubmed")
        (('val_semeval', 'val_nyt'), ('val_wiki', 'val_semeval', 'val_nyt'))
    """
    return FIT_SETS.get(evaluated, FEWREL_SETS)


#: Instances per relation encoded from each set (a fixed sample; encoding is the slow part on CPU); every
#: instance of another set.
PER_RELATION: dict[str, int] = {"val_wiki": 80, "val_semeval": 40, "val_nyt": 40}
METHODS: tuple[str, ...] = (
    "lexical",
    "sentence-mean",
    "prototypes-absolute",
    "prototypes-marked",
    "prototypes",
    "projection",
)


@dataclass(frozen=True)
class FewRelSettings:
    """What :func:`evaluate_fewrel` runs.

    Args:
        sets: FewRel sets to evaluate.
        ways, shots, nota_rates: The grid of episode settings.
        episodes: Episodes per setting (the same for every method).
        seed: Seeds the episodes and the samples of each set.
        layers, parts, style: The pair features (see :class:`PairEncoder`, :func:`pair_features`).
        rank: Rank of the ``projection`` method's residual projection.
        train_episodes: Episodes the projection is trained on.
        marked_style: Markers of the ``prototypes-marked`` method (``none``: leave it out).
    """

    sets: tuple[str, ...] = FEWREL_SETS
    ways: tuple[int, ...] = (5, 10)
    shots: tuple[int, ...] = (1, 5)
    nota_rates: tuple[float, ...] = (0.0, 0.15, 0.5)
    episodes: int = 1000
    seed: int = 0
    layers: tuple[int, ...] = (4,)
    parts: tuple[str, ...] = ("head", "tail", "mean")
    style: str = "none"
    rank: int = 16
    train_episodes: int = 300
    marked_style: str = "punct"


def sample_episodes(
    labels: np.ndarray, n_way: int, shots: int, nota_rate: float, episodes: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Seeded episodes ``(support (N, K), queries, targets)``; target ``N`` is "none of these".

    Raises:
        InputError: The labels cannot make such episodes (see :func:`why_no_episodes`).
    """
    why = why_no_episodes(labels, n_way, shots, nota_rate)
    if why:
        raise InputError(why)
    rng = np.random.default_rng(seed)
    groups = {str(c): np.flatnonzero(labels == c) for c in np.unique(labels)}
    names = sorted(groups)
    out = []
    for _ in range(episodes):
        out.append(_episode(rng, groups, names, n_way, shots, nota_rate, per_relation=1))
    return out


def why_no_episodes(labels: np.ndarray, n_way: int, shots: int, nota_rate: float) -> str | None:
    """Why ``labels`` cannot make ``n_way``-way ``shots``-shot episodes (None when they can): every episode
    needs ``n_way`` relations with ``shots`` + 1 examples each, and one more relation for "none of these".

    Example:
        >>> why_no_episodes(np.repeat(np.arange(10), 3), 10, 1, 0.15)
        '10-way episodes with "none of these" need 11 relations with at least 2 examples; there are 10'
    """
    counts = np.unique(labels, return_counts=True)[1]
    usable = int(np.sum(counts >= shots + 1))
    need = n_way + (1 if nota_rate > 0 else 0)
    if usable >= need:
        return None
    nota = ' with "none of these"' if nota_rate > 0 else ""
    return f"{n_way}-way episodes{nota} need {need} relations with at least {shots + 1} examples; there are {usable}"


def accuracy(
    Z: Any,
    episodes: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
    threshold: float | None,
    centred: bool = False,
) -> tuple[float, float]:
    """Mean accuracy over episodes and the half-width of its 95% interval (threshold None: no NOTA answer;
    ``centred``: the threshold applies to the centred score, see :func:`~sciwire.relations.model.nota_score`)."""
    per_episode = []
    for support, queries, target in episodes:
        cos = episode_cosines(Z, support, queries)
        guess = cos.argmax(axis=1)
        if threshold is not None:
            guess = np.where(nota_score(cos, centred) < threshold, support.shape[0], guess)
        per_episode.append(float(np.mean(guess == target)))
    acc = np.asarray(per_episode)
    return float(acc.mean()), float(1.96 * acc.std(ddof=1) / np.sqrt(len(acc))) if len(acc) > 1 else 0.0


def fit_thresholds(Z: Any, labels: np.ndarray, seed: int, shots: Sequence[int] = (1, 5)) -> dict[int, float]:
    """Per number of shots, the accuracy-best centred threshold on 300 5-way episodes (NOTA rate 0.3) of the
    fitting rows ``Z`` (as :class:`NotaHead` fits its own)."""
    out = {}
    for k in shots:
        episodes = sample_episodes(labels, 5, k, 0.3, 300, seed + k)
        cosines = [episode_cosines(Z, s, q) for s, q, _ in episodes]
        out[k] = best_threshold(cosines, [t for _, _, t in episodes], centred=True)
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norm > 0, norm, 1.0)


#: The layers encoded (and cached) for every FewRel set; a setting picks among them.
ENCODED_LAYERS: tuple[int, ...] = (3, 4, 5, 6)


@dataclass
class _Set:
    pooled: np.ndarray
    plain: np.ndarray
    labels: np.ndarray
    names: list[str]
    texts: list[str]


def _load(
    data_dir: Any, name: str, settings: FewRelSettings, cache_dir: Any, on_progress: Callable[[int], None] | None = None
) -> _Set:
    per = PER_RELATION.get(name)
    layers = ENCODED_LAYERS if set(settings.layers) <= set(ENCODED_LAYERS) else settings.layers
    marked = PairEncoder(layers=layers, style=settings.style)
    pooled, labels, names = encoded_fewrel(data_dir, name, marked, per, settings.seed, cache_dir, on_progress)
    plain_encoder = PairEncoder(layers=ENCODED_LAYERS, style="none")
    plain, _, _ = encoded_fewrel(data_dir, name, plain_encoder, per, settings.seed, cache_dir, on_progress)
    sets = load_fewrel(data_dir, name, per, settings.seed)
    texts = [p.text for rel in names for p in sets[rel]]
    picked = pooled[:, [layers.index(layer) for layer in settings.layers]]
    return _Set(picked, _unit(plain[:, -1, 2]), labels, names, texts)


def _fit_rows(sets: dict[str, _Set], evaluated: str, banned: set[str]) -> tuple[dict[str, Any], np.ndarray]:
    """Rows of the fitting sets of ``evaluated`` without the ``banned`` relations, with global relation labels."""
    parts: dict[str, list[np.ndarray]] = {"pooled": [], "plain": []}
    labels: list[np.ndarray] = []
    texts: list[str] = []
    used: dict[str, int] = {}
    offset = 0
    for name in fit_sets(evaluated):
        s = sets[name]
        keep_rel = [i for i, n in enumerate(s.names) if n not in banned]
        rows = np.flatnonzero(np.isin(s.labels, keep_rel))
        parts["pooled"].append(s.pooled[rows])
        parts["plain"].append(s.plain[rows])
        labels.append(s.labels[rows] + offset)
        texts.extend(s.texts[i] for i in rows)
        used[name] = len(rows)
        offset += len(s.names)
    out: dict[str, Any] = {k: np.concatenate(v) for k, v in parts.items()}
    out["texts"] = texts
    out["used"] = used
    return out, np.concatenate(labels)


def fewrel_fit_rows(
    data_dir: Any,
    evaluated: str,
    settings: FewRelSettings,
    cache_dir: Any = None,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Pair features and relation labels that fit the learned parts for ``evaluated``, and rows per set."""
    banned = set(load_fewrel(data_dir, evaluated))
    sets = {name: _load(data_dir, name, settings, cache_dir, on_progress) for name in fit_sets(evaluated)}
    fit, labels = _fit_rows(sets, evaluated, banned)
    return pair_features(fit["pooled"], settings.parts), labels, fit["used"]


def fewrel_quick_table(
    data_dir: Any, head: NotaHead, settings: FewRelSettings, cache_dir: Any = None, name: str = "val_wiki"
) -> list[dict[str, Any]]:
    """The head on ``name``: 5-way 1/5-shot at every NOTA rate of ``settings`` (for a model card)."""
    ev = _load(data_dir, name, settings, cache_dir)
    Z = head.transform(pair_features(ev.pooled, settings.parts))
    rows = []
    for shots in settings.shots:
        for rate in settings.nota_rates:
            episodes = sample_episodes(ev.labels, 5, shots, rate, settings.episodes, settings.seed)
            threshold = float(head.threshold_for(shots, centred=True)) if rate > 0 else None
            acc, ci = accuracy(Z, episodes, threshold, centred=True)
            rows.append({"n_way": 5, "k_shot": shots, "nota_rate": rate, "accuracy": round(acc, 4),
                         "ci95": round(ci, 4)})  # fmt: skip
    return rows


def evaluate_fewrel(
    data_dir: str | os.PathLike[str],
    settings: FewRelSettings | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The FewRel table: per set, setting and method, accuracy and its 95% interval.

    Returns:
        ``{"settings": ..., "fitted": {set: {method: threshold}}, "rows": [{"set", "n_way", "k_shot",
        "nota_rate", "method", "accuracy", "ci95", "episodes"}, ...], "skipped": [...]}``; a setting a set
        cannot make episodes for (too few relations, e.g. 10-way with "none of these" on 10) is left out
        with a warning and listed in ``skipped`` with why.
    """
    from dataclasses import asdict

    from sklearn.feature_extraction.text import TfidfVectorizer

    settings = settings or FewRelSettings()
    needed = sorted(set(settings.sets) | {f for s in settings.sets for f in fit_sets(s)})
    sets = {name: _load(data_dir, name, settings, cache_dir) for name in needed}
    marked: dict[str, tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]] = {}
    if settings.marked_style != "none":
        from dataclasses import replace

        other = replace(settings, style=settings.marked_style)
        m_sets = {name: _load(data_dir, name, other, cache_dir) for name in needed}
        for name in settings.sets:
            m_fit, m_labels = _fit_rows(m_sets, name, set(m_sets[name].names))
            marked[name] = (pair_features(m_sets[name].pooled, settings.parts),
                            (pair_features(m_fit["pooled"], settings.parts), m_labels))  # fmt: skip
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=1).fit([t for s in sets.values() for t in s.texts])

    def lexical(texts: list[str]) -> np.ndarray:
        return np.asarray(vectorizer.transform(texts).toarray(), dtype=np.float32)

    rows: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    fitted: dict[str, dict[str, dict[int, float]]] = {}
    for name in settings.sets:
        ev = sets[name]
        fit, fit_labels = _fit_rows(sets, name, set(ev.names))
        feats = pair_features(ev.pooled, settings.parts)
        fit_feats = pair_features(fit["pooled"], settings.parts)
        proto = NotaHead(rank=0, episodes=300, seed=settings.seed).fit(fit_feats, fit_labels)
        proj = NotaHead(rank=settings.rank, episodes=settings.train_episodes, seed=settings.seed).fit(
            fit_feats, fit_labels
        )
        lexical_fit = vectorizer.transform(list(fit["texts"])).toarray().astype(np.float32)  # dense: faster episodes
        entity = proto.transform(feats)
        spaces: dict[str, tuple[Any, dict[int, float], bool]] = {
            "lexical": (lexical(ev.texts), fit_thresholds(lexical_fit, fit_labels, settings.seed), True),
            "sentence-mean": (ev.plain, fit_thresholds(fit["plain"], fit_labels, settings.seed), True),
            "prototypes-absolute": (entity, proto.thresholds_, False),
            "prototypes": (entity, proto.centred_thresholds_, True),
            "projection": (proj.transform(feats), proj.centred_thresholds_, True),
        }
        if settings.marked_style != "none":
            m_ev, (m_x, m_y) = marked[name]
            m_head = NotaHead(rank=0, episodes=300, seed=settings.seed).fit(m_x, m_y)
            spaces["prototypes-marked"] = (m_head.transform(m_ev), m_head.centred_thresholds_, True)
        fitted[name] = {m: {k: round(v, 4) for k, v in t.items()} for m, (_, t, _) in spaces.items()}
        logger.info("%s: thresholds %s", name, fitted[name])
        for n_way in settings.ways:
            for shots in settings.shots:
                for rate in settings.nota_rates:
                    try:
                        episodes = sample_episodes(ev.labels, n_way, shots, rate, settings.episodes, settings.seed)
                    except InputError as exc:  # too few relations for this setting: say so, score the rest
                        logger.warning("%s %d-way %d-shot NOTA %s left out: %s", name, n_way, shots, rate, exc)
                        skipped.append({"set": name, "n_way": n_way, "k_shot": shots, "nota_rate": rate,
                                        "why": str(exc)})  # fmt: skip
                        continue
                    for method, (Z, thresholds, centred) in spaces.items():
                        if method == "prototypes-absolute" and rate == 0:
                            continue  # the same as prototypes without "none of these"
                        acc, ci = accuracy(Z, episodes, thresholds[shots] if rate > 0 else None, centred)
                        rows.append({"set": name, "n_way": n_way, "k_shot": shots, "nota_rate": rate,
                                     "method": method, "accuracy": round(acc, 4), "ci95": round(ci, 4),
                                     "episodes": settings.episodes})  # fmt: skip
                    if on_progress is not None:
                        on_progress(1)
    return {"settings": asdict(settings), "per_relation": PER_RELATION, "fitted": fitted, "rows": rows,
            "skipped": skipped}  # fmt: skip


def _scierc_rows(
    data_dir: Any, split: str, encoder: PairEncoder, cache_dir: Any, on_progress: Callable[[int], None] | None
) -> tuple[list[SciercSentence], list[tuple[int, int, int, str]], np.ndarray]:
    sentences = load_scierc_relations(data_dir, split)
    pairs = candidates(sentences)
    path = None
    if cache_dir is not None:
        layers = "-".join(map(str, encoder.layers))
        path = Path(cache_dir).expanduser() / "relations" / f"scierc-{split}-l{layers}-n{len(pairs)}.npy"
        if path.is_file():
            return sentences, pairs, np.load(path)
    X = pair_rows(sentences, pairs, encoder, on_progress)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, X)
    return sentences, pairs, X


def _one_label(label: str, gold: list[str], predicted: list[str]) -> dict[str, float]:
    return relation_f1([v if v == label else NONE for v in gold], [v if v == label else NONE for v in predicted])


def evaluate_scierc(
    data_dir: str | os.PathLike[str],
    config: Config,
    *,
    on_progress: Callable[[int], None] | None = None,
    keep_head: bool = False,
    C: float = 1.0,
) -> tuple[dict[str, Any], PairRelationHead | None]:
    """Train the supervised head on SciERC train (gold entities) and score it on dev beside the baseline.

    Returns:
        ``{"head": {precision, recall, f1}, "baseline": {...}, "none_bias", "train_pairs", "dev_pairs",
        "dev_relations", "train_labels"}`` and the head (when ``keep_head``).
    """
    encoder = PairEncoder(model=config.models.embedding, layers=(6,), style="none")
    cache = config.paths.cache_dir if config.runtime.embedding_cache else None
    train, train_pairs, X = _scierc_rows(data_dir, "train", encoder, cache, on_progress)
    dev, dev_pairs, X_dev = _scierc_rows(data_dir, "dev", encoder, cache, on_progress)
    y = [p[3] for p in train_pairs]
    y_dev = [p[3] for p in dev_pairs]
    docs = sorted({s.doc for s in train})
    held_docs = set(docs[4::5])
    held = np.asarray([train[p[0]].doc in held_docs for p in train_pairs])
    probe = PairRelationHead(C=C).fit(X[~held], [v for v, h in zip(y, held, strict=True) if not h])
    bias = choose_none_bias(probe, X[held], [v for v, h in zip(y, held, strict=True) if h])
    head = PairRelationHead(C=C, none_bias=bias).fit(X, y)
    predicted = list(head.predict(X_dev))
    rule = type_pair_baseline(train, train_pairs)
    result: dict[str, Any] = {
        "head": relation_f1(y_dev, predicted),
        "baseline": relation_f1(y_dev, baseline_predict(rule, dev, dev_pairs)),
        "baseline_rule": {f"{a} -> {b}": label for (a, b), label in sorted(rule.items())},
        "none_bias": round(bias, 3),
        "train_pairs": len(train_pairs),
        "dev_pairs": len(dev_pairs),
        "dev_relations": sum(v != NONE for v in y_dev),
        "train_labels": dict(Counter(y)),
        "per_label": {
            label: relation_f1(
                [v if v == label else NONE for v in y_dev], [v if v == label else NONE for v in predicted]
            )
            for label in sorted(set(y_dev) - {NONE})
        },
    }
    logger.info("SciERC dev relation F1 %.3f (baseline %.3f)", result["head"]["f1"], result["baseline"]["f1"])
    return result, head if keep_head else None
