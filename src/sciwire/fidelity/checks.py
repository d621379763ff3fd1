"""Deterministic checks a journalist can verify by eye, for one (paper, story) sentence pair.

Each check returns :class:`Issue` objects naming the words behind them:

- ``number_mismatch``: the story gives a number the paper sentence states differently
  (40% vs 23%); ``number_not_in_paper``: a story number found nowhere in the paper (info);
- ``hedge_dropped``: the paper hedges ("may", "suggests", "cannot rule out"), the story
  states the same claim without any hedge;
- ``model_dropped``: the paper's finding is in mice, rats, cells... and the story (with the
  sentences just before it) never says so;
- ``correlation_as_cause``: the paper reports an association, the story a cause;
- ``booster_added``: the story adds "proved", "once and for all", "whopping"...

Context: ``paper_context`` / ``story_context`` are the sentences just before each sentence in
its paragraph (a story often names "the mice" once, then says "they"); ``paper_numbers``
are all quantities of the paper, so a story number taken from another paper sentence is
not reported as missing (it must match within rounding there, and a bare number such as
"5-40 Hz" never excuses a percentage).

Example:
    >>> [i.kind for i in run_checks("Late meals may be associated with poor sleep in mice.",
    ...                             "Late meals wreck your sleep.")]
    ['hedge_dropped', 'model_dropped', 'correlation_as_cause']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sciwire.fidelity.cues import CUES, hedges, strong_boosters, unnegated
from sciwire.fidelity.numbers import Quantity, comparable, equivalents, extract_quantities, same_number

ISSUE_KINDS: tuple[str, ...] = (
    "number_mismatch",
    "number_not_in_paper",
    "hedge_dropped",
    "model_dropped",
    "correlation_as_cause",
    "booster_added",
)
MODEL_SYSTEMS = re.compile(
    r"(?<![\w-])(?:mice|mouse|murine|rats?|rodents?|animals?|in vitro|cells?|cell lines?|cultured|zebrafish|"
    r"(?:fruit )?fl(?:y|ies)|drosophila|worms?|c\. elegans|yeast|monkeys?|primates?|macaques?|pigs?|piglets?|"
    r"dogs?|rabbits?|hamsters?|organoids?|petri dish(?:es)?|tissue samples?|laboratory animals)(?![\w-])",
    re.IGNORECASE,
)
HUMANS = re.compile(
    r"(?<![\w-])(?:people|humans?|patients?|participants?|adults?|children|women|men|volunteers?|"
    r"individuals?|persons?|everyone|everybody|you|your)(?![\w-])",
    re.IGNORECASE,
)
#: Hedges too weak to report as dropped ("can be", "would be").
_WEAK_HEDGES = {"can", "would"}
_LIKELY_PHRASE = re.compile(r"\b(?:more|less|as) likely\b", re.IGNORECASE)


@dataclass(frozen=True)
class Issue:
    """One finding of a check: ``direction`` is "exaggerates", "downplays" or "info"."""

    kind: str
    direction: str
    message: str
    story_cues: tuple[str, ...] = ()
    paper_cues: tuple[str, ...] = ()


def _percentish(q: Quantity) -> float:
    """The size of a relative quantity in percent (OR 0.72 -> 28, 1.33 -> 33, 23% -> 23)."""
    return q.value if q.kind == "percent" else max(equivalents(q) - {q.value}, default=q.value)


def check_numbers(
    paper: str, story: str, paper_numbers: Sequence[Quantity] | None = None, tolerance: float = 0.05
) -> list[Issue]:
    """Story numbers that differ from the paper sentence's (and, if given, from the whole paper's)."""
    in_paper = extract_quantities(paper)
    pool = list(paper_numbers) if paper_numbers is not None else None
    issues = []
    for sq in extract_quantities(story):
        relative = sq.kind in ("percent", "ratio", "fold")
        # Elsewhere in the paper only a restatement within rounding counts, and a bare number
        # does not excuse a percentage ("5-40 Hz" vs "40%"): coincidences are common there.
        if any(same_number(sq, pq, tolerance) for pq in in_paper) or (
            pool and any(same_number(sq, pq, 0.0) for pq in pool if not (relative and pq.kind == "plain"))
        ):
            continue
        rivals = [pq for pq in in_paper if comparable(sq, pq) and "plain" not in (sq.kind, pq.kind)]
        if rivals:
            size = _percentish(sq) if relative else sq.value
            closest = min(rivals, key=lambda pq: abs((_percentish(pq) if relative else pq.value) - size))
            other = _percentish(closest) if relative else closest.value
            issues.append(
                Issue(
                    "number_mismatch",
                    "exaggerates" if size > other else "downplays",
                    f"the story says {sq.text!r} where the paper says {closest.text!r}",
                    (sq.text,),
                    (closest.text,),
                )
            )
        elif pool is not None and not (sq.kind == "plain" and sq.value < 10):
            issues.append(Issue("number_not_in_paper", "info", f"{sq.text!r} appears nowhere in the paper", (sq.text,)))
    return issues


def _claims(text: str) -> bool:
    return bool(unnegated(text, "causal") or CUES["correlational"].search(text))


def check_hedges(paper: str, story: str) -> list[Issue]:
    """The paper sentence hedges its claim; the story sentence makes the claim without a hedge."""
    paper_hedges = [h for h in hedges(_LIKELY_PHRASE.sub(" ", paper)) if h.lower() not in _WEAK_HEDGES]
    if not paper_hedges or hedges(_LIKELY_PHRASE.sub(" ", story)) or not _claims(story):
        return []
    words = ", ".join(repr(h) for h in dict.fromkeys(paper_hedges))
    return [
        Issue(
            "hedge_dropped",
            "exaggerates",
            f"the paper hedges ({words}); the story states it without a hedge",
            paper_cues=tuple(paper_hedges),
        )
    ]


def check_model_system(paper: str, story: str, paper_context: str = "", story_context: str = "") -> list[Issue]:
    """The paper's finding is in an animal or cell model; the story never says so."""
    models = MODEL_SYSTEMS.findall(f"{paper_context} {paper}")
    if not models or HUMANS.search(paper) or MODEL_SYSTEMS.search(f"{story_context} {story}"):
        return []
    people = HUMANS.findall(story)
    extra = f"; it speaks of {', '.join(repr(p) for p in dict.fromkeys(people))}" if people else ""
    what = ", ".join(dict.fromkeys(m.lower() for m in models))
    return [
        Issue(
            "model_dropped",
            "exaggerates",
            f"the paper's finding is in {what}; the story does not say so{extra}",
            tuple(people),
            tuple(models),
        )
    ]


def check_causal_claim(paper: str, story: str) -> list[Issue]:
    """The paper reports an association ("associated with"); the story reports a cause ("wrecks")."""
    paper_corr = unnegated(paper, "correlational")
    story_cause = unnegated(story, "causal")
    paper_cause = unnegated(CUES["correlational"].sub(" ", paper), "causal")  # "associated with reduced risk"
    if not paper_corr or paper_cause or not story_cause or CUES["correlational"].search(story) or hedges(story):
        return []
    return [
        Issue(
            "correlation_as_cause",
            "exaggerates",
            f"the paper reports an association ({', '.join(repr(c) for c in paper_corr)}); "
            f"the story a cause ({', '.join(repr(c) for c in story_cause)})",
            tuple(story_cause),
            tuple(paper_corr),
        )
    ]


def check_boosters(paper: str, story: str) -> list[Issue]:
    """Strong boosters ("proved", "whopping") in the story that the paper sentence does not use."""
    paper_low = paper.lower()
    added = [b for b in strong_boosters(story) if b.lower() not in paper_low]
    if not added:
        return []
    return [
        Issue(
            "booster_added",
            "exaggerates",
            f"the story adds {', '.join(repr(b) for b in dict.fromkeys(added))}",
            tuple(added),
        )
    ]


def run_checks(
    paper: str,
    story: str,
    paper_context: str = "",
    story_context: str = "",
    paper_numbers: Sequence[Quantity] | None = None,
    tolerance: float = 0.05,
) -> list[Issue]:
    """Every check on one pair, in the order of :data:`ISSUE_KINDS` (numbers first)."""
    issues = [
        *check_numbers(paper, story, paper_numbers, tolerance),
        *check_hedges(paper, story),
        *check_model_system(paper, story, paper_context, story_context),
        *check_causal_claim(paper, story),
        *check_boosters(paper, story),
    ]
    return sorted(issues, key=lambda i: ISSUE_KINDS.index(i.kind))
