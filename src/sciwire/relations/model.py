"""The few-shot relation classifier with "none of these", and its model folder.

- :class:`NotaHead` (fitted on FewRel relations, ships: MIT): turns pair features into the
  space where prototypes are compared, and holds the "none of these" threshold. Its state is
  a cosine scale ``scale_``, a threshold ``threshold_`` and, unless ``rank=0``, a low-rank
  residual projection ``x + (x U) V`` (``U_``, ``V_``; ``V`` starts at zero, so training starts
  from plain cosine). :meth:`NotaHead.fit` trains it on N-way K-shot episodes sampled from the
  relations in ``y``, with queries from other relations that must be answered "none of these".
- :class:`FewShotRelationClassifier`: ``fit`` on a few marked examples per relation (the
  support set) makes one prototype per relation; ``predict_proba`` is the softmax over
  ``scale * (cos(query, prototype) - threshold)`` and 0 for "none of these", the last of
  ``classes_``; a relation's threshold depends on how many examples made its prototype
  (``thresholds_``, fitted for 1 and 5). A query is "none of these" exactly when no cosine
  reaches its threshold.

Example:
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> clf = FewShotRelationClassifier(NotaHead(rank=0).set_fixed(scale=10.0, threshold=0.8)).fit(X, ["a", "b"])
    >>> clf.predict(np.array([[0.9, 0.1], [0.7, 0.7]])).tolist()
    ['a', 'none of these']
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError

from sciwire.errors import InputError, ModelLoadError
from sciwire.fitting.folders import WEIGHTS, read_json, read_safetensors, resolve_model_folder
from sciwire.relations.schema import NOTA

logger = logging.getLogger(__name__)

DEFAULT_FOLDER = "relations_default"
FORMAT = "sciwire-relations-nota/1"
TENSORS = "projection.safetensors"
HINT = "retrain it with `sciwire train relations --out FOLDER` (the shipped one: src/sciwire/models/relations_default)"


def _unit(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norm > 0, norm, 1.0)


class NotaHead(BaseEstimator):
    """Projection, cosine scale and "none of these" threshold, trained on few-shot episodes.

    Args:
        rank: Rank of the residual projection (0: none; only scale and threshold are learned).
        n_way: Relations per training episode.
        shots: Shots per relation, drawn per episode from these.
        nota_rate: Share of an episode's queries drawn from relations outside it.
        episodes: Training episodes (one optimiser step each).
        lr: Adam's learning rate.
        weight_decay: L2 penalty on the projection.
        threshold_episodes: Episodes per number of shots that choose the thresholds.
        seed: Seeds the episodes and the initial projection.
    """

    U_: np.ndarray | None
    V_: np.ndarray | None

    def __init__(
        self,
        rank: int = 64,
        n_way: int = 5,
        shots: tuple[int, ...] = (1, 5),
        nota_rate: float = 0.3,
        episodes: int = 1500,
        lr: float = 2e-3,
        weight_decay: float = 1e-4,
        threshold_episodes: int = 300,
        seed: int = 0,
    ) -> None:
        self.rank = rank
        self.n_way = n_way
        self.shots = shots
        self.nota_rate = nota_rate
        self.episodes = episodes
        self.lr = lr
        self.weight_decay = weight_decay
        self.threshold_episodes = threshold_episodes
        self.seed = seed

    def set_fixed(
        self,
        scale: float,
        threshold: float,
        thresholds: dict[int, float] | None = None,
        centred: dict[int, float] | None = None,
    ) -> Self:
        """Use a hand-set scale and threshold (no projection) instead of fitting them; ``thresholds``
        per number of examples of a relation (default: ``threshold`` for any number), ``centred`` the
        thresholds of the centred score (none: the classifier uses the plain cosine)."""
        self.scale_, self.threshold_ = float(scale), float(threshold)
        self.thresholds_ = {int(k): float(v) for k, v in (thresholds or {1: threshold}).items()}
        self.centred_thresholds_ = {int(k): float(v) for k, v in (centred or {}).items()}
        self.U_ = self.V_ = None
        return self

    def threshold_for(self, shots: int | np.ndarray, centred: bool = False) -> np.ndarray:
        """The threshold of a prototype made of ``shots`` examples: interpolated in log(shots) between
        the fitted ones (:attr:`thresholds_`, or :attr:`centred_thresholds_`), constant beyond them."""
        self._check()
        table = self.centred_thresholds_ if centred else self.thresholds_
        ks = sorted(table)
        x = np.log(np.maximum(np.asarray(shots, dtype=np.float64), 1.0))
        return np.asarray(np.interp(x, np.log(ks), [table[k] for k in ks]))

    def fit(self, X: np.ndarray, y: Sequence[Any] | np.ndarray) -> Self:
        """Train on episodes drawn from the relations in ``y`` (at least ``n_way + 1`` with ``max(shots) + 1``
        rows each).

        Raises:
            InputError: Too few relations or rows per relation.
        """
        import torch

        X = np.asarray(X, dtype=np.float32)
        labels = np.asarray([str(v) for v in y])
        groups = {c: np.flatnonzero(labels == c) for c in np.unique(labels)}
        need = max(self.shots) + 1
        groups = {c: rows for c, rows in groups.items() if len(rows) >= need}
        if len(groups) < self.n_way + 1:
            raise InputError(
                f"Episodic training of {self.n_way}-way episodes with 'none of these' needs at least "
                f"{self.n_way + 1} relations with {need} examples each; got {len(groups)}"
            )
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        dim = X.shape[1]
        data = torch.from_numpy(_unit(X))
        params: dict[str, Any] = {
            "log_scale": torch.nn.Parameter(torch.tensor(np.log(10.0), dtype=torch.float32)),
            "threshold": torch.nn.Parameter(torch.tensor(0.5, dtype=torch.float32)),
        }
        if self.rank:
            params["U"] = torch.nn.Parameter(torch.randn(dim, self.rank) / np.sqrt(dim))
            params["V"] = torch.nn.Parameter(torch.zeros(self.rank, dim))
        opt = torch.optim.Adam(list(params.values()), lr=self.lr)
        names = list(groups)
        for _ in range(self.episodes):
            support, queries, target = _episode(rng, groups, names, self.n_way, int(rng.choice(self.shots)),
                                                self.nota_rate)  # fmt: skip
            rows = torch.from_numpy(np.concatenate([support.ravel(), queries]))
            proj = _torch_project(data[rows], params)
            n_support = support.size
            protos = torch.nn.functional.normalize(proj[:n_support].reshape(*support.shape, -1).mean(dim=1), dim=-1)
            cos = proj[n_support:] @ protos.T
            scale = params["log_scale"].exp()
            logits = torch.cat([scale * cos, (scale * params["threshold"]).expand(len(queries), 1)], dim=1)
            loss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(target))
            if self.rank:
                loss = loss + self.weight_decay * (params["U"].pow(2).sum() + params["V"].pow(2).sum())
            opt.zero_grad()
            loss.backward()
            opt.step()
        self.scale_ = float(params["log_scale"].detach().exp())
        self.threshold_ = float(params["threshold"].detach())
        self.U_ = params["U"].detach().numpy().copy() if self.rank else None
        self.V_ = params["V"].detach().numpy().copy() if self.rank else None
        self.n_features_in_ = dim
        # per number of shots, the threshold that answers most queries right on fresh episodes
        Z = self.transform(X)
        self.thresholds_, self.centred_thresholds_ = {}, {}
        for k in sorted(set(self.shots)):
            found = [
                _episode(rng, groups, names, self.n_way, k, self.nota_rate) for _ in range(self.threshold_episodes)
            ]
            cosines = [episode_cosines(Z, support, queries) for support, queries, _ in found]
            targets = [target for _, _, target in found]
            self.thresholds_[int(k)] = best_threshold(cosines, targets)
            self.centred_thresholds_[int(k)] = best_threshold(cosines, targets, centred=True)
        self.threshold_ = self.thresholds_[min(self.thresholds_)]
        logger.info("NOTA head: scale %.2f, thresholds %s, rank %d", self.scale_, self.thresholds_, self.rank)
        return self

    def _check(self) -> None:
        if not hasattr(self, "threshold_"):
            raise NotFittedError("This NotaHead is not fitted yet; call fit(X, y) or load a model folder first")

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Rows in the comparison space, L2-normalised."""
        self._check()
        x = _unit(np.asarray(X, dtype=np.float32))
        if self.U_ is not None and self.V_ is not None:
            x = x + (x @ self.U_) @ self.V_
        return _unit(x)


def _torch_project(data: Any, params: dict[str, Any]) -> Any:
    import torch

    if "U" in params:
        data = data + (data @ params["U"]) @ params["V"]
    return torch.nn.functional.normalize(data, dim=-1)


def _episode(
    rng: np.random.Generator,
    groups: dict[str, np.ndarray],
    names: list[str],
    n_way: int,
    shots: int,
    nota: float,
    per_relation: int = 2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Support rows ``(n_way, shots)``, ``per_relation`` queries per relation (each replaced, with
    probability ``nota``, by one from a relation outside the episode) and targets (``n_way`` = "none of these")."""
    chosen = rng.choice(len(names), size=n_way, replace=False)
    others = np.setdiff1d(np.arange(len(names)), chosen)
    support = np.zeros((n_way, shots), dtype=np.int64)
    queries, target = [], []
    for j, c in enumerate(chosen):
        rows = rng.permutation(groups[names[c]])[: shots + per_relation]
        support[j] = rows[:shots]
        for q in rows[shots:]:
            if rng.random() < nota:
                other = groups[names[int(rng.choice(others))]]
                queries.append(int(other[rng.integers(len(other))]))
                target.append(n_way)
            else:
                queries.append(int(q))
                target.append(j)
    return support, np.asarray(queries, dtype=np.int64), np.asarray(target, dtype=np.int64)


def episode_cosines(Z: np.ndarray | Any, support: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Cosines ``(queries, relations)`` of one episode: prototypes are the unit means of the support rows.

    ``Z`` holds unit rows (a dense array, or a scipy sparse matrix such as TF-IDF vectors).
    """
    n_way, shots = support.shape
    if hasattr(Z, "toarray"):  # sparse rows: prototypes densified, one per relation
        protos = np.vstack([np.asarray(Z[support[j]].mean(axis=0)) for j in range(n_way)])
        return np.asarray(Z[queries] @ _unit(protos).T)
    protos = _unit(Z[support.ravel()].reshape(n_way, shots, -1).mean(axis=1))
    return np.asarray(Z[queries] @ protos.T)


def nota_score(cos: np.ndarray, centred: bool = False) -> np.ndarray:
    """What the threshold is compared with, per query: the best cosine, or (``centred``) the best minus the
    mean cosine over the episode's relations, which moves less between domains."""
    best = cos.max(axis=1)
    return np.asarray(best - cos.mean(axis=1) if centred else best)


def best_threshold(cosines: Sequence[np.ndarray], targets: Sequence[np.ndarray], centred: bool = False) -> float:
    """The threshold of :func:`nota_score` that answers most queries right (below it: "none of these",
    target = relations).

    Example:
        >>> cos = [np.array([[0.9, 0.1], [0.3, 0.2]])]
        >>> round(best_threshold(cos, [np.array([0, 2])]), 2)
        0.6
    """
    best = np.concatenate([nota_score(c, centred) for c in cosines])
    arg = np.concatenate([c.argmax(axis=1) for c in cosines])
    n_way = np.concatenate([np.full(len(c), c.shape[1]) for c in cosines])
    target = np.concatenate(list(targets))
    candidates = np.unique(np.concatenate([[best.min() - 1e-3, best.max() + 1e-3], best]))
    mids = (candidates[:-1] + candidates[1:]) / 2
    grid = np.concatenate([[candidates[0]], mids]) if len(mids) else candidates
    if len(grid) > 400:
        grid = np.quantile(best, np.linspace(0, 1, 401))
    right = [np.mean(np.where(best < t, n_way, arg) == target) for t in grid]
    return float(grid[int(np.argmax(right))])


class FewShotRelationClassifier(ClassifierMixin, BaseEstimator):
    """Prototypes of a few examples per relation, and "none of these" below the head's threshold.

    Args:
        head: A fitted :class:`NotaHead`.
        nota: Allow the answer "none of these" (False: always the nearest prototype; FewRel 1.0).
        centred: Compare the centred score (:func:`nota_score`) with the head's centred thresholds;
            None: when the head has them and there are at least 3 relations.

    Attributes:
        classes_: The relation names in first-seen order, then :data:`~sciwire.relations.schema.NOTA`.
        prototypes_: One unit row per relation.
    """

    def __init__(self, head: NotaHead, nota: bool = True, centred: bool | None = None) -> None:
        self.head = head
        self.nota = nota
        self.centred = centred

    def fit(self, X: np.ndarray, y: Sequence[Any] | np.ndarray) -> Self:
        """One prototype per relation: the mean of its examples in the head's space."""
        names = list(dict.fromkeys(str(v) for v in y))
        if not names:
            raise InputError("A few-shot relation classifier needs at least one example; got none")
        Z = self.head.transform(X)
        labels = np.asarray([str(v) for v in y])
        self.prototypes_ = _unit(np.stack([Z[labels == n].mean(axis=0) for n in names]))
        self.shots_ = np.asarray([int((labels == n).sum()) for n in names])
        self.classes_ = np.asarray([*names, NOTA])
        return self

    def similarities(self, X: np.ndarray) -> np.ndarray:
        """Cosine of each row to each prototype, ``(n, relations)``."""
        if not hasattr(self, "prototypes_"):
            raise NotFittedError("This FewShotRelationClassifier is not fitted yet; call fit with the examples")
        return np.asarray(self.head.transform(X) @ self.prototypes_.T)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Softmax over ``scale * (cosine - threshold)`` per relation (its threshold by its number of examples)
        and 0 for "none of these"; rows sum to 1 in ``classes_`` order."""
        cos = self.similarities(X)
        centred = self.centred
        if centred is None:
            centred = bool(getattr(self.head, "centred_thresholds_", None)) and len(self.shots_) >= 3
        if centred:
            cos = cos - cos.mean(axis=1, keepdims=True)
        cos = cos - self.head.threshold_for(self.shots_, centred)
        nota = np.full((len(cos), 1), 0.0 if self.nota else -np.inf)
        logits = self.head.scale_ * np.hstack([cos, nota])
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return np.asarray(p / p.sum(axis=1, keepdims=True))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The most probable class of every row (``"none of these"`` when no cosine reaches the threshold)."""
        proba = self.predict_proba(X)
        return np.asarray(self.classes_[proba.argmax(axis=1)])


def save_head(head: NotaHead, folder: str | os.PathLike[str], features: dict[str, Any]) -> Path:
    """Write ``weights.json`` (format, scale, threshold, the encoder settings ``features``) and, with a
    projection, ``projection.safetensors`` (its sha256 in ``weights.json``) into ``folder``."""
    from safetensors.numpy import save

    head._check()
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    weights: dict[str, Any] = {"format": FORMAT, "scale": round(head.scale_, 6),
                               "threshold": round(head.threshold_, 6), "features": features,
                               "thresholds": {str(k): round(v, 6) for k, v in head.thresholds_.items()},
                               "centred_thresholds": {str(k): round(v, 6) for k, v in head.centred_thresholds_.items()},
                               "params": head.get_params()}  # fmt: skip
    if head.U_ is not None and head.V_ is not None:
        blob = save({"U": head.U_.astype(np.float32), "V": head.V_.astype(np.float32)})
        (out / TENSORS).write_bytes(blob)
        weights["projection_sha256"] = hashlib.sha256(blob).hexdigest()
    (out / WEIGHTS).write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    return out


def load_head(spec: str | os.PathLike[str] = "default") -> tuple[NotaHead, dict[str, Any]]:
    """The head and its encoder settings (``layers``, ``parts``, ``style``, ``model``) from a model folder.

    Raises:
        ModelLoadError: One line naming the folder, the bad file and the retrain command.
    """
    path = resolve_model_folder(spec, DEFAULT_FOLDER, hint=HINT)
    data = read_json(path, WEIGHTS, keys=("format", "scale", "threshold", "features"), hint=HINT)
    if data["format"] != FORMAT:
        raise ModelLoadError(f"Cannot load the model in {path}: {WEIGHTS} is a {data['format']!r} file, "
                             f"expected {FORMAT}; {HINT}")  # fmt: skip
    params = {k: v for k, v in dict(data.get("params", {})).items() if k in NotaHead().get_params()}
    if "shots" in params:
        params["shots"] = tuple(params["shots"])
    try:
        thresholds = {int(k): float(v) for k, v in dict(data.get("thresholds", {})).items()} or None
        centred = {int(k): float(v) for k, v in dict(data.get("centred_thresholds", {})).items()} or None
    except (TypeError, ValueError) as exc:
        raise ModelLoadError(f"Cannot load the model in {path}: {WEIGHTS} has bad thresholds ({exc}); {HINT}") from exc
    head = NotaHead(**params).set_fixed(float(data["scale"]), float(data["threshold"]), thresholds, centred)
    if "projection_sha256" in data:
        arrays = read_safetensors(path, TENSORS, keys=("U", "V"), sha256=data["projection_sha256"], hint=HINT)
        head.U_, head.V_ = arrays["U"], arrays["V"]
    features = dict(data["features"])
    features["folder"] = str(path)
    return head, features
