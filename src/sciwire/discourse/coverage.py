"""Which roles of the paper a news story reported: the coverage map.

Reads the paper's ``discourse`` layer and the story's ``alignment`` layer (its
``paper_sentences``); a paper sentence counts once per story however often it is reported.
Limitations are found with the lexical cue :data:`~sciwire.discourse.cues.LIMITATION`
(CoreSC has no "limitation" concept).

Example:
    >>> Coverage({"Res": 6, "Con": 3, "Met": 0}, {"Res": 40, "Con": 9, "Met": 30}, 9, 2, 0).text(
    ...     {"Res": "Result", "Con": "Conclusion", "Met": "Method"})
    'Result 6, Conclusion 3, Method 0, limitations ignored'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sciwire.analysis import ALIGNMENT, DISCOURSE
from sciwire.discourse.cues import mentions_limitation
from sciwire.document import Document


@dataclass(frozen=True)
class Coverage:
    """Paper sentences of each role that a story reported, next to how many the paper has."""

    reported: dict[str, int]
    in_paper: dict[str, int]
    sentences_reported: int
    limitations_in_paper: int
    limitations_reported: int

    def text(self, names: Mapping[str, str] | None = None) -> str:
        """ "Result 6, Conclusion 3, Method 0, limitations ignored"."""
        names = names or {}
        order = sorted(self.in_paper, key=lambda r: (-self.reported.get(r, 0), -self.in_paper[r]))
        parts = [f"{names.get(r, r)} {self.reported.get(r, 0)}" for r in order]
        if self.limitations_in_paper == 0:
            parts.append("no limitations stated in the paper")
        elif self.limitations_reported == 0:
            parts.append("limitations ignored")
        else:
            parts.append(f"limitations reported ({self.limitations_reported} of {self.limitations_in_paper})")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reported": self.reported,
            "in_paper": self.in_paper,
            "sentences_reported": self.sentences_reported,
            "limitations_in_paper": self.limitations_in_paper,
            "limitations_reported": self.limitations_reported,
        }


def sentence_roles(paper: Document, layer: str = DISCOURSE) -> dict[int, str]:
    """Paper sentence index -> role label, from a discourse layer."""
    return {int(span.attrs["sentence"]): span.label for span in paper.layer(layer) if "sentence" in span.attrs}


def story_coverage(paper: Document, story: Document) -> Coverage:
    """The coverage map of one story (see the module docstring)."""
    roles = sentence_roles(paper)
    reported = sorted({int(i) for span in story.layer(ALIGNMENT) for i in span.attrs.get("paper_sentences", [])})
    counts = Counter(roles[i] for i in reported if i in roles)
    in_paper = Counter(roles.values())
    limitation = {i for i in roles if mentions_limitation(paper.span_text(paper.sentences[i]))}
    return Coverage(
        reported={r: counts.get(r, 0) for r in in_paper},
        in_paper=dict(in_paper),
        sentences_reported=len(reported),
        limitations_in_paper=len(limitation),
        limitations_reported=len(limitation.intersection(reported)),
    )
