"""The two label sets: Core Scientific Concepts (paper sentences) and abstract rhetorical roles.

CoreSC (Liakata et al., 2010/2012) gives every sentence of a paper the scientific concept it
expresses; CSAbstruct (Cohan et al., 2019) gives every abstract sentence its rhetorical role.
Names, one-line meanings and report colours live here so the report, the CLI and the docs
agree.

Example:
    >>> CORESC.name("Res"), CORESC.color("Res")
    ('Result', '#f4c27a')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelSet:
    """An ordered set of labels with display names, meanings and colours."""

    task: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    meanings: tuple[str, ...]
    colors: tuple[str, ...]

    def name(self, code: str) -> str:
        """The display name of ``code`` (the code itself when unknown)."""
        return self.names[self.codes.index(code)] if code in self.codes else code

    def color(self, code: str) -> str:
        """A light background colour for ``code`` (grey when unknown)."""
        return self.colors[self.codes.index(code)] if code in self.codes else "#e0e0e0"

    def meaning(self, code: str) -> str:
        """What ``code`` means, in one line."""
        return self.meanings[self.codes.index(code)] if code in self.codes else ""


CORESC = LabelSet(
    task="coresc",
    codes=("Bac", "Con", "Exp", "Goa", "Hyp", "Met", "Mod", "Mot", "Obj", "Obs", "Res"),
    names=(
        "Background",
        "Conclusion",
        "Experiment",
        "Goal",
        "Hypothesis",
        "Method",
        "Model",
        "Motivation",
        "Object",
        "Observation",
        "Result",
    ),
    meanings=(
        "generally accepted knowledge and previous work",
        "what the results mean: interpretation, implications, claims",
        "an experimental procedure that was carried out",
        "the target state the work aims for",
        "a statement still to be tested",
        "the means (procedure, technique) to reach the goal",
        "a model or framework, statement about its structure",
        "why the work was done: a need, a gap, a problem",
        "the object or entity studied (substance, system, data set)",
        "what was seen, data reported without interpretation",
        "a factual finding of the work",
    ),
    colors=(
        "#dfe6f0",
        "#c9e7c3",
        "#f3d9f0",
        "#fff2a8",
        "#ffd6c2",
        "#d7ccf4",
        "#cde9f5",
        "#ffe0a3",
        "#e9e2d0",
        "#f7e1c4",
        "#f4c27a",
    ),
)

ABSTRACT = LabelSet(
    task="abstract",
    codes=("background", "objective", "method", "result", "other"),
    names=("Background", "Objective", "Method", "Result", "Other"),
    meanings=(
        "context and prior work",
        "what the paper sets out to do",
        "how it was done",
        "what was found",
        "anything else (e.g. availability of code)",
    ),
    colors=("#dfe6f0", "#fff2a8", "#d7ccf4", "#f4c27a", "#e0e0e0"),
)

LABEL_SETS: dict[str, LabelSet] = {CORESC.task: CORESC, ABSTRACT.task: ABSTRACT}
