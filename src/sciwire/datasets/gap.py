"""GAP (Webster et al., TACL 2018): gendered pronoun ↔ name coreference in Wikipedia snippets.

``gap/gap-{development,validation}.tsv``: ``ID, Text, Pronoun, Pronoun-offset, A, A-offset,
A-coref, B, B-offset, B-coref, URL`` (character offsets into ``Text``). The snippet-context
setting is used: the URL is never read. Licence Apache-2.0: models fitted on it may ship.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass

from sciwire.datasets.base import data_path
from sciwire.errors import InputError

#: GAP's files (gap-{split}.tsv); the shared data has development and validation, test is held back.
GAP_SPLITS = ("development", "validation", "test")
FEMININE = frozenset({"she", "her", "hers", "herself"})


@dataclass(frozen=True)
class GapExample:
    """One GAP row: a pronoun and two candidate names with character offsets into ``text``."""

    id: str
    text: str
    pronoun: tuple[int, int]
    a: tuple[int, int]
    b: tuple[int, int]
    a_coref: bool
    b_coref: bool

    @property
    def feminine(self) -> bool:
        """Whether the pronoun is feminine (GAP is balanced between she/her and he/him/his)."""
        return self.text[self.pronoun[0] : self.pronoun[1]].lower() in FEMININE


def load_gap(data_dir: str | os.PathLike[str], split: str) -> list[GapExample]:
    """The rows of ``gap-{split}.tsv``.

    Raises:
        InputError: An unknown split, a missing file, or a row whose offsets do not point at its strings.
    """
    if split not in GAP_SPLITS:
        raise InputError(f"GAP split must be one of {', '.join(GAP_SPLITS)}; got {split!r}")
    path = data_path(data_dir, "gap", f"gap-{split}.tsv")
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            text = row["Text"]
            spans = []
            for key in ("Pronoun", "A", "B"):
                start = int(row[f"{key}-offset"])
                end = start + len(row[key])
                if text[start:end] != row[key]:
                    raise InputError(f"GAP row {row['ID']}: {key} {row[key]!r} is not at offset {start}")
                spans.append((start, end))
            out.append(GapExample(row["ID"], text, spans[0], spans[1], spans[2],
                                  row["A-coref"].upper() == "TRUE", row["B-coref"].upper() == "TRUE"))  # fmt: skip
    return out
