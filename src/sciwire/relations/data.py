"""Relation data sets: FewRel 1.0/2.0 validation sets (MIT) and SciERC's relations (research use).

FewRel (``{relation: [{"tokens", "h": [name, id, [[token, ...]]], "t": ...}, ...]}``) becomes
:class:`~sciwire.relations.encoder.Pair` objects per relation: the tokens joined by single
spaces, head and tail as the character span of their first mention. SciERC
(``{"sentences", "ner", "relations": [[[h1, h2, t1, t2, label], ...], ...]}`` per line, token
indices document-level and inclusive) becomes one :class:`SciercSentence` per sentence with
its gold entities and directed relations.

Both are read from a path (``paths.data_dir``); nothing of them ships. A model fitted on
FewRel may ship (MIT); one fitted on SciERC may not (docs/relations.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sciwire.datasets.base import data_path
from sciwire.errors import InputError
from sciwire.relations.encoder import Pair, PairEncoder

#: FewRel's sets in the shared data folder.
FEWREL_SETS: tuple[str, ...] = ("val_wiki", "val_semeval", "val_nyt")


def char_span(tokens: list[str], indices: list[int]) -> tuple[int, int]:
    """The character span of the tokens ``min(indices)..max(indices)`` in ``" ".join(tokens)``."""
    starts = np.cumsum([0] + [len(t) + 1 for t in tokens])
    first, last = min(indices), max(indices)
    return int(starts[first]), int(starts[last] + len(tokens[last]))


def fewrel_pair(item: dict) -> Pair:
    """One FewRel instance as a :class:`Pair` (first mention of head and tail).

    Example:
        >>> item = {"tokens": ["Ann", "married", "Bob", "."], "h": ["ann", "Q1", [[0]]], "t": ["bob", "Q2", [[2]]]}
        >>> fewrel_pair(item)
        Pair(text='Ann married Bob .', head=(0, 3), tail=(12, 15))
    """
    tokens = [str(t) for t in item["tokens"]]
    return Pair(" ".join(tokens), char_span(tokens, item["h"][2][0]), char_span(tokens, item["t"][2][0]))


def load_fewrel(
    data_dir: str | os.PathLike[str], name: str, per_relation: int | None = None, seed: int = 0
) -> dict[str, list[Pair]]:
    """``{relation id: pairs}`` of one FewRel set, optionally a fixed random ``per_relation`` of each.

    Args:
        data_dir: The research data folder (holding ``fewrel/``) or the ``fewrel`` folder itself.
        name: ``val_wiki``, ``val_semeval``, ``val_nyt`` (or another file name without ``.json``).
        per_relation: Keep at most this many instances per relation (a fixed sample: ``seed``).
        seed: Seed of that sample.

    Raises:
        InputError: The file is missing or not FewRel-shaped.
    """
    folder = Path(data_dir).expanduser()
    direct = folder / f"{name}.json"
    path = direct if direct.is_file() else data_path(folder, "fewrel", f"{name}.json")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        out = {str(rel): [fewrel_pair(item) for item in items] for rel, items in raw.items()}
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise InputError(f"{path}: expected FewRel JSON {{relation: [{{tokens, h, t}}, ...]}} ({exc})") from exc
    if per_relation is not None:
        rng = np.random.default_rng(seed)
        out = {
            rel: [pairs[i] for i in sorted(rng.permutation(len(pairs))[:per_relation])] for rel, pairs in out.items()
        }
    return out


@dataclass(frozen=True)
class SciercSentence:
    """A SciERC sentence: its tokens, gold entities ``(first, last, type)`` (sentence-level, inclusive)
    and directed relations ``(head index, tail index, label)`` into ``entities``."""

    doc: str
    tokens: tuple[str, ...]
    entities: tuple[tuple[int, int, str], ...]
    relations: tuple[tuple[int, int, str], ...]

    def pair(self, h: int, t: int) -> Pair:
        """The sentence with entity ``h`` as head and ``t`` as tail."""
        span = char_span(list(self.tokens), [self.entities[h][0], self.entities[h][1]])
        other = char_span(list(self.tokens), [self.entities[t][0], self.entities[t][1]])
        return Pair(" ".join(self.tokens), span, other)


def load_scierc_relations(data_dir: str | os.PathLike[str], split: str) -> list[SciercSentence]:
    """SciERC's ``split`` (``train``/``dev``) as sentences with gold entities and relations.

    Raises:
        InputError: The file is missing or a line is not SciERC-shaped.
    """
    folder = Path(data_dir).expanduser()
    direct = folder / f"{split}.json"
    path = direct if direct.is_file() else data_path(folder, "scierc", f"{split}.json")
    out: list[SciercSentence] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out.extend(_sentences(str(row.get("doc_key", number)), row))
            except (ValueError, KeyError, TypeError, IndexError) as exc:
                raise InputError(
                    f"{path}, line {number}: expected SciERC JSON with 'sentences', 'ner', 'relations' ({exc})"
                ) from exc
    return out


def _sentences(key: str, row: dict) -> list[SciercSentence]:
    out = []
    offset = 0
    for tokens, ner, rels in zip(row["sentences"], row["ner"], row["relations"], strict=True):
        ents = [(int(a) - offset, int(b) - offset, str(label)) for a, b, label in ner]
        index = {(a, b): i for i, (a, b, _) in enumerate(ents)}
        found = []
        for h1, h2, t1, t2, label in rels:
            h, t = index.get((h1 - offset, h2 - offset)), index.get((t1 - offset, t2 - offset))
            if h is not None and t is not None:
                found.append((h, t, str(label)))
        out.append(SciercSentence(key, tuple(tokens), tuple(ents), tuple(found)))
        offset += len(tokens)
    return out


def encoded_fewrel(
    data_dir: str | os.PathLike[str],
    name: str,
    encoder: PairEncoder,
    per_relation: int | None = None,
    seed: int = 0,
    cache_dir: str | os.PathLike[str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Pooled states ``(n, layers, 4, dim)``, relation index per row and relation names of one FewRel set.

    With ``cache_dir`` the pooled states are kept in ``cache_dir/relations/`` (keyed by set,
    sample, marker style, layers and model), so a second evaluation does not encode again.
    """
    sets = load_fewrel(data_dir, name, per_relation, seed)
    names = sorted(sets)
    labels = np.array([i for i, rel in enumerate(names) for _ in sets[rel]], dtype=np.int64)
    path = None
    if cache_dir is not None:
        model = "".join(c if c.isalnum() else "-" for c in encoder.model)[-40:]
        layers = "-".join(map(str, encoder.layers))
        key = f"{name}-{per_relation or 'all'}-s{seed}-{encoder.style}-l{layers}-{model}.npz"
        path = Path(cache_dir).expanduser() / "relations" / key
        if path.is_file():
            with np.load(path) as cached:
                if len(cached["labels"]) == len(labels):
                    return cached["pooled"].astype(np.float32), labels, names
    pooled = encoder.encode([p for rel in names for p in sets[rel]], on_progress)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, pooled=pooled.astype(np.float16), labels=labels)
    return pooled, labels, names
