"""LitBank coreference (Bamman et al., LREC 2020): 80 novel excerpts in CoNLL-2012 style.

``litbank/conll/*.conll``: one token per line (``doc, part, token-in-sentence, token, ...,
coref``), sentences separated by blank lines; the last column holds the bracketed cluster
ids (``(3``, ``3)``, ``(3)``, several joined by ``|``). Singletons are annotated (every
PER/FAC/LOC/GPE/ORG/VEH mention is a mention). Licence CC-BY 4.0: models fitted on it may ship.

Example:
    >>> doc = parse_conll_text("d", "#begin document (d); part 0\\nd\\t0\\t0\\tAnn\\t_\\t(0)\\n"
    ...                        "d\\t0\\t1\\tslept\\t_\\t_\\n\\nd\\t0\\t0\\tShe\\t_\\t(0)\\n#end document\\n")
    >>> doc.words, doc.sentence_starts, doc.clusters
    (('Ann', 'slept', 'She'), (0, 2), ((('Ann', 0, 0), ('She', 2, 2)),))
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sciwire.datasets.base import data_path
from sciwire.errors import InputError


@dataclass(frozen=True)
class CorefDocument:
    """One document as words with gold coreference clusters.

    Attributes:
        doc_id: The document id.
        words: The tokens of the whole document.
        sentence_starts: The index of each sentence's first word.
        mentions: Every gold mention ``(start, end)``, word indices, end inclusive, in text order.
        cluster_of: The cluster index of each mention in :attr:`mentions`.
    """

    doc_id: str
    words: tuple[str, ...]
    sentence_starts: tuple[int, ...]
    mentions: tuple[tuple[int, int], ...] = ()
    cluster_of: tuple[int, ...] = ()

    @property
    def clusters(self) -> tuple[tuple[tuple[str, int, int], ...], ...]:
        """The clusters as ``(text, start, end)`` mentions (for reading, not scoring)."""
        groups: dict[int, list[tuple[str, int, int]]] = {}
        for (s, e), c in zip(self.mentions, self.cluster_of, strict=True):
            groups.setdefault(c, []).append((" ".join(self.words[s : e + 1]), s, e))
        return tuple(tuple(g) for g in groups.values())


def parse_conll_text(doc_id: str, text: str) -> CorefDocument:
    """Parse one CoNLL-2012 document (the text of a LitBank ``.conll`` file).

    Raises:
        InputError: A closing bracket without its opening one.
    """
    words: list[str] = []
    starts: list[int] = []
    open_at: dict[str, list[int]] = {}
    found: list[tuple[int, int, str]] = []
    new_sentence = True
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 4 or not line.strip():
            new_sentence = True
            continue
        if new_sentence:
            starts.append(len(words))
            new_sentence = False
        i = len(words)
        words.append(cols[3])
        tag = cols[-1].strip() or cols[-2].strip()
        for part in tag.split("|") if tag not in ("", "_", "-") else ():
            cid = part.strip("()")
            if part.startswith("("):
                open_at.setdefault(cid, []).append(i)
            if part.endswith(")"):
                if not open_at.get(cid):
                    raise InputError(
                        f"{doc_id}: cluster {cid} closes at word {i} but never opened; is this CoNLL-2012?"
                    )
                found.append((open_at[cid].pop(), i, cid))
    found.sort(key=lambda m: (m[0], -m[1]))
    index: dict[str, int] = {}
    cluster_of = tuple(index.setdefault(cid, len(index)) for _, _, cid in found)
    return CorefDocument(doc_id, tuple(words), tuple(starts), tuple((s, e) for s, e, _ in found), cluster_of)


def load_litbank(data_dir: str | os.PathLike[str]) -> list[CorefDocument]:
    """Every LitBank document under ``data_dir/litbank/conll``, sorted by id.

    Raises:
        InputError: The folder is missing or holds no ``.conll`` file.
    """
    folder = data_path(data_dir, "litbank", "conll")
    files = sorted(Path(folder).glob("*.conll"))
    if not files:
        raise InputError(f"No .conll files in {folder}; expected LitBank's CoNLL-2012 coreference files")
    return [parse_conll_text(f.stem, f.read_text(encoding="utf-8")) for f in files]
